/**
 * Routing: which programmes fit an application, ranked and explained. Pure and deterministic:
 * the same programmes, profile, today and locale always give the same (deep-equal) answer.
 *
 * - Every active programme appears exactly once, in `eligible` or in `ineligible`; inactive
 *   programmes are skipped.
 * - A programme is eligible when all its hard conditions hold. Its `score` is the sum of the
 *   weights of its preferences that hold (an integer, 0 when none does). Its `reasons` are its
 *   hard conditions (all hold), then `fallback_no_internal_fit` when the fallback applies, then
 *   its matched preferences, each in declared order.
 * - An ineligible programme lists in `failed` the hard conditions that do not hold, in declared
 *   order.
 * - Fallback (a post-step, because "no internal programme fits" is a fact about the whole
 *   catalogue, not about one programme): when no active internal programme is eligible, every
 *   active external programme whose rules say `fallback: true` is eligible, whatever its hard
 *   conditions, with the reason `fallback_no_internal_fit` first among its reasons when its hard
 *   conditions fail (its hard conditions are listed before it when they all hold).
 * - `eligible` is sorted by score, highest first, ties by slug (code-unit order, not
 *   locale-dependent); `ineligible` by slug.
 *
 * Performance: rules are compiled once per rules object (WeakMap cache in rule-compiler.ts);
 * reason objects are prebuilt, frozen and shared between results.
 */

import type { ProfileInput } from './application-profile';
import {
  type CompiledRules,
  type EvaluationContext,
  type Reason,
  compileRules,
  evaluationContext,
  localizedReason,
} from './rule-compiler';
import { FALLBACK_REASON_CODE, FALLBACK_REASON_TEXT, type Locale, type ProgrammeRules } from './rule-language';

export type { Reason } from './rule-compiler';
export { compileRules } from './rule-compiler';

export type ProgrammeKind = 'internal' | 'external';

export interface RoutableProgramme {
  readonly slug: string;
  readonly kind: ProgrammeKind;
  readonly active: boolean;
  readonly rules: ProgrammeRules;
}

export interface EligibleProgramme {
  programme: string;
  score: number;
  reasons: Reason[];
}

export interface IneligibleProgramme {
  programme: string;
  failed: Reason[];
}

export interface Recommendations {
  eligible: EligibleProgramme[];
  ineligible: IneligibleProgramme[];
}

export interface RecommendOptions {
  /** the Europe/Paris calendar day, `YYYY-MM-DD` (from the injected clock) */
  today: string;
  locale: Locale;
}

const FALLBACK_REASON = localizedReason(FALLBACK_REASON_CODE, FALLBACK_REASON_TEXT);
const EMPTY_PROFILE: ProfileInput = Object.freeze({});

/** Index of the first hard condition that fails, or -1 when they all hold. */
function firstFailure(compiled: CompiledRules, profile: ProfileInput, context: EvaluationContext): number {
  const conditions = compiled.conditions;
  for (let i = 0; i < conditions.length; i++) {
    if (!conditions[i].test(profile, context)) return i;
  }
  return -1;
}

function eligibleEntry(
  slug: string,
  compiled: CompiledRules,
  profile: ProfileInput,
  context: EvaluationContext,
  locale: Locale,
  conditionsHold: boolean,
  viaFallback: boolean,
): EligibleProgramme {
  const reasons: Reason[] = [];
  if (conditionsHold) {
    const conditions = compiled.conditions;
    for (let i = 0; i < conditions.length; i++) reasons.push(conditions[i].reason[locale]);
  }
  if (viaFallback) reasons.push(FALLBACK_REASON[locale]);
  let score = 0;
  const preferences = compiled.preferences;
  for (let i = 0; i < preferences.length; i++) {
    const preference = preferences[i];
    if (preference.test(profile, context)) {
      score += preference.weight;
      reasons.push(preference.reason[locale]);
    }
  }
  return { programme: slug, score, reasons };
}

function ineligibleEntry(
  slug: string,
  compiled: CompiledRules,
  profile: ProfileInput,
  context: EvaluationContext,
  locale: Locale,
  failedAt: number,
): IneligibleProgramme {
  const conditions = compiled.conditions;
  const failed: Reason[] = [conditions[failedAt].reason[locale]];
  for (let i = failedAt + 1; i < conditions.length; i++) {
    if (!conditions[i].test(profile, context)) failed.push(conditions[i].reason[locale]);
  }
  return { programme: slug, failed };
}

function bySlug(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEligible(a: EligibleProgramme, b: EligibleProgramme): number {
  return b.score - a.score || bySlug(a.programme, b.programme);
}

function compareIneligible(a: IneligibleProgramme, b: IneligibleProgramme): number {
  return bySlug(a.programme, b.programme);
}

function isFallback(programme: RoutableProgramme, compiled: CompiledRules): boolean {
  return compiled.fallback && programme.kind === 'external';
}

/**
 * Ranks the active programmes for a profile. `profile` may be partial (a draft): a condition on
 * a missing field is false. Throws only on a malformed `options.today`.
 */
export function recommend(
  programmes: readonly RoutableProgramme[],
  profile: ProfileInput,
  options: RecommendOptions,
): Recommendations {
  const context = evaluationContext(options.today);
  const locale: Locale = options.locale === 'en' ? 'en' : 'fr';
  const input: ProfileInput = typeof profile === 'object' && profile !== null ? profile : EMPTY_PROFILE;
  const eligible: EligibleProgramme[] = [];
  const ineligible: IneligibleProgramme[] = [];
  let internalFits = false;
  let hasFallback = false;

  for (let i = 0; i < programmes.length; i++) {
    const programme = programmes[i];
    if (programme.active !== true) continue;
    const compiled = compileRules(programme.rules);
    if (isFallback(programme, compiled)) {
      hasFallback = true;
      continue; // decided once every other programme is known
    }
    const failedAt = firstFailure(compiled, input, context);
    if (failedAt === -1) {
      if (programme.kind === 'internal') internalFits = true;
      eligible.push(eligibleEntry(programme.slug, compiled, input, context, locale, true, false));
    } else {
      ineligible.push(ineligibleEntry(programme.slug, compiled, input, context, locale, failedAt));
    }
  }

  if (hasFallback) {
    for (let i = 0; i < programmes.length; i++) {
      const programme = programmes[i];
      if (programme.active !== true) continue;
      const compiled = compileRules(programme.rules);
      if (!isFallback(programme, compiled)) continue;
      const failedAt = firstFailure(compiled, input, context);
      if (!internalFits) {
        eligible.push(eligibleEntry(programme.slug, compiled, input, context, locale, failedAt === -1, true));
      } else if (failedAt === -1) {
        eligible.push(eligibleEntry(programme.slug, compiled, input, context, locale, true, false));
      } else {
        ineligible.push(ineligibleEntry(programme.slug, compiled, input, context, locale, failedAt));
      }
    }
  }

  if (eligible.length > 1) eligible.sort(compareEligible);
  if (ineligible.length > 1) ineligible.sort(compareIneligible);
  return { eligible, ineligible };
}

/** Both locales at once (e.g. to store with the case and show staff and founder their own). */
export function recommendInAllLocales(
  programmes: readonly RoutableProgramme[],
  profile: ProfileInput,
  options: { today: string },
): { [L in Locale]: Recommendations } {
  return {
    fr: recommend(programmes, profile, { today: options.today, locale: 'fr' }),
    en: recommend(programmes, profile, { today: options.today, locale: 'en' }),
  };
}
