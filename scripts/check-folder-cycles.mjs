// @ts-check
/**
 * Fails when the folders of `src/` form a cycle through runtime imports.
 *
 * A folder is the first path segment under `src/` (`src/notifications/outbox/email-outbox.ts` belongs to
 * `notifications`); the files directly under `src/` (the app's composition root) are left out, as
 * are specs. An import counts at run time unless it is type-only: `import type …`,
 * `import { type A, type B } …` (every name marked) and `export type … from`. Dynamic `import()`
 * and `require()` count. File-level tools (madge) see no cycle where folder A's file x imports
 * folder B's file y which imports folder A's file z: this check does.
 *
 * Usage: `node scripts/check-folder-cycles.mjs [--graph]` (`--graph` prints every folder edge).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const srcDir = join(root, 'src');

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** @param {string} file @returns {string | undefined} */
function folderOf(file) {
  const parts = relative(srcDir, file).split(sep);
  return parts.length > 1 && parts[0] !== '..' ? parts[0] : undefined;
}

/** @param {ts.ImportDeclaration} node */
function isTypeOnlyImport(node) {
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** @param {ts.ExportDeclaration} node */
function isTypeOnlyExport(node) {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** @param {string} file @returns {string[]} runtime import specifiers */
function runtimeImports(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  /** @type {string[]} */
  const found = [];
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnlyImport(node)) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnlyExport(node)) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        found.push(node.arguments[0].text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** folder -> folder -> example "file -> import" lines */
/** @type {Map<string, Map<string, string[]>>} */
const edges = new Map();
for (const file of walk(srcDir)) {
  const from = folderOf(file);
  if (!from) continue;
  for (const spec of runtimeImports(file)) {
    if (!spec.startsWith('.')) continue;
    const to = folderOf(resolve(dirname(file), spec));
    if (!to || to === from) continue;
    const targets = edges.get(from) ?? new Map();
    edges.set(from, targets);
    const why = targets.get(to) ?? [];
    targets.set(to, why);
    why.push(`${relative(root, file)} -> ${spec}`);
  }
}

// Tarjan's strongly connected components
const folders = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((t) => [...t.keys()])])].sort();
/** @type {Map<string, number>} */ const index = new Map();
/** @type {Map<string, number>} */ const low = new Map();
/** @type {string[]} */ const stack = [];
const onStack = new Set();
/** @type {string[][]} */ const components = [];
let counter = 0;
/** @param {string} v */
function strongConnect(v) {
  index.set(v, counter);
  low.set(v, counter);
  counter++;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!index.has(w)) {
      strongConnect(w);
      low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (low.get(w))));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (index.get(w))));
    }
  }
  if (low.get(v) === index.get(v)) {
    /** @type {string[]} */ const component = [];
    let w;
    do {
      w = /** @type {string} */ (stack.pop());
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  }
}
for (const folder of folders) if (!index.has(folder)) strongConnect(folder);

if (process.argv.includes('--graph')) {
  for (const [from, targets] of [...edges].sort()) console.log(`${from} -> ${[...targets.keys()].sort().join(', ')}`);
}

if (components.length === 0) {
  console.log(`folder cycles: none (${folders.length} folders of src/, runtime imports only)`);
  process.exit(0);
}
for (const component of components) {
  console.error(`folder cycle: ${component.join(', ')}`);
  const members = new Set(component);
  for (const from of component) {
    for (const [to, why] of edges.get(from) ?? []) {
      if (!members.has(to)) continue;
      console.error(`  ${from} -> ${to}`);
      for (const line of why) console.error(`      ${line}`);
    }
  }
}
console.error('Lower layers must not import higher ones at run time (type-only imports are fine): move the shared piece down, pass a function in, or let the higher module register with the lower one.');
process.exit(1);
