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
  'formatPeriod',
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

function formatter(
  locale: TemplateLocale,
  style: string,
  options: Intl.DateTimeFormatOptions,
  timeZone: string,
): Intl.DateTimeFormat {
  const key = locale + style + timeZone;
  let cached = formatterCache.get(key);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat(INTL_LOCALES[locale], { ...options, timeZone });
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

/**
 * Typographic touches Intl does not make: en-GB writes "Friday, 4 December 2026", the campus
 * style is "Friday 4 December 2026"; French writes the first of the month "1er".
 */
function polish(parts: Intl.DateTimeFormatPart[], locale: TemplateLocale): string {
  let out = '';
  let previous: Intl.DateTimeFormatPartTypes | undefined;
  for (const part of parts) {
    if (part.type === 'literal' && previous === 'weekday') out += ' ';
    else if (part.type === 'day' && locale === 'fr' && part.value === '1') out += '1er';
    else out += part.value;
    previous = part.type;
  }
  return out;
}

// `format()` then a regex costs a third of `formatToParts()`: it matters, emails show many dates.
const FR_FIRST_OF_MONTH = /(^|\s)1(?=\s\p{L})/u;
const EN_WEEKDAY_COMMA = /^(\p{L}+), /u;

/** The same touches as `polish`, on a formatted string. */
function polishText(text: string, locale: TemplateLocale): string {
  return locale === 'fr' ? text.replace(FR_FIRST_OF_MONTH, '$11er') : text.replace(EN_WEEKDAY_COMMA, '$1 ');
}

/** "vendredi 4 décembre 2026" / "Friday 4 December 2026" */
export function formatDate(value: Date | CalendarDay, locale: TemplateLocale): string {
  const { date, timeZone } = toInstant(value, 'formatDate');
  return polishText(formatter(locale, 'long', LONG_DATE, timeZone).format(date), locale);
}

const CLOCK_TIME = /(\d{1,2}):(\d{2})$/;

/**
 * "vendredi 4 décembre 2026 à 23 h 59, heure de Paris" / "Friday 4 December 2026 at 23:59,
 * Paris time": a time is always said with its zone (readers are not all in Paris).
 */
export function formatDateTime(value: Date, locale: TemplateLocale): string {
  if (!(value instanceof Date)) {
    throw new TypeError(`formatDateTime: expected a Date, got ${describe(value)}`);
  }
  const { date } = toInstant(value, 'formatDateTime');
  const text = polishText(formatter(locale, 'datetime', LONG_DATE_TIME, PARIS_TIME_ZONE).format(date), locale);
  return locale === 'fr'
    ? `${text.replace(CLOCK_TIME, (_, h: string, m: string) => `${Number(h)} h ${m}`)}, heure de Paris`
    : `${text}, Paris time`;
}

/** "4 déc. 2026" / "4 Dec 2026" */
export function formatShortDate(value: Date | CalendarDay, locale: TemplateLocale): string {
  const { date, timeZone } = toInstant(value, 'formatShortDate');
  return polishText(formatter(locale, 'short', SHORT_DATE, timeZone).format(date), locale);
}

function sameZone(
  start: Date | CalendarDay,
  end: Date | CalendarDay,
  helper: string,
): [{ date: Date; timeZone: string }, { date: Date; timeZone: string }] {
  const from = toInstant(start, helper);
  const to = toInstant(end, helper);
  if (from.timeZone !== to.timeZone) {
    throw new TypeError(`${helper}: give two Dates or two YYYY-MM-DD days, not one of each`);
  }
  return [from, to];
}

/** "23–29 novembre 2026" / "23 – 29 November 2026" (compact, for subjects) */
export function formatDateRange(start: Date | CalendarDay, end: Date | CalendarDay, locale: TemplateLocale): string {
  const [from, to] = sameZone(start, end, 'formatDateRange');
  const range = formatter(locale, 'range', RANGE_DATE, from.timeZone);
  return polish(range.formatRangeToParts(from.date, to.date), locale);
}

const NUMERIC_DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };

/** [year, month] of an instant's calendar day in a time zone. */
function yearMonth(date: Date, timeZone: string): [string, string] {
  const parts = formatter('en', 'numeric', NUMERIC_DAY, timeZone).formatToParts(date);
  const find = (type: Intl.DateTimeFormatPartTypes): string => parts.find((part) => part.type === type)?.value ?? '';
  return [find('year'), find('month')];
}

/** "du 23 au 29 novembre 2026" / "from 23 to 29 November 2026" (for sentences) */
export function formatPeriod(start: Date | CalendarDay, end: Date | CalendarDay, locale: TemplateLocale): string {
  const [from, to] = sameZone(start, end, 'formatPeriod');
  const [fromYear, fromMonth] = yearMonth(from.date, from.timeZone);
  const [toYear, toMonth] = yearMonth(to.date, to.timeZone);
  const startStyle = fromYear !== toYear ? 'period-dmy' : fromMonth !== toMonth ? 'period-dm' : 'period-d';
  const startOptions: Intl.DateTimeFormatOptions =
    startStyle === 'period-dmy'
      ? RANGE_DATE
      : startStyle === 'period-dm'
        ? { day: 'numeric', month: 'long' }
        : { day: 'numeric' };
  const startText = polish(formatter(locale, startStyle, startOptions, from.timeZone).formatToParts(from.date), locale);
  const endText = polish(formatter(locale, 'period-dmy', RANGE_DATE, to.timeZone).formatToParts(to.date), locale);
  return locale === 'fr' ? `du ${startText} au ${endText}` : `from ${startText} to ${endText}`;
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

/**
 * How many arguments each helper takes (`min` and `max`, `max` null for any number). Checked on
 * every call in every template when the templates are loaded, so the helpers themselves can
 * take fixed parameters (Handlebars passes its `options` object last).
 */
export const TEMPLATE_HELPER_ARITY: { readonly [H in TemplateHelperName]: readonly [number, number | null] } = {
  formatDate: [1, 1],
  formatDateTime: [1, 1],
  formatShortDate: [1, 1],
  formatDateRange: [2, 2],
  formatPeriod: [2, 2],
  formatNumber: [1, 1],
  plural: [3, 3],
  eq: [2, 2],
  t: [1, null],
  url: [0, null],
  quote: [1, 1],
  truncate: [2, 2],
};

type Options = HelperCallOptions;

export function registerTemplateHelpers(env: typeof Handlebars, flavour: TemplateFlavour): void {
  const helpers: { [H in TemplateHelperName]: (...args: never[]) => unknown } = {
    formatDate: (value: Date, options: Options) => formatDate(value, rootOf(options, 'formatDate').locale),
    formatDateTime: (value: Date, options: Options) => formatDateTime(value, rootOf(options, 'formatDateTime').locale),
    formatShortDate: (value: Date, options: Options) =>
      formatShortDate(value, rootOf(options, 'formatShortDate').locale),
    formatDateRange: (start: Date, end: Date, options: Options) =>
      formatDateRange(start, end, rootOf(options, 'formatDateRange').locale),
    formatPeriod: (start: Date, end: Date, options: Options) =>
      formatPeriod(start, end, rootOf(options, 'formatPeriod').locale),
    formatNumber: (value: number, options: Options) => formatNumber(value, rootOf(options, 'formatNumber').locale),
    // {{plural count "dossier" "dossiers"}}
    plural: (count: number, one: string, other: string, options: Options) =>
      plural(count, one, other, rootOf(options, 'plural').locale),
    eq: (a: unknown, b: unknown) => a === b,
    // {{t "status" status}} → the label `status.in_review` in the recipient's locale
    t: (...args: unknown[]) => {
      const options = args[args.length - 1] as Options;
      let key = '';
      for (let i = 0; i < args.length - 1; i++) {
        const part = args[i];
        if (typeof part !== 'string' || part === '') throw new TypeError(`t: bad key part ${describe(part)}`);
        key = i === 0 ? part : `${key}.${part}`;
      }
      return label(rootOf(options, 't').locale, key);
    },
    // {{url "applications" application.id}} → `${publicUrl}/applications/<id>`
    url: (...args: unknown[]) => {
      const options = args[args.length - 1] as Options;
      return buildUrl(rootOf(options, 'url').publicUrl, args.slice(0, -1));
    },
    quote: (text: string) => {
      if (typeof text !== 'string') throw new TypeError(`quote: expected a text, got ${describe(text)}`);
      if (flavour === 'text') return quoteText(text);
      return new env.SafeString(env.escapeExpression(text).split(LINE_BREAK).join('<br>\n'));
    },
    truncate: (text: string, max: number) => truncate(text, max),
  };
  for (const name of TEMPLATE_HELPER_NAMES) env.registerHelper(name, helpers[name] as Handlebars.HelperDelegate);
}
