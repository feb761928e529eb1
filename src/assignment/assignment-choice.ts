/**
 * Auto-assignment choice (pure). See the contract, `POST /applications/:id/auto-assign`:
 * "picks an active advisor with the programme expertise and spare capacity, least loaded first;
 * the explanation lists every candidate and why it was or was not chosen".
 *
 * Eligibility — every check is run and reported for every candidate (passes and failures):
 * 1. active            `active === true`                          (active | inactive)
 * 2. advisor           `role === 'advisor'`; programme managers and admins can act on cases
 *                      but are never auto-assigned                  (advisor | not_advisor)
 * 3. programme         the case's programme is in `programmes`      (programme_expertise |
 *                      no_programme_expertise). When the case has no programme (null: nothing
 *                      decided and no recommendation to go on), any advisor is fine on
 *                      expertise (any_programme). The caller chooses which programme to pass
 *                      (typically the case's programme, else its top recommendation).
 * 4. language          the founder's language is in `languages`     (speaks_language |
 *                      language_mismatch)
 * 5. capacity          `load < capacity`, where load is the advisor's count of open cases
 *                      (submitted, in_review, info_requested). capacity null or ≤ 0 means the
 *                      advisor takes no new cases                   (spare_capacity |
 *                      at_capacity | no_capacity)
 *
 * Ranking of the eligible (deterministic, independent of input order):
 * 1. lowest `load` (absolute number of open cases — not load/capacity: "least loaded first"
 *    means fewest cases in hand, and it is what the team sees in the inbox);
 * 2. then longest since last assignment (`lastAssignedAt` oldest first; null = never assigned
 *    = first), spreading new cases among equally loaded advisors;
 * 3. then `userId` ascending (plain code-unit order, locale independent), for determinism.
 * The first one is chosen; `chosen` is null when nobody is eligible (or the list is empty).
 *
 * Output order: the chosen candidate, then the other eligible ones in ranking order, then the
 * ineligible ones by full name (collated in the requested locale), then userId.
 * Reasons of eligible candidates end with the ranking: the chosen one gets `chosen` plus
 * `only_eligible` or `least_loaded` (+ `tie_longest_since_assignment` / `tie_user_id` when the
 * runner-up had the same load); the others get `more_loaded`, `tie_assigned_more_recently`
 * or `tie_user_id_later` relative to the chosen one.
 * Texts are in `locale` (the staff member asking); `language` is the founder's language.
 */

export type Locale = 'fr' | 'en';

export interface AssigneeCandidate {
  userId: string;
  fullName: string;
  active: boolean;
  role: string;
  /** Programme slugs the person covers. */
  programmes: string[];
  /** Languages the person works in ('fr', 'en'). */
  languages: string[];
  /** Maximum open cases; null or ≤ 0 = takes no new cases. */
  capacity: number | null;
  /** Open cases currently assigned (submitted, in_review, info_requested). */
  load: number;
  lastAssignedAt: Date | null;
}

export interface ChooseAssigneeInput {
  /** Programme slug the case is (or is expected to be) in; null = none yet. */
  programme: string | null;
  /** The founder's language. */
  language: Locale;
  candidates: AssigneeCandidate[];
  /** Locale of the reason texts. */
  locale: Locale;
}

export const ASSIGNMENT_REASON_CODES = [
  'active',
  'inactive',
  'advisor',
  'not_advisor',
  'any_programme',
  'programme_expertise',
  'no_programme_expertise',
  'speaks_language',
  'language_mismatch',
  'spare_capacity',
  'at_capacity',
  'no_capacity',
  'chosen',
  'only_eligible',
  'least_loaded',
  'tie_longest_since_assignment',
  'tie_user_id',
  'more_loaded',
  'tie_assigned_more_recently',
  'tie_user_id_later',
] as const;
export type AssignmentReasonCode = (typeof ASSIGNMENT_REASON_CODES)[number];

export interface AssignmentReason {
  code: AssignmentReasonCode;
  text: string;
}

export interface CandidateExplanation {
  userId: string;
  fullName: string;
  load: number;
  capacity: number | null;
  eligible: boolean;
  reasons: AssignmentReason[];
}

export interface AssignmentExplanation {
  chosen: string | null;
  candidates: CandidateExplanation[];
}

// ---------------------------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------------------------

interface TextParams {
  role: string;
  programme: string;
  language: Locale;
  load: number;
  capacity: number;
  chosenLoad: number;
}

const LANGUAGE_NAMES: Record<Locale, Record<Locale, string>> = {
  en: { fr: 'French', en: 'English' },
  fr: { fr: 'français', en: 'anglais' },
};

function openCases(locale: Locale, n: number): string {
  if (locale === 'fr') return `${n} dossier${n > 1 ? 's' : ''} ouvert${n > 1 ? 's' : ''}`;
  return `${n} open case${n === 1 ? '' : 's'}`;
}

type TextTable = Record<AssignmentReasonCode, (p: TextParams) => string>;

const TEXTS: Record<Locale, TextTable> = {
  en: {
    active: () => 'Account is active',
    inactive: () => 'Account is deactivated',
    advisor: () => 'Is an advisor',
    not_advisor: (p) => `Role is ${p.role}, not advisor: only advisors are auto-assigned`,
    any_programme: () => 'No programme chosen yet: any advisor qualifies',
    programme_expertise: (p) => `Covers the programme ${p.programme}`,
    no_programme_expertise: (p) => `Does not cover the programme ${p.programme}`,
    speaks_language: (p) => `Speaks the founder's language (${LANGUAGE_NAMES.en[p.language]})`,
    language_mismatch: (p) => `Does not speak the founder's language (${LANGUAGE_NAMES.en[p.language]})`,
    spare_capacity: (p) => `Has spare capacity: ${openCases('en', p.load)} for a capacity of ${p.capacity}`,
    at_capacity: (p) => `At capacity: ${openCases('en', p.load)} for a capacity of ${p.capacity}`,
    no_capacity: () => 'Takes no new cases (no capacity set)',
    chosen: () => 'Chosen for this case',
    only_eligible: () => 'The only eligible advisor',
    least_loaded: (p) => `Least loaded eligible advisor (${openCases('en', p.load)})`,
    tie_longest_since_assignment: () =>
      'Tied on load: the one who was assigned a case the longest time ago (or never)',
    tie_user_id: () => 'Tied on load and last assignment: picked by identifier order',
    more_loaded: (p) =>
      `More loaded than the chosen advisor (${openCases('en', p.load)} against ${p.chosenLoad})`,
    tie_assigned_more_recently: () => 'Same load as the chosen advisor, but was assigned a case more recently',
    tie_user_id_later: () =>
      'Same load and last assignment as the chosen advisor: comes after by identifier order',
  },
  fr: {
    active: () => 'Compte actif',
    inactive: () => 'Compte désactivé',
    advisor: () => 'Est conseiller',
    not_advisor: (p) =>
      `Le rôle est ${p.role}, pas conseiller : seuls les conseillers sont attribués automatiquement`,
    any_programme: () => 'Aucun programme choisi pour l’instant : tout conseiller convient',
    programme_expertise: (p) => `Couvre le programme ${p.programme}`,
    no_programme_expertise: (p) => `Ne couvre pas le programme ${p.programme}`,
    speaks_language: (p) => `Parle la langue du porteur de projet (${LANGUAGE_NAMES.fr[p.language]})`,
    language_mismatch: (p) => `Ne parle pas la langue du porteur de projet (${LANGUAGE_NAMES.fr[p.language]})`,
    spare_capacity: (p) => `Capacité disponible : ${openCases('fr', p.load)} pour une capacité de ${p.capacity}`,
    at_capacity: (p) => `Capacité atteinte : ${openCases('fr', p.load)} pour une capacité de ${p.capacity}`,
    no_capacity: () => 'Ne prend pas de nouveaux dossiers (aucune capacité définie)',
    chosen: () => 'Choisi pour ce dossier',
    only_eligible: () => 'Seul conseiller éligible',
    least_loaded: (p) => `Conseiller éligible le moins chargé (${openCases('fr', p.load)})`,
    tie_longest_since_assignment: () =>
      'À charge égale : celui à qui un dossier a été attribué il y a le plus longtemps (ou jamais)',
    tie_user_id: () => 'À charge et dernière attribution égales : départagé par identifiant',
    more_loaded: (p) => `Plus chargé que le conseiller choisi (${openCases('fr', p.load)} contre ${p.chosenLoad})`,
    tie_assigned_more_recently: () =>
      'Même charge que le conseiller choisi, mais un dossier lui a été attribué plus récemment',
    tie_user_id_later: () =>
      'Même charge et même dernière attribution que le conseiller choisi : vient après par identifiant',
  },
};

// ---------------------------------------------------------------------------------------------
// Choice
// ---------------------------------------------------------------------------------------------

interface Assessed {
  candidate: AssigneeCandidate;
  eligible: boolean;
  checks: AssignmentReasonCode[];
}

function assess(candidate: AssigneeCandidate, programme: string | null, language: Locale): Assessed {
  const checks: AssignmentReasonCode[] = [];
  let eligible = true;
  const check = (passed: boolean, pass: AssignmentReasonCode, failure: AssignmentReasonCode): void => {
    checks.push(passed ? pass : failure);
    if (!passed) eligible = false;
  };

  check(candidate.active === true, 'active', 'inactive');
  check(candidate.role === 'advisor', 'advisor', 'not_advisor');
  if (programme === null) checks.push('any_programme');
  else check(candidate.programmes.includes(programme), 'programme_expertise', 'no_programme_expertise');
  check(candidate.languages.includes(language), 'speaks_language', 'language_mismatch');
  const capacity = candidate.capacity;
  if (capacity === null || !(capacity > 0)) check(false, 'spare_capacity', 'no_capacity');
  else check(candidate.load < capacity, 'spare_capacity', 'at_capacity');

  return { candidate, eligible, checks };
}

/** Never-assigned (null) sorts first, i.e. as the oldest possible assignment. */
function lastAssignedMs(c: AssigneeCandidate): number {
  return c.lastAssignedAt === null ? Number.NEGATIVE_INFINITY : c.lastAssignedAt.getTime();
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ranking of eligible candidates: lowest load, longest since last assignment, userId. */
export function compareForAssignment(a: AssigneeCandidate, b: AssigneeCandidate): number {
  if (a.load !== b.load) return a.load - b.load;
  const la = lastAssignedMs(a);
  const lb = lastAssignedMs(b);
  if (la !== lb) return la < lb ? -1 : 1;
  return compareCodeUnits(a.userId, b.userId);
}

/** Picks the assignee and explains every candidate. See the file header for the rules. */
export function chooseAssignee(input: ChooseAssigneeInput): AssignmentExplanation {
  const { programme, language, locale } = input;
  const texts = TEXTS[locale] ?? TEXTS.en;
  const assessed = input.candidates.map((c) => assess(c, programme, language));

  const eligible = assessed.filter((a) => a.eligible).sort((a, b) => compareForAssignment(a.candidate, b.candidate));
  const collator = new Intl.Collator(locale, { sensitivity: 'base' });
  const ineligible = assessed
    .filter((a) => !a.eligible)
    .sort(
      (a, b) =>
        collator.compare(a.candidate.fullName, b.candidate.fullName) ||
        compareCodeUnits(a.candidate.fullName, b.candidate.fullName) ||
        compareCodeUnits(a.candidate.userId, b.candidate.userId),
    );

  const chosen = eligible[0];
  const runnerUp = eligible[1];

  const explain = (a: Assessed, ranking: AssignmentReasonCode[]): CandidateExplanation => {
    const c = a.candidate;
    const params: TextParams = {
      role: c.role,
      programme: programme ?? '',
      language,
      load: c.load,
      capacity: c.capacity ?? 0,
      chosenLoad: chosen ? chosen.candidate.load : 0,
    };
    return {
      userId: c.userId,
      fullName: c.fullName,
      load: c.load,
      capacity: c.capacity,
      eligible: a.eligible,
      reasons: [...a.checks, ...ranking].map((code) => ({ code, text: texts[code](params) })),
    };
  };

  const chosenRanking = (): AssignmentReasonCode[] => {
    if (!chosen) return [];
    if (!runnerUp) return ['chosen', 'only_eligible'];
    const c = chosen.candidate;
    const r = runnerUp.candidate;
    if (c.load !== r.load) return ['chosen', 'least_loaded'];
    if (lastAssignedMs(c) !== lastAssignedMs(r)) return ['chosen', 'least_loaded', 'tie_longest_since_assignment'];
    return ['chosen', 'least_loaded', 'tie_user_id'];
  };

  const otherRanking = (a: Assessed): AssignmentReasonCode[] => {
    if (!chosen) return [];
    const c = chosen.candidate;
    if (a.candidate.load !== c.load) return ['more_loaded'];
    if (lastAssignedMs(a.candidate) !== lastAssignedMs(c)) return ['tie_assigned_more_recently'];
    return ['tie_user_id_later'];
  };

  return {
    chosen: chosen ? chosen.candidate.userId : null,
    candidates: [
      ...eligible.map((a, index) => explain(a, index === 0 ? chosenRanking() : otherRanking(a))),
      ...ineligible.map((a) => explain(a, [])),
    ],
  };
}
