// @ts-check
/**
 * Fails when a comment, a string or a page names a repository path, a page's section or a link
 * target that does not exist, so that the documentation cannot silently drift from the tree.
 *
 * Scanned: every source file under `src/`, `test/`, `bench/` and `scripts/` (comments, strings,
 * whatever the text holds), `README.md` and `docs/*.md`. Checked in them:
 *
 * - **repository paths**: a word starting with `src/`, `test/`, `bench/`, `scripts/` or `docs/`
 *   (not preceded by `/`, `./`, `../` or a letter: imports and URLs are the compiler's and the
 *   web's business). With a file extension it must be a file or a folder of the tree; ending with
 *   `/`, a folder; without either, a file or a folder. Patterns are skipped: a path holding `*`,
 *   `<`, `{`, `$` or `[` (`src/**\/*.spec.ts`, `src/<folder>`) names no one file;
 * - **sections**: `README "Quick start"` (also with `README.md,`) and `docs/<page>.md "<heading>"`
 *   must name the beginning of a heading of that page; `docs/<page>.md#<anchor>` an anchor of it;
 * - **links** of README.md and docs/*.md: a relative `[text](target)` must resolve to a file or a
 *   folder from the page's own folder, and its `#anchor`, if any, to a heading of the target page
 *   (anchors as GitHub makes them: lower case, punctuation dropped, spaces as `-`).
 *
 * Usage: `node scripts/check-doc-references.mjs` (part of `npm run lint`). Prints each broken
 * reference as `file:line: …` and exits 1 when there is one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SCANNED_FOLDERS = ['src', 'test', 'bench', 'scripts'];
const SOURCE_EXTENSIONS = /\.(ts|js|mjs|cjs|json|md|sh|hbs)$/;
const SKIPPED_FOLDERS = new Set(['node_modules']);

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIPPED_FOLDERS.has(name) ? [] : walk(path);
    return SOURCE_EXTENSIONS.test(name) ? [path] : [];
  });
}

/** @param {string} path relative to the root */
const kindOf = (path) => {
  const full = join(root, path);
  if (!existsSync(full)) return null;
  return statSync(full).isDirectory() ? 'folder' : 'file';
};

/** The anchor GitHub gives a heading. @param {string} heading */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** @type {Map<string, { titles: string[], anchors: Set<string> }>} */
const headingCache = new Map();
/** Headings of a markdown page (relative to the root), outside fenced code. @param {string} page */
function headingsOf(page) {
  const cached = headingCache.get(page);
  if (cached) return cached;
  const titles = [];
  const anchors = new Set();
  /** @type {Map<string, number>} */
  const seen = new Map();
  let fenced = false;
  for (const line of readFileSync(join(root, page), 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    titles.push(m[1].replace(/`/g, ''));
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  const result = { titles, anchors };
  headingCache.set(page, result);
  return result;
}

/** @param {string} page @param {string} title */
const hasSection = (page, title) => headingsOf(page).titles.some((t) => t.toLowerCase().startsWith(title.toLowerCase()));

/** @type {string[]} */
const problems = [];
/** @param {string} file @param {string} text @param {number} index @param {string} message */
function report(file, text, index, message) {
  const line = text.slice(0, index).split('\n').length;
  problems.push(`${relative(root, file)}:${line}: ${message}`);
}

const PATH = /(?<![\w./@$~-])(?:src|test|bench|scripts|docs)\/[\w.\-/*<>{}$[\]]*/g;
const PATTERN_CHARS = /[*<>{}$[\]]/;
const SECTION_AFTER = /^(?:#([\w-]+)|,?\s+"([^"\n]+)")/;
const README_SECTION = /(?<![\w/.-])README(?:\.md)?,?\s+"([^"\n]+)"/g;

/** @param {string} file */
function checkPaths(file) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(PATH)) {
    const path = m[0].replace(/[.,:;]+$/, '');
    if (PATTERN_CHARS.test(path)) continue;
    const kind = kindOf(path);
    if (path.endsWith('/') ? kind !== 'folder' : kind === null) {
      report(file, text, m.index, `\`${path}\` does not exist${path.endsWith('/') ? ' as a folder' : ''}`);
      continue;
    }
    if (kind !== 'file' || !path.endsWith('.md')) continue;
    const after = SECTION_AFTER.exec(text.slice(m.index + path.length));
    if (after?.[1] && !headingsOf(path).anchors.has(after[1])) report(file, text, m.index, `\`${path}\` has no section #${after[1]}`);
    if (after?.[2] && !hasSection(path, after[2])) report(file, text, m.index, `\`${path}\` has no section "${after[2]}"`);
  }
  for (const m of text.matchAll(README_SECTION)) {
    if (!PATTERN_CHARS.test(m[1]) && !hasSection('README.md', m[1])) report(file, text, m.index, `README.md has no section "${m[1]}"`);
  }
}

const LINK = /\]\(([^)\s]+)\)/g;
/** @param {string} file a markdown page */
function checkLinks(file) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(LINK)) {
    const target = m[1];
    if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [pathPart, anchor] = target.split('#', 2);
    const page = pathPart === '' ? relative(root, file) : normalize(relative(root, join(dirname(file), pathPart)));
    if (page.startsWith('..') || kindOf(page) === null) {
      report(file, text, m.index, `link \`${target}\`: \`${page.split(sep).join('/')}\` does not exist`);
      continue;
    }
    if (anchor && page.endsWith('.md') && !headingsOf(page).anchors.has(anchor)) {
      report(file, text, m.index, `link \`${target}\`: no section #${anchor} in \`${page.split(sep).join('/')}\``);
    }
  }
}

const pages = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md')).map((n) => join(root, 'docs', n))];
const sources = SCANNED_FOLDERS.filter((f) => existsSync(join(root, f))).flatMap((f) => walk(join(root, f)));
for (const file of [...sources, ...pages]) checkPaths(file);
for (const file of [...pages, ...sources.filter((f) => f.endsWith('.md'))]) checkLinks(file);

if (problems.length > 0) {
  console.error(`${problems.length} reference(s) to what does not exist:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-doc-references: ${sources.length + pages.length} files, every path, section and link found`);
