/**
 * Evaluation semantics of the rule language (rule-language.ts documents them): each condition
 * is compiled once into a closure, so routing a profile allocates almost nothing.
 */

import { PROFILE_FIELD_TYPES, type ProfileInput, isProfileField } from './application-profile';
import { calendarDayOf, isIsoDate, subtractMonths } from './iso-date';
import type { Condition, LocalizedText, ProgrammeRules } from './rule-language';

/** A reason or a failure as clients see it: a stable code and a sentence in one locale. */
export interface Reason {
  readonly code: string;
  readonly text: string;
}

/** The calendar the conditions are evaluated against (one per "today"). */
export interface EvaluationContext {
  /** `YYYY-MM-DD`, Europe/Paris */
  readonly today: string;
  /** today minus `months` calendar months, `YYYY-MM-DD` (memoised) */
  monthsBefore(months: number): string;
}

export type Predicate = (profile: ProfileInput, context: EvaluationContext) => boolean;

export interface CompiledRule {
  readonly code: string;
  readonly test: Predicate;
  /** the reason in each locale, built once and frozen: routing results share these objects */
  readonly reason: { readonly fr: Reason; readonly en: Reason };
}

export interface CompiledPreference extends CompiledRule {
  readonly weight: number;
}

export interface CompiledRules {
  readonly conditions: readonly CompiledRule[];
  readonly preferences: readonly CompiledPreference[];
  readonly fallback: boolean;
}

const NEVER: Predicate = () => false;

function reasonsOf(code: string, text: LocalizedText | undefined): CompiledRule['reason'] {
  const fr = typeof text?.fr === 'string' && text.fr !== '' ? text.fr : code;
  const en = typeof text?.en === 'string' && text.en !== '' ? text.en : code;
  return Object.freeze({ fr: Object.freeze({ code, text: fr }), en: Object.freeze({ code, text: en }) });
}

export function localizedReason(code: string, text: LocalizedText): CompiledRule['reason'] {
  return reasonsOf(code, text);
}

function listOf(value: unknown): readonly unknown[] | null {
  return Array.isArray(value) ? (value as readonly unknown[]) : null;
}

/**
 * Compiles one condition. Rules are expected to have passed `validateRules`; anything malformed
 * that slips through (a row edited by hand) compiles to "false" rather than throwing.
 */
export function compileCondition(condition: Condition): Predicate {
  if (typeof condition !== 'object' || condition === null) return NEVER;
  if ('all' in condition) {
    const children = listOf(condition.all);
    if (children === null || children.length === 0) return NEVER;
    const tests = children.map((child) => compileCondition(child as Condition));
    if (tests.length === 1) return tests[0];
    if (tests.length === 2) {
      const [first, second] = tests;
      return (profile, context) => first(profile, context) && second(profile, context);
    }
    return (profile, context) => {
      for (let i = 0; i < tests.length; i++) if (!tests[i](profile, context)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const children = listOf(condition.any);
    if (children === null || children.length === 0) return NEVER;
    const tests = children.map((child) => compileCondition(child as Condition));
    if (tests.length === 1) return tests[0];
    if (tests.length === 2) {
      const [first, second] = tests;
      return (profile, context) => first(profile, context) || second(profile, context);
    }
    return (profile, context) => {
      for (let i = 0; i < tests.length; i++) if (tests[i](profile, context)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (profile, context) => !inner(profile, context);
  }
  return compileLeaf(condition);
}

function compileLeaf(condition: Extract<Condition, { field: unknown }>): Predicate {
  const field = condition.field;
  if (!isProfileField(field)) return NEVER;
  // dates are compared by calendar day, so a stored timestamp still matches its day
  const isDateField = PROFILE_FIELD_TYPES[field].kind === 'date';
  switch (condition.op) {
    case 'eq': {
      const expected = condition.value;
      if (isDateField) return (profile) => calendarDayOf(profile[field]) === expected;
      return (profile) => profile[field] === expected;
    }
    case 'neq': {
      const expected = condition.value;
      if (isDateField) {
        return (profile) => {
          const day = calendarDayOf(profile[field]);
          return day !== null && day !== expected;
        };
      }
      return (profile) => {
        const actual = profile[field];
        return actual !== undefined && actual !== null && actual !== expected;
      };
    }
    case 'in': {
      const values = listOf(condition.value);
      if (values === null) return NEVER;
      return (profile) => {
        const actual = profile[field];
        return actual !== undefined && actual !== null && values.includes(actual);
      };
    }
    case 'notIn': {
      const values = listOf(condition.value);
      if (values === null) return NEVER;
      return (profile) => {
        const actual = profile[field];
        return actual !== undefined && actual !== null && !values.includes(actual);
      };
    }
    case 'includes': {
      const expected = condition.value;
      return (profile) => {
        const actual = listOf(profile[field]);
        return actual !== null && actual.includes(expected);
      };
    }
    case 'includesAny': {
      const values = listOf(condition.value);
      if (values === null) return NEVER;
      return (profile) => {
        const actual = listOf(profile[field]);
        if (actual === null) return false;
        for (let i = 0; i < values.length; i++) if (actual.includes(values[i])) return true;
        return false;
      };
    }
    case 'includesAll': {
      const values = listOf(condition.value);
      if (values === null) return NEVER;
      return (profile) => {
        const actual = listOf(profile[field]);
        if (actual === null) return false;
        for (let i = 0; i < values.length; i++) if (!actual.includes(values[i])) return false;
        return true;
      };
    }
    case 'gte':
    case 'lte': {
      const bound = condition.value;
      const atLeast = condition.op === 'gte';
      if (!isDateField) {
        if (typeof bound !== 'number') return NEVER;
        return atLeast
          ? (profile) => {
              const actual = profile[field];
              return typeof actual === 'number' && actual >= bound;
            }
          : (profile) => {
              const actual = profile[field];
              return typeof actual === 'number' && actual <= bound;
            };
      }
      if (!isIsoDate(bound)) return NEVER;
      return atLeast
        ? (profile) => {
            const day = calendarDayOf(profile[field]);
            return day !== null && day >= bound;
          }
        : (profile) => {
            const day = calendarDayOf(profile[field]);
            return day !== null && day <= bound;
          };
    }
    case 'between': {
      const range = listOf(condition.value);
      if (range === null || range.length !== 2) return NEVER;
      const [min, max] = range;
      if (!isDateField) {
        if (typeof min !== 'number' || typeof max !== 'number') return NEVER;
        return (profile) => {
          const actual = profile[field];
          return typeof actual === 'number' && actual >= min && actual <= max;
        };
      }
      if (!isIsoDate(min) || !isIsoDate(max)) return NEVER;
      return (profile) => {
        const day = calendarDayOf(profile[field]);
        return day !== null && day >= min && day <= max;
      };
    }
    case 'isTrue':
      return (profile) => profile[field] === true;
    case 'isFalse':
      return (profile) => profile[field] === false;
    case 'exists':
      return (profile) => {
        const actual = profile[field];
        if (actual === undefined || actual === null) return false;
        if (typeof actual === 'string' || Array.isArray(actual)) return actual.length > 0;
        return true;
      };
    case 'withinMonthsBeforeToday': {
      const months = condition.value;
      if (typeof months !== 'number' || !Number.isInteger(months) || months < 0) return NEVER;
      return (profile, context) => {
        const day = calendarDayOf(profile[field]);
        return day !== null && day <= context.today && day >= context.monthsBefore(months);
      };
    }
    case 'olderThanMonths': {
      const months = condition.value;
      if (typeof months !== 'number' || !Number.isInteger(months) || months < 0) return NEVER;
      return (profile, context) => {
        const day = calendarDayOf(profile[field]);
        return day !== null && day < context.monthsBefore(months);
      };
    }
    default:
      return NEVER;
  }
}

/** Rules that are not even shaped like rules: the programme is never eligible, and says why. */
const INVALID_RULES: CompiledRules = Object.freeze({
  conditions: Object.freeze([
    Object.freeze({
      code: 'rules_invalid',
      test: NEVER,
      reason: reasonsOf('rules_invalid', {
        fr: "Les règles d'orientation de ce programme sont invalides",
        en: "This programme's routing rules are invalid",
      }),
    }),
  ]),
  preferences: Object.freeze([]),
  fallback: false,
});

const compiledCache = new WeakMap<ProgrammeRules, CompiledRules>();

/**
 * Compiles a programme's rules into closures, cached by object identity (WeakMap): rules are
 * treated as immutable values, an edit stores a new object (validateRules returns a fresh copy).
 */
export function compileRules(rules: ProgrammeRules): CompiledRules {
  if (typeof rules !== 'object' || rules === null) return INVALID_RULES;
  const cached = compiledCache.get(rules);
  if (cached !== undefined) return cached;
  const conditions = listOf(rules.conditions);
  const preferences = listOf(rules.preferences ?? []);
  let compiled: CompiledRules;
  if (conditions === null || preferences === null) {
    compiled = INVALID_RULES;
  } else {
    compiled = Object.freeze({
      conditions: Object.freeze(
        (conditions as ProgrammeRules['conditions']).map((rule) =>
          Object.freeze({ code: rule.code, test: compileCondition(rule.when), reason: reasonsOf(rule.code, rule.text) }),
        ),
      ),
      preferences: Object.freeze(
        (preferences as ProgrammeRules['preferences']).map((rule) =>
          Object.freeze({
            code: rule.code,
            weight: typeof rule.weight === 'number' && Number.isFinite(rule.weight) ? rule.weight : 0,
            test: compileCondition(rule.when),
            reason: reasonsOf(rule.code, rule.text),
          }),
        ),
      ),
      fallback: rules.fallback === true,
    });
  }
  compiledCache.set(rules, compiled);
  return compiled;
}

let lastContext: EvaluationContext | null = null;

/** The evaluation context for `today` (`YYYY-MM-DD`); the last one is reused. */
export function evaluationContext(today: string): EvaluationContext {
  if (lastContext !== null && lastContext.today === today) return lastContext;
  if (!isIsoDate(today)) throw new RangeError(`today must be a calendar date YYYY-MM-DD, got ${String(today)}`);
  const cutoffs = new Map<number, string>();
  const context: EvaluationContext = {
    today,
    monthsBefore(months: number): string {
      let cutoff = cutoffs.get(months);
      if (cutoff === undefined) {
        cutoff = subtractMonths(today, months);
        cutoffs.set(months, cutoff);
      }
      return cutoff;
    },
  };
  lastContext = context;
  return context;
}
