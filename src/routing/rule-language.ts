/**
 * The routing rule language: a programme's eligibility rules as JSON data, editable by admins.
 *
 * ## Conditions
 * A condition is a leaf `{ field, op, value? }` over one field of the application profile
 * (see `PROFILE_FIELD_TYPES` in application-profile.ts), or a combinator:
 *
 * ```json
 * { "field": "trl", "op": "lte", "value": 4 }
 * { "field": "needs", "op": "includes", "value": "funding" }
 * { "field": "academicAffiliation", "op": "in", "value": ["inserm", "psl", "inria", "aphp", "other_academic"] }
 * { "any": [ { "field": "trl", "op": "gte", "value": 6 },
 *            { "field": "stage", "op": "in", "value": ["clinical_validation", "market"] } ] }
 * { "all": [ { "field": "incorporated", "op": "isTrue" },
 *            { "field": "incorporationDate", "op": "withinMonthsBeforeToday", "value": 36 } ] }
 * { "not": { "field": "domains", "op": "includes", "value": "other" } }
 * ```
 *
 * | op | fields | value | holds when |
 * | --- | --- | --- | --- |
 * | `eq`, `neq` | text, enum, number, boolean, date | one value of the field's type | the field equals / differs from it |
 * | `in`, `notIn` | text, enum, number | non-empty list | the field is / is not one of the list |
 * | `includes` | enum list (`domains`, `needs`) | one enum value | the list contains it |
 * | `includesAny`, `includesAll` | enum list | non-empty list | the list contains any / all of them |
 * | `gte`, `lte` | number, date | number, or `YYYY-MM-DD` | field ≥ / ≤ value |
 * | `between` | number, date | `[min, max]`, min ≤ max | min ≤ field ≤ max (inclusive) |
 * | `isTrue`, `isFalse` | boolean | none | the field is true / false |
 * | `exists` | any | none | the field is set (not null, not an empty string or list) |
 * | `withinMonthsBeforeToday` | date | months (integer 0–1200) | today − value months ≤ field ≤ today |
 * | `olderThanMonths` | date | months (integer 0–1200) | field < today − value months |
 *
 * "today" is the Europe/Paris calendar day given to the routing call; "today − N months" keeps
 * the day of month, clamped to the target month's end (2024-03-31 − 1 month = 2024-02-29).
 *
 * **Missing fields.** Every leaf on a missing field (undefined or null) is false, whatever the op
 * (`neq` and `notIn` too). `not` inverts that: `{ not: { field: 'trl', op: 'gte', value: 3 } }`
 * holds for a profile without a TRL. Evaluation never throws.
 *
 * Combinators: `{ all: [...] }` (every one holds), `{ any: [...] }` (at least one holds),
 * `{ not: {...} }`. Lists are non-empty; nesting is at most `MAX_DEPTH` (8) levels, the `when`
 * of a rule being level 1.
 *
 * ## A programme's rules
 * ```json
 * { "version": 1,
 *   "conditions": [ { "code": "trl_at_most_4", "when": { "field": "trl", "op": "lte", "value": 4 },
 *                     "text": { "fr": "TRL inférieur ou égal à 4", "en": "TRL 4 or below" } } ],
 *   "preferences": [ { "code": "not_incorporated", "when": { "field": "incorporated", "op": "isFalse" },
 *                      "weight": 20, "text": { "fr": "Pas encore immatriculée", "en": "Not incorporated yet" } } ],
 *   "fallback": false }
 * ```
 * - `conditions` (hard conditions, at least one): the programme is eligible when all hold.
 * - `preferences` (possibly none): each one that holds adds its `weight` (integer 1–100).
 * - `fallback` (optional, external programmes only): see "Fallback" below.
 * - Codes match `^[a-z][a-z0-9_]*$`, are unique within the programme (conditions and
 *   preferences together) and are stable: clients key on them. Texts are non-empty in fr and en
 *   and are written as a neutral statement of the criterion ("Academic team", "TRL 4 or below"),
 *   because the same sentence is shown as a reason when it holds and as a failure when it does not.
 *
 * ## Reasons, failures, score (see routing-engine.ts)
 * - eligible programme: `reasons` = every hard condition (declared order; they all hold), then
 *   the fallback reason when it applies, then every matched preference (declared order). So an
 *   eligible programme always has at least one reason.
 * - ineligible programme: `failed` = every hard condition that does not hold (declared order).
 * - `score` = the sum of the weights of the preferences that hold (an integer; hard conditions
 *   weigh nothing: they decide eligibility, preferences rank).
 *
 * ## Fallback
 * An external programme whose rules say `fallback: true` is the referral of last resort: when
 * no internal programme is eligible, it is eligible whatever its hard conditions, with the reason
 * `fallback_no_internal_fit` (its hard conditions are then listed as reasons only if they all
 * hold). Its score is still the sum of its matched preferences. `fallback` on an internal
 * programme is ignored (an internal programme cannot be the fallback for internal programmes).
 */

import {
  type FieldType,
  PROFILE_FIELD_TYPES,
  PROFILE_FIELDS,
  type ProfileField,
  isProfileField,
} from './application-profile';
import { isIsoDate } from './iso-date';

export const RULES_VERSION = 1;
export const MAX_DEPTH = 8;
export const MAX_RULES_PER_LIST = 50;
export const MAX_CHILDREN = 50;
export const MAX_LIST_VALUES = 100;
export const MAX_TEXT_LENGTH = 500;
export const MAX_CODE_LENGTH = 64;
export const MAX_MONTHS = 1200;
export const MIN_WEIGHT = 1;
export const MAX_WEIGHT = 100;
export const CODE_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Reason code added by the fallback post-step (reserved: no rule may use it). */
export const FALLBACK_REASON_CODE = 'fallback_no_internal_fit';
export const FALLBACK_REASON_TEXT: LocalizedText = {
  fr: "Aucun programme interne du campus ne correspond encore à votre profil : un incubateur partenaire peut vous accompagner",
  en: 'No internal campus programme fits your profile yet: a partner incubator can support you',
};

export const OPS = [
  'eq',
  'neq',
  'in',
  'notIn',
  'includes',
  'includesAny',
  'includesAll',
  'gte',
  'lte',
  'between',
  'isTrue',
  'isFalse',
  'exists',
  'withinMonthsBeforeToday',
  'olderThanMonths',
] as const;
export type Op = (typeof OPS)[number];

export interface LocalizedText {
  readonly fr: string;
  readonly en: string;
}
export type Locale = keyof LocalizedText;
export const LOCALES: readonly Locale[] = ['fr', 'en'];

export type ScalarValue = string | number | boolean;

export type LeafCondition =
  | { readonly field: ProfileField; readonly op: 'eq' | 'neq'; readonly value: ScalarValue }
  | { readonly field: ProfileField; readonly op: 'in' | 'notIn'; readonly value: readonly (string | number)[] }
  | { readonly field: ProfileField; readonly op: 'includes'; readonly value: string }
  | { readonly field: ProfileField; readonly op: 'includesAny' | 'includesAll'; readonly value: readonly string[] }
  | { readonly field: ProfileField; readonly op: 'gte' | 'lte'; readonly value: number | string }
  | {
      readonly field: ProfileField;
      readonly op: 'between';
      readonly value: readonly [number, number] | readonly [string, string];
    }
  | { readonly field: ProfileField; readonly op: 'isTrue' | 'isFalse' | 'exists'; readonly value?: undefined }
  | { readonly field: ProfileField; readonly op: 'withinMonthsBeforeToday' | 'olderThanMonths'; readonly value: number };

export interface AllCondition {
  readonly all: readonly Condition[];
}
export interface AnyCondition {
  readonly any: readonly Condition[];
}
export interface NotCondition {
  readonly not: Condition;
}
export type Condition = LeafCondition | AllCondition | AnyCondition | NotCondition;

export interface HardCondition {
  readonly code: string;
  readonly when: Condition;
  readonly text: LocalizedText;
}

export interface Preference {
  readonly code: string;
  readonly when: Condition;
  /** integer 1–100 */
  readonly weight: number;
  readonly text: LocalizedText;
}

export interface ProgrammeRules {
  readonly version?: typeof RULES_VERSION;
  readonly conditions: readonly HardCondition[];
  readonly preferences: readonly Preference[];
  readonly fallback?: boolean;
}

export interface RuleError {
  /** where, e.g. `conditions[1].when.all[0].op`; `''` for the rules object itself */
  path: string;
  message: string;
}

export type ValidateRulesResult = { ok: true; rules: ProgrammeRules } | { ok: false; errors: RuleError[] };

type FieldKind = FieldType['kind'];

const OP_FIELD_KINDS: { readonly [O in Op]: readonly FieldKind[] } = {
  eq: ['text', 'enum', 'number', 'boolean', 'date'],
  neq: ['text', 'enum', 'number', 'boolean', 'date'],
  in: ['text', 'enum', 'number'],
  notIn: ['text', 'enum', 'number'],
  includes: ['enumArray'],
  includesAny: ['enumArray'],
  includesAll: ['enumArray'],
  gte: ['number', 'date'],
  lte: ['number', 'date'],
  between: ['number', 'date'],
  isTrue: ['boolean'],
  isFalse: ['boolean'],
  exists: ['text', 'enum', 'enumArray', 'number', 'boolean', 'date'],
  withinMonthsBeforeToday: ['date'],
  olderThanMonths: ['date'],
};

const VALUELESS_OPS: ReadonlySet<Op> = new Set<Op>(['isTrue', 'isFalse', 'exists']);

export function isOp(value: unknown): value is Op {
  return typeof value === 'string' && (OPS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

type JsonObject = { readonly [key: string]: unknown };

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

class Validator {
  readonly errors: RuleError[] = [];

  fail(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** Reports keys outside `allowed`; returns false when there were any. */
  onlyKeys(object: JsonObject, allowed: readonly string[], path: string): boolean {
    let ok = true;
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) {
        this.fail(join(path, key), `unknown key '${key}'; expected ${allowed.map((k) => `'${k}'`).join(', ')}`);
        ok = false;
      }
    }
    return ok;
  }

  rules(input: unknown): ProgrammeRules | null {
    if (!isPlainObject(input)) {
      this.fail('', `rules must be an object {conditions, preferences}, got ${describe(input)}`);
      return null;
    }
    this.onlyKeys(input, ['version', 'conditions', 'preferences', 'fallback'], '');

    if (input.version !== undefined && input.version !== RULES_VERSION) {
      this.fail('version', `unsupported version ${describe(input.version)}; the only version is ${RULES_VERSION}`);
    }
    if (input.fallback !== undefined && typeof input.fallback !== 'boolean') {
      this.fail('fallback', `fallback must be a boolean, got ${describe(input.fallback)}`);
    }

    const codes = new Map<string, string>();
    const conditions: HardCondition[] = [];
    const rawConditions = input.conditions;
    if (!Array.isArray(rawConditions)) {
      this.fail('conditions', `conditions must be an array of hard conditions, got ${describe(rawConditions)}`);
    } else if (rawConditions.length === 0) {
      this.fail('conditions', 'a programme needs at least one hard condition');
    } else if (rawConditions.length > MAX_RULES_PER_LIST) {
      this.fail('conditions', `at most ${MAX_RULES_PER_LIST} hard conditions`);
    } else {
      rawConditions.forEach((raw: unknown, index) => {
        const rule = this.hardCondition(raw, `conditions[${index}]`, codes);
        if (rule !== null) conditions.push(rule);
      });
    }

    const preferences: Preference[] = [];
    const rawPreferences = input.preferences;
    if (!Array.isArray(rawPreferences)) {
      this.fail('preferences', `preferences must be an array (possibly empty), got ${describe(rawPreferences)}`);
    } else if (rawPreferences.length > MAX_RULES_PER_LIST) {
      this.fail('preferences', `at most ${MAX_RULES_PER_LIST} preferences`);
    } else {
      rawPreferences.forEach((raw: unknown, index) => {
        const rule = this.preference(raw, `preferences[${index}]`, codes);
        if (rule !== null) preferences.push(rule);
      });
    }

    if (this.errors.length > 0) return null;
    const rules: ProgrammeRules = {
      ...(input.version === RULES_VERSION ? { version: RULES_VERSION } : {}),
      conditions,
      preferences,
      ...(typeof input.fallback === 'boolean' ? { fallback: input.fallback } : {}),
    };
    return rules;
  }

  hardCondition(raw: unknown, path: string, codes: Map<string, string>): HardCondition | null {
    if (!isPlainObject(raw)) {
      this.fail(path, `a hard condition must be an object {code, when, text}, got ${describe(raw)}`);
      return null;
    }
    const before = this.errors.length;
    this.onlyKeys(raw, ['code', 'when', 'text'], path);
    const code = this.code(raw.code, join(path, 'code'), codes);
    const when = this.whenClause(raw, path);
    const text = this.text(raw.text, join(path, 'text'));
    if (this.errors.length > before || code === null || when === null || text === null) return null;
    return { code, when, text };
  }

  preference(raw: unknown, path: string, codes: Map<string, string>): Preference | null {
    if (!isPlainObject(raw)) {
      this.fail(path, `a preference must be an object {code, when, weight, text}, got ${describe(raw)}`);
      return null;
    }
    const before = this.errors.length;
    this.onlyKeys(raw, ['code', 'when', 'weight', 'text'], path);
    const code = this.code(raw.code, join(path, 'code'), codes);
    const when = this.whenClause(raw, path);
    const weight = raw.weight;
    if (
      typeof weight !== 'number' ||
      !Number.isInteger(weight) ||
      weight < MIN_WEIGHT ||
      weight > MAX_WEIGHT
    ) {
      this.fail(join(path, 'weight'), `weight must be an integer from ${MIN_WEIGHT} to ${MAX_WEIGHT}, got ${describe(weight)}`);
    }
    const text = this.text(raw.text, join(path, 'text'));
    if (this.errors.length > before || code === null || when === null || text === null || typeof weight !== 'number') {
      return null;
    }
    return { code, when, weight, text };
  }

  whenClause(raw: JsonObject, path: string): Condition | null {
    if (raw.when === undefined) {
      this.fail(join(path, 'when'), 'when (the condition) is required');
      return null;
    }
    return this.condition(raw.when, join(path, 'when'), 1);
  }

  code(raw: unknown, path: string, codes: Map<string, string>): string | null {
    if (typeof raw !== 'string') {
      this.fail(path, `code must be a string, got ${describe(raw)}`);
      return null;
    }
    if (!CODE_PATTERN.test(raw) || raw.length > MAX_CODE_LENGTH) {
      this.fail(
        path,
        `code ${describe(raw)} must match ${CODE_PATTERN.source} (lower case, digits, underscores) and be at most ${MAX_CODE_LENGTH} characters`,
      );
      return null;
    }
    if (raw === FALLBACK_REASON_CODE) {
      this.fail(path, `code '${FALLBACK_REASON_CODE}' is reserved for the fallback reason`);
      return null;
    }
    const firstPath = codes.get(raw);
    if (firstPath !== undefined) {
      this.fail(path, `duplicate code '${raw}' (already used at ${firstPath})`);
      return null;
    }
    codes.set(raw, path);
    return raw;
  }

  text(raw: unknown, path: string): LocalizedText | null {
    if (!isPlainObject(raw)) {
      this.fail(path, `text must be an object {fr, en}, got ${describe(raw)}`);
      return null;
    }
    const before = this.errors.length;
    this.onlyKeys(raw, ['fr', 'en'], path);
    for (const locale of LOCALES) {
      const value = raw[locale];
      if (typeof value !== 'string' || value.trim() === '') {
        this.fail(join(path, locale), `the ${locale} text must be a non-empty string, got ${describe(value)}`);
      } else if (value.length > MAX_TEXT_LENGTH) {
        this.fail(join(path, locale), `the ${locale} text is longer than ${MAX_TEXT_LENGTH} characters`);
      }
    }
    if (this.errors.length > before) return null;
    return { fr: String(raw.fr).trim(), en: String(raw.en).trim() };
  }

  condition(raw: unknown, path: string, depth: number): Condition | null {
    if (depth > MAX_DEPTH) {
      this.fail(path, `conditions are nested deeper than ${MAX_DEPTH} levels`);
      return null;
    }
    if (!isPlainObject(raw)) {
      this.fail(path, `a condition must be an object: {field, op, value?}, {all: [...]}, {any: [...]} or {not: {...}}; got ${describe(raw)}`);
      return null;
    }
    const isLeaf = 'field' in raw || 'op' in raw || 'value' in raw;
    const kinds = [isLeaf, 'all' in raw, 'any' in raw, 'not' in raw].filter(Boolean).length;
    if (kinds === 0) {
      this.fail(path, 'a condition must be one of {field, op, value?}, {all: [...]}, {any: [...]}, {not: {...}}');
      return null;
    }
    if (kinds > 1) {
      this.fail(path, 'a condition must be exactly one of {field, op, value?}, {all: [...]}, {any: [...]}, {not: {...}}');
      return null;
    }
    if (isLeaf) return this.leaf(raw, path);
    if ('not' in raw) {
      if (!this.onlyKeys(raw, ['not'], path)) return null;
      const inner = this.condition(raw.not, join(path, 'not'), depth + 1);
      return inner === null ? null : { not: inner };
    }
    const combinator = 'all' in raw ? 'all' : 'any';
    if (!this.onlyKeys(raw, [combinator], path)) return null;
    const list = raw[combinator];
    const listPath = join(path, combinator);
    if (!Array.isArray(list)) {
      this.fail(listPath, `${combinator} must be an array of conditions, got ${describe(list)}`);
      return null;
    }
    if (list.length === 0) {
      this.fail(listPath, `${combinator} must contain at least one condition`);
      return null;
    }
    if (list.length > MAX_CHILDREN) {
      this.fail(listPath, `${combinator} may hold at most ${MAX_CHILDREN} conditions`);
      return null;
    }
    const children: Condition[] = [];
    let ok = true;
    list.forEach((child: unknown, index) => {
      const compiled = this.condition(child, `${listPath}[${index}]`, depth + 1);
      if (compiled === null) ok = false;
      else children.push(compiled);
    });
    if (!ok) return null;
    return combinator === 'all' ? { all: children } : { any: children };
  }

  leaf(raw: JsonObject, path: string): LeafCondition | null {
    const before = this.errors.length;
    this.onlyKeys(raw, ['field', 'op', 'value'], path);
    const { field, op } = raw;
    let fieldType: FieldType | null = null;
    if (!isProfileField(field)) {
      this.fail(
        join(path, 'field'),
        field === undefined
          ? 'field is required'
          : `unknown field ${describe(field)}; expected one of ${PROFILE_FIELDS.join(', ')}`,
      );
    } else {
      fieldType = PROFILE_FIELD_TYPES[field];
    }
    if (!isOp(op)) {
      this.fail(join(path, 'op'), op === undefined ? 'op is required' : `unknown op ${describe(op)}; expected one of ${OPS.join(', ')}`);
      return null;
    }
    if (fieldType === null || !isProfileField(field)) return null;
    if (!OP_FIELD_KINDS[op].includes(fieldType.kind)) {
      const usable = OPS.filter((candidate) => OP_FIELD_KINDS[candidate].includes(fieldType.kind));
      this.fail(
        join(path, 'op'),
        `op '${op}' does not apply to field '${field}' (${fieldType.kind}); use one of ${usable.join(', ')}`,
      );
      return null;
    }
    const valuePath = join(path, 'value');
    const value = raw.value;
    if (VALUELESS_OPS.has(op)) {
      if ('value' in raw) this.fail(valuePath, `op '${op}' takes no value`);
    } else if (value === undefined) {
      this.fail(valuePath, `op '${op}' needs a value`);
    } else {
      this.leafValue(op, field, fieldType, value, valuePath);
    }
    if (this.errors.length > before) return null;
    return makeLeaf(field, op, value);
  }

  leafValue(op: Op, field: ProfileField, type: FieldType, value: unknown, path: string): void {
    switch (op) {
      case 'eq':
      case 'neq':
      case 'gte':
      case 'lte':
        this.scalar(field, type, value, path);
        return;
      case 'in':
      case 'notIn':
        this.list(field, value, path, (item, itemPath) => this.scalar(field, type, item, itemPath));
        return;
      case 'includes':
        this.enumMember(field, type, value, path);
        return;
      case 'includesAny':
      case 'includesAll':
        this.list(field, value, path, (item, itemPath) => this.enumMember(field, type, item, itemPath));
        return;
      case 'between': {
        if (!Array.isArray(value) || value.length !== 2) {
          this.fail(path, `between needs [min, max], got ${describe(value)}`);
          return;
        }
        const [min, max]: unknown[] = value;
        const okMin = this.scalar(field, type, min, `${path}[0]`);
        const okMax = this.scalar(field, type, max, `${path}[1]`);
        if (okMin && okMax && (min as number | string) > (max as number | string)) {
          this.fail(path, `between needs min ≤ max, got [${String(min)}, ${String(max)}]`);
        }
        return;
      }
      case 'withinMonthsBeforeToday':
      case 'olderThanMonths':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_MONTHS) {
          this.fail(path, `${op} needs a number of months, an integer from 0 to ${MAX_MONTHS}, got ${describe(value)}`);
        }
        return;
      case 'isTrue':
      case 'isFalse':
      case 'exists':
        return;
    }
  }

  list(
    field: ProfileField,
    value: unknown,
    path: string,
    checkItem: (item: unknown, itemPath: string) => boolean,
  ): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.fail(path, `a non-empty list of values of '${field}' is needed, got ${describe(value)}`);
      return;
    }
    if (value.length > MAX_LIST_VALUES) {
      this.fail(path, `at most ${MAX_LIST_VALUES} values`);
      return;
    }
    value.forEach((item: unknown, index) => checkItem(item, `${path}[${index}]`));
  }

  enumMember(field: ProfileField, type: FieldType, value: unknown, path: string): boolean {
    const allowed = type.kind === 'enumArray' || type.kind === 'enum' ? type.values : [];
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.fail(path, `${describe(value)} is not a value of '${field}'; expected one of ${allowed.join(', ')}`);
      return false;
    }
    return true;
  }

  /** One value of the field's own type (numbers within the field's range). */
  scalar(field: ProfileField, type: FieldType, value: unknown, path: string): boolean {
    switch (type.kind) {
      case 'text':
        if (typeof value !== 'string' || value.length > MAX_TEXT_LENGTH) {
          this.fail(path, `'${field}' is text: a string of at most ${MAX_TEXT_LENGTH} characters is needed, got ${describe(value)}`);
          return false;
        }
        return true;
      case 'enum':
      case 'enumArray':
        return this.enumMember(field, type, value, path);
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          this.fail(path, `'${field}' is a number, got ${describe(value)}`);
          return false;
        }
        if (type.integer && !Number.isInteger(value)) {
          this.fail(path, `'${field}' is a whole number, got ${value}`);
          return false;
        }
        if (value < type.min || value > type.max) {
          this.fail(path, `'${field}' ranges from ${type.min} to ${type.max}, got ${value}`);
          return false;
        }
        return true;
      case 'boolean':
        if (typeof value !== 'boolean') {
          this.fail(path, `'${field}' is a boolean, got ${describe(value)}`);
          return false;
        }
        return true;
      case 'date':
        if (!isIsoDate(value)) {
          this.fail(path, `'${field}' is a date: a valid YYYY-MM-DD is needed, got ${describe(value)}`);
          return false;
        }
        return true;
    }
  }
}

/** Builds the typed leaf once `leafValue` has accepted the value for this op. */
function makeLeaf(field: ProfileField, op: Op, value: unknown): LeafCondition {
  switch (op) {
    case 'eq':
    case 'neq':
      return { field, op, value: value as ScalarValue };
    case 'in':
    case 'notIn':
      return { field, op, value: [...(value as readonly (string | number)[])] };
    case 'includes':
      return { field, op, value: value as string };
    case 'includesAny':
    case 'includesAll':
      return { field, op, value: [...(value as readonly string[])] };
    case 'gte':
    case 'lte':
      return { field, op, value: value as number | string };
    case 'between':
      return { field, op, value: [...(value as readonly [number, number])] as [number, number] };
    case 'isTrue':
    case 'isFalse':
    case 'exists':
      return { field, op };
    case 'withinMonthsBeforeToday':
    case 'olderThanMonths':
      return { field, op, value: value as number };
  }
}

/**
 * Checks a programme's rules exhaustively and returns every error with the path of the bad part
 * (`conditions[1].when.all[0].op`). On success `rules` is a fresh, normalised copy (known keys
 * only, texts trimmed) that is safe to store and to route with.
 */
export function validateRules(input: unknown): ValidateRulesResult {
  const validator = new Validator();
  const rules = validator.rules(input);
  if (rules === null || validator.errors.length > 0) return { ok: false, errors: validator.errors };
  return { ok: true, rules };
}

/** Validates a single condition (for tools and tests); `path` prefixes error paths. */
export function validateCondition(
  input: unknown,
  path = 'when',
): { ok: true; condition: Condition } | { ok: false; errors: RuleError[] } {
  const validator = new Validator();
  const condition = validator.condition(input, path, 1);
  if (condition === null || validator.errors.length > 0) return { ok: false, errors: validator.errors };
  return { ok: true, condition };
}

// ---------------------------------------------------------------------------------------------
// Readable form (for the public catalogue and staff screens)
// ---------------------------------------------------------------------------------------------

const OP_SYMBOLS: { readonly [O in Op]: string } = {
  eq: '=',
  neq: '≠',
  in: 'in',
  notIn: 'not in',
  includes: 'includes',
  includesAny: 'includes any of',
  includesAll: 'includes all of',
  gte: '≥',
  lte: '≤',
  between: 'between',
  isTrue: 'is true',
  isFalse: 'is false',
  exists: 'is set',
  withinMonthsBeforeToday: 'within the last',
  olderThanMonths: 'older than',
};

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item: unknown) => formatValue(item)).join(', ')}]`;
  return typeof value === 'string' ? value : String(value);
}

/**
 * A compact, language-neutral rendering of a condition, e.g.
 * `academicAffiliation in [inserm, psl] AND trl ≤ 4`, `NOT (domains includes other)`.
 */
export function formatCondition(condition: Condition): string {
  if ('all' in condition) return condition.all.map((child) => wrap(child)).join(' AND ');
  if ('any' in condition) return condition.any.map((child) => wrap(child)).join(' OR ');
  if ('not' in condition) return `NOT (${formatCondition(condition.not)})`;
  const symbol = OP_SYMBOLS[condition.op];
  switch (condition.op) {
    case 'isTrue':
    case 'isFalse':
    case 'exists':
      return `${condition.field} ${symbol}`;
    case 'between':
      return `${condition.field} between ${formatValue(condition.value[0])} and ${formatValue(condition.value[1])}`;
    case 'withinMonthsBeforeToday':
      return `${condition.field} within the last ${condition.value} months`;
    case 'olderThanMonths':
      return `${condition.field} older than ${condition.value} months`;
    default:
      return `${condition.field} ${symbol} ${formatValue(condition.value)}`;
  }
}

function wrap(condition: Condition): string {
  const text = formatCondition(condition);
  return 'all' in condition || 'any' in condition ? `(${text})` : text;
}
