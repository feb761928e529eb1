import type { ApplicationProfile, ProfileInput } from './application-profile';
import { DEFAULT_CATALOGUE } from './default-catalogue';
import { compileCondition, evaluationContext } from './rule-compiler';
import { type Condition, MAX_DEPTH, type ProgrammeRules, formatCondition, validateCondition, validateRules } from './rule-language';

const PROFILE: ApplicationProfile = {
  startupName: 'Neurotrack',
  projectSummary: 'Tracking neurological symptoms at home with a validated digital biomarker.',
  stage: 'prototype',
  trl: 5,
  domains: ['digital_health', 'ai'],
  needs: ['funding', 'incubation'],
  incorporated: true,
  incorporationDate: '2024-09-30',
  academicAffiliation: 'psl',
  lookingForCofounder: false,
  teamSize: 4,
  fundingSoughtEur: 500_000,
};

function holds(condition: Condition, profile: ProfileInput = PROFILE, today = '2026-03-16'): boolean {
  const checked = validateCondition(condition);
  if (!checked.ok) throw new Error(`invalid test condition: ${JSON.stringify(checked.errors)}`);
  return compileCondition(checked.condition)(profile, evaluationContext(today));
}

describe('rule language: what each op means', () => {
  it.each<[string, Condition, boolean]>([
    ['eq on an enum', { field: 'stage', op: 'eq', value: 'prototype' }, true],
    ['eq on a number', { field: 'trl', op: 'eq', value: 4 }, false],
    ['eq on a boolean', { field: 'incorporated', op: 'eq', value: true }, true],
    ['eq on a date', { field: 'incorporationDate', op: 'eq', value: '2024-09-30' }, true],
    ['neq', { field: 'academicAffiliation', op: 'neq', value: 'none' }, true],
    ['in', { field: 'stage', op: 'in', value: ['idea', 'prototype'] }, true],
    ['in (no match)', { field: 'stage', op: 'in', value: ['idea', 'market'] }, false],
    ['notIn', { field: 'academicAffiliation', op: 'notIn', value: ['none'] }, true],
    ['includes', { field: 'needs', op: 'includes', value: 'incubation' }, true],
    ['includes (absent)', { field: 'needs', op: 'includes', value: 'coaching' }, false],
    ['includesAny', { field: 'domains', op: 'includesAny', value: ['biotech', 'ai'] }, true],
    ['includesAny (none)', { field: 'domains', op: 'includesAny', value: ['biotech', 'other'] }, false],
    ['includesAll', { field: 'domains', op: 'includesAll', value: ['ai', 'digital_health'] }, true],
    ['includesAll (one missing)', { field: 'domains', op: 'includesAll', value: ['ai', 'medtech'] }, false],
    ['gte (equal)', { field: 'trl', op: 'gte', value: 5 }, true],
    ['lte', { field: 'trl', op: 'lte', value: 4 }, false],
    ['gte on a date', { field: 'incorporationDate', op: 'gte', value: '2024-09-30' }, true],
    ['between inclusive (low)', { field: 'trl', op: 'between', value: [5, 7] }, true],
    ['between inclusive (high)', { field: 'trl', op: 'between', value: [3, 5] }, true],
    ['between (outside)', { field: 'trl', op: 'between', value: [6, 9] }, false],
    ['between dates', { field: 'incorporationDate', op: 'between', value: ['2024-01-01', '2024-12-31'] }, true],
    ['isTrue', { field: 'incorporated', op: 'isTrue' }, true],
    ['isFalse', { field: 'lookingForCofounder', op: 'isFalse' }, true],
    ['exists', { field: 'fundingSoughtEur', op: 'exists' }, true],
    ['withinMonthsBeforeToday', { field: 'incorporationDate', op: 'withinMonthsBeforeToday', value: 18 }, true],
    ['withinMonthsBeforeToday (too old)', { field: 'incorporationDate', op: 'withinMonthsBeforeToday', value: 17 }, false],
    ['olderThanMonths', { field: 'incorporationDate', op: 'olderThanMonths', value: 17 }, true],
    ['olderThanMonths (not yet)', { field: 'incorporationDate', op: 'olderThanMonths', value: 18 }, false],
    ['all', { all: [{ field: 'trl', op: 'gte', value: 3 }, { field: 'incorporated', op: 'isTrue' }] }, true],
    ['all (one false)', { all: [{ field: 'trl', op: 'gte', value: 3 }, { field: 'incorporated', op: 'isFalse' }] }, false],
    ['any', { any: [{ field: 'trl', op: 'gte', value: 8 }, { field: 'stage', op: 'eq', value: 'prototype' }] }, true],
    ['any of three (none)', { any: [{ field: 'trl', op: 'gte', value: 8 }, { field: 'stage', op: 'eq', value: 'market' }, { field: 'teamSize', op: 'gte', value: 50 }] }, false],
    ['not', { not: { field: 'domains', op: 'includes', value: 'other' } }, true],
  ])('%s', (_label, condition, expected) => {
    expect(holds(condition)).toBe(expected);
  });

  it('makes every leaf on a missing field false, whatever the op, and never throws', () => {
    const draft: ProfileInput = { startupName: 'Draft', trl: null, incorporationDate: null, fundingSoughtEur: null };
    const leaves: Condition[] = [
      { field: 'trl', op: 'neq', value: 3 },
      { field: 'trl', op: 'gte', value: 1 },
      { field: 'stage', op: 'notIn', value: ['idea'] },
      { field: 'domains', op: 'includesAny', value: ['other'] },
      { field: 'incorporated', op: 'isFalse' },
      { field: 'incorporationDate', op: 'olderThanMonths', value: 0 },
      { field: 'incorporationDate', op: 'neq', value: '2024-01-01' },
      { field: 'fundingSoughtEur', op: 'exists' },
      { field: 'needs', op: 'exists' },
    ];
    for (const leaf of leaves) expect(holds(leaf, draft)).toBe(false);
    expect(holds({ not: { field: 'trl', op: 'gte', value: 3 } }, draft)).toBe(true);
    expect(holds({ field: 'needs', op: 'exists' }, { needs: [] })).toBe(false);
    expect(holds({ field: 'startupName', op: 'exists' }, { startupName: '' })).toBe(false);
  });
});

describe('validateRules: the default catalogue', () => {
  it.each(DEFAULT_CATALOGUE.map((programme) => [programme.slug, programme.rules] as const))('%s validates', (_slug, rules) => {
    const result = validateRules(JSON.parse(JSON.stringify(rules)));
    expect(result).toEqual({ ok: true, rules });
  });

  it('returns a fresh copy of the rules', () => {
    const input = JSON.parse(JSON.stringify(DEFAULT_CATALOGUE[0].rules)) as ProgrammeRules;
    const result = validateRules(input);
    if (!result.ok) throw new Error('expected valid rules');
    expect(result.rules).not.toBe(input);
    expect(result.rules.conditions[0]).not.toBe(input.conditions[0]);
  });

  it('gives every programme codes that are unique and texts in both locales', () => {
    for (const programme of DEFAULT_CATALOGUE) {
      const all = [...programme.rules.conditions, ...programme.rules.preferences];
      expect(new Set(all.map((rule) => rule.code)).size).toBe(all.length);
      expect(programme.name.fr && programme.name.en && programme.description.fr && programme.description.en).toBeTruthy();
    }
  });
});

/** Rules in which one part is replaced by something malformed. */
function rulesWith(overrides: { condition?: unknown; when?: unknown; preference?: unknown; root?: Record<string, unknown> }): unknown {
  const condition = overrides.condition ?? {
    code: 'academic_team',
    when: overrides.when ?? { field: 'academicAffiliation', op: 'in', value: ['inserm', 'psl'] },
    text: { fr: 'Équipe académique', en: 'Academic team' },
  };
  const preference = overrides.preference ?? {
    code: 'early_stage',
    when: { field: 'stage', op: 'eq', value: 'idea' },
    weight: 20,
    text: { fr: 'Stade précoce', en: 'Early stage' },
  };
  return {
    version: 1,
    conditions: [
      { code: 'needs_funding', when: { field: 'needs', op: 'includes', value: 'funding' }, text: { fr: 'Financement', en: 'Funding' } },
      condition,
    ],
    preferences: [preference],
    ...overrides.root,
  };
}

function nested(depth: number): unknown {
  let condition: unknown = { field: 'trl', op: 'gte', value: 3 };
  for (let i = 1; i < depth; i++) condition = { not: condition };
  return condition;
}

describe('validateRules: malformed rules answer where the problem is', () => {
  it.each<[string, unknown, string | string[]]>([
    ['an unknown field', rulesWith({ when: { field: 'turnover', op: 'gte', value: 3 } }), 'conditions[1].when.field'],
    [
      'an unknown op deep in a combinator',
      rulesWith({ when: { any: [{ field: 'trl', op: 'lte', value: 4 }, { all: [{ field: 'trl', op: 'greaterThan', value: 3 }] }] } }),
      'conditions[1].when.any[1].all[0].op',
    ],
    ['a value outside the enum', rulesWith({ when: { field: 'academicAffiliation', op: 'in', value: ['inserm', 'cnrs'] } }), 'conditions[1].when.value[1]'],
    ['a TRL out of range', rulesWith({ when: { field: 'trl', op: 'lte', value: 12 } }), 'conditions[1].when.value'],
    ['a number given as a string', rulesWith({ when: { field: 'teamSize', op: 'gte', value: '10' } }), 'conditions[1].when.value'],
    ['an op that does not apply to the field', rulesWith({ when: { field: 'stage', op: 'gte', value: 'prototype' } }), 'conditions[1].when.op'],
    ['includes on a list field with an unknown need', rulesWith({ when: { field: 'needs', op: 'includes', value: 'money' } }), 'conditions[1].when.value'],
    ['between with min above max', rulesWith({ when: { field: 'trl', op: 'between', value: [7, 4] } }), 'conditions[1].when.value'],
    ['isTrue with a value', rulesWith({ when: { field: 'incorporated', op: 'isTrue', value: true } }), 'conditions[1].when.value'],
    ['an invalid calendar date', rulesWith({ when: { field: 'incorporationDate', op: 'gte', value: '2024-02-30' } }), 'conditions[1].when.value'],
    ['negative months', rulesWith({ when: { field: 'incorporationDate', op: 'withinMonthsBeforeToday', value: -1 } }), 'conditions[1].when.value'],
    ['an empty all', rulesWith({ when: { all: [] } }), 'conditions[1].when.all'],
    ['a leaf mixed with a combinator', rulesWith({ when: { field: 'trl', op: 'gte', value: 3, any: [] } }), 'conditions[1].when'],
    ['a misspelt key in a leaf', rulesWith({ when: { field: 'stage', op: 'in', values: ['idea'] } }), ['conditions[1].when.values', 'conditions[1].when.value']],
    [`nesting deeper than ${MAX_DEPTH}`, rulesWith({ when: nested(MAX_DEPTH + 1) }), `conditions[1].when${'.not'.repeat(MAX_DEPTH)}`],
    ['a code with capitals and dashes', rulesWith({ condition: { code: 'Academic-Team', when: { field: 'trl', op: 'lte', value: 4 }, text: { fr: 'a', en: 'b' } } }), 'conditions[1].code'],
    ['a duplicate code', rulesWith({ preference: { code: 'needs_funding', when: { field: 'trl', op: 'lte', value: 4 }, weight: 5, text: { fr: 'a', en: 'b' } } }), 'preferences[0].code'],
    ['the reserved fallback code', rulesWith({ preference: { code: 'fallback_no_internal_fit', when: { field: 'trl', op: 'lte', value: 4 }, weight: 5, text: { fr: 'a', en: 'b' } } }), 'preferences[0].code'],
    ['a weight of 0', rulesWith({ preference: { code: 'early', when: { field: 'trl', op: 'lte', value: 4 }, weight: 0, text: { fr: 'a', en: 'b' } } }), 'preferences[0].weight'],
    ['a fractional weight', rulesWith({ preference: { code: 'early', when: { field: 'trl', op: 'lte', value: 4 }, weight: 2.5, text: { fr: 'a', en: 'b' } } }), 'preferences[0].weight'],
    ['a blank French text', rulesWith({ condition: { code: 'academic', when: { field: 'trl', op: 'lte', value: 4 }, text: { fr: '  ', en: 'Academic' } } }), 'conditions[1].text.fr'],
    ['a missing English text', rulesWith({ condition: { code: 'academic', when: { field: 'trl', op: 'lte', value: 4 }, text: { fr: 'Académique' } } }), 'conditions[1].text.en'],
    ['a missing when', rulesWith({ condition: { code: 'academic', text: { fr: 'a', en: 'b' } } }), 'conditions[1].when'],
    ['an unknown key at the top', rulesWith({ root: { fallbak: true } }), 'fallbak'],
    ['a non-boolean fallback', rulesWith({ root: { fallback: 'yes' } }), 'fallback'],
    ['an unknown version', rulesWith({ root: { version: 2 } }), 'version'],
    ['no hard condition', rulesWith({ root: { conditions: [] } }), 'conditions'],
    ['preferences missing', rulesWith({ root: { preferences: undefined } }), 'preferences'],
    ['not an object at all', ['conditions'], ''],
  ])('rejects %s', (_label, input, path) => {
    const result = validateRules(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.path)).toEqual(Array.isArray(path) ? path : [path]);
    for (const error of result.errors) expect(error.message).not.toBe('');
  });

  it('accepts nesting of exactly the maximum depth', () => {
    expect(validateRules(rulesWith({ when: nested(MAX_DEPTH) })).ok).toBe(true);
  });

  it('reports every error at once, not only the first', () => {
    const result = validateRules({
      conditions: [
        { code: 'Bad', when: { field: 'trl', op: 'lte', value: 40 }, text: { fr: '', en: 'x' } },
        { code: 'ok', when: { all: [{ field: 'stage', op: 'eq', value: 'seed' }] }, text: { fr: 'x', en: 'x' } },
      ],
      preferences: [{ code: 'p', when: { field: 'needs', op: 'isTrue' }, weight: 101, text: { fr: 'x', en: 'x' } }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.path)).toEqual([
      'conditions[0].code',
      'conditions[0].when.value',
      'conditions[0].text.fr',
      'conditions[1].when.all[0].value',
      'preferences[0].when.op',
      'preferences[0].weight',
    ]);
  });

  it('explains the error in words an admin can act on', () => {
    const result = validateRules(rulesWith({ when: { field: 'stage', op: 'gte', value: 'prototype' } }));
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'conditions[1].when.op',
          message: "op 'gte' does not apply to field 'stage' (enum); use one of eq, neq, in, notIn, exists",
        },
      ],
    });
  });
});

describe('formatCondition', () => {
  it('renders a condition readably', () => {
    const startupStudio = DEFAULT_CATALOGUE.find((programme) => programme.slug === 'startup-studio');
    expect(startupStudio && formatCondition(startupStudio.rules.conditions[1].when)).toBe(
      'lookingForCofounder is true OR needs includes company_building',
    );
    expect(
      formatCondition({
        all: [
          { field: 'trl', op: 'between', value: [4, 7] },
          { not: { any: [{ field: 'domains', op: 'includes', value: 'other' }, { field: 'incorporationDate', op: 'withinMonthsBeforeToday', value: 36 }] } },
        ],
      }),
    ).toBe('trl between 4 and 7 AND NOT (domains includes other OR incorporationDate within the last 36 months)');
  });
});
