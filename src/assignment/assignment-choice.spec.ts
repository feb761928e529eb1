import fc from 'fast-check';
import {
  ASSIGNMENT_REASON_CODES,
  chooseAssignee,
  compareForAssignment,
  type AssigneeCandidate,
  type AssignmentExplanation,
  type ChooseAssigneeInput,
} from './assignment-choice';

function advisor(overrides: Partial<AssigneeCandidate> & { userId: string }): AssigneeCandidate {
  return {
    fullName: `Advisor ${overrides.userId}`,
    active: true,
    role: 'advisor',
    programmes: ['poc-funding', 'startup-studio'],
    languages: ['fr', 'en'],
    capacity: 10,
    load: 0,
    lastAssignedAt: null,
    ...overrides,
  };
}

function input(candidates: AssigneeCandidate[], overrides: Partial<ChooseAssigneeInput> = {}): ChooseAssigneeInput {
  return { programme: 'poc-funding', language: 'fr', locale: 'en', candidates, ...overrides };
}

const codes = (explanation: AssignmentExplanation, userId: string): string[] => {
  const candidate = explanation.candidates.find((c) => c.userId === userId);
  if (!candidate) throw new Error(`no candidate ${userId}`);
  return candidate.reasons.map((r) => r.code);
};

describe('chooseAssignee', () => {
  it('returns chosen null and no candidates for an empty list', () => {
    expect(chooseAssignee(input([]))).toEqual({ chosen: null, candidates: [] });
  });

  it('picks the only fitting advisor and explains it', () => {
    const result = chooseAssignee(input([advisor({ userId: 'a', fullName: 'Alice Martin', load: 2, capacity: 5 })]));
    expect(result).toEqual({
      chosen: 'a',
      candidates: [
        {
          userId: 'a',
          fullName: 'Alice Martin',
          load: 2,
          capacity: 5,
          eligible: true,
          reasons: [
            { code: 'active', text: 'Account is active' },
            { code: 'advisor', text: 'Is an advisor' },
            { code: 'programme_expertise', text: 'Covers the programme poc-funding' },
            { code: 'speaks_language', text: "Speaks the founder's language (French)" },
            { code: 'spare_capacity', text: 'Has spare capacity: 2 open cases for a capacity of 5' },
            { code: 'chosen', text: 'Chosen for this case' },
            { code: 'only_eligible', text: 'The only eligible advisor' },
          ],
        },
      ],
    });
  });

  describe('capacity', () => {
    it('needs load < capacity', () => {
      const result = chooseAssignee(
        input([
          advisor({ userId: 'full', load: 5, capacity: 5 }),
          advisor({ userId: 'over', load: 7, capacity: 5 }),
          advisor({ userId: 'room', load: 4, capacity: 5 }),
        ]),
      );
      expect(result.chosen).toBe('room');
      expect(codes(result, 'full')).toContain('at_capacity');
      expect(codes(result, 'over')).toContain('at_capacity');
      expect(result.candidates.find((c) => c.userId === 'full')?.eligible).toBe(false);
    });

    it('treats capacity null or 0 (or negative) as taking no new cases', () => {
      const result = chooseAssignee(
        input([
          advisor({ userId: 'none', capacity: null }),
          advisor({ userId: 'zero', capacity: 0 }),
          advisor({ userId: 'neg', capacity: -1 }),
        ]),
      );
      expect(result.chosen).toBeNull();
      for (const id of ['none', 'zero', 'neg']) expect(codes(result, id)).toContain('no_capacity');
      expect(result.candidates.find((c) => c.userId === 'none')?.capacity).toBeNull();
    });

    it('prefers the lowest absolute load, not the lowest ratio', () => {
      const result = chooseAssignee(
        input([
          advisor({ userId: 'big', load: 3, capacity: 30 }), // 10 %
          advisor({ userId: 'small', load: 2, capacity: 3 }), // 67 %
        ]),
      );
      expect(result.chosen).toBe('small');
      expect(codes(result, 'small')).toEqual([
        'active',
        'advisor',
        'programme_expertise',
        'speaks_language',
        'spare_capacity',
        'chosen',
        'least_loaded',
      ]);
      expect(codes(result, 'big')).toContain('more_loaded');
      const big = result.candidates.find((c) => c.userId === 'big');
      expect(big?.reasons.at(-1)?.text).toBe('More loaded than the chosen advisor (3 open cases against 2)');
    });
  });

  describe('programme expertise', () => {
    it('requires the case programme', () => {
      const result = chooseAssignee(
        input(
          [
            advisor({ userId: 'poc', programmes: ['poc-funding'], load: 5 }),
            advisor({ userId: 'studio', programmes: ['startup-studio'], load: 0 }),
            advisor({ userId: 'none', programmes: [], load: 0 }),
          ],
          { programme: 'poc-funding' },
        ),
      );
      expect(result.chosen).toBe('poc');
      expect(codes(result, 'studio')).toContain('no_programme_expertise');
      expect(codes(result, 'none')).toContain('no_programme_expertise');
      expect(codes(result, 'poc')).toContain('programme_expertise');
    });

    it('accepts any advisor when the case has no programme yet', () => {
      const result = chooseAssignee(
        input([advisor({ userId: 'none', programmes: [], load: 1 }), advisor({ userId: 'poc', load: 2 })], {
          programme: null,
        }),
      );
      expect(result.chosen).toBe('none');
      expect(codes(result, 'none')).toContain('any_programme');
      expect(codes(result, 'poc')).toContain('any_programme');
      expect(codes(result, 'poc')).not.toContain('programme_expertise');
    });
  });

  describe('language', () => {
    it("requires the founder's language", () => {
      const result = chooseAssignee(
        input([advisor({ userId: 'fr', languages: ['fr'], load: 3 }), advisor({ userId: 'en', languages: ['en'], load: 0 })], {
          language: 'en',
        }),
      );
      expect(result.chosen).toBe('en');
      expect(codes(result, 'fr')).toContain('language_mismatch');
      const frResult = chooseAssignee(
        input([advisor({ userId: 'fr', languages: ['fr'], load: 3 }), advisor({ userId: 'en', languages: ['en'], load: 0 })], {
          language: 'fr',
        }),
      );
      expect(frResult.chosen).toBe('fr');
      expect(codes(frResult, 'en')).toContain('language_mismatch');
    });
  });

  describe('inactive accounts and other roles', () => {
    it('never picks an inactive advisor, a programme manager or an admin', () => {
      const result = chooseAssignee(
        input([
          advisor({ userId: 'off', active: false, load: 0 }),
          advisor({ userId: 'pm', role: 'programme_manager', load: 0 }),
          advisor({ userId: 'adm', role: 'admin', load: 0 }),
          advisor({ userId: 'ok', load: 9 }),
        ]),
      );
      expect(result.chosen).toBe('ok');
      expect(codes(result, 'off')).toContain('inactive');
      expect(codes(result, 'pm')).toContain('not_advisor');
      expect(codes(result, 'adm')).toContain('not_advisor');
    });

    it('lists every failing check of an ineligible candidate, and the passing ones', () => {
      const result = chooseAssignee(
        input([
          advisor({
            userId: 'x',
            active: false,
            role: 'founder',
            programmes: [],
            languages: ['en'],
            capacity: 2,
            load: 2,
          }),
        ]),
      );
      expect(result.chosen).toBeNull();
      expect(result.candidates[0]).toMatchObject({ userId: 'x', eligible: false, load: 2, capacity: 2 });
      expect(codes(result, 'x')).toEqual(['inactive', 'not_advisor', 'no_programme_expertise', 'language_mismatch', 'at_capacity']);
    });
  });

  describe('tie-breaking', () => {
    it('same load: the one assigned the longest time ago, never assigned first', () => {
      const result = chooseAssignee(
        input([
          advisor({ userId: 'recent', load: 1, lastAssignedAt: new Date('2025-03-10T09:00:00Z') }),
          advisor({ userId: 'older', load: 1, lastAssignedAt: new Date('2025-03-01T09:00:00Z') }),
          advisor({ userId: 'never', load: 1, lastAssignedAt: null }),
          advisor({ userId: 'busy', load: 2, lastAssignedAt: null }),
        ]),
      );
      expect(result.chosen).toBe('never');
      expect(result.candidates.map((c) => c.userId)).toEqual(['never', 'older', 'recent', 'busy']);
      expect(codes(result, 'never').slice(-3)).toEqual(['chosen', 'least_loaded', 'tie_longest_since_assignment']);
      expect(codes(result, 'older').at(-1)).toBe('tie_assigned_more_recently');
      expect(codes(result, 'recent').at(-1)).toBe('tie_assigned_more_recently');
      expect(codes(result, 'busy').at(-1)).toBe('more_loaded');
    });

    it('same load and last assignment: by userId', () => {
      const when = new Date('2025-03-01T09:00:00Z');
      const result = chooseAssignee(
        input([
          advisor({ userId: 'b-2', load: 1, lastAssignedAt: when }),
          advisor({ userId: 'a-1', load: 1, lastAssignedAt: new Date(when.getTime()) }),
        ]),
      );
      expect(result.chosen).toBe('a-1');
      expect(codes(result, 'a-1').slice(-3)).toEqual(['chosen', 'least_loaded', 'tie_user_id']);
      expect(codes(result, 'b-2').at(-1)).toBe('tie_user_id_later');
    });

    it('compares userIds by code units, not by locale', () => {
      const a = advisor({ userId: 'Z' });
      const b = advisor({ userId: 'a' });
      expect(compareForAssignment(a, b)).toBeLessThan(0); // 'Z' (0x5a) < 'a' (0x61)
    });
  });

  describe('output order', () => {
    it('chosen first, then eligible by ranking, then ineligible by name', () => {
      const result = chooseAssignee(
        input(
          [
            advisor({ userId: '1', fullName: 'Zoé Zidane', active: false }),
            advisor({ userId: '2', fullName: 'Élodie Bernard', languages: ['en'] }),
            advisor({ userId: '3', fullName: 'Chloé Petit', load: 4 }),
            advisor({ userId: '4', fullName: 'Bruno Durand', load: 1 }),
            advisor({ userId: '5', fullName: 'Anne Roux', capacity: null }),
            advisor({ userId: '6', fullName: 'David Moreau', load: 2 }),
          ],
          { locale: 'fr' },
        ),
      );
      expect(result.chosen).toBe('4');
      expect(result.candidates.map((c) => [c.fullName, c.eligible])).toEqual([
        ['Bruno Durand', true],
        ['David Moreau', true],
        ['Chloé Petit', true],
        ['Anne Roux', false],
        ['Élodie Bernard', false], // collated: É sorts with E
        ['Zoé Zidane', false],
      ]);
    });
  });

  describe('determinism', () => {
    const pool = [
      advisor({ userId: 'u1', fullName: 'Alice', load: 2, lastAssignedAt: new Date('2025-01-02T00:00:00Z') }),
      advisor({ userId: 'u2', fullName: 'Bob', load: 2, lastAssignedAt: new Date('2025-01-01T00:00:00Z') }),
      advisor({ userId: 'u3', fullName: 'Carl', load: 1, languages: ['en'] }),
      advisor({ userId: 'u4', fullName: 'Dana', load: 3 }),
      advisor({ userId: 'u5', fullName: 'Eve', load: 2, lastAssignedAt: new Date('2025-01-01T00:00:00Z') }),
      advisor({ userId: 'u6', fullName: 'Fay', active: false }),
      advisor({ userId: 'u7', fullName: 'Gus', load: 5, capacity: 5 }),
    ];

    it('gives the same output for every order of the input', () => {
      const expected = chooseAssignee(input(pool));
      expect(expected.chosen).toBe('u2');
      fc.assert(
        fc.property(fc.shuffledSubarray(pool, { minLength: pool.length, maxLength: pool.length }), (shuffled) => {
          expect(chooseAssignee(input(shuffled))).toEqual(expected);
        }),
      );
    });

    it('does not mutate its input', () => {
      const copy = pool.map((c) => ({ ...c, programmes: [...c.programmes], languages: [...c.languages] }));
      const candidates = [...pool];
      chooseAssignee(input(candidates));
      expect(candidates).toEqual(copy);
    });

    it('always chooses an eligible candidate with the lowest load, and lists everyone once', () => {
      const candidateArb = fc.record({
        userId: fc.uuid(),
        fullName: fc.string({ minLength: 1, maxLength: 10 }),
        active: fc.boolean(),
        role: fc.constantFrom('advisor', 'programme_manager', 'admin'),
        programmes: fc.subarray(['poc-funding', 'startup-studio', 'external-incubator']),
        languages: fc.subarray(['fr', 'en']),
        capacity: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
        load: fc.integer({ min: 0, max: 6 }),
        lastAssignedAt: fc.option(fc.date({ min: new Date('2024-01-01'), max: new Date('2026-01-01'), noInvalidDate: true }), {
          nil: null,
        }),
      });
      fc.assert(
        fc.property(
          fc.uniqueArray(candidateArb, { selector: (c) => c.userId, maxLength: 8 }),
          fc.constantFrom<string | null>('poc-funding', 'startup-studio', null),
          fc.constantFrom<'fr' | 'en'>('fr', 'en'),
          (candidates, programme, language) => {
            const result = chooseAssignee({ programme, language, locale: 'en', candidates });
            const fits = candidates.filter(
              (c) =>
                c.active &&
                c.role === 'advisor' &&
                (programme === null || c.programmes.includes(programme)) &&
                c.languages.includes(language) &&
                c.capacity !== null &&
                c.load < c.capacity,
            );
            expect(result.candidates.map((c) => c.userId).sort()).toEqual(candidates.map((c) => c.userId).sort());
            expect(result.candidates.filter((c) => c.eligible).map((c) => c.userId).sort()).toEqual(
              fits.map((c) => c.userId).sort(),
            );
            if (fits.length === 0) {
              expect(result.chosen).toBeNull();
            } else {
              const chosen = fits.find((c) => c.userId === result.chosen);
              expect(chosen).toBeDefined();
              expect(chosen?.load).toBe(Math.min(...fits.map((c) => c.load)));
              expect(result.candidates[0].userId).toBe(result.chosen);
              expect(result.candidates[0].reasons.map((r) => r.code)).toContain('chosen');
            }
            expect(result.candidates.filter((c) => c.reasons.some((r) => r.code === 'chosen'))).toHaveLength(
              fits.length === 0 ? 0 : 1,
            );
            for (const c of result.candidates) {
              for (const r of c.reasons) {
                expect(ASSIGNMENT_REASON_CODES).toContain(r.code);
                expect(r.text.length).toBeGreaterThan(0);
              }
            }
          },
        ),
      );
    });
  });

  describe('locale', () => {
    const candidates = [
      advisor({ userId: 'a', fullName: 'Alice', load: 1, capacity: 3, languages: ['fr'] }),
      advisor({ userId: 'b', fullName: 'Bob', load: 1, capacity: 1, languages: ['en'] }),
    ];

    it('writes French texts', () => {
      const result = chooseAssignee(input(candidates, { locale: 'fr', language: 'fr' }));
      expect(result.candidates.find((c) => c.userId === 'a')?.reasons.map((r) => r.text)).toEqual([
        'Compte actif',
        'Est conseiller',
        'Couvre le programme poc-funding',
        'Parle la langue du porteur de projet (français)',
        'Capacité disponible : 1 dossier ouvert pour une capacité de 3',
        'Choisi pour ce dossier',
        'Seul conseiller éligible',
      ]);
      expect(result.candidates.find((c) => c.userId === 'b')?.reasons.map((r) => r.text)).toEqual([
        'Compte actif',
        'Est conseiller',
        'Couvre le programme poc-funding',
        'Ne parle pas la langue du porteur de projet (français)',
        'Capacité atteinte : 1 dossier ouvert pour une capacité de 1',
      ]);
    });

    it('writes English texts with the same codes', () => {
      const fr = chooseAssignee(input(candidates, { locale: 'fr', language: 'en' }));
      const en = chooseAssignee(input(candidates, { locale: 'en', language: 'en' }));
      expect(en.candidates.map((c) => c.reasons.map((r) => r.code))).toEqual(
        fr.candidates.map((c) => c.reasons.map((r) => r.code)),
      );
      expect(en.candidates.find((c) => c.userId === 'a')?.reasons.map((r) => r.text)).toContain(
        "Does not speak the founder's language (English)",
      );
      expect(fr.candidates.find((c) => c.userId === 'a')?.reasons.map((r) => r.text)).toContain(
        'Ne parle pas la langue du porteur de projet (anglais)',
      );
    });

    it('has a distinct, non-empty text for every code in both locales', () => {
      const textsByCode = (locale: 'fr' | 'en'): Map<string, string> => {
        const scenarios = [
          input(
            [
              advisor({ userId: 'a', load: 0, lastAssignedAt: null }),
              advisor({ userId: 'b', load: 0, lastAssignedAt: null }),
              advisor({ userId: 'c', load: 0, lastAssignedAt: new Date('2025-01-01T00:00:00Z') }),
              advisor({ userId: 'd', load: 1 }),
              advisor({ userId: 'e', active: false, role: 'admin', programmes: [], languages: [], capacity: null }),
              advisor({ userId: 'f', capacity: 1, load: 1 }),
            ],
            { locale },
          ),
          input([advisor({ userId: 'a' })], { programme: null, locale }),
          input([advisor({ userId: 'a', lastAssignedAt: null }), advisor({ userId: 'b', lastAssignedAt: new Date(0) })], {
            locale,
          }),
        ];
        const map = new Map<string, string>();
        for (const scenario of scenarios) {
          for (const c of chooseAssignee(scenario).candidates) for (const r of c.reasons) map.set(r.code, r.text);
        }
        return map;
      };
      const fr = textsByCode('fr');
      const en = textsByCode('en');
      expect([...fr.keys()].sort()).toEqual([...ASSIGNMENT_REASON_CODES].sort());
      expect([...en.keys()].sort()).toEqual([...ASSIGNMENT_REASON_CODES].sort());
      for (const code of ASSIGNMENT_REASON_CODES) {
        expect(fr.get(code)).not.toBe('');
        expect(en.get(code)).not.toBe('');
        expect(fr.get(code)).not.toBe(en.get(code));
      }
    });
  });
});
