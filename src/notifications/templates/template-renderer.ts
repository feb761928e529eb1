/**
 * Renders the email templates of `templates/` (Handlebars, French and English, HTML and text).
 * Pure: no Nest or TypeORM import, so it is tested by rendering for real.
 *
 * `TemplateRenderer.load(dir)` reads and compiles everything once, at boot: a missing file, a
 * syntax error, an unknown helper or an unknown partial fails the boot with a `TemplateLoadError`
 * naming the file, rather than a user's email later. Then `render` only runs compiled functions.
 *
 * Layout on disk:
 *   layouts/base.html.hbs, layouts/base.text.hbs    the frame around every body ({{{@body}}})
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
import { TEMPLATE_HELPER_NAMES, type TemplateFlavour, registerTemplateHelpers } from './template-helpers';

export const TEMPLATE_PARTS = ['subject', 'html', 'text'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

export const LAYOUT_NAME = 'base';

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
    readonly part: TemplatePart | 'layout',
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

function compileOptions(flavour: TemplateFlavour): PrecompileOptions {
  return { strict: true, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, noEscape: flavour === 'text' };
}
type PrecompileOptions = NonNullable<Parameters<typeof Handlebars.precompile>[1]>;

function flavourOf(part: TemplatePart): TemplateFlavour {
  return part === 'html' ? 'html' : 'text';
}

/** Partial names a template uses (not dynamic ones, not `@partial-block`, not its own inline partials). */
function partialsUsedBy(ast: hbs.AST.Program): { used: Set<string>; inline: Set<string> } {
  const used = new Set<string>();
  const inline = new Set<string>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const typed = node as { type?: string; name?: unknown; path?: unknown; params?: unknown[] };
    if (
      (typed.type === 'PartialStatement' || typed.type === 'PartialBlockStatement') &&
      (typed.name as { type?: string }).type === 'PathExpression'
    ) {
      const name = (typed.name as hbs.AST.PathExpression).original;
      if (!name.startsWith('@')) used.add(name);
    }
    if (typed.type === 'DecoratorBlock' && (typed.path as hbs.AST.PathExpression).original === 'inline') {
      const first = typed.params?.[0] as { type?: string; value?: unknown } | undefined;
      if (first?.type === 'StringLiteral' && typeof first.value === 'string') inline.add(first.value);
    }
    for (const value of Object.values(node)) {
      if (value !== null && typeof value === 'object') visit(value);
    }
  };
  visit(ast);
  return { used, inline };
}

class Loader {
  readonly problems: TemplateProblem[] = [];
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
      const { used, inline } = partialsUsedBy(ast);
      for (const name of inline) used.delete(name);
      if (used.size > 0) this.partialUses.push({ file, flavour, names: used });
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

  /** Every `{{> name}}` must name a partial registered in the same flavour. */
  checkPartials(): void {
    for (const { file, flavour, names } of this.partialUses) {
      for (const name of names) {
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
type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

function listPartialFiles(dir: string): string[] {
  const partialsDir = join(dir, 'partials');
  if (!existsSync(partialsDir)) return [];
  return readdirSync(partialsDir)
    .filter((entry) => /^[a-z0-9][a-z0-9-]*\.(html|text)\.hbs$/.test(entry))
    .filter((entry) => statSync(join(partialsDir, entry)).isFile())
    .sort();
}

/** Trailing spaces, except the `-- ` that opens the signature block. */
const TEXT_TRAILING_SPACES = /(?<!^--)[ \t]+$/gm;
const TEXT_EXTRA_BLANK_LINES = /\n{3,}/g;
const WHITESPACE_RUN = /\s+/g;

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
    const subject = run(name, locale, 'subject', () => template.subject(context))
      .replace(WHITESPACE_RUN, ' ')
      .trim();
    const htmlBody = run(name, locale, 'html', () => template.html(context));
    const textBody = run(name, locale, 'text', () => template.text(context));
    const html = run(name, locale, 'layout', () => this.layouts.html(context, { data: { body: htmlBody, subject } }));
    const text = run(name, locale, 'layout', () => this.layouts.text(context, { data: { body: textBody, subject } }))
      .replace(TEXT_TRAILING_SPACES, '')
      .replace(TEXT_EXTRA_BLANK_LINES, '\n\n')
      .trim();
    return { subject, html, text: `${text}\n` };
  }
}

function key(name: string, locale: string): string {
  return `${name}/${locale}`;
}

function run(name: string, locale: string, part: TemplatePart | 'layout', render: () => string): string {
  try {
    return render();
  } catch (error) {
    throw new TemplateRenderError(name, locale, part, error);
  }
}
