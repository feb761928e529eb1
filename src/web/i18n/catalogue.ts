/**
 * The pages' texts, JSON catalogues per language under `templates/web/i18n/` (nested objects,
 * read as dotted keys): `fr.json` / `en.json`, plus one pair per area of the site
 * (`staff.fr.json`, `reviews.en.json`…) so that areas grow without touching each other's files.
 * A key defined by two files of one language is an error. Pure: no Nest import. Loaded once at boot; a key missing from
 * one language is caught by a unit test, and asking for a key that exists nowhere throws (a
 * typo fails the page in tests, not silently in production).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PAGE_LOCALES = ['fr', 'en'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

export type Catalogue = ReadonlyMap<string, string>;
export type Catalogues = { readonly [L in PageLocale]: Catalogue };

export function flatten(tree: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof tree === 'string') {
    out.set(prefix, tree);
    return out;
  }
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) throw new TypeError(`catalogue entry ${prefix || '(root)'} must be a text or an object`);
  for (const [key, value] of Object.entries(tree)) flatten(value, prefix ? `${prefix}.${key}` : key, out);
  return out;
}

export function loadCatalogues(dir: string): Catalogues {
  const files = readdirSync(dir).sort();
  const read = (locale: PageLocale): Catalogue => {
    const catalogue = new Map<string, string>();
    for (const file of files.filter((name) => name === `${locale}.json` || name.endsWith(`.${locale}.json`))) {
      for (const [key, text] of flatten(JSON.parse(readFileSync(join(dir, file), 'utf8')))) {
        if (catalogue.has(key)) throw new Error(`catalogue key "${key}" is defined twice in the ${locale} files (${file})`);
        catalogue.set(key, text);
      }
    }
    return catalogue;
  };
  return { fr: read('fr'), en: read('en') };
}

/** Keys present in one catalogue and not in the other. */
export function missingKeys(catalogues: Catalogues): { fr: string[]; en: string[] } {
  const fr = [...catalogues.en.keys()].filter((k) => !catalogues.fr.has(k)).sort();
  const en = [...catalogues.fr.keys()].filter((k) => !catalogues.en.has(k)).sort();
  return { fr, en };
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** The text of `key` with its `{name}` placeholders filled. */
export function translate(catalogues: Catalogues, locale: PageLocale, key: string, params: Record<string, unknown> = {}): string {
  const text = catalogues[locale].get(key);
  if (text === undefined) throw new Error(`no text "${key}" in the ${locale} catalogue`);
  // most texts have no placeholder: a page asks for a few hundred of them
  if (!text.includes('{')) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => (params[name] === undefined || params[name] === null ? whole : String(params[name])));
}

/**
 * The language of a page: `?lang=` first, then the language the visitor chose earlier (the
 * `lang` cookie the switch sets), then the signed-in user's locale, then the browser's: French
 * unless English is preferred to French in Accept-Language.
 */
export function pickPageLocale(input: { query?: unknown; cookie?: string; userLocale?: string; acceptLanguage?: string }): PageLocale {
  for (const candidate of [input.query, input.cookie, input.userLocale]) {
    if (candidate === 'fr' || candidate === 'en') return candidate;
  }
  let best: { locale: PageLocale; q: number } | null = null;
  for (const part of (input.acceptLanguage ?? '').split(',')) {
    const match = /^\s*([a-zA-Z]{1,8})(?:-[a-zA-Z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$/.exec(part);
    if (!match) continue;
    const language = match[1].toLowerCase();
    if (language !== 'fr' && language !== 'en') continue;
    const q = match[2] === undefined ? 1 : Number(match[2]);
    if (q > 0 && (best === null || q > best.q)) best = { locale: language, q };
  }
  return best?.locale ?? 'fr';
}
