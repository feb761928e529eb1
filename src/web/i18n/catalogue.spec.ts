import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEB_TEMPLATES_DIR } from '../views/web-views';
import { flatten, loadCatalogues, missingKeys, pickPageLocale, translate } from './catalogue';

describe('the pages’ message catalogues', () => {
  const catalogues = loadCatalogues(join(WEB_TEMPLATES_DIR, 'i18n'));

  it('have the same keys in French and in English', () => {
    expect(missingKeys(catalogues)).toEqual({ fr: [], en: [] });
    expect(catalogues.fr.size).toBeGreaterThan(200);
  });

  it('find a key missing in one language', () => {
    const fr = flatten({ a: { b: 'x', c: 'y' } });
    const en = flatten({ a: { b: 'x' }, d: 'z' });
    expect(missingKeys({ fr, en })).toEqual({ fr: ['d'], en: ['a.c'] });
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of catalogues.fr) expect({ key, p: placeholders(catalogues.en.get(key) as string) }).toEqual({ key, p: placeholders(text) });
  });

  it('merge an area’s files into its language, and refuse a key defined twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
    try {
      writeFileSync(join(dir, 'fr.json'), JSON.stringify({ a: { b: 'x' } }));
      writeFileSync(join(dir, 'en.json'), JSON.stringify({ a: { b: 'x' } }));
      writeFileSync(join(dir, 'staff.fr.json'), JSON.stringify({ staff: { t: 'Boîte' } }));
      writeFileSync(join(dir, 'staff.en.json'), JSON.stringify({ staff: { t: 'Inbox' } }));
      const merged = loadCatalogues(dir);
      expect([merged.fr.get('staff.t'), merged.en.get('staff.t'), merged.en.get('a.b')]).toEqual(['Boîte', 'Inbox', 'x']);
      writeFileSync(join(dir, 'other.fr.json'), JSON.stringify({ a: { b: 'again' } }));
      expect(() => loadCatalogues(dir)).toThrow('"a.b" is defined twice');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fill placeholders and refuse an unknown key', () => {
    expect(translate(catalogues, 'en', 'withdraw.done', { reference: 'GU-2026-000001' })).toBe('Application GU-2026-000001 has been withdrawn.');
    expect(() => translate(catalogues, 'fr', 'no.such.key')).toThrow('no.such.key');
  });
});

describe('the language of a page', () => {
  it.each([
    [{}, 'fr'],
    [{ acceptLanguage: 'de-DE,de;q=0.9' }, 'fr'],
    [{ acceptLanguage: 'en-US,en;q=0.9' }, 'en'],
    [{ acceptLanguage: 'de,en;q=0.7' }, 'en'],
    [{ acceptLanguage: 'fr;q=0.9,en;q=0.8' }, 'fr'],
    [{ acceptLanguage: 'en;q=0.5,fr;q=0.9' }, 'fr'],
    [{ acceptLanguage: 'en;q=0' }, 'fr'],
    [{ acceptLanguage: '*' }, 'fr'],
    [{ userLocale: 'en', acceptLanguage: 'fr' }, 'en'],
    [{ cookie: 'fr', userLocale: 'en' }, 'fr'],
    [{ query: 'en', cookie: 'fr', userLocale: 'fr' }, 'en'],
    [{ query: 'de', userLocale: 'en' }, 'en'],
  ] as const)('%j → %s', (input, expected) => {
    expect(pickPageLocale(input)).toBe(expected);
  });
});
