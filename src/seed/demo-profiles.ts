/**
 * The founders' application fields for the demo data, and what routing said about them.
 *
 * A pool of complete profiles is routed once each (recommendInAllLocales, the app's own engine,
 * over the database's programmes). The only date a profile has, its incorporation date, is kept
 * as "months before the submission": the catalogue's date conditions are relative to the day of
 * routing (`withinMonthsBeforeToday`), so the stored recommendation is exactly what the app would
 * have answered on the day of each submission.
 */
import { AFFILIATIONS, DOMAINS, NEEDS, type AcademicAffiliation, type ApplicationProfile, type Domain, type Need, type Stage } from '../routing/application-profile';
import { subtractMonths } from '../routing/iso-date';
import { recommendInAllLocales, type RoutableProgramme } from '../routing/routing-engine';
import { intBetween, pick, someOf, weighted, type Random } from './random';

export interface SeedProgramme extends RoutableProgramme {
  rulesVersion: number;
}

export interface DemoProfile {
  stage: Stage;
  trl: number;
  domains: Domain[];
  needs: Need[];
  incorporated: boolean;
  /** months between incorporation and submission; null when not incorporated */
  incorporatedMonthsBefore: number | null;
  academicAffiliation: AcademicAffiliation;
  lookingForCofounder: boolean;
  teamSize: number;
  fundingSoughtEur: number | null;
  /** JSON of { fr: Recommendations, en: Recommendations } as the app stores it */
  recommendationsJson: string;
  /** the eligible programmes, best first (en) */
  eligible: string[];
  topProgramme: string | null;
}

/** The TRL range each stage usually has (demo data and the routing benchmark's profile mix). */
/** How often each stage comes up: mostly early academic projects and young startups. */
export const STAGE_WEIGHTS: [Stage, number][] = [
  ['idea', 25],
  ['proof_of_concept', 25],
  ['prototype', 25],
  ['clinical_validation', 12],
  ['market', 13],
];

export const TRL_BY_STAGE: { readonly [S in Stage]: readonly [number, number] } = {
  idea: [1, 3],
  proof_of_concept: [2, 5],
  prototype: [4, 7],
  clinical_validation: [6, 8],
  market: [7, 9],
};

/** The day profiles are routed on; any day gives the same answer (see above). */
const ROUTING_DAY = '2026-01-15';

export function generateProfilePool(random: Random, count: number, programmes: readonly SeedProgramme[]): DemoProfile[] {
  const pool: DemoProfile[] = [];
  for (let i = 0; i < count; i++) {
    const stage = weighted<Stage>(random, STAGE_WEIGHTS);
    const [trlMin, trlMax] = TRL_BY_STAGE[stage];
    const incorporated = random() < (stage === 'idea' ? 0.1 : stage === 'proof_of_concept' ? 0.35 : 0.85);
    const profile = {
      stage,
      trl: intBetween(random, trlMin, trlMax),
      domains: random() < 0.08 ? (['other'] as Domain[]) : someOf(random, DOMAINS.filter((d) => d !== 'other'), 1, 3),
      needs: someOf(random, NEEDS, 1, 4),
      incorporated,
      incorporatedMonthsBefore: incorporated ? intBetween(random, 1, 96) : null,
      academicAffiliation: random() < 0.45 ? pick(random, AFFILIATIONS.filter((a) => a !== 'none')) : ('none' as AcademicAffiliation),
      lookingForCofounder: random() < 0.3,
      teamSize: random() < 0.8 ? intBetween(random, 1, 8) : intBetween(random, 9, 40),
      fundingSoughtEur: random() < 0.7 ? Math.round(random() * 400) * 5000 : null,
    };
    const routed: ApplicationProfile = {
      startupName: 'x',
      projectSummary: 'x',
      stage: profile.stage,
      trl: profile.trl,
      domains: profile.domains,
      needs: profile.needs,
      incorporated: profile.incorporated,
      incorporationDate: profile.incorporatedMonthsBefore === null ? null : subtractMonths(ROUTING_DAY, profile.incorporatedMonthsBefore),
      academicAffiliation: profile.academicAffiliation,
      lookingForCofounder: profile.lookingForCofounder,
      teamSize: profile.teamSize,
      fundingSoughtEur: profile.fundingSoughtEur,
    };
    const recommendations = recommendInAllLocales(programmes, routed, { today: ROUTING_DAY });
    const eligible = recommendations.en.eligible.map((e) => e.programme);
    pool.push({ ...profile, recommendationsJson: JSON.stringify(recommendations), eligible, topProgramme: eligible[0] ?? null });
  }
  return pool;
}

/** A 9-digit SIREN with a valid Luhn key. */
export function sirenFrom(random: Random): string {
  const base = String(intBetween(random, 10_000_000, 99_999_999));
  for (let check = 0; check <= 9; check++) {
    const digits = base + String(check);
    let sum = 0;
    for (let i = 0; i < 9; i++) {
      let d = digits.charCodeAt(8 - i) - 48;
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}
