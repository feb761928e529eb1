import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEB_TEMPLATES_DIR, WebViews } from './web-views';

describe('the pages’ views', () => {
  const withPage = (source: string, run: (dir: string) => void): void => {
    const dir = mkdtempSync(join(tmpdir(), 'web-views-'));
    try {
      cpSync(WEB_TEMPLATES_DIR, dir, { recursive: true });
      mkdirSync(join(dir, 'pages', 'probe'));
      writeFileSync(join(dir, 'pages', 'probe', 'page.hbs'), source);
      run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('refuse to load a page that calls a helper nobody registered, naming the page and the helper', () => {
    withPage('<p>{{shout name}}</p>', (dir) => {
      expect(() => WebViews.load(dir)).toThrow(/pages\/probe\/page\.hbs: .*shout/);
    });
  });

  it('read a bare name as a field, a registered helper as the helper, and a field’s section as a section', () => {
    withPage('<p>{{name}} {{eq name "Ada"}} {{#people}}[{{this}}]{{/people}}</p>', (dir) => {
      const views = WebViews.load(dir);
      const root = { locale: 'fr' as const, title: 't', csrfToken: null, user: null, otherLocale: { locale: 'en' as const, href: '/', label: 'English' }, assets: { css: '', js: '' } };
      expect(views.renderFragment('probe/page', { ...root, name: 'Ada', people: ['a', 'b'] })).toBe('<p>Ada true [a][b]</p>');
    });
  });
});
