import {
  ACTORS,
  allowedTransitions,
  assertLegalMove,
  CASE_STATUSES,
  checkTransition,
  CLOSED_STATUSES,
  countsAsFirstResponse,
  isAssignable,
  isEditable,
  placesInProgramme,
  DECIDED_STATUSES,
  isCaseStatus,
  isDecided,
  isOpen,
  isStaff,
  isTerminal,
  OPEN_STATUSES,
  transitionKind,
  type Actor,
  type CaseStatus,
  type TransitionInput,
  type TransitionKind,
} from './case-state-machine';

/**
 * The expected outcome of EVERY (from × to × actor), written out by hand.
 * Rows: from; columns: to, in this order:
 *   draft  submitted  in_review  info_requested  accepted  referred  declined  withdrawn
 * Cells: S submit, W withdraw, R review, I info_request, U resume, D decision, O reopen
 *        (legal, with valid inputs), X = 403 role_forbidden, - = 422 illegal_transition.
 */
const EXPECTED: Record<Actor, string> = {
  founder: `
    draft           -  S  X  X  X  X  X  -
    submitted       -  -  X  X  X  X  X  W
    in_review       -  -  X  X  X  X  X  W
    info_requested  -  -  U  X  X  X  X  W
    accepted        -  -  X  X  X  X  X  -
    referred        -  -  X  X  X  X  X  -
    declined        -  -  X  X  X  X  X  -
    withdrawn       -  -  X  X  X  X  X  -
  `,
  advisor: `
    draft           -  X  -  -  -  -  -  X
    submitted       -  X  R  I  -  -  -  X
    in_review       -  X  -  I  D  D  D  X
    info_requested  -  X  U  -  -  -  -  X
    accepted        -  X  X  -  -  -  -  X
    referred        -  X  X  -  -  -  -  X
    declined        -  X  X  -  -  -  -  X
    withdrawn       -  X  -  -  -  -  -  X
  `,
  programme_manager: `
    draft           -  X  -  -  -  -  -  X
    submitted       -  X  R  I  -  -  -  X
    in_review       -  X  -  I  D  D  D  X
    info_requested  -  X  U  -  -  -  -  X
    accepted        -  X  O  -  -  -  -  X
    referred        -  X  O  -  -  -  -  X
    declined        -  X  O  -  -  -  -  X
    withdrawn       -  X  -  -  -  -  -  X
  `,
  admin: `
    draft           -  X  -  -  -  -  -  X
    submitted       -  X  R  I  -  -  -  X
    in_review       -  X  -  I  D  D  D  X
    info_requested  -  X  U  -  -  -  -  X
    accepted        -  X  O  -  -  -  -  X
    referred        -  X  O  -  -  -  -  X
    declined        -  X  O  -  -  -  -  X
    withdrawn       -  X  -  -  -  -  -  X
  `,
  system: `
    draft           -  X  X  X  X  X  X  -
    submitted       -  X  X  X  X  X  X  W
    in_review       -  X  X  X  X  X  X  W
    info_requested  -  X  X  X  X  X  X  W
    accepted        -  X  X  X  X  X  X  -
    referred        -  X  X  X  X  X  X  -
    declined        -  X  X  X  X  X  X  -
    withdrawn       -  X  X  X  X  X  X  -
  `,
};

const CELL_KIND: Record<string, TransitionKind> = {
  S: 'submit',
  W: 'withdraw',
  R: 'review',
  I: 'info_request',
  U: 'resume',
  D: 'decision',
  O: 'reopen',
};

type Expected = { ok: true; kind: TransitionKind } | { ok: false; status: 403 | 422; code: string };

function parseGrid(actor: Actor): Map<string, Expected> {
  const rows = EXPECTED[actor]
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  expect(rows.map((r) => r[0])).toEqual([...CASE_STATUSES]);
  const table = new Map<string, Expected>();
  for (const [from, ...cells] of rows) {
    expect(cells).toHaveLength(CASE_STATUSES.length);
    cells.forEach((cell, index) => {
      const to = CASE_STATUSES[index];
      const expected: Expected =
        cell === 'X'
          ? { ok: false, status: 403, code: 'role_forbidden' }
          : cell === '-'
            ? { ok: false, status: 422, code: 'illegal_transition' }
            : { ok: true, kind: CELL_KIND[cell] };
      if (expected.ok) expect(CELL_KIND[cell]).toBeDefined();
      table.set(`${from}→${to}`, expected);
    });
  }
  return table;
}

/** Inputs that satisfy every requirement of the target. */
function validInputs(from: CaseStatus, to: CaseStatus, actor: Actor): TransitionInput {
  return {
    from,
    to,
    actor,
    programmeKind: to === 'referred' ? 'external' : 'internal',
    reason: 'A reason',
    message: 'A message',
  };
}

function pick(result: ReturnType<typeof checkTransition>): Expected {
  return result.ok ? { ok: true, kind: result.kind } : { ok: false, status: result.status as 403 | 422, code: result.code };
}

describe('status sets', () => {
  it('has the eight statuses and five actors', () => {
    expect(CASE_STATUSES).toEqual([
      'draft',
      'submitted',
      'in_review',
      'info_requested',
      'accepted',
      'referred',
      'declined',
      'withdrawn',
    ]);
    expect(ACTORS).toEqual(['founder', 'advisor', 'programme_manager', 'admin', 'system']);
  });

  it('partitions statuses into draft, open and closed', () => {
    expect(OPEN_STATUSES).toEqual(['submitted', 'in_review', 'info_requested']);
    expect(DECIDED_STATUSES).toEqual(['accepted', 'referred', 'declined']);
    expect(CLOSED_STATUSES).toEqual(['accepted', 'referred', 'declined', 'withdrawn']);
    expect(['draft', ...OPEN_STATUSES, ...CLOSED_STATUSES].sort()).toEqual([...CASE_STATUSES].sort());
  });

  it.each(CASE_STATUSES.map((s) => [s]))('%s: open / decided / terminal', (status) => {
    expect(isOpen(status)).toBe(['submitted', 'in_review', 'info_requested'].includes(status));
    expect(isDecided(status)).toBe(['accepted', 'referred', 'declined'].includes(status));
    expect(isTerminal(status)).toBe(['accepted', 'referred', 'declined', 'withdrawn'].includes(status));
  });

  it('guards', () => {
    expect(isCaseStatus('in_review')).toBe(true);
    expect(isCaseStatus('closed')).toBe(false);
    expect(isCaseStatus(3)).toBe(false);
    expect(isStaff('advisor')).toBe(true);
    expect(isStaff('programme_manager')).toBe(true);
    expect(isStaff('admin')).toBe(true);
    expect(isStaff('founder')).toBe(false);
    expect(isStaff('system')).toBe(false);
  });
});

describe('checkTransition: the full from × to × actor matrix', () => {
  for (const actor of ACTORS) {
    describe(actor, () => {
      const table = parseGrid(actor);
      const combos = CASE_STATUSES.flatMap((from) => CASE_STATUSES.map((to) => [from, to] as const));
      it.each(combos)(`%s → %s`, (from, to) => {
        expect(pick(checkTransition(validInputs(from, to, actor)))).toEqual(table.get(`${from}→${to}`));
      });
    });
  }

  it('covers 8 × 8 × 5 combinations with exactly these legal moves', () => {
    const legal: string[] = [];
    for (const actor of ACTORS) {
      for (const from of CASE_STATUSES) {
        for (const to of CASE_STATUSES) {
          const result = checkTransition(validInputs(from, to, actor));
          if (result.ok) legal.push(`${actor}: ${from}→${to} (${result.kind})`);
        }
      }
    }
    const staffMoves = (actor: string): string[] => [
      `${actor}: submitted→in_review (review)`,
      `${actor}: submitted→info_requested (info_request)`,
      `${actor}: in_review→info_requested (info_request)`,
      `${actor}: in_review→accepted (decision)`,
      `${actor}: in_review→referred (decision)`,
      `${actor}: in_review→declined (decision)`,
      `${actor}: info_requested→in_review (resume)`,
    ];
    const reopens = (actor: string): string[] => [
      `${actor}: accepted→in_review (reopen)`,
      `${actor}: referred→in_review (reopen)`,
      `${actor}: declined→in_review (reopen)`,
    ];
    expect(legal.sort()).toEqual(
      [
        'founder: draft→submitted (submit)',
        'founder: submitted→withdrawn (withdraw)',
        'founder: in_review→withdrawn (withdraw)',
        'founder: info_requested→in_review (resume)',
        'founder: info_requested→withdrawn (withdraw)',
        ...staffMoves('advisor'),
        ...staffMoves('programme_manager'),
        ...reopens('programme_manager'),
        ...staffMoves('admin'),
        ...reopens('admin'),
        'system: submitted→withdrawn (withdraw)',
        'system: in_review→withdrawn (withdraw)',
        'system: info_requested→withdrawn (withdraw)',
      ].sort(),
    );
  });

  it('agrees with allowedTransitions', () => {
    for (const actor of ACTORS) {
      for (const from of CASE_STATUSES) {
        const viaCheck = CASE_STATUSES.flatMap((to) => {
          const result = checkTransition(validInputs(from, to, actor));
          return result.ok ? [{ to, kind: result.kind }] : [];
        });
        expect(allowedTransitions(from, actor)).toEqual(viaCheck);
      }
    }
  });

  it('never allows a same-state move or a move back to draft', () => {
    for (const actor of ACTORS) {
      for (const status of CASE_STATUSES) {
        expect(checkTransition(validInputs(status, status, actor)).ok).toBe(false);
        expect(checkTransition(validInputs(status, 'draft', actor))).toMatchObject({ ok: false, status: 422 });
      }
    }
  });
});

describe('checkTransition: required inputs (400)', () => {
  const staff: Actor[] = ['advisor', 'programme_manager', 'admin'];

  it.each(staff.map((a) => [a]))('%s: accepted needs an internal programme', (actor) => {
    for (const from of ['in_review'] as const) {
      expect(checkTransition({ from, to: 'accepted', actor })).toMatchObject({
        ok: false,
        status: 400,
        code: 'programme_required',
      });
      expect(checkTransition({ from, to: 'accepted', actor, programmeKind: null })).toMatchObject({
        status: 400,
        code: 'programme_required',
      });
      expect(checkTransition({ from, to: 'accepted', actor, programmeKind: 'external' })).toMatchObject({
        status: 400,
        code: 'programme_kind_mismatch',
      });
      expect(checkTransition({ from, to: 'accepted', actor, programmeKind: 'internal' })).toEqual({
        ok: true,
        kind: 'decision',
      });
    }
  });

  it.each(staff.map((a) => [a]))('%s: referred needs an external programme', (actor) => {
    expect(checkTransition({ from: 'in_review', to: 'referred', actor })).toMatchObject({
      status: 400,
      code: 'programme_required',
    });
    expect(checkTransition({ from: 'in_review', to: 'referred', actor, programmeKind: 'internal' })).toMatchObject({
      status: 400,
      code: 'programme_kind_mismatch',
    });
    expect(checkTransition({ from: 'in_review', to: 'referred', actor, programmeKind: 'external' })).toEqual({
      ok: true,
      kind: 'decision',
    });
  });

  it.each(staff.map((a) => [a]))('%s: declined needs a non-blank reason', (actor) => {
    for (const reason of [undefined, null, '', '   \n']) {
      expect(checkTransition({ from: 'in_review', to: 'declined', actor, reason })).toMatchObject({
        status: 400,
        code: 'reason_required',
      });
    }
    expect(checkTransition({ from: 'in_review', to: 'declined', actor, reason: 'Out of scope' })).toEqual({
      ok: true,
      kind: 'decision',
    });
    // a submitted case is first taken into review: deciding from submitted is refused, whatever the inputs
    expect(checkTransition({ from: 'submitted', to: 'declined', actor, reason: 'Out of scope' })).toMatchObject({
      ok: false,
      status: 422,
      code: 'illegal_transition',
    });
  });

  it('a decline does not need a programme, and ignores one', () => {
    expect(
      checkTransition({ from: 'in_review', to: 'declined', actor: 'advisor', reason: 'No fit', programmeKind: 'external' }),
    ).toEqual({ ok: true, kind: 'decision' });
  });

  it.each(staff.map((a) => [a]))('%s: info_requested needs a non-blank message', (actor) => {
    for (const from of ['submitted', 'in_review'] as const) {
      for (const message of [undefined, null, '', ' ']) {
        expect(checkTransition({ from, to: 'info_requested', actor, message })).toMatchObject({
          status: 400,
          code: 'message_required',
        });
      }
      // a reason is not a message
      expect(checkTransition({ from, to: 'info_requested', actor, reason: 'why' })).toMatchObject({
        code: 'message_required',
      });
      expect(checkTransition({ from, to: 'info_requested', actor, message: 'Your TRL?' })).toEqual({
        ok: true,
        kind: 'info_request',
      });
    }
  });

  it.each([['programme_manager'], ['admin']] as const)('%s: reopening needs a reason', (actor) => {
    for (const from of DECIDED_STATUSES) {
      expect(checkTransition({ from, to: 'in_review', actor })).toMatchObject({ status: 400, code: 'reason_required' });
      expect(checkTransition({ from, to: 'in_review', actor, reason: '  ' })).toMatchObject({
        status: 400,
        code: 'reason_required',
      });
      expect(checkTransition({ from, to: 'in_review', actor, reason: 'New evidence' })).toEqual({
        ok: true,
        kind: 'reopen',
      });
    }
  });

  it('moves without requirements need no input', () => {
    expect(checkTransition({ from: 'draft', to: 'submitted', actor: 'founder' })).toEqual({ ok: true, kind: 'submit' });
    expect(checkTransition({ from: 'in_review', to: 'withdrawn', actor: 'founder' })).toEqual({
      ok: true,
      kind: 'withdraw',
    });
    expect(checkTransition({ from: 'submitted', to: 'in_review', actor: 'advisor' })).toEqual({ ok: true, kind: 'review' });
    expect(checkTransition({ from: 'info_requested', to: 'in_review', actor: 'founder' })).toEqual({
      ok: true,
      kind: 'resume',
    });
    expect(checkTransition({ from: 'info_requested', to: 'in_review', actor: 'advisor' })).toEqual({
      ok: true,
      kind: 'resume',
    });
  });
});

describe('checkTransition: order of the checks', () => {
  it('403 before 422 before 400', () => {
    // advisor reopening without a reason: the role never may → 403, not 400
    expect(checkTransition({ from: 'accepted', to: 'in_review', actor: 'advisor' })).toMatchObject({ status: 403 });
    // founder deciding from a state where a decision would be illegal anyway → 403
    expect(checkTransition({ from: 'withdrawn', to: 'declined', actor: 'founder' })).toMatchObject({ status: 403 });
    // staff declining from draft without a reason → 422, not 400
    expect(checkTransition({ from: 'draft', to: 'declined', actor: 'advisor' })).toMatchObject({
      status: 422,
      code: 'illegal_transition',
    });
    // staff deciding while info is requested, with no programme → 422
    expect(checkTransition({ from: 'info_requested', to: 'accepted', actor: 'admin' })).toMatchObject({ status: 422 });
    // re-deciding an already decided case → 422
    expect(
      checkTransition({ from: 'accepted', to: 'referred', actor: 'admin', programmeKind: 'external' }),
    ).toMatchObject({ status: 422 });
  });

  it('rejects an unknown target status with 400 and an unknown actor with 403', () => {
    const unknownTo = { from: 'submitted', to: 'closed', actor: 'advisor' } as unknown as TransitionInput;
    expect(checkTransition(unknownTo)).toMatchObject({ ok: false, status: 400, code: 'unknown_status' });
    const unknownActor = { from: 'submitted', to: 'in_review', actor: 'guest' } as unknown as TransitionInput;
    expect(checkTransition(unknownActor)).toMatchObject({ ok: false, status: 403, code: 'role_forbidden' });
    const unknownFrom = { from: 'archived', to: 'in_review', actor: 'advisor' } as unknown as TransitionInput;
    expect(checkTransition(unknownFrom)).toMatchObject({ ok: false, status: 422, code: 'illegal_transition' });
  });

  it('gives readable messages', () => {
    expect(checkTransition({ from: 'accepted', to: 'in_review', actor: 'advisor' })).toMatchObject({
      message: 'The advisor role may not reopen a case',
    });
    expect(checkTransition({ from: 'withdrawn', to: 'in_review', actor: 'admin' })).toMatchObject({
      message: 'A case cannot move from withdrawn to in_review',
    });
  });
});

describe('transitionKind', () => {
  it('classifies moves to in_review by origin', () => {
    expect(transitionKind('submitted', 'in_review')).toBe('review');
    expect(transitionKind('info_requested', 'in_review')).toBe('resume');
    expect(transitionKind('accepted', 'in_review')).toBe('reopen');
    expect(transitionKind('referred', 'in_review')).toBe('reopen');
    expect(transitionKind('declined', 'in_review')).toBe('reopen');
    expect(transitionKind('in_review', 'draft')).toBeNull();
  });
});

describe('countsAsFirstResponse', () => {
  it('is a staff move out of submitted', () => {
    for (const actor of ACTORS) {
      for (const from of CASE_STATUSES) {
        expect(countsAsFirstResponse(from, actor)).toBe(from === 'submitted' && isStaff(actor));
      }
    }
    expect(countsAsFirstResponse('submitted', 'founder')).toBe(false); // a withdrawal is no response
  });

  it('is any staff message on a submitted case, whatever its status now', () => {
    for (const actor of ACTORS) {
      for (const from of CASE_STATUSES) {
        expect(countsAsFirstResponse(from, actor, 'message')).toBe(from !== 'draft' && isStaff(actor));
      }
    }
  });
});

describe('placesInProgramme', () => {
  it('is a decision that names a programme: accepted (internal) or referred (external)', () => {
    for (const status of CASE_STATUSES) expect(placesInProgramme(status)).toBe(status === 'accepted' || status === 'referred');
  });
});

describe('isEditable and isAssignable', () => {
  it('the founder edits a draft or a case waiting on them; only open cases are assigned', () => {
    for (const status of CASE_STATUSES) {
      expect(isEditable(status)).toBe(status === 'draft' || status === 'info_requested');
      expect(isAssignable(status)).toBe(isOpen(status));
    }
  });
});

describe('assertLegalMove (checked again where a move is written)', () => {
  it('accepts exactly the moves allowedTransitions() offers, for every status and actor', () => {
    for (const from of CASE_STATUSES) {
      for (const actor of ACTORS) {
        const allowed = new Map(allowedTransitions(from, actor).map((t) => [t.to, t.kind]));
        for (const to of CASE_STATUSES) {
          if (allowed.has(to)) expect(assertLegalMove(from, to, actor)).toBe(allowed.get(to));
          else expect(() => assertLegalMove(from, to, actor)).toThrow(/illegal case move/);
        }
      }
    }
  });

  it('refuses an account that is no actor of the machine', () => {
    expect(() => assertLegalMove('submitted', 'in_review', 'partner')).toThrow(/illegal case move/);
  });
});
