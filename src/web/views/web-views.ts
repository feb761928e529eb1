/**
 * The pages' Handlebars views, from `templates/web/` (beside the emails, in their own folder:
 * the email loader reads only its own subfolders). Pure: no Nest import.
 *
 *   layouts/page.hbs        the frame of every page (header, <main>, footer); gets the page as `{{> body}}`
 *   partials/<name>.hbs     repeated pieces (form controls, status tag, recommendation card, timeline)
 *   pages/<area>/<name>.hbs one per page, rendered as `<area>/<name>`
 *   i18n/<locale>.json      the texts (see catalogue.ts)
 *
 * Everything is compiled once at boot in an isolated Handlebars environment that escapes every
 * `{{value}}`; a missing file or a syntax error stops the boot naming the file.
 */
import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatDate, formatDateTime, formatNumber } from '../../notifications/templates/template-helpers';
import { findTemplatesDir } from '../../notifications/templates/template-renderer';
import { Catalogues, loadCatalogues, PageLocale, translate } from '../i18n/catalogue';

/** What every page's context has at its root (the layout uses it). */
export interface PageRoot {
  locale: PageLocale;
  /** the page's <title> and <h1> key, already translated */
  title: string;
  csrfToken: string | null;
  user: { fullName: string; role: string } | null;
  /** field → message, for the error summary and each field */
  errors?: Record<string, string>;
  errorList?: { field: string; message: string }[];
  flash?: string | null;
  /** the same page in the other language */
  otherLocale: { locale: PageLocale; href: string; label: string };
  assets: { css: string; js: string };
  [key: string]: unknown;
}

type Compiled = Handlebars.TemplateDelegate;

export const WEB_TEMPLATES_DIR = join(findTemplatesDir(__dirname) ?? join(process.cwd(), 'templates'), 'web');

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.hbs') ? [join(dir, entry.name)] : []));
}

const asDate = (value: unknown): Date | null => {
  if (value instanceof Date) return value;
  if (typeof value === 'string' && value !== '') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
};

interface HelperOptions {
  hash?: Record<string, unknown>;
  data?: { root?: PageRoot };
}

function rootLocale(options: HelperOptions): PageLocale {
  return options.data?.root?.locale ?? 'fr';
}

export class WebViews {
  private constructor(
    private readonly layout: Compiled,
    private readonly pages: ReadonlyMap<string, Compiled>,
    readonly catalogues: Catalogues,
  ) {}

  static load(dir: string = WEB_TEMPLATES_DIR): WebViews {
    const catalogues = loadCatalogues(join(dir, 'i18n'));
    const env = Handlebars.create();
    registerHelpers(env, catalogues);
    // every helper is registered above (and Handlebars' own): the compiled pages call them
    // directly and read every other `{{name}}` as a field, without asking at each use whether a
    // helper of that name exists; a page naming a helper that does not exist fails to load
    const knownHelpers = Object.fromEntries(Object.keys(env.helpers).map((name) => [name, true]));
    const problems: string[] = [];
    const compile = (file: string): Compiled | undefined => {
      try {
        const source = readFileSync(file, 'utf8');
        const spec: unknown = env.precompile(source, { strict: false, preventIndent: true, knownHelpers, knownHelpersOnly: true });
        return env.template(new Function(`return ${String(spec)};`)() as Parameters<typeof env.template>[0]);
      } catch (error) {
        problems.push(`${relative(dir, file)}: ${(error as Error).message}`);
        return undefined;
      }
    };
    for (const file of walk(join(dir, 'partials'))) {
      const compiled = compile(file);
      if (compiled) env.registerPartial(relative(join(dir, 'partials'), file).replace(/\.hbs$/, ''), compiled);
    }
    const pages = new Map<string, Compiled>();
    for (const file of walk(join(dir, 'pages'))) {
      const compiled = compile(file);
      if (compiled) pages.set(relative(join(dir, 'pages'), file).replace(/\.hbs$/, ''), compiled);
    }
    const layout = compile(join(dir, 'layouts', 'page.hbs'));
    if (problems.length > 0 || !layout) throw new Error(`web views in ${dir} cannot be loaded:\n- ${problems.join('\n- ')}`);
    return new WebViews(layout, pages, catalogues);
  }

  has(page: string): boolean {
    return this.pages.has(page);
  }

  render(page: string, context: PageRoot): string {
    const body = this.pages.get(page);
    if (!body) throw new Error(`no web page "${page}"`);
    return this.layout(context, { partials: { body } });
  }

  renderFragment(page: string, context: PageRoot): string {
    const body = this.pages.get(page);
    if (!body) throw new Error(`no web page "${page}"`);
    return body(context);
  }

  t(locale: PageLocale, key: string, params?: Record<string, unknown>): string {
    return translate(this.catalogues, locale, key, params);
  }
}

/** A date formatter's texts, remembered (the last few thousand instants per process). */
class DateTexts {
  private readonly texts = new Map<string, string>();

  constructor(private readonly format: (date: Date, locale: PageLocale) => string) {}

  of(date: Date, locale: PageLocale): string {
    const key = `${locale}${date.getTime()}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = this.format(date, locale);
      if (this.texts.size >= 5_000) this.texts.clear();
      this.texts.set(key, text);
    }
    return text;
  }
}

function registerHelpers(env: typeof Handlebars, catalogues: Catalogues): void {
  // {{t "form.trl.label"}}, {{t "next.submitted" date=(dateTime app.firstResponseDueAt)}}, {{t "status" app.status}} → status.<value>
  env.registerHelper('t', (...args: unknown[]) => {
    const options = args.pop() as HelperOptions;
    // one or two parts nearly always ({{t "status" app.status}}): no array built for those
    const key = args.length === 1 ? String(args[0]) : args.length === 2 ? `${String(args[0])}.${String(args[1])}` : args.map(String).join('.');
    return translate(catalogues, rootLocale(options), key, options.hash);
  });
  // a page shows the same few dates many times (an inbox's due dates are ends of days)
  const dateTimes = new DateTexts(formatDateTime);
  const dates = new DateTexts(formatDate);
  env.registerHelper('dateTime', (value: unknown, options: HelperOptions) => {
    const date = asDate(value);
    return date ? dateTimes.of(date, rootLocale(options)) : '';
  });
  env.registerHelper('date', (value: unknown, options: HelperOptions) => {
    const date = asDate(value);
    return date ? dates.of(date, rootLocale(options)) : '';
  });
  env.registerHelper('isoDate', (value: unknown) => asDate(value)?.toISOString() ?? '');
  env.registerHelper('number', (value: unknown, options: HelperOptions) => (typeof value === 'number' ? formatNumber(value, rootLocale(options)) : ''));
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  env.registerHelper('not', (a: unknown) => !a);
  env.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  env.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  env.registerHelper('includes', (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value));
  env.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  // the error message of a field, from the page's `errors`
  env.registerHelper('errorFor', (field: string, options: HelperOptions) => options.data?.root?.errors?.[field] ?? '');
  // aria-describedby of a control: its hint and its error, when they are shown
  env.registerHelper('describedBy', (field: string, hint: unknown, options: HelperOptions) => {
    const ids: string[] = [];
    if (hint) ids.push(`${field}-hint`);
    if (options.data?.root?.errors?.[field]) ids.push(`${field}-error`);
    return ids.join(' ');
  });
  env.registerHelper('csrf', (options: HelperOptions) => new env.SafeString(`<input type="hidden" name="_csrf" value="${env.escapeExpression(options.data?.root?.csrfToken ?? '')}">`));
}
