import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { auth, move } from '../support/cases';
import * as files from '../support/document-files';
import { sha256, uploadDocument } from '../support/documents';
import { COMPLETE_APPLICATION } from '../support/fixtures';
import { ADMIN, login, registerFounder } from '../support/test-app';
import { humanSize } from '../../src/web/pages/document-presenter';
import { BrowserApp, logIn, startBrowserApp, textOf, waitForText } from './support/browser-app';

jest.setTimeout(180_000);

const FOUNDER_PASSWORD = 'founder-password-123';
/** French puts a narrow no-break space between a number and its unit. */
const spaces = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

/**
 * Documents on the founder's pages, in Chromium: attached from the application form without
 * JavaScript (a plain multipart form, CSRF token first) and with it (in the background, with a
 * progress bar), listed with their size in words, downloaded with the API's headers, deleted;
 * every refusal beside the file field; the programme's required kinds and an information
 * request's named documents; nobody else downloads them.
 */
describe('documents in the browser', () => {
  let b: BrowserApp;
  let adminToken: string;

  beforeAll(async () => {
    b = await startBrowserApp();
    adminToken = await login(b.t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await b.close();
  });

  async function founderWithDraft(): Promise<{ founder: { token: string; email: string }; id: string }> {
    const founder = await registerFounder(b.t.http);
    const draft = await b.t.http.post('/api/v1/applications').set(...auth(founder.token)).send(COMPLETE_APPLICATION).expect(201);
    return { founder, id: draft.body.id as string };
  }

  async function signedIn(email: string, password: string, javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
    const context = await b.context({ javaScriptEnabled, acceptDownloads: true });
    const page = await context.newPage();
    await logIn(page, email, password);
    return { context, page };
  }

  /** Chooses a kind and a file in the upload form and sends it; resolves with the status of the upload's answer. */
  async function attach(page: Page, kind: string, file: { name: string; mimeType: string; buffer: Buffer } | string): Promise<number> {
    await page.selectOption('form[data-document-upload] [name=kind]', kind);
    await page.setInputFiles('form[data-document-upload] [name=file]', file);
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.request().method() === 'POST' && /\/documents$/.test(new URL(res.url()).pathname)),
      page.click('form[data-document-upload] button[type=submit]'),
    ]);
    await page.waitForLoadState('load');
    return response.status();
  }

  const rows = (page: Page) => page.locator('[data-documents] tr[data-document-id]');
  const storedCount = async (id: string): Promise<number> => Number((await b.t.db.query('SELECT count(*) AS n FROM documents WHERE application_id = $1', [id])).rows[0].n);

  it('without JavaScript: required kinds, refusals beside the field, attach, list, download, delete, submit, then what an information request names', async () => {
    const { founder, id } = await founderWithDraft();
    const preview = await b.t.http.get(`/api/v1/applications/${id}/recommendations`).set(...auth(founder.token)).expect(200);
    const top = preview.body.recommendations.eligible[0].programme as string;
    await b.t.http.patch(`/api/v1/programmes/${top}`).set(...auth(adminToken)).send({ requiredDocuments: ['pitch_deck'] }).expect(200);
    try {
      const { context, page } = await signedIn(founder.email, FOUNDER_PASSWORD, false);
      await page.goto(`/applications/${id}/edit`);
      expect(await textOf(page, '[data-required-documents]')).toContain('Présentation (pitch deck) — à joindre');
      expect(await textOf(page, '[data-documents] .empty')).toContain('Aucun document joint');

      // submitting without the required kind: the form again, the missing kind beside the file field
      await page.click('button[name=action][value=submit]');
      await page.locator('#file-error').waitFor();
      expect(await textOf(page, '#file-error')).toMatch(/demande ces pièces pour déposer votre dossier : Présentation \(pitch deck\)/);
      expect(await textOf(page, '.error-summary a[href="#file"]')).toContain('Présentation (pitch deck)');

      // an HTML page named deck.pdf and declared as a PDF: refused from its content (415), beside the field
      expect(await attach(page, 'pitch_deck', { name: 'deck.pdf', mimeType: 'application/pdf', buffer: files.html() })).toBe(415);
      expect(await textOf(page, '#file-error')).toContain("Ce fichier n'est pas d'un format accepté");
      expect(await page.getAttribute('#file', 'aria-invalid')).toBe('true');
      expect(await storedCount(id)).toBe(0);

      // over 20 MiB: refused while it streams (413)
      // (from a file on disk: the browser reads it itself, rather than 21 MiB through the DevTools protocol)
      const big = join(mkdtempSync(join(tmpdir(), 'guichet-big-')), 'big.pdf');
      writeFileSync(big, files.pdf(21 * 1024 * 1024));
      expect(await attach(page, 'pitch_deck', big)).toBe(413);
      expect(spaces(await textOf(page, '#file-error'))).toContain('Ce fichier est trop lourd : 20 Mo au plus.');
      expect(await storedCount(id)).toBe(0);

      // a real PDF: attached, listed with its kind, name and size in words
      const deck = files.pdf(150 * 1024);
      expect(await attach(page, 'pitch_deck', { name: 'Pitch deck été.pdf', mimeType: 'application/pdf', buffer: deck })).toBe(303);
      expect(new URL(page.url()).pathname).toBe(`/applications/${id}/edit`);
      expect(await textOf(page, '.banner')).toContain('Le document « Pitch deck été.pdf » est joint à votre dossier.');
      expect(await rows(page).count()).toBe(1);
      const row = await rows(page).first().innerText();
      expect(row).toContain('Présentation (pitch deck)');
      expect(row).toContain('Pitch deck été.pdf');
      expect(spaces(row)).toContain('150 ko');
      expect(spaces(humanSize(deck.length, 'fr'))).toBe('150 ko');
      expect(await textOf(page, '[data-required-documents]')).toContain('Présentation (pitch deck) — jointe');
      const documentId = (await rows(page).first().getAttribute('data-document-id')) as string;

      // downloaded: the same bytes, as an attachment with the stored type and nosniff
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`a[href="/documents/${documentId}"]`)]);
      expect(download.suggestedFilename()).toBe('Pitch deck été.pdf');
      expect(sha256(readFileSync(await download.path()))).toBe(sha256(deck));
      const fetched = await context.request.get(`/documents/${documentId}`);
      expect(fetched.status()).toBe(200);
      expect(fetched.headers()['content-type']).toBe('application/pdf');
      expect(fetched.headers()['content-disposition']).toBe(`attachment; filename="Pitch deck ete.pdf"; filename*=UTF-8''Pitch%20deck%20%C3%A9t%C3%A9.pdf`);
      expect(fetched.headers()['x-content-type-options']).toBe('nosniff');
      expect(sha256(await fetched.body())).toBe(sha256(deck));

      // a second one, then deleted (replacing a document is deleting it and attaching the new one)
      expect(await attach(page, 'other', { name: 'logo.png', mimeType: 'image/png', buffer: files.png() })).toBe(303);
      expect(await rows(page).count()).toBe(2);
      const png = rows(page).filter({ hasText: 'logo.png' });
      await png.locator('button[type=submit]').click();
      await waitForText(page, '.banner', 'Le document est supprimé.');
      expect(new URL(page.url()).pathname).toBe(`/applications/${id}/edit`);
      expect(await rows(page).count()).toBe(1);
      expect(await storedCount(id)).toBe(1);

      // the application's page lists it too, with delete while it is a draft
      await page.goto(`/applications/${id}`);
      expect(await rows(page).count()).toBe(1);
      expect(await page.locator('[data-documents] form[data-document-delete]').count()).toBe(1);

      // nobody else: another founder and staff (a draft is invisible to them) get 404
      const other = await registerFounder(b.t.http);
      const stranger = await signedIn(other.email, FOUNDER_PASSWORD);
      expect((await stranger.context.request.get(`/documents/${documentId}`)).status()).toBe(404);
      expect((await stranger.context.request.get(`/documents/00000000-0000-4000-8000-000000000000`)).status()).toBe(404);
      const staff = await signedIn(ADMIN.email, ADMIN.password);
      expect((await staff.context.request.get(`/documents/${documentId}`)).status()).toBe(404);
      // a visitor is sent to log in
      expect((await b.http(`/documents/${documentId}`)).status).toBe(303);

      // now it can be submitted; staff download it from then on
      await page.goto(`/applications/${id}/edit`);
      await Promise.all([page.waitForURL(`**/applications/${id}`), page.click('button[name=action][value=submit]')]);
      expect(await rows(page).count()).toBe(1);
      expect(await page.locator('[data-documents] form').count()).toBe(0);
      const staffDownload = await staff.context.request.get(`/documents/${documentId}`);
      expect(staffDownload.status()).toBe(200);
      expect(sha256(await staffDownload.body())).toBe(sha256(deck));
      expect((await stranger.context.request.get(`/documents/${documentId}`)).status()).toBe(404);

      // an information request naming documents: shown on the application's page and the form, ticked when attached
      await move(b.t.http, adminToken, id, { to: 'info_requested', message: 'Please send your financials.', documents: ['financials', 'pitch_deck'] });
      await page.goto(`/applications/${id}`);
      const asked = await textOf(page, '[data-documents] .panel--notice');
      expect(asked).toContain('Pièces demandées par le campus');
      expect(asked).toContain('Éléments financiers — à joindre');
      expect(asked).toContain('Présentation (pitch deck) — jointe');
      await page.click(`a[href="/applications/${id}/edit#documents"]`);
      expect(await attach(page, 'financials', { name: 'comptes.xlsx', mimeType: 'application/octet-stream', buffer: files.ooxml('xlsx') })).toBe(303);
      expect(await textOf(page, '[data-documents] .panel--notice')).toContain('Éléments financiers — jointe');
      await stranger.context.close();
      await staff.context.close();
      await context.close();
    } finally {
      await b.t.http.patch(`/api/v1/programmes/${top}`).set(...auth(adminToken)).send({ requiredDocuments: [] }).expect(200);
    }
  });

  it('with JavaScript: sent in the background with a progress bar, the list refreshed in place, refusals beside the field', async () => {
    const { founder, id } = await founderWithDraft();
    const { context, page } = await signedIn(founder.email, FOUNDER_PASSWORD, true);
    await page.goto(`/applications/${id}/edit`);
    expect(await page.locator('form[data-document-upload] progress').count()).toBe(1);
    expect(await page.locator('[data-upload-progress]').isHidden()).toBe(true);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });

    const deck = files.pdf(2 * 1024 * 1024);
    expect(await attach(page, 'pitch_deck', { name: 'deck.pdf', mimeType: 'application/pdf', buffer: deck })).toBe(303);
    await waitForText(page, '[data-documents] tr[data-document-id]', 'deck.pdf');
    expect(navigations).toEqual([]); // the page stayed, only its documents section changed
    expect(await page.locator('[data-upload-progress]').isVisible()).toBe(true);
    expect(await page.getAttribute('form[data-document-upload] progress', 'max')).toBe('100');
    expect(await page.evaluate<number>("document.querySelector('form[data-document-upload] progress').value")).toBe(100);
    expect(await textOf(page, '[data-upload-status]')).toContain('Le document est joint.');
    expect(spaces(await rows(page).first().innerText())).toContain('2 Mo');

    // a disguised HTML page: the refusal replaces the section, beside the file field, focused
    expect(await attach(page, 'other', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: files.html() })).toBe(415);
    await page.locator('#file-error').waitFor();
    expect(await textOf(page, '#file-error')).toContain("Ce fichier n'est pas d'un format accepté");
    expect(await page.evaluate<string>('document.activeElement && document.activeElement.id')).toBe('file-error');
    expect(await rows(page).count()).toBe(1);
    expect(navigations).toEqual([]);

    // deleting is a plain form, with or without JavaScript
    await rows(page).first().locator('button[type=submit]').click();
    await waitForText(page, '.banner', 'Le document est supprimé.');
    expect(await rows(page).count()).toBe(0);
    expect(await storedCount(id)).toBe(0);
    await context.close();
  });

  it('refuses an upload without the CSRF token, with a wrong one, or with the token after the file part; the header serves the script', async () => {
    const { founder, id } = await founderWithDraft();
    const { context, page } = await signedIn(founder.email, FOUNDER_PASSWORD, false);
    await page.goto(`/applications/${id}/edit`);
    const token = (await page.getAttribute('form[data-document-upload] input[name=_csrf]', 'value')) as string;
    const file = { name: 'deck.pdf', mimeType: 'application/pdf', buffer: files.pdf() };
    const post = (multipart: Record<string, string | typeof file>, headers: Record<string, string> = {}) =>
      context.request.post(`/applications/${id}/documents`, { multipart, headers, maxRedirects: 0 });

    const missing = await post({ kind: 'pitch_deck', file });
    expect(missing.status()).toBe(403);
    expect(await missing.text()).toContain('Le formulaire a expiré');
    expect((await post({ _csrf: 'not-the-token', kind: 'pitch_deck', file })).status()).toBe(403);
    // the token must come before the file: it is checked before a byte of the file is stored
    expect((await post({ kind: 'pitch_deck', file, _csrf: token })).status()).toBe(403);
    expect((await post({ kind: 'pitch_deck', file }, { 'X-CSRF-Token': 'not-the-token' })).status()).toBe(403);
    expect(await storedCount(id)).toBe(0);

    expect((await post({ _csrf: token, kind: 'pitch_deck', file })).status()).toBe(303);
    expect((await post({ kind: 'other', file }, { 'X-CSRF-Token': token })).status()).toBe(303);
    expect(await storedCount(id)).toBe(2);
    // any other page refuses a multipart post whatever it carries (only the upload route reads one)
    expect((await context.request.post(`/applications/${id}/edit`, { multipart: { _csrf: token, startupName: 'X' }, maxRedirects: 0 })).status()).toBe(403);
    await context.close();
  });

  it('the application’s page and its form read the case once, then its documents, thread and timeline without checking it again', async () => {
    const { founder, id } = await founderWithDraft();
    await uploadDocument(b.t.http, founder.token, id, files.pdf(), { filename: 'deck.pdf' }).expect(201);
    const { context, page } = await signedIn(founder.email, FOUNDER_PASSWORD, false);
    // every statement the app sends (the driver's own client, counted, not replaced) that names this case
    const sent = jest.spyOn(Client.prototype, 'query');
    const aboutTheCase = (): string[] =>
      sent.mock.calls.flatMap(([config, values]) => {
        const { text, params } = typeof config === 'string' ? { text: config, params: values } : { text: (config as { text: string }).text, params: (config as { values?: unknown[] }).values };
        return Array.isArray(params) && params.includes(id) ? [text.replace(/\s+/g, ' ')] : [];
      });
    try {
      for (const path of [`/applications/${id}`, `/applications/${id}/edit`]) {
        sent.mockClear();
        expect((await page.goto(path))?.status()).toBe(200);
        expect(await rows(page).count()).toBe(1);
        const statements = aboutTheCase();
        expect(statements.filter((text) => /FROM applications a WHERE a\.id = \$1/.test(text))).toHaveLength(1);
        // the documents are read once, on their own (before, each part read the case again, the documents inside a transaction)
        expect(statements.filter((text) => /FROM documents d/.test(text))).toHaveLength(1);
      }
    } finally {
      sent.mockRestore();
      await context.close();
    }
  });
});
