import fc from 'fast-check';
import {
  ACADEMIC_AFFILIATIONS,
  AFFILIATIONS,
  type ApplicationProfile,
  DOMAINS,
  HEALTH_DOMAINS,
  NEEDS,
  type ProfileInput,
  STAGES,
} from './application-profile';
import { DEFAULT_CATALOGUE } from './default-catalogue';
import { FALLBACK_REASON_CODE, type Locale, type ProgrammeRules } from './rule-language';
import { type Recommendations, type RoutableProgramme, compileRules, recommend, recommendInAllLocales } from './routing-engine';

const TODAY = '2026-03-16';

const BASE: ApplicationProfile = {
  startupName: 'Cardiolink',
  projectSummary: 'A connected patch that watches heart rhythm at home and alerts the cardiology team early.',
  stage: 'idea',
  trl: 2,
  domains: ['digital_health'],
  needs: ['funding'],
  incorporated: false,
  incorporationDate: null,
  academicAffiliation: 'none',
  lookingForCofounder: false,
  teamSize: 2,
  fundingSoughtEur: null,
};

function founder(overrides: Partial<ApplicationProfile>): ApplicationProfile {
  return { ...BASE, ...overrides };
}

function route(profile: ProfileInput, locale: Locale = 'fr', programmes: readonly RoutableProgramme[] = DEFAULT_CATALOGUE): Recommendations {
  return recommend(programmes, profile, { today: TODAY, locale });
}

const POC = 'poc-funding';
const PRE = 'pre-entrepreneurial-track';
const HHSF = 'human-health-startup-factory';
const STUDIO = 'startup-studio';
const EXT = 'external-incubator';
const CLUSTER = 'competitiveness-cluster';

interface RoutingCase {
  who: string;
  profile: ProfileInput;
  /** [slug, score], in the expected order */
  eligible: [string, number][];
  ineligible: string[];
}

const ROUTING_TABLE: RoutingCase[] = [
  {
    who: 'Inserm lab at the idea stage, TRL 2, needs funding and coaching',
    profile: founder({ academicAffiliation: 'inserm', needs: ['funding', 'coaching'] }),
    eligible: [[POC, 45], [PRE, 30], [EXT, 0]],
    ineligible: [CLUSTER, HHSF, STUDIO],
  },
  {
    who: 'solo founder with an idea, no lab, needs coaching only',
    profile: founder({ trl: 1, needs: ['coaching'], teamSize: 1 }),
    eligible: [[PRE, 30], [EXT, 0]],
    ineligible: [CLUSTER, HHSF, POC, STUDIO],
  },
  {
    who: 'medtech incorporated 14 months ago, prototype TRL 5, needs incubation and office space',
    profile: founder({
      domains: ['medtech'],
      stage: 'prototype',
      trl: 5,
      incorporated: true,
      incorporationDate: '2025-01-10',
      needs: ['incubation', 'office_space'],
    }),
    eligible: [[HHSF, 50], [EXT, 0]],
    ineligible: [CLUSTER, POC, PRE, STUDIO],
  },
  {
    who: 'company on the market since 2019, TRL 9, needs partnerships and regulatory help (fallback)',
    profile: founder({
      stage: 'market',
      trl: 9,
      incorporated: true,
      incorporationDate: '2019-06-01',
      needs: ['partnerships', 'regulatory'],
      teamSize: 40,
    }),
    eligible: [[CLUSTER, 30], [EXT, 0]],
    ineligible: [HHSF, POC, PRE, STUDIO],
  },
  {
    who: 'consumer app outside health, incorporated last year, needs incubation',
    profile: founder({
      domains: ['other'],
      stage: 'prototype',
      trl: 4,
      incorporated: true,
      incorporationDate: '2025-09-01',
      needs: ['incubation'],
    }),
    eligible: [[EXT, 40]],
    ineligible: [CLUSTER, HHSF, POC, PRE, STUDIO],
  },
  {
    who: 'PSL researcher with a TRL 4 prototype, looking for a co-founder, needs funding and company building',
    profile: founder({
      academicAffiliation: 'psl',
      stage: 'prototype',
      trl: 4,
      lookingForCofounder: true,
      needs: ['funding', 'company_building'],
    }),
    eligible: [[STUDIO, 30], [POC, 20]],
    ineligible: [CLUSTER, EXT, HHSF, PRE],
  },
  {
    who: 'Inria spin-off in clinical validation, TRL 7, incorporated 2 years ago, many needs',
    profile: founder({
      academicAffiliation: 'inria',
      domains: ['health_data', 'ai'],
      stage: 'clinical_validation',
      trl: 7,
      incorporated: true,
      incorporationDate: '2024-02-01',
      lookingForCofounder: true,
      needs: ['company_building', 'partnerships', 'incubation'],
    }),
    eligible: [[HHSF, 50], [CLUSTER, 30], [STUDIO, 30], [EXT, 0]],
    ineligible: [POC, PRE],
  },
  {
    who: 'AP-HP clinician at the idea stage, TRL 3, looking for a co-founder, needs funding, coaching, company building',
    profile: founder({
      academicAffiliation: 'aphp',
      trl: 3,
      lookingForCofounder: true,
      needs: ['funding', 'coaching', 'company_building'],
    }),
    eligible: [[POC, 45], [PRE, 30], [STUDIO, 30], [EXT, 0]],
    ineligible: [CLUSTER, HHSF],
  },
  {
    who: 'diagnostics company incorporated exactly 3 years ago, TRL 6, needs office space',
    profile: founder({
      domains: ['diagnostics'],
      stage: 'prototype',
      trl: 6,
      incorporated: true,
      incorporationDate: '2023-03-16',
      needs: ['office_space'],
    }),
    eligible: [[HHSF, 50], [CLUSTER, 0]],
    ineligible: [EXT, POC, PRE, STUDIO],
  },
  {
    who: 'the same company incorporated 3 years and 1 day ago (fallback)',
    profile: founder({
      domains: ['diagnostics'],
      stage: 'prototype',
      trl: 6,
      incorporated: true,
      incorporationDate: '2023-03-15',
      needs: ['office_space'],
    }),
    eligible: [[CLUSTER, 0], [EXT, 0]],
    ineligible: [HHSF, POC, PRE, STUDIO],
  },
  {
    who: 'biotech claiming an incorporation date in the future, needs incubation',
    profile: founder({
      domains: ['biotech'],
      stage: 'prototype',
      trl: 5,
      incorporated: true,
      incorporationDate: '2026-04-01',
      needs: ['incubation'],
    }),
    eligible: [[EXT, 0]],
    ineligible: [CLUSTER, HHSF, POC, PRE, STUDIO],
  },
  {
    who: 'a draft with only its name',
    profile: { startupName: 'Draft SAS' },
    eligible: [[EXT, 0]],
    ineligible: [CLUSTER, HHSF, POC, PRE, STUDIO],
  },
  {
    who: 'market-stage company with TRL 5, incorporated in 2022, other academic lab, needs partnerships and coaching',
    profile: founder({
      academicAffiliation: 'other_academic',
      stage: 'market',
      trl: 5,
      incorporated: true,
      incorporationDate: '2022-01-01',
      needs: ['partnerships', 'coaching'],
    }),
    eligible: [[CLUSTER, 30], [EXT, 0]],
    ineligible: [HHSF, POC, PRE, STUDIO],
  },
  {
    who: 'young company partly outside health, TRL 3, needs company building and coaching',
    profile: founder({
      domains: ['digital_health', 'other'],
      trl: 3,
      incorporated: true,
      incorporationDate: '2025-12-01',
      needs: ['company_building', 'coaching'],
    }),
    eligible: [[EXT, 20], [HHSF, 0], [STUDIO, 0]],
    ineligible: [CLUSTER, POC, PRE],
  },
  {
    who: 'Inserm start-up incorporated in 2025 at proof of concept, TRL 4, needs funding and incubation',
    profile: founder({
      academicAffiliation: 'inserm',
      domains: ['medtech'],
      stage: 'proof_of_concept',
      trl: 4,
      incorporated: true,
      incorporationDate: '2025-06-01',
      needs: ['funding', 'incubation'],
    }),
    eligible: [[HHSF, 50], [POC, 25], [EXT, 0]],
    ineligible: [CLUSTER, PRE, STUDIO],
  },
];

function codes(reasons: readonly { code: string }[]): string[] {
  return reasons.map((reason) => reason.code);
}

function eligibleOf(result: Recommendations, slug: string) {
  const entry = result.eligible.find((candidate) => candidate.programme === slug);
  if (entry === undefined) throw new Error(`${slug} is not eligible`);
  return entry;
}

function ineligibleOf(result: Recommendations, slug: string) {
  const entry = result.ineligible.find((candidate) => candidate.programme === slug);
  if (entry === undefined) throw new Error(`${slug} is not ineligible`);
  return entry;
}

describe('recommend: the routing table of the default catalogue', () => {
  it('covers every programme, eligible and ineligible', () => {
    for (const { slug } of DEFAULT_CATALOGUE) {
      expect(ROUTING_TABLE.some((row) => row.eligible.some(([eligible]) => eligible === slug))).toBe(true);
      expect(ROUTING_TABLE.some((row) => row.ineligible.includes(slug))).toBe(true);
    }
  });

  it.each(ROUTING_TABLE)('$who', ({ profile, eligible, ineligible }) => {
    for (const locale of ['fr', 'en'] as const) {
      const result = route(profile, locale);
      expect(result.eligible.map((entry) => [entry.programme, entry.score])).toEqual(eligible);
      expect(result.ineligible.map((entry) => entry.programme)).toEqual(ineligible);
    }
  });
});

describe('recommend: reasons and failures', () => {
  it('lists every hard condition, then the matched preferences, as reasons of an eligible programme', () => {
    const result = route(founder({ academicAffiliation: 'inserm', needs: ['funding', 'coaching'] }), 'fr');
    expect(eligibleOf(result, POC).reasons).toEqual([
      { code: 'academic_team', text: 'Équipe rattachée à un laboratoire académique (Inserm, PSL, Inria, AP-HP ou autre)' },
      { code: 'trl_at_most_4', text: 'Niveau de maturité technologique (TRL) de 4 au plus' },
      { code: 'needs_funding', text: 'Besoin de financement pour prouver le concept' },
      { code: 'not_incorporated', text: 'Entreprise pas encore immatriculée' },
      { code: 'early_stage', text: "Projet au stade de l'idée ou de la preuve de concept" },
    ]);
    expect(eligibleOf(result, EXT).reasons).toEqual([
      { code: 'needs_incubation_or_coaching', text: "Besoin d'incubation ou de coaching" },
    ]);
  });

  it('lists every failed hard condition of an ineligible programme, in the locale asked for', () => {
    const profile = founder({ stage: 'prototype', trl: 5, incorporated: true, incorporationDate: '2025-01-10', needs: ['incubation'] });
    expect(ineligibleOf(route(profile, 'en'), POC).failed).toEqual([
      { code: 'academic_team', text: 'Team affiliated with an academic lab (Inserm, PSL, Inria, AP-HP or another)' },
      { code: 'trl_at_most_4', text: 'Technology readiness level (TRL) of 4 or below' },
      { code: 'needs_funding', text: 'Needs funding to prove the concept' },
    ]);
    expect(codes(ineligibleOf(route(profile, 'en'), PRE).failed)).toEqual(['not_incorporated', 'early_stage']);
    expect(codes(ineligibleOf(route(profile, 'en'), STUDIO).failed)).toEqual(['cofounder_or_company_building']);
  });

  it('admits the fallback incubator with the fallback reason first when its own conditions fail', () => {
    const result = route(
      founder({ stage: 'market', trl: 9, incorporated: true, incorporationDate: '2019-06-01', needs: ['partnerships'] }),
      'en',
    );
    const fallback = eligibleOf(result, EXT);
    expect(fallback.score).toBe(0);
    expect(fallback.reasons).toEqual([
      {
        code: FALLBACK_REASON_CODE,
        text: 'No internal campus programme fits your profile yet: a partner incubator can support you',
      },
    ]);
  });

  it('lists the fallback reason after the hard conditions when they hold, then the preferences', () => {
    const result = route(
      founder({ domains: ['other'], stage: 'prototype', trl: 4, incorporated: true, incorporationDate: '2025-09-01', needs: ['incubation'] }),
    );
    expect(codes(eligibleOf(result, EXT).reasons)).toEqual([
      'needs_incubation_or_coaching',
      FALLBACK_REASON_CODE,
      'domain_other',
      'outside_health_only',
    ]);
  });

  it('does not apply the fallback when an internal programme fits', () => {
    const result = route(founder({ academicAffiliation: 'inserm', needs: ['funding'] }));
    expect(result.eligible.map((entry) => entry.programme)).toEqual([POC, PRE]);
    expect(codes(ineligibleOf(result, EXT).failed)).toEqual(['needs_incubation_or_coaching']);
    for (const entry of result.eligible) expect(codes(entry.reasons)).not.toContain(FALLBACK_REASON_CODE);
  });

  it('gives the same codes in both locales, with different sentences', () => {
    const profile = founder({ academicAffiliation: 'aphp', trl: 3, lookingForCofounder: true, needs: ['funding', 'coaching'] });
    const { fr, en } = recommendInAllLocales(DEFAULT_CATALOGUE, profile, { today: TODAY });
    expect(fr.eligible.map((entry) => [entry.programme, entry.score, codes(entry.reasons)])).toEqual(
      en.eligible.map((entry) => [entry.programme, entry.score, codes(entry.reasons)]),
    );
    expect(fr.eligible[0].reasons[0].text).not.toEqual(en.eligible[0].reasons[0].text);
    expect(fr).toEqual(route(profile, 'fr'));
    expect(en).toEqual(route(profile, 'en'));
  });
});

describe('recommend: catalogue changes', () => {
  it('skips inactive programmes', () => {
    const programmes = DEFAULT_CATALOGUE.map((programme) =>
      programme.slug === POC || programme.slug === CLUSTER ? { ...programme, active: false } : programme,
    );
    const result = route(founder({ academicAffiliation: 'inserm', needs: ['funding', 'coaching'] }), 'fr', programmes);
    expect(result.eligible.map((entry) => entry.programme)).toEqual([PRE, EXT]);
    expect(result.ineligible.map((entry) => entry.programme)).toEqual([HHSF, STUDIO]);
  });

  it('falls back to the external incubator when the internal programme that fitted is deactivated', () => {
    const profile = founder({ academicAffiliation: 'inserm', stage: 'prototype', trl: 4, incorporated: true, incorporationDate: '2020-01-01' });
    expect(route(profile).eligible.map((entry) => entry.programme)).toEqual([POC]);
    const withoutPoc = DEFAULT_CATALOGUE.map((programme) => (programme.slug === POC ? { ...programme, active: false } : programme));
    expect(route(profile, 'fr', withoutPoc).eligible.map((entry) => [entry.programme, codes(entry.reasons)])).toEqual([
      [EXT, [FALLBACK_REASON_CODE]],
    ]);
  });

  it('ignores a fallback flag on an internal programme', () => {
    const rules: ProgrammeRules = {
      fallback: true,
      conditions: [{ code: 'needs_recruitment', when: { field: 'needs', op: 'includes', value: 'recruitment' }, text: { fr: 'Recrutement', en: 'Recruitment' } }],
      preferences: [],
    };
    const result = route(founder({}), 'en', [{ slug: 'talent', kind: 'internal', active: true, rules }]);
    expect(result).toEqual({ eligible: [], ineligible: [{ programme: 'talent', failed: [{ code: 'needs_recruitment', text: 'Recruitment' }] }] });
  });

  it('does not depend on the order programmes are given in', () => {
    const profile = founder({ academicAffiliation: 'aphp', trl: 3, lookingForCofounder: true, needs: ['funding', 'coaching'] });
    expect(route(profile, 'fr', [...DEFAULT_CATALOGUE].reverse())).toEqual(route(profile));
  });

  it('routes programmes whose stored rules are not rules at all as ineligible, without throwing', () => {
    const broken = { slug: 'broken', kind: 'internal', active: true, rules: null } as unknown as RoutableProgramme;
    const result = route(founder({}), 'en', [broken]);
    expect(result.ineligible).toEqual([{ programme: 'broken', failed: [{ code: 'rules_invalid', text: "This programme's routing rules are invalid" }] }]);
  });

  it('compiles a rules object once and reuses it', () => {
    const rules = DEFAULT_CATALOGUE[0].rules;
    expect(compileRules(rules)).toBe(compileRules(rules));
    expect(compileRules(JSON.parse(JSON.stringify(rules)) as ProgrammeRules)).not.toBe(compileRules(rules));
  });

  it('refuses a malformed today', () => {
    expect(() => recommend(DEFAULT_CATALOGUE, BASE, { today: '16/03/2026', locale: 'fr' })).toThrow(RangeError);
    expect(() => recommend(DEFAULT_CATALOGUE, BASE, { today: '2026-02-30', locale: 'fr' })).toThrow(RangeError);
  });
});

describe('recommend: dates are calendar days relative to today', () => {
  const recentlyIncorporated = (months: number): RoutableProgramme => ({
    slug: 'recent',
    kind: 'internal',
    active: true,
    rules: {
      conditions: [
        {
          code: 'recent',
          when: { field: 'incorporationDate', op: 'withinMonthsBeforeToday', value: months },
          text: { fr: 'Récente', en: 'Recent' },
        },
      ],
      preferences: [],
    },
  });
  const eligibleOn = (today: string, incorporationDate: string, months: number): boolean =>
    recommend([recentlyIncorporated(months)], founder({ incorporated: true, incorporationDate }), { today, locale: 'en' }).eligible.length === 1;

  it('clamps "N months before" to the end of a shorter month', () => {
    expect(eligibleOn('2026-03-31', '2026-02-28', 1)).toBe(true);
    expect(eligibleOn('2026-03-31', '2026-02-27', 1)).toBe(false);
    expect(eligibleOn('2024-03-31', '2024-02-29', 1)).toBe(true);
    expect(eligibleOn('2027-02-28', '2024-02-28', 36)).toBe(true);
    expect(eligibleOn('2027-02-28', '2024-02-27', 36)).toBe(false);
  });

  it('counts today itself but not tomorrow', () => {
    expect(eligibleOn('2026-03-16', '2026-03-16', 36)).toBe(true);
    expect(eligibleOn('2026-03-16', '2026-03-17', 36)).toBe(false);
  });

  it('reads the calendar day of a stored timestamp', () => {
    expect(eligibleOn('2026-03-16', '2023-03-16T00:00:00.000Z', 36)).toBe(true);
    expect(eligibleOn('2026-03-16', '2023-03-15T23:00:00.000Z', 36)).toBe(false);
    expect(eligibleOn('2026-03-16', 'March 2024', 36)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over arbitrary profiles
// ---------------------------------------------------------------------------------------------

function isoDay(epochDay: number): string {
  return new Date(epochDay * 86_400_000).toISOString().slice(0, 10);
}
const EPOCH_2024 = Date.UTC(2024, 0, 1) / 86_400_000;

const todayArb = fc.integer({ min: EPOCH_2024, max: EPOCH_2024 + 4 * 365 }).map(isoDay);

/** A valid, complete profile for a given today (incorporation date never in the future). */
function profileArb(today: string): fc.Arbitrary<ApplicationProfile> {
  const todayEpochDay = Date.parse(`${today}T00:00:00Z`) / 86_400_000;
  return fc
    .record({
      startupName: fc.string({ minLength: 2, maxLength: 20 }),
      projectSummary: fc.string({ minLength: 50, maxLength: 80 }),
      stage: fc.constantFrom(...STAGES),
      trl: fc.integer({ min: 1, max: 9 }),
      domains: fc.uniqueArray(fc.constantFrom(...DOMAINS), { minLength: 1, maxLength: DOMAINS.length }),
      needs: fc.uniqueArray(fc.constantFrom(...NEEDS), { minLength: 1, maxLength: NEEDS.length }),
      incorporated: fc.boolean(),
      daysSinceIncorporation: fc.integer({ min: 0, max: 10 * 366 }),
      academicAffiliation: fc.constantFrom(...AFFILIATIONS),
      lookingForCofounder: fc.boolean(),
      teamSize: fc.integer({ min: 1, max: 500 }),
      fundingSoughtEur: fc.option(fc.integer({ min: 0, max: 100_000_000 }), { nil: null }),
    })
    .map(({ daysSinceIncorporation, ...rest }) => ({
      ...rest,
      incorporationDate: rest.incorporated ? isoDay(todayEpochDay - daysSinceIncorporation) : null,
    }));
}

/** A partial profile, as a draft or a row with null columns may be. */
const partialProfileArb: fc.Arbitrary<ProfileInput> = fc.record(
  {
    stage: fc.option(fc.constantFrom(...STAGES)),
    trl: fc.option(fc.integer({ min: 1, max: 9 })),
    domains: fc.option(fc.uniqueArray(fc.constantFrom(...DOMAINS), { maxLength: 3 })),
    needs: fc.option(fc.uniqueArray(fc.constantFrom(...NEEDS), { maxLength: 3 })),
    incorporated: fc.option(fc.boolean()),
    incorporationDate: fc.option(fc.constantFrom('2020-01-01', '2025-06-30', '2024-02-29T10:00:00Z', 'not a date', '')),
    academicAffiliation: fc.option(fc.constantFrom(...AFFILIATIONS)),
    lookingForCofounder: fc.option(fc.boolean()),
  },
  { requiredKeys: [] },
);

const catalogueArb: fc.Arbitrary<RoutableProgramme[]> = fc
  .tuple(fc.array(fc.boolean(), { minLength: DEFAULT_CATALOGUE.length, maxLength: DEFAULT_CATALOGUE.length }), fc.boolean())
  .map(([active, reversed]) => {
    const programmes = DEFAULT_CATALOGUE.map((programme, index) => ({ ...programme, active: active[index] }));
    return reversed ? programmes.reverse() : programmes;
  });

const scenarioArb = todayArb.chain((today) =>
  fc.record({
    today: fc.constant(today),
    profile: profileArb(today),
    programmes: catalogueArb,
    locale: fc.constantFrom<Locale>('fr', 'en'),
  }),
);

const WEIGHTS = new Map<string, Map<string, number>>(
  DEFAULT_CATALOGUE.map((programme) => [
    programme.slug,
    new Map(programme.rules.preferences.map((preference) => [preference.code, preference.weight])),
  ]),
);

const INTERNAL = new Set(DEFAULT_CATALOGUE.filter((programme) => programme.kind === 'internal').map((programme) => programme.slug));

/** The catalogue's hard conditions, written again by hand from the contract's catalogue. */
function oracleEligible(profile: ApplicationProfile, today: string): Set<string> {
  const academic = (ACADEMIC_AFFILIATIONS as readonly string[]).includes(profile.academicAffiliation);
  const needs = (need: string): boolean => (profile.needs as readonly string[]).includes(need);
  const [year, month, day] = today.split('-').map(Number);
  const threeYearsAgo = new Date(Date.UTC(year - 3, month - 1, day));
  if (threeYearsAgo.getUTCDate() !== day) threeYearsAgo.setUTCDate(0); // 29 Feb → 28 Feb
  const cutoff = threeYearsAgo.toISOString().slice(0, 10);
  const eligible = new Set<string>();
  if (academic && profile.trl <= 4 && needs('funding')) eligible.add(POC);
  if (!profile.incorporated && (profile.stage === 'idea' || profile.stage === 'proof_of_concept')) eligible.add(PRE);
  if (
    profile.incorporated &&
    profile.incorporationDate !== null &&
    profile.incorporationDate >= cutoff &&
    profile.incorporationDate <= today &&
    profile.domains.some((domain) => (HEALTH_DOMAINS as readonly string[]).includes(domain))
  ) {
    eligible.add(HHSF);
  }
  if (profile.trl >= 3 && (profile.lookingForCofounder || needs('company_building'))) eligible.add(STUDIO);
  if (profile.incorporated && (profile.trl >= 6 || profile.stage === 'clinical_validation' || profile.stage === 'market')) {
    eligible.add(CLUSTER);
  }
  const internalFits = [...eligible].some((slug) => INTERNAL.has(slug));
  if (!internalFits || needs('incubation') || needs('coaching')) eligible.add(EXT);
  return eligible;
}

describe('recommend: properties over arbitrary valid profiles', () => {
  it('is deterministic', () => {
    fc.assert(
      fc.property(scenarioArb, ({ today, profile, programmes, locale }) => {
        const first = recommend(programmes, profile, { today, locale });
        const second = recommend(programmes, structuredClone(profile), { today, locale });
        expect(second).toEqual(first);
        expect(recommend([...programmes].reverse(), profile, { today, locale })).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });

  it('places every active programme exactly once and no inactive one', () => {
    fc.assert(
      fc.property(scenarioArb, ({ today, profile, programmes, locale }) => {
        const result = recommend(programmes, profile, { today, locale });
        const placed = [...result.eligible.map((entry) => entry.programme), ...result.ineligible.map((entry) => entry.programme)];
        const active = programmes.filter((programme) => programme.active).map((programme) => programme.slug);
        expect([...placed].sort()).toEqual([...active].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('sorts eligible by score (highest first, then slug) and ineligible by slug', () => {
    fc.assert(
      fc.property(scenarioArb, ({ today, profile, programmes, locale }) => {
        const { eligible, ineligible } = recommend(programmes, profile, { today, locale });
        for (let i = 1; i < eligible.length; i++) {
          const [previous, current] = [eligible[i - 1], eligible[i]];
          expect(previous.score > current.score || (previous.score === current.score && previous.programme < current.programme)).toBe(true);
        }
        for (let i = 1; i < ineligible.length; i++) expect(ineligible[i - 1].programme < ineligible[i].programme).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('explains every answer with non-empty sentences in both locales, and scores by the matched preferences', () => {
    fc.assert(
      fc.property(scenarioArb, ({ today, profile, programmes }) => {
        const { fr, en } = recommendInAllLocales(programmes, profile, { today });
        for (const result of [fr, en]) {
          for (const entry of result.eligible) {
            expect(entry.reasons.length).toBeGreaterThan(0);
            for (const reason of entry.reasons) expect(reason.text.trim()).not.toBe('');
            const weights = WEIGHTS.get(entry.programme) ?? new Map<string, number>();
            const score = entry.reasons.reduce((sum, reason) => sum + (weights.get(reason.code) ?? 0), 0);
            expect(entry.score).toBe(score);
            expect(Number.isInteger(entry.score)).toBe(true);
          }
          for (const entry of result.ineligible) {
            expect(entry.failed.length).toBeGreaterThan(0);
            for (const failure of entry.failed) expect(failure.text.trim()).not.toBe('');
          }
        }
        const shape = (result: Recommendations) => ({
          eligible: result.eligible.map((entry) => [entry.programme, entry.score, codes(entry.reasons)]),
          ineligible: result.ineligible.map((entry) => [entry.programme, codes(entry.failed)]),
        });
        expect(shape(fr)).toEqual(shape(en));
        const frTexts = fr.eligible.flatMap((entry) => entry.reasons.map((reason) => reason.text));
        const enTexts = en.eligible.flatMap((entry) => entry.reasons.map((reason) => reason.text));
        expect(frTexts.every((text, index) => text !== enTexts[index])).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('finds the programmes the contract describes (hand-written oracle), with the fallback', () => {
    fc.assert(
      fc.property(todayArb.chain((today) => fc.tuple(fc.constant(today), profileArb(today))), ([today, profile]) => {
        const result = recommend(DEFAULT_CATALOGUE, profile, { today, locale: 'en' });
        expect(new Set(result.eligible.map((entry) => entry.programme))).toEqual(oracleEligible(profile, today));
        const internalFits = result.eligible.some((entry) => INTERNAL.has(entry.programme));
        const fallback = result.eligible.find((entry) => entry.programme === EXT);
        expect(fallback !== undefined && codes(fallback.reasons).includes(FALLBACK_REASON_CODE)).toBe(!internalFits);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on partial profiles and still places every programme once', () => {
    fc.assert(
      fc.property(partialProfileArb, todayArb, (profile, today) => {
        const result = recommend(DEFAULT_CATALOGUE, profile, { today, locale: 'fr' });
        expect(result.eligible.length + result.ineligible.length).toBe(DEFAULT_CATALOGUE.length);
      }),
      { numRuns: 500 },
    );
  });
});
