/**
 * The case (application) state machine (pure). See docs/domain.md "Cases and their states".
 *
 *   draft ──submit──▶ submitted ──review──▶ in_review ◀──info_request / resume──▶ info_requested
 *   in_review ──decision──▶ accepted (internal programme) | referred (external) | declined (reason)
 *   submitted | in_review | info_requested ──withdraw──▶ withdrawn
 *   accepted | referred | declined ──reopen (reason)──▶ in_review
 *
 * Legal moves, by kind (`from` → `to`: who):
 * - submit       draft → submitted: founder (the owner; ownership is checked by the caller).
 * - withdraw     submitted | in_review | info_requested → withdrawn: founder; also `system`
 *                (e.g. open cases closed on behalf of a founder who erases their account).
 *                Not staff: a case staff do not want to pursue is declined, with a reason.
 * - review       submitted → in_review: staff (advisor, programme_manager, admin).
 * - info_request submitted | in_review → info_requested: staff; needs a message. Asking from
 *                `submitted` is allowed: often the first thing an advisor does.
 * - resume       info_requested → in_review: the founder (by posting a message — the messages
 *                endpoint calls this with actor 'founder'; founders have no transitions
 *                endpoint) or staff (e.g. the answer came by phone). Resuming restarts the
 *                decision clock (see service-level.ts, decisionDueAfterPause).
 * - decision     in_review → accepted | referred | declined: staff. NOT from `submitted`: the
 *                contract says a decision is only taken from `in_review`; a submitted case is
 *                first taken into review, and that move is its first response.
 *                NOT from `info_requested`: the founder may be editing the application at that
 *                moment (PATCH is open while info_requested) and the question is pending; staff
 *                first move it back to in_review (one explicit, timestamped step that also
 *                closes the decision-clock pause cleanly), then decide.
 * - reopen       accepted | referred | declined → in_review: programme_manager or admin only,
 *                with a reason. Advisors cannot reopen.
 * Everything else is refused. `withdrawn` is final; nothing ever goes back to `draft`.
 *
 * Errors, checked in this order (the first failing check wins):
 * 1. 400 `unknown_status`   `to` is not a status at all (defensive, for unvalidated input);
 * 2. 422 `illegal_transition` when the target is `draft` (no one, ever);
 * 3. 403 `role_forbidden`    the actor's role may never make this kind of move, from any
 *                            state (an advisor reopening, a founder deciding, staff submitting
 *                            or withdrawing, the system reviewing...);
 * 4. 422 `illegal_transition` the kind of move is the actor's, but not from this state
 *                            (including same-state "moves" such as in_review → in_review);
 * 5. 400 a required input is missing or wrong: `programme_required`,
 *        `programme_kind_mismatch`, `reason_required`, `message_required`.
 * Inputs that a move does not need (a programme on a decline, a reason on a review) are
 * ignored here. Blank strings (only whitespace) count as missing.
 */
import { INSIDE_ROLES, STAFF_ROLES, type StaffRole } from './roles';

export const CASE_STATUSES = [
  'draft',
  'submitted',
  'in_review',
  'info_requested',
  'accepted',
  'referred',
  'declined',
  'withdrawn',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const ACTORS = [...INSIDE_ROLES, 'system'] as const;
export type Actor = (typeof ACTORS)[number];

export { STAFF_ROLES, type StaffRole };

export type ProgrammeKind = 'internal' | 'external';

export const TRANSITION_KINDS = [
  'submit',
  'withdraw',
  'review',
  'info_request',
  'resume',
  'decision',
  'reopen',
] as const;
export type TransitionKind = (typeof TRANSITION_KINDS)[number];

/** Submitted and not yet closed: these count in an advisor's load and carry service levels. */
export const OPEN_STATUSES = ['submitted', 'in_review', 'info_requested'] as const satisfies readonly CaseStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

export const DECIDED_STATUSES = ['accepted', 'referred', 'declined'] as const satisfies readonly CaseStatus[];
export type DecidedStatus = (typeof DECIDED_STATUSES)[number];

/** The decisions that place the case in a programme, and the kind of programme each needs. */
export const DECISION_PROGRAMME_KIND = { accepted: 'internal', referred: 'external' } as const satisfies Partial<Record<DecidedStatus, ProgrammeKind>>;

/** Whether a move to `status` names the programme the case goes to (accepted or referred). */
export function placesInProgramme(status: CaseStatus): status is keyof typeof DECISION_PROGRAMME_KIND {
  return Object.hasOwn(DECISION_PROGRAMME_KIND, status);
}

/** Decided or withdrawn. */
export const CLOSED_STATUSES = [...DECIDED_STATUSES, 'withdrawn'] as const satisfies readonly CaseStatus[];

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === 'string' && (CASE_STATUSES as readonly string[]).includes(value);
}

export function isActor(value: unknown): value is Actor {
  return typeof value === 'string' && (ACTORS as readonly string[]).includes(value);
}

export function isStaff(actor: Actor | string): actor is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(actor);
}

export function isOpen(status: CaseStatus): status is OpenStatus {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

export function isDecided(status: CaseStatus): status is DecidedStatus {
  return (DECIDED_STATUSES as readonly string[]).includes(status);
}

/** The founder may edit the application in these statuses (and only these). */
export const EDITABLE_STATUSES = ['draft', 'info_requested'] as const satisfies readonly CaseStatus[];

export function isEditable(status: CaseStatus): boolean {
  return (EDITABLE_STATUSES as readonly string[]).includes(status);
}

/** Only open cases are given to someone: an assignee's load is their open cases. */
export function isAssignable(status: CaseStatus): boolean {
  return isOpen(status);
}

/**
 * Terminal = decided or withdrawn: the founder and advisors can no longer move it. `withdrawn`
 * is final; a decision can still be reopened by a programme manager or an admin.
 */
export function isTerminal(status: CaseStatus): boolean {
  return isDecided(status) || status === 'withdrawn';
}

/** Who may ever perform each kind of move (whatever the state). */
export const KIND_ACTORS: Readonly<Record<TransitionKind, readonly Actor[]>> = {
  submit: ['founder'],
  withdraw: ['founder', 'system'],
  review: STAFF_ROLES,
  info_request: STAFF_ROLES,
  resume: ['founder', ...STAFF_ROLES],
  decision: STAFF_ROLES,
  reopen: ['programme_manager', 'admin'],
};

/** From which states each kind of move is legal. */
export const KIND_FROM: Readonly<Record<TransitionKind, readonly CaseStatus[]>> = {
  submit: ['draft'],
  withdraw: OPEN_STATUSES,
  review: ['submitted'],
  info_request: ['submitted', 'in_review'],
  resume: ['info_requested'],
  decision: ['in_review'],
  reopen: DECIDED_STATUSES,
};

/**
 * The kind of a move, from its target (and, for `in_review`, its origin); null when no one may
 * ever make it (target `draft`). The kind is what roles are checked against.
 */
export function transitionKind(from: CaseStatus, to: CaseStatus): TransitionKind | null {
  switch (to) {
    case 'draft':
      return null;
    case 'submitted':
      return 'submit';
    case 'withdrawn':
      return 'withdraw';
    case 'info_requested':
      return 'info_request';
    case 'accepted':
    case 'referred':
    case 'declined':
      return 'decision';
    case 'in_review':
      if (isDecided(from)) return 'reopen';
      if (from === 'info_requested') return 'resume';
      return 'review';
  }
}

export interface TransitionInput {
  from: CaseStatus;
  to: CaseStatus;
  actor: Actor;
  /** The kind of the programme named in the request (null/undefined when none or unknown). */
  programmeKind?: ProgrammeKind | null;
  reason?: string | null;
  message?: string | null;
}

export type TransitionCheck =
  | { ok: true; kind: TransitionKind }
  | { ok: false; status: 403 | 422 | 400; code: TransitionErrorCode; message: string };

export type TransitionErrorCode =
  | 'unknown_status'
  | 'role_forbidden'
  | 'illegal_transition'
  | 'programme_required'
  | 'programme_kind_mismatch'
  | 'reason_required'
  | 'message_required';

function blank(value: string | null | undefined): boolean {
  return typeof value !== 'string' || value.trim() === '';
}

function fail(status: 403 | 422 | 400, code: TransitionErrorCode, message: string): TransitionCheck {
  return { ok: false, status, code, message };
}

const KIND_VERBS: Readonly<Record<TransitionKind, string>> = {
  submit: 'submit',
  withdraw: 'withdraw',
  review: 'start reviewing',
  info_request: 'request information on',
  resume: 'resume',
  decision: 'decide on',
  reopen: 'reopen',
};

const illegal = (from: CaseStatus, to: CaseStatus): TransitionCheck =>
  fail(422, 'illegal_transition', `A case cannot move from ${from} to ${to}`);

/** Whether `actor` may move a case from `from` to `to` with these inputs. See the file header. */
export function checkTransition(input: TransitionInput): TransitionCheck {
  const { from, to, actor } = input;
  if (!isCaseStatus(to)) return fail(400, 'unknown_status', `Unknown status: ${String(to)}`);

  const kind = transitionKind(from, to);
  if (kind === null) return illegal(from, to);

  if (!isActor(actor) || !KIND_ACTORS[kind].includes(actor)) {
    return fail(403, 'role_forbidden', `The ${String(actor)} role may not ${KIND_VERBS[kind]} a case`);
  }

  if (!isCaseStatus(from) || !KIND_FROM[kind].includes(from)) return illegal(from, to);

  switch (to) {
    case 'accepted':
    case 'referred': {
      const expected: ProgrammeKind = DECISION_PROGRAMME_KIND[to];
      if (input.programmeKind === null || input.programmeKind === undefined) {
        return fail(400, 'programme_required', `${to} needs ${expected === 'internal' ? 'an internal' : 'an external'} programme`);
      }
      if (input.programmeKind !== expected) {
        return fail(
          400,
          'programme_kind_mismatch',
          `${to} needs ${expected === 'internal' ? 'an internal' : 'an external'} programme, not an ${input.programmeKind} one`,
        );
      }
      break;
    }
    case 'declined':
      if (blank(input.reason)) return fail(400, 'reason_required', 'declined needs a reason');
      break;
    case 'info_requested':
      if (blank(input.message)) return fail(400, 'message_required', 'info_requested needs a message to the founder');
      break;
    default:
      break;
  }
  if (kind === 'reopen' && blank(input.reason)) return fail(400, 'reason_required', 'Reopening a decided case needs a reason');

  return { ok: true, kind };
}

/**
 * The targets `actor` may move a case to from `from` (ignoring inputs such as programme or
 * reason), in CASE_STATUSES order — e.g. for the actions a client offers.
 */
export function allowedTransitions(from: CaseStatus, actor: Actor): { to: CaseStatus; kind: TransitionKind }[] {
  const result: { to: CaseStatus; kind: TransitionKind }[] = [];
  for (const to of CASE_STATUSES) {
    const kind = transitionKind(from, to);
    if (kind !== null && KIND_ACTORS[kind].includes(actor) && KIND_FROM[kind].includes(from)) {
      result.push({ to, kind });
    }
  }
  return result;
}

/**
 * The kind of a move about to be written, checked once more where the row is written: its
 * `from` → `to` is a move of the machine, in a state it leaves from, by an actor allowed to make
 * it. The caller has already checked the request (programme, reason, message) with
 * checkTransition; a move that fails here is a bug in the caller, not a user's mistake, and
 * throws (nothing is written, the transaction rolls back).
 */
export function assertLegalMove(from: CaseStatus, to: CaseStatus, actor: string): TransitionKind {
  const kind = transitionKind(from, to);
  if (kind === null || !KIND_FROM[kind].includes(from) || !isActor(actor) || !KIND_ACTORS[kind].includes(actor)) {
    throw new Error(`illegal case move ${from} → ${to} by ${actor}`);
  }
  return kind;
}

/**
 * Whether an action is the case's first response for the service level: a staff transition out
 * of `submitted` (`by` 'move', a legal one), or a staff message in the thread of a submitted
 * case, whatever its status (`by` 'message'). The caller counts only the first occurrence (the
 * case has no first response yet).
 */
export function countsAsFirstResponse(from: CaseStatus, actor: Actor | string, by: 'move' | 'message' = 'move'): boolean {
  if (!isStaff(actor)) return false;
  return by === 'message' ? from !== 'draft' : from === 'submitted';
}
