import {
  atRiskThreshold,
  decisionDueAfterPause,
  decisionDueAt,
  DECISION_BUSINESS_DAYS,
  FIRST_RESPONSE_BUSINESS_DAYS,
  firstResponseDueAt,
  serviceLevelState,
  SERVICE_LEVEL_STATES,
} from './service-level';

const at = (iso: string): Date => new Date(iso);
const ms = (date: Date, delta: number): Date => new Date(date.getTime() + delta);

describe('due dates', () => {
  it('uses 5 and 30 business days', () => {
    expect(FIRST_RESPONSE_BUSINESS_DAYS).toBe(5);
    expect(DECISION_BUSINESS_DAYS).toBe(30);
    // Wed 15 Jan 2025 → Thu 16, Fri 17, Mon 20, Tue 21, Wed 22
    expect(firstResponseDueAt(at('2025-01-15T09:00:00Z')).toISOString()).toBe('2025-01-22T22:59:59.999Z');
    expect(decisionDueAt(at('2025-01-15T09:00:00Z')).toISOString()).toBe('2025-02-26T22:59:59.999Z');
  });
});

describe('atRiskThreshold', () => {
  it.each([
    ['Monday', '2025-01-13T09:00:00Z', '2025-01-14T22:59:59.999Z'],
    ['Friday → Monday', '2025-01-17T09:00:00Z', '2025-01-20T22:59:59.999Z'],
    ['Saturday → Monday', '2025-01-18T09:00:00Z', '2025-01-20T22:59:59.999Z'],
    ['Sunday → Monday', '2025-01-19T09:00:00Z', '2025-01-20T22:59:59.999Z'],
    ['24 Dec → 26 Dec', '2025-12-24T09:00:00Z', '2025-12-26T22:59:59.999Z'],
    ['before Ascension → bridge Friday', '2025-05-28T09:00:00Z', '2025-05-30T21:59:59.999Z'],
    ['31 Dec 2026 → Mon 4 Jan 2027', '2026-12-31T09:00:00Z', '2027-01-04T22:59:59.999Z'],
    ['Friday 23:30 Paris (22:30Z) → Monday', '2025-01-17T22:30:00Z', '2025-01-20T22:59:59.999Z'],
    ['Thursday 23:30Z is Friday 00:30 Paris → Monday', '2025-01-16T23:30:00Z', '2025-01-20T22:59:59.999Z'],
    ['Friday before spring-forward → Monday in CEST', '2025-03-28T09:00:00Z', '2025-03-31T21:59:59.999Z'],
    ['Friday before fall-back → Monday in CET', '2025-10-24T09:00:00Z', '2025-10-27T22:59:59.999Z'],
  ])('%s', (_label, now, expected) => {
    expect(atRiskThreshold(at(now)).toISOString()).toBe(expected);
  });
});

describe('serviceLevelState', () => {
  const due = at('2025-01-22T22:59:59.999Z'); // end of Wed 22 Jan 2025

  it('lists its states', () => {
    expect(SERVICE_LEVEL_STATES).toEqual(['on_track', 'at_risk', 'breached', 'met', 'missed']);
  });

  it('met when done on or before the due instant, missed after — whatever now is', () => {
    for (const now of [at('2025-01-15T09:00:00Z'), at('2025-03-01T09:00:00Z')]) {
      expect(serviceLevelState({ dueAt: due, doneAt: at('2025-01-16T10:00:00Z'), now })).toBe('met');
      expect(serviceLevelState({ dueAt: due, doneAt: due, now })).toBe('met');
      expect(serviceLevelState({ dueAt: due, doneAt: ms(due, 1), now })).toBe('missed');
      expect(serviceLevelState({ dueAt: due, doneAt: at('2025-02-10T10:00:00Z'), now })).toBe('missed');
    }
  });

  it('23:59:59.5 Paris on the due day is still on time', () => {
    expect(serviceLevelState({ dueAt: due, doneAt: at('2025-01-22T22:59:59.500Z'), now: due })).toBe('met');
  });

  it('without a due date: met when done, otherwise on_track', () => {
    expect(serviceLevelState({ dueAt: null, doneAt: null, now: at('2025-01-15T09:00:00Z') })).toBe('on_track');
    expect(serviceLevelState({ dueAt: null, doneAt: at('2025-01-15T09:00:00Z'), now: at('2025-01-16T09:00:00Z') })).toBe(
      'met',
    );
  });

  it('breached strictly after the due instant; at the instant itself it is at risk', () => {
    expect(serviceLevelState({ dueAt: due, doneAt: null, now: due })).toBe('at_risk');
    expect(serviceLevelState({ dueAt: due, doneAt: null, now: ms(due, 1) })).toBe('breached');
    expect(serviceLevelState({ dueAt: due, doneAt: null, now: at('2025-06-01T00:00:00Z') })).toBe('breached');
  });

  it('follows a case day by day (10:00 Paris) towards a due date of Wed 22 Jan', () => {
    const expected: Record<string, string> = {
      '2025-01-15': 'on_track', // Wed, threshold Thu 16
      '2025-01-16': 'on_track',
      '2025-01-17': 'on_track', // Fri, threshold Mon 20
      '2025-01-18': 'on_track', // Sat, threshold Mon 20
      '2025-01-19': 'on_track', // Sun
      '2025-01-20': 'on_track', // Mon, threshold Tue 21
      '2025-01-21': 'at_risk', // Tue, threshold Wed 22: due within one business day
      '2025-01-22': 'at_risk', // due today
      '2025-01-23': 'breached',
      '2025-01-24': 'breached',
    };
    for (const [day, state] of Object.entries(expected)) {
      expect([day, serviceLevelState({ dueAt: due, doneAt: null, now: at(`${day}T09:00:00Z`) })]).toEqual([day, state]);
    }
  });

  it('a due date on Monday is already at risk on the Friday before (and over the weekend)', () => {
    const monday = at('2025-01-20T22:59:59.999Z');
    expect(serviceLevelState({ dueAt: monday, doneAt: null, now: at('2025-01-16T09:00:00Z') })).toBe('on_track');
    expect(serviceLevelState({ dueAt: monday, doneAt: null, now: at('2025-01-17T09:00:00Z') })).toBe('at_risk');
    expect(serviceLevelState({ dueAt: monday, doneAt: null, now: at('2025-01-18T09:00:00Z') })).toBe('at_risk');
  });

  it('a due date after a holiday is at risk the business day before', () => {
    const friday26 = at('2025-12-26T22:59:59.999Z');
    expect(serviceLevelState({ dueAt: friday26, doneAt: null, now: at('2025-12-23T09:00:00Z') })).toBe('on_track');
    expect(serviceLevelState({ dueAt: friday26, doneAt: null, now: at('2025-12-24T09:00:00Z') })).toBe('at_risk');
  });

  it('the Paris day of now decides the threshold (late evening)', () => {
    const tuesday = at('2025-01-21T22:59:59.999Z');
    // Mon 20 Jan 23:30 Paris (22:30Z): still Monday → threshold end of Tuesday → at risk
    expect(serviceLevelState({ dueAt: tuesday, doneAt: null, now: at('2025-01-20T22:30:00Z') })).toBe('at_risk');
    // Sun 19 Jan 23:30 Paris: Sunday → threshold end of Monday → on track
    expect(serviceLevelState({ dueAt: tuesday, doneAt: null, now: at('2025-01-19T22:30:00Z') })).toBe('on_track');
  });

  describe('with the decision clock paused (pausedAt)', () => {
    const dueMonday = at('2025-01-13T22:59:59.999Z');
    const pausedAt = at('2025-01-13T08:00:00Z'); // Monday morning, due the same evening

    it('is judged against the due date it would have if resumed now', () => {
      expect(serviceLevelState({ dueAt: dueMonday, doneAt: null, now: at('2025-01-13T15:00:00Z'), pausedAt })).toBe(
        'at_risk',
      );
      // Tue: without the pause this would be breached; paused, the due moved to end of Tue
      expect(serviceLevelState({ dueAt: dueMonday, doneAt: null, now: at('2025-01-14T09:00:00Z') })).toBe('breached');
      expect(serviceLevelState({ dueAt: dueMonday, doneAt: null, now: at('2025-01-14T09:00:00Z'), pausedAt })).toBe(
        'at_risk',
      );
      expect(serviceLevelState({ dueAt: dueMonday, doneAt: null, now: at('2025-01-20T09:00:00Z'), pausedAt })).toBe(
        'at_risk',
      );
    });

    it('keeps an already breached due date breached', () => {
      const pausedLate = at('2025-01-15T09:00:00Z'); // Wed, two days after the due date
      expect(
        serviceLevelState({ dueAt: dueMonday, doneAt: null, now: at('2025-01-17T09:00:00Z'), pausedAt: pausedLate }),
      ).toBe('breached');
    });

    it('is ignored when null and when the work is done', () => {
      expect(serviceLevelState({ dueAt: dueMonday, doneAt: null, now: at('2025-01-14T09:00:00Z'), pausedAt: null })).toBe(
        'breached',
      );
      expect(
        serviceLevelState({ dueAt: dueMonday, doneAt: at('2025-01-16T09:00:00Z'), now: at('2025-01-17T09:00:00Z'), pausedAt }),
      ).toBe('missed');
    });
  });
});

describe('decisionDueAfterPause', () => {
  const due = at('2025-02-26T22:59:59.999Z'); // Wed 26 Feb 2025

  it('is unchanged when the request is answered the same Paris day', () => {
    const result = decisionDueAfterPause(due, at('2025-01-20T08:00:00Z'), at('2025-01-20T21:00:00Z'));
    expect(result.toISOString()).toBe(due.toISOString());
  });

  it('is unchanged when resumedAt is not after pausedAt', () => {
    expect(decisionDueAfterPause(due, at('2025-01-22T08:00:00Z'), at('2025-01-20T08:00:00Z')).toISOString()).toBe(
      due.toISOString(),
    );
  });

  it('moves by the business days spent waiting (pause day excluded, resume day included)', () => {
    // Mon 20 → Wed 22: Tue 21, Wed 22 → +2 → Fri 28 Feb
    expect(decisionDueAfterPause(due, at('2025-01-20T10:00:00Z'), at('2025-01-22T10:00:00Z')).toISOString()).toBe(
      '2025-02-28T22:59:59.999Z',
    );
    // Fri 17 → Mon 20: +1 → Thu 27 Feb
    expect(decisionDueAfterPause(due, at('2025-01-17T16:00:00Z'), at('2025-01-20T08:00:00Z')).toISOString()).toBe(
      '2025-02-27T22:59:59.999Z',
    );
    // Fri 17 → Sun 19: a weekend-only wait moves nothing
    expect(decisionDueAfterPause(due, at('2025-01-17T16:00:00Z'), at('2025-01-19T08:00:00Z')).toISOString()).toBe(
      due.toISOString(),
    );
  });

  it('skips holidays both while waiting and when moving the due date', () => {
    // Paused Wed 24 Dec 2025, resumed Fri 2 Jan 2026: Fri 26, Mon 29, Tue 30, Wed 31, Fri 2 → 5
    // Due Wed 14 Jan 2026 → Thu 15, Fri 16, Mon 19, Tue 20, Wed 21
    expect(
      decisionDueAfterPause(at('2026-01-14T22:59:59.999Z'), at('2025-12-24T10:00:00Z'), at('2026-01-02T10:00:00Z')).toISOString(),
    ).toBe('2026-01-21T22:59:59.999Z');
    // Due Wed 28 May 2025, one day paused (Tue 27 → Wed 28) → Fri 30 (Ascension skipped)
    expect(
      decisionDueAfterPause(at('2025-05-28T21:59:59.999Z'), at('2025-05-27T10:00:00Z'), at('2025-05-28T10:00:00Z')).toISOString(),
    ).toBe('2025-05-30T21:59:59.999Z');
  });

  it('uses Paris days for the pause (late-evening instants)', () => {
    // Paused Fri 17 Jan 23:30 Paris (22:30Z), resumed Sat 18 00:30 Paris (23:30Z Fri): 0 days
    expect(decisionDueAfterPause(due, at('2025-01-17T22:30:00Z'), at('2025-01-17T23:30:00Z')).toISOString()).toBe(
      due.toISOString(),
    );
    // Paused Thu 16 22:30Z (23:30 Thu Paris), resumed Thu 16 23:30Z (00:30 Fri Paris): 1 day
    expect(decisionDueAfterPause(due, at('2025-01-16T22:30:00Z'), at('2025-01-16T23:30:00Z')).toISOString()).toBe(
      '2025-02-27T22:59:59.999Z',
    );
  });

  it('two successive pauses add up', () => {
    let current = due;
    current = decisionDueAfterPause(current, at('2025-01-20T10:00:00Z'), at('2025-01-21T10:00:00Z')); // +1
    current = decisionDueAfterPause(current, at('2025-01-27T10:00:00Z'), at('2025-01-29T10:00:00Z')); // +2
    expect(current.toISOString()).toBe('2025-03-03T22:59:59.999Z'); // Thu 27, Fri 28, Mon 3 Mar
  });
});
