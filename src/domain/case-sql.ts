import { CLOSED_STATUSES, OPEN_STATUSES, type CaseStatus } from './case-state-machine';

/**
 * SQL predicates derived from the state machine's and the service levels' constants, so that a
 * status list is written once (in TypeScript) and the SQL cannot drift from it. Pure: builds
 * text only. The values are the machine's own constants, never user input; each is checked to
 * be a bare status name before it is quoted.
 */

/** The statuses in which the first-response clock runs (until a first response is recorded). */
export const FIRST_RESPONSE_CLOCK_STATUSES = ['submitted'] as const satisfies readonly CaseStatus[];
/** The statuses in which the decision clock runs (it is paused in `info_requested`). */
export const DECISION_CLOCK_STATUSES = ['submitted', 'in_review'] as const satisfies readonly CaseStatus[];

/** TypeScript twin of firstResponseRunningSql: the first-response clock is running. */
export function firstResponseRunning(status: CaseStatus, firstRespondedAt: Date | null): boolean {
  return (FIRST_RESPONSE_CLOCK_STATUSES as readonly CaseStatus[]).includes(status) && firstRespondedAt === null;
}

/** TypeScript twin of decisionRunningSql: the decision clock is running. */
export function decisionRunning(status: CaseStatus): boolean {
  return (DECISION_CLOCK_STATUSES as readonly CaseStatus[]).includes(status);
}

function literal(status: CaseStatus): string {
  if (!/^[a-z_]+$/.test(status)) throw new Error(`not a status: ${status}`);
  return `'${status}'`;
}

/** `column = 'x'` for one status, `column IN ('x', 'y')` for several. */
export function statusIn(column: string, statuses: readonly CaseStatus[]): string {
  if (statuses.length === 0) throw new Error('statusIn needs at least one status');
  return statuses.length === 1 ? `${column} = ${literal(statuses[0])}` : `${column} IN (${statuses.map(literal).join(', ')})`;
}

/** The case is open (submitted, in review or waiting on the founder): `isOpen()`. */
export const openSql = (alias = 'a'): string => statusIn(`${alias}.status`, OPEN_STATUSES);
/** The case is closed (decided or withdrawn). */
export const closedSql = (alias = 'a'): string => statusIn(`${alias}.status`, CLOSED_STATUSES);
/** The first-response clock is running: no first response yet, in a status where it runs. */
export const firstResponseRunningSql = (alias = 'a'): string => `${statusIn(`${alias}.status`, FIRST_RESPONSE_CLOCK_STATUSES)} AND ${alias}.first_responded_at IS NULL`;
/** The decision clock is running (not paused, not decided). */
export const decisionRunningSql = (alias = 'a'): string => statusIn(`${alias}.status`, DECISION_CLOCK_STATUSES);

/**
 * The one status in which a case may hold a seat in a cohort of its programme: accepted into it
 * (a case that leaves it gives its seats back). The enrolment checks it in TypeScript, the
 * candidates' list in SQL (`enrollableSql`).
 */
export const ENROLLABLE_STATUS = 'accepted' as const satisfies CaseStatus;
/** The case is accepted into its programme: it may be enrolled in one of its cohorts. */
export const enrollableSql = (alias = 'a'): string => statusIn(`${alias}.status`, [ENROLLABLE_STATUS]);

/**
 * The statuses in which the founder may edit the application and add or delete its documents
 * (a draft, or a case waiting on their answer).
 */
export const FOUNDER_EDITABLE_STATUSES = ['draft', 'info_requested'] as const satisfies readonly CaseStatus[];

/** The statuses in which the decision clock is paused: the case waits on the founder's answer. */
export const DECISION_PAUSED_STATUSES = ['info_requested'] as const satisfies readonly CaseStatus[];
/** The decision clock is paused (the case waits on the founder). */
export const decisionPausedSql = (alias = 'a'): string => statusIn(`${alias}.status`, DECISION_PAUSED_STATUSES);
/** The case was withdrawn (closed without a decision). */
export const withdrawnSql = (alias = 'a'): string => statusIn(`${alias}.status`, ['withdrawn']);
/** The decisions that send the case to a programme: accepted (internal) or referred (external); a decline names none. */
export const PROGRAMME_DECISION_STATUSES = ['accepted', 'referred'] as const satisfies readonly CaseStatus[];
