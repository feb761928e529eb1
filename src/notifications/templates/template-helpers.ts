/**
 * Handlebars helpers of the email templates, and the pure formatting functions behind them.
 * Dates are always shown in Europe/Paris (the campus's business time zone), in the recipient's
 * locale, which the helpers read from the root context (`@root.locale`).
 *
 * The HTML and text environments share every helper but `quote`, whose output differs: the HTML
 * one escapes and keeps line breaks (`<br>`), the text one quotes each line with `> `.
 */

import type Handlebars from 'handlebars';
import type { CalendarDay, TemplateLocale } from './template-contexts';
import { label } from './template-labels';

export const PARIS_TIME_ZONE = 'Europe/Paris';

export type TemplateFlavour = 'html' | 'text';

/** Names of every helper registered by `registerTemplateHelpers` (templates compile with `knownHelpersOnly`). */
export const TEMPLATE_HELPER_NAMES = [
  'formatDate',
  'formatDateTime',
  'formatShortDate',
  'formatDateRange',
  'formatNumber',
  'plural',
  'eq',
  't',
  'url',
  'quote',
  'truncate',
] as const;
export type TemplateHelperName = (typeof TEMPLATE_HELPER_NAMES)[number];

const INTL_LOCALES: { readonly [L in TemplateLocale]: string } = { fr: 'fr-FR', en: 'en-GB' };
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Creating Intl formatters is slow (tens of µs); formatting with a cached one is not. */
const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: TemplateLocale, style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${style}|${options.timeZone ?? ''}`;
  let cached = formatterCache.get(key);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat(INTL_LOCALES[locale], options);
    formatterCache.set(key, cached);
  }
  return cached;
}

const LONG_DATE: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
const LONG_DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'short' };
const SHORT_DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
const RANGE_DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' };

/**
 * A `Date` is an instant, shown as its Europe/Paris calendar day; a `YYYY-MM-DD` string is a
 * calendar day, shown as that very day (formatted at UTC midnight in UTC).
 */
function toInstant(value: unknown, helper: string): { date: Date; timeZone: string } {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${helper}: invalid Date`);
    return { date: value, timeZone: PARIS_TIME_ZONE };
  }
  if (typeof value === 'string') {
    const match = DAY_PATTERN.exec(value);
    if (match !== null) {
      const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
      if (date.toISOString().slice(0, 10) === value) return { date, timeZone: 'UTC' };
    }
  }
  throw new TypeError(`${helper}: expected a Date or a YYYY-MM-DD day, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined (a missing context field?)';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

/** en-GB writes "Friday, 4 December 2026"; the campus style is "Friday 4 December 2026". */
function withoutWeekdayComma(parts: Intl.DateTimeFormatPart[]): string {
  let out = '';
  let previous: Intl.DateTimeFormatPartTypes | undefined;
  for (const part of parts) {
    out += part.type === 'literal' && previous === 'weekday' ? ' ' : part.value;
    previous = part.type;
  }
  return out;
}

/** "vendredi 4 décembre 2026" / "Friday 4 December 2026" */
export function formatDate(value: Date | CalendarDay, locale: TemplateLocale): string {
  const { date, timeZone } = toInstant(value, 'formatDate');
  return withoutWeekdayComma(formatter(locale, `long`, { ...LONG_DATE, timeZone }).formatToParts(date));
}

/** "vendredi 4 décembre 2026 à 23:59" / "Friday 4 December 2026 at 23:59" (Europe/Paris) */
export function formatDateTime(value: Date, locale: TemplateLocale): string {
  if (!(value instanceof Date)) {
    throw new TypeError(`formatDateTime: expected a Date, got ${describe(value)}`);
  }
  const { date } = toInstant(value, 'formatDateTime');
  return withoutWeekdayComma(
    formatter(locale, 'datetime', { ...LONG_DATE_TIME, timeZone: PARIS_TIME_ZONE }).formatToParts(date),
  );
}

/** "4 déc. 2026" / "4 Dec 2026" */
export function formatShortDate(value: Date | CalendarDay, locale: TemplateLocale): string {
  const { date, timeZone } = toInstant(value, 'formatShortDate');
  return formatter(locale, 'short', { ...SHORT_DATE, timeZone }).format(date);
}

/** "23–29 novembre 2026" / "23 – 29 November 2026" */
export function formatDateRange(start: Date | CalendarDay, end: Date | CalendarDay, locale: TemplateLocale): string {
  const from = toInstant(start, 'formatDateRange');
  const to = toInstant(end, 'formatDateRange');
  if (from.timeZone !== to.timeZone) {
    throw new TypeError('formatDateRange: give two Dates or two YYYY-MM-DD days, not one of each');
  }
  return formatter(locale, 'range', { ...RANGE_DATE, timeZone: from.timeZone }).formatRange(from.date, to.date);
}

const numberFormats = new Map<TemplateLocale, Intl.NumberFormat>();

/** At most one decimal, locale separators: "12,5" / "12.5". */
export function formatNumber(value: number, locale: TemplateLocale): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`formatNumber: expected a finite number, got ${describe(value)}`);
  }
  let format = numberFormats.get(locale);
  if (format === undefined) {
    format = new Intl.NumberFormat(INTL_LOCALES[locale], { maximumFractionDigits: 1 });
    numberFormats.set(locale, format);
  }
  return format.format(value);
}

const pluralRules = new Map<TemplateLocale, Intl.PluralRules>();

/**
 * `one` or `other` by the locale's rules: French counts 0 and 1 as singular ("0 dossier"),
 * English only 1 ("0 cases"). CLDR's French `many` (1 000 000) takes the plural form.
 */
export function plural(count: number, one: string, other: string, locale: TemplateLocale): string {
  if (typeof count !== 'number' || !Number.isFinite(count)) {
    throw new TypeError(`plural: expected a count, got ${describe(count)}`);
  }
  let rules = pluralRules.get(locale);
  if (rules === undefined) {
    rules = new Intl.PluralRules(INTL_LOCALES[locale]);
    pluralRules.set(locale, rules);
  }
  return rules.select(count) === 'one' ? one : other;
}

/** `publicUrl` (without its trailing slashes) followed by each segment, URL-encoded. */
export function buildUrl(publicUrl: string, segments: readonly unknown[]): string {
  let out = publicUrl.replace(/\/+$/, '');
  for (const segment of segments) {
    if ((typeof segment !== 'string' || segment === '') && typeof segment !== 'number') {
      throw new TypeError(`url: every segment must be a non-empty string or a number, got ${describe(segment)}`);
    }
    out += `/${encodeURIComponent(segment)}`;
  }
  return out;
}

/** At most `max` characters, cut on a character boundary with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (typeof text !== 'string') throw new TypeError(`truncate: expected a string, got ${describe(text)}`);
  if (text.length <= max) return text;
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Text part: each line of a person's words prefixed with `> `, as mail clients quote. */
export function quoteText(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------

interface HelperCallOptions {
  data?: { root?: unknown };
}

interface RootContext {
  locale: TemplateLocale;
  publicUrl: string;
}

function rootOf(options: HelperCallOptions, helper: string): RootContext {
  const root = options.data?.root as Partial<RootContext> | undefined;
  if (root === undefined || (root.locale !== 'fr' && root.locale !== 'en')) {
    throw new TypeError(`${helper}: the root context has no valid locale`);
  }
  if (typeof root.publicUrl !== 'string') throw new TypeError(`${helper}: the root context has no publicUrl`);
  return root as RootContext;
}

/** Splits Handlebars' trailing `options` argument from the template's arguments. */
function split(args: unknown[]): [unknown[], HelperCallOptions] {
  const options = args[args.length - 1] as HelperCallOptions;
  return [args.slice(0, -1), options];
}

function arity(helper: string, params: unknown[], expected: number): void {
  if (params.length !== expected) {
    throw new TypeError(`${helper}: expected ${expected} argument(s), got ${params.length}`);
  }
}

export function registerTemplateHelpers(env: typeof Handlebars, flavour: TemplateFlavour): void {
  const helpers: { [H in TemplateHelperName]: (...args: unknown[]) => unknown } = {
    formatDate: (...args) => {
      const [params, options] = split(args);
      arity('formatDate', params, 1);
      return formatDate(params[0] as Date, rootOf(options, 'formatDate').locale);
    },
    formatDateTime: (...args) => {
      const [params, options] = split(args);
      arity('formatDateTime', params, 1);
      return formatDateTime(params[0] as Date, rootOf(options, 'formatDateTime').locale);
    },
    formatShortDate: (...args) => {
      const [params, options] = split(args);
      arity('formatShortDate', params, 1);
      return formatShortDate(params[0] as Date, rootOf(options, 'formatShortDate').locale);
    },
    formatDateRange: (...args) => {
      const [params, options] = split(args);
      arity('formatDateRange', params, 2);
      return formatDateRange(params[0] as Date, params[1] as Date, rootOf(options, 'formatDateRange').locale);
    },
    formatNumber: (...args) => {
      const [params, options] = split(args);
      arity('formatNumber', params, 1);
      return formatNumber(params[0] as number, rootOf(options, 'formatNumber').locale);
    },
    // {{plural count "dossier" "dossiers"}}
    plural: (...args) => {
      const [params, options] = split(args);
      arity('plural', params, 3);
      return plural(params[0] as number, String(params[1]), String(params[2]), rootOf(options, 'plural').locale);
    },
    eq: (...args) => {
      const [params] = split(args);
      arity('eq', params, 2);
      return params[0] === params[1];
    },
    // {{t "status" status}} → the label `status.in_review` in the recipient's locale
    t: (...args) => {
      const [params, options] = split(args);
      if (params.length === 0) throw new TypeError('t: expected a label key');
      for (const part of params) {
        if (typeof part !== 'string' || part === '') throw new TypeError(`t: bad key part ${describe(part)}`);
      }
      return label(rootOf(options, 't').locale, params.join('.'));
    },
    // {{url "applications" application.id}} → `${publicUrl}/applications/<id>`
    url: (...args) => {
      const [params, options] = split(args);
      return buildUrl(rootOf(options, 'url').publicUrl, params);
    },
    quote: (...args) => {
      const [params] = split(args);
      arity('quote', params, 1);
      const text = params[0];
      if (typeof text !== 'string') throw new TypeError(`quote: expected a text, got ${describe(text)}`);
      if (flavour === 'text') return quoteText(text);
      return new env.SafeString(env.escapeExpression(text).split(LINE_BREAK).join('<br>\n'));
    },
    truncate: (...args) => {
      const [params] = split(args);
      arity('truncate', params, 2);
      return truncate(params[0] as string, params[1] as number);
    },
  };
  for (const name of TEMPLATE_HELPER_NAMES) env.registerHelper(name, helpers[name]);
}
