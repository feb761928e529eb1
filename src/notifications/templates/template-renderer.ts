/**
 * Renders the email templates of `templates/` (Handlebars, French and English, HTML and text).
 * Pure: no Nest or TypeORM import, so it is tested by rendering for real.
 *
 * `TemplateRenderer.load(dir)` reads and compiles everything once, at boot: a missing file, a
 * syntax error, an unknown helper, a helper given the wrong number of arguments or an unknown
 * partial fails the boot with a `TemplateLoadError` naming the file (and the line), rather than
 * a user's email later. Then `render` only runs compiled functions.
 *
 * Layout on disk:
 *   layouts/base.html.hbs, layouts/base.text.hbs    the frame around every body (`{{> body}}`)
 *   partials/<name>.html.hbs, partials/<name>.text.hbs
 *   <template>/<locale>.subject.hbs, <locale>.html.hbs, <locale>.text.hbs
 *
 * Two isolated Handlebars environments (never the global one):
 * - HTML: escapes every `{{value}}` (a startup named `<script>` arrives as text);
 * - text and subject: `noEscape`, so a plain-text part never shows `&amp;` or `&#x27;`.
 * Both compile in strict mode (printing a field the context lacks throws at render time) with
 * `knownHelpersOnly` (an unknown helper is a compile error, and helper calls are direct).
 */

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import {
  TEMPLATE_LOCALES,
  TEMPLATE_NAMES,
  type TemplateContexts,
  type TemplateLocale,
  type TemplateName,
} from './template-contexts';
import {
  TEMPLATE_HELPER_ARITY,
  TEMPLATE_HELPER_NAMES,
  type TemplateFlavour,
  registerTemplateHelpers,
} from './template-helpers';

export const TEMPLATE_PARTS = ['subject', 'html', 'text'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

export const LAYOUT_NAME = 'base';
/** The partial name under which the layout receives the email's body, at render time. */
export const BODY_PARTIAL = 'body';

export interface RenderedEmail {
  /** one line, whitespace collapsed */
  subject: string;
  html: string;
  text: string;
}

export interface TemplateProblem {
  /** path relative to the templates folder, e.g. `case-assigned/en.text.hbs` */
  file: string;
  message: string;
}

export class TemplateLoadError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: readonly TemplateProblem[],
  ) {
    super(
      `email templates in ${dir} cannot be loaded (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `- ${problem.file}: ${problem.message}`).join('\n'),
    );
    this.name = 'TemplateLoadError';
  }
}

export class TemplateRenderError extends Error {
  constructor(
    readonly template: string,
    readonly locale: string,
    readonly part: TemplatePart,
    cause: unknown,
  ) {
    super(
      `cannot render email template ${template} (${locale}, ${part}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'TemplateRenderError';
  }
}

/**
 * The repository's `templates/` folder, found by walking up from this file: it works from
 * `src/notifications/templates/` (tests through swc), from `dist/notifications/templates/`
 * (compiled) and from any other build output folder. Falls back to `./templates` under the
 * working directory, which `load` then reports clearly if it is not there either.
 */
export const DEFAULT_TEMPLATES_DIR: string = findTemplatesDir(__dirname) ?? resolve(process.cwd(), 'templates');

export function findTemplatesDir(from: string): string | undefined {
  let current = resolve(from);
  for (;;) {
    const candidate = join(current, 'templates');
    if (existsSync(join(candidate, 'layouts', `${LAYOUT_NAME}.html.hbs`))) return candidate;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

type Compiled = Handlebars.TemplateDelegate;

interface CompiledTemplate {
  subject: Compiled;
  html: Compiled;
  text: Compiled;
}

interface Environments {
  html: typeof Handlebars;
  text: typeof Handlebars;
}

const KNOWN_HELPERS: { [name: string]: boolean } = Object.fromEntries(TEMPLATE_HELPER_NAMES.map((name) => [name, true]));

type PrecompileOptions = NonNullable<Parameters<typeof Handlebars.precompile>[1]>;
type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

function compileOptions(flavour: TemplateFlavour): PrecompileOptions {
  return { strict: true, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, noEscape: flavour === 'text' };
}

function flavourOf(part: TemplatePart): TemplateFlavour {
  return part === 'html' ? 'html' : 'text';
}

interface Inspection {
  /** partials called by name (not dynamic ones, not `@partial-block`, not the template's own inline ones) */
  partials: Set<string>;
  /** helper calls with the wrong number of arguments */
  arityErrors: string[];
}

type AstNode = { type?: string; name?: unknown; path?: unknown; params?: unknown[]; loc?: hbs.AST.SourceLocation };

const HELPER_CALLS = new Set(['MustacheStatement', 'SubExpression', 'BlockStatement']);

/** Ours, and Handlebars' block helpers (which check theirs only when they run). */
const HELPER_ARITY: ReadonlyMap<string, readonly [number, number | null]> = new Map<
  string,
  readonly [number, number | null]
>([...Object.entries(TEMPLATE_HELPER_ARITY), ['if', [1, 1]], ['unless', [1, 1]], ['each', [1, 1]], ['with', [1, 1]]]);

/** What compiling cannot see: which partials a template needs, and helpers called with the wrong arity. */
function inspect(ast: hbs.AST.Program): Inspection {
  const partials = new Set<string>();
  const inline = new Set<string>();
  const arityErrors: string[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const typed = node as AstNode;
    const path = typed.path as hbs.AST.PathExpression | undefined;
    if (
      (typed.type === 'PartialStatement' || typed.type === 'PartialBlockStatement') &&
      (typed.name as { type?: string }).type === 'PathExpression'
    ) {
      const name = (typed.name as hbs.AST.PathExpression).original;
      if (!name.startsWith('@')) partials.add(name);
    }
    if (typed.type === 'DecoratorBlock' && path?.original === 'inline') {
      const first = typed.params?.[0] as { type?: string; value?: unknown } | undefined;
      if (first?.type === 'StringLiteral' && typeof first.value === 'string') inline.add(first.value);
    }
    if (typed.type !== undefined && HELPER_CALLS.has(typed.type) && path?.type === 'PathExpression') {
      const arity = HELPER_ARITY.get(path.original);
      const count = typed.params?.length ?? 0;
      if (arity !== undefined && (count < arity[0] || (arity[1] !== null && count > arity[1]))) {
        const expected = arity[1] === arity[0] ? `${arity[0]}` : `${arity[0]} or more`;
        const line = typed.loc === undefined ? '' : ` on line ${typed.loc.start.line}`;
        arityErrors.push(`${path.original} takes ${expected} argument(s), not ${count}${line}`);
      }
    }
    for (const value of Object.values(node)) {
      if (value !== null && typeof value === 'object') visit(value);
    }
  };
  visit(ast);
  for (const name of inline) partials.delete(name);
  return { partials, arityErrors };
}

class Loader {
  readonly problems: TemplateProblem[] = [];
  /** partial files that exist but did not compile (already reported: not again at each use) */
  readonly brokenPartials = new Set<string>();
  private readonly partialUses: { file: string; flavour: TemplateFlavour; names: Set<string> }[] = [];

  constructor(
    readonly dir: string,
    readonly envs: Environments,
  ) {}

  /** Reads and compiles one file; records a problem and returns undefined when it cannot. */
  compile(file: string, flavour: TemplateFlavour): Compiled | undefined {
    const fullPath = join(this.dir, file);
    let source: string;
    try {
      source = readFileSync(fullPath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.problems.push({
        file,
        message: code === 'ENOENT' ? 'missing file' : `cannot be read (${String(code ?? error)})`,
      });
      return undefined;
    }
    if (source.trim() === '') {
      this.problems.push({ file, message: 'empty file' });
      return undefined;
    }
    const env = this.envs[flavour];
    try {
      const ast = env.parse(source, { srcName: file });
      const { partials, arityErrors } = inspect(ast);
      if (arityErrors.length > 0) {
        for (const message of arityErrors) this.problems.push({ file, message });
        return undefined;
      }
      if (partials.size > 0) this.partialUses.push({ file, flavour, names: partials });
      // The precompiled source (what `handlebars --precompile` would ship) turned into
      // functions now, not lazily on first render as `compile` does: syntax and helper errors
      // surface here, and the first email pays no compilation.
      const spec: unknown = env.precompile(ast, compileOptions(flavour));
      const templateSpec = new Function(`return ${String(spec)};`)() as TemplateSpecification;
      return env.template(templateSpec);
    } catch (error) {
      this.problems.push({ file, message: error instanceof Error ? error.message.trim() : String(error) });
      return undefined;
    }
  }

  /** Every `{{> name}}` must name a partial registered in the same flavour (layouts also get `body`). */
  checkPartials(): void {
    for (const { file, flavour, names } of this.partialUses) {
      for (const name of names) {
        if (name === BODY_PARTIAL && file.startsWith('layouts')) continue;
        if (this.brokenPartials.has(`${flavour}:${name}`)) continue;
        if (this.envs[flavour].partials[name] === undefined) {
          this.problems.push({
            file,
            message: `uses the partial "${name}" but partials/${name}.${flavour}.hbs does not exist`,
          });
        }
      }
    }
  }
}

function listPartialFiles(dir: string): string[] {
  const partialsDir = join(dir, 'partials');
  if (!existsSync(partialsDir)) return [];
  return readdirSync(partialsDir)
    .filter((entry) => /^[a-z0-9][a-z0-9-]*\.(html|text)\.hbs$/.test(entry))
    .filter((entry) => statSync(join(partialsDir, entry)).isFile())
    .sort();
}

const TRAILING_SPACES = /[ \t]+\n/g;
const EXTRA_BLANK_LINES = /\n{3,}/g;
const SUBJECT_BREAKS = /[\t\n\v\f\r \u0085\u2028\u2029]+/g;
const SIGNATURE_SEPARATOR = '\n--\n';

/**
 * Tidies the text part: conditional blocks and people's texts leave trailing spaces and runs of
 * blank lines. The layout's last `-- ` line (the signature separator) gets its space back.
 */
function tidyText(text: string): string {
  const tidy = `${text.replace(TRAILING_SPACES, '\n').replace(EXTRA_BLANK_LINES, '\n\n').trim()}\n`;
  const separator = tidy.lastIndexOf(SIGNATURE_SEPARATOR);
  return separator === -1 ? tidy : `${tidy.slice(0, separator)}\n-- \n${tidy.slice(separator + SIGNATURE_SEPARATOR.length)}`;
}

export class TemplateRenderer {
  private constructor(
    private readonly templates: ReadonlyMap<string, CompiledTemplate>,
    private readonly layouts: { html: Compiled; text: Compiled },
  ) {}

  /** Reads and compiles every template, layout and partial of `dir`; throws `TemplateLoadError`. */
  static load(dir: string = DEFAULT_TEMPLATES_DIR): TemplateRenderer {
    const root = resolve(dir);
    const envs: Environments = { html: Handlebars.create(), text: Handlebars.create() };
    registerTemplateHelpers(envs.html, 'html');
    registerTemplateHelpers(envs.text, 'text');
    const loader = new Loader(root, envs);

    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new TemplateLoadError(root, [{ file: '.', message: 'the templates folder does not exist' }]);
    }

    for (const entry of listPartialFiles(root)) {
      const [name, flavour] = entry.split('.') as [string, TemplateFlavour];
      const compiled = loader.compile(join('partials', entry), flavour);
      if (compiled !== undefined) envs[flavour].registerPartial(name, compiled);
      else loader.brokenPartials.add(`${flavour}:${name}`);
    }

    const htmlLayout = loader.compile(join('layouts', `${LAYOUT_NAME}.html.hbs`), 'html');
    const textLayout = loader.compile(join('layouts', `${LAYOUT_NAME}.text.hbs`), 'text');

    const templates = new Map<string, CompiledTemplate>();
    for (const name of TEMPLATE_NAMES) {
      for (const locale of TEMPLATE_LOCALES) {
        const parts: Partial<Record<TemplatePart, Compiled>> = {};
        for (const part of TEMPLATE_PARTS) {
          parts[part] = loader.compile(join(name, `${locale}.${part}.hbs`), flavourOf(part));
        }
        if (parts.subject !== undefined && parts.html !== undefined && parts.text !== undefined) {
          templates.set(key(name, locale), { subject: parts.subject, html: parts.html, text: parts.text });
        }
      }
    }

    loader.checkPartials();
    if (loader.problems.length > 0 || htmlLayout === undefined || textLayout === undefined) {
      throw new TemplateLoadError(root, loader.problems);
    }
    return new TemplateRenderer(templates, { html: htmlLayout, text: textLayout });
  }

  render<N extends TemplateName>(name: N, context: TemplateContexts[N]): RenderedEmail {
    const locale: TemplateLocale = context.locale;
    const template = this.templates.get(key(name, locale));
    if (template === undefined) {
      throw new TemplateRenderError(name, String(locale), 'subject', new Error('unknown template or locale'));
    }
    // one line whatever the data: a header must not be split (no-break spaces are kept)
    const subject = run(name, locale, 'subject', () => template.subject(context))
      .replace(SUBJECT_BREAKS, ' ')
      .trim();
    // The body goes into the layout as a partial: one top-level Handlebars call per part
    // (each one re-wraps every helper; that setup was a fifth of the render time).
    const data = { subject };
    const html = run(name, locale, 'html', () =>
      this.layouts.html(context, { data, partials: { [BODY_PARTIAL]: template.html } }),
    );
    const text = run(name, locale, 'text', () =>
      this.layouts.text(context, { data, partials: { [BODY_PARTIAL]: template.text } }),
    );
    return { subject, html, text: tidyText(text) };
  }
}

function key(name: string, locale: string): string {
  return `${name}/${locale}`;
}

function run(name: string, locale: string, part: TemplatePart, render: () => string): string {
  try {
    return render();
  } catch (error) {
    throw new TemplateRenderError(name, locale, part, error);
  }
}
