import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DocumentCleanupService } from '../src/documents/document-cleanup.service';
import { DOCUMENT_STORAGE, type DocumentStorage } from '../src/documents/document-storage';
import { RetentionService } from '../src/retention/retention.service';
import { auth, move, submitCase } from './support/cases';
import * as files from './support/document-files';
import { binary, filesUnder, sha256, uploadDocument } from './support/documents';
import { COMPLETE_APPLICATION } from './support/fixtures';
import { ADMIN, createStaff, createTestApp, login, registerFounder, TestApp } from './support/test-app';

const DAY = 86_400_000;

describe('documents', () => {
  let t: TestApp;
  let admin: string;
  let advisor: { token: string; id: string };

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-03-02T09:00:00Z' });
    admin = await login(t.http, ADMIN.email, ADMIN.password);
    advisor = await createStaff(t.http, admin, { role: 'advisor' });
  });
  afterAll(() => t.close());

  async function draft(token: string, fields: Record<string, unknown> = COMPLETE_APPLICATION): Promise<string> {
    const res = await t.http.post('/api/v1/applications').set(...auth(token)).send(fields).expect(201);
    return res.body.id as string;
  }

  it('attaches a file to a draft, lists it with its size and gives back the same bytes as an attachment', async () => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    const bytes = files.pdf(300_000);
    const res = await uploadDocument(t.http, founder.token, id, bytes, { filename: 'Présentation "finale".pdf', kind: 'pitch_deck' }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      kind: 'pitch_deck',
      filename: 'Présentation _finale_.pdf',
      contentType: 'application/pdf',
      size: bytes.length,
      sha256: sha256(bytes),
      createdAt: '2026-03-02T09:00:00.000Z',
    });

    const list = await t.http.get(`/api/v1/applications/${id}/documents`).set(...auth(founder.token)).expect(200);
    expect(list.body).toEqual({ items: [res.body], nextCursor: null });

    const download = await t.http.get(`/api/v1/documents/${res.body.id}/content`).set(...auth(founder.token)).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-length']).toBe(String(bytes.length));
    expect(download.headers['content-disposition']).toBe(`attachment; filename="Presentation _finale_.pdf"; filename*=UTF-8''Pr%C3%A9sentation%20_finale_.pdf`);
    expect(download.headers['x-content-type-options']).toBe('nosniff');

    // the bytes are on disk under FILES_DIR, once
    expect(filesUnder(t.config.filesDir)).toHaveLength(1);
  });

  it.each([
    ['png', files.png(), 'image/png'],
    ['jpg', files.jpeg(), 'image/jpeg'],
    ['docx', files.ooxml('docx'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['xlsx', files.ooxml('xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['pptx', files.ooxml('pptx'), 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    ['odt', files.odf('odt'), 'application/vnd.oasis.opendocument.text'],
    ['ods', files.odf('ods'), 'application/vnd.oasis.opendocument.spreadsheet'],
    ['odp', files.odf('odp'), 'application/vnd.oasis.opendocument.presentation'],
  ])('accepts a real %s file and stores the type found in its bytes, whatever was declared', async (ext, bytes, type) => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    const res = await uploadDocument(t.http, founder.token, id, bytes, { filename: `file.${ext}`, contentType: 'application/octet-stream', kind: 'other' }).expect(201);
    expect(res.body.contentType).toBe(type);
  });

  it('refuses what is not an accepted format, judging by the bytes only (415), and keeps nothing', async () => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    const before = filesUnder(t.config.filesDir).length;
    const html = await uploadDocument(t.http, founder.token, id, files.html(), { filename: 'deck.pdf', contentType: 'application/pdf' }).expect(415);
    expect(html.body).toMatchObject({ statusCode: 415, errors: [{ field: 'file', messages: [expect.stringContaining('PDF, PNG, JPEG')] }] });
    await uploadDocument(t.http, founder.token, id, files.exe(), { filename: 'business-plan.pdf', contentType: 'application/pdf' }).expect(415);
    await uploadDocument(t.http, founder.token, id, files.plainZip(), { filename: 'deck.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }).expect(415);
    await uploadDocument(t.http, founder.token, id, Buffer.alloc(0), { filename: 'empty.pdf' }).expect(415);
    expect((await t.http.get(`/api/v1/applications/${id}/documents`).set(...auth(founder.token)).expect(200)).body.items).toEqual([]);
    expect(filesUnder(t.config.filesDir)).toHaveLength(before);
    expect((await t.db.query('SELECT count(*)::int AS n FROM document_storage_cleanup')).rows[0].n).toBe(0);
  });

  it('refuses a file larger than 20 MiB while it streams in (413), and keeps nothing', async () => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    const before = filesUnder(t.config.filesDir).length;
    const res = await uploadDocument(t.http, founder.token, id, files.pdf(21 * 1024 * 1024)).expect(413);
    expect(res.body.errors).toEqual([{ field: 'file', messages: ['file must be at most 20 MiB'] }]);
    // exactly 20 MiB is fine
    await uploadDocument(t.http, founder.token, id, files.pdf(20 * 1024 * 1024)).expect(201);
    expect(filesUnder(t.config.filesDir)).toHaveLength(before + 1);
    expect((await t.db.query('SELECT count(*)::int AS n FROM document_storage_cleanup')).rows[0].n).toBe(0);
  });

  it('takes at most 20 documents per application (409 for the 21st)', async () => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    for (let i = 0; i < 20; i++) await uploadDocument(t.http, founder.token, id, files.png(), { filename: `p${i}.png`, kind: 'other' }).expect(201);
    const before = filesUnder(t.config.filesDir).length;
    const res = await uploadDocument(t.http, founder.token, id, files.png(), { kind: 'other' }).expect(409);
    expect(res.body.message).toContain('at most 20 documents');
    expect(filesUnder(t.config.filesDir)).toHaveLength(before);
    // deleting one makes room again
    const list = await t.http.get(`/api/v1/applications/${id}/documents`).set(...auth(founder.token)).expect(200);
    expect(list.body.items).toHaveLength(20);
    await t.http.delete(`/api/v1/documents/${list.body.items[0].id}`).set(...auth(founder.token)).expect(204);
    expect(filesUnder(t.config.filesDir)).toHaveLength(before - 1);
    await uploadDocument(t.http, founder.token, id, files.png(), { kind: 'other' }).expect(201);
  });

  it('asks for a known kind and a file part (400 naming the field)', async () => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    expect((await uploadDocument(t.http, founder.token, id, files.pdf(), { kind: null }).expect(400)).body.errors[0].field).toBe('kind');
    expect((await uploadDocument(t.http, founder.token, id, files.pdf(), { kind: 'selfie' }).expect(400)).body.errors[0].field).toBe('kind');
    const json = await t.http.post(`/api/v1/applications/${id}/documents`).set(...auth(founder.token)).send({ kind: 'other' }).expect(400);
    expect(json.body.errors[0].field).toBe('body');
    const noFile = await t.http.post(`/api/v1/applications/${id}/documents`).set(...auth(founder.token)).field('kind', 'other').expect(400);
    expect(noFile.body.errors[0].field).toBe('file');
    expect((await t.db.query('SELECT count(*)::int AS n FROM document_storage_cleanup')).rows[0].n).toBe(0);
  });

  it('lets the founder change documents only while the application is editable (422), and staff never upload (403)', async () => {
    const c = await submitCase(t.http);
    const res = await uploadDocument(t.http, c.founder.token, c.id, files.pdf()).expect(422);
    expect(res.body.message).toContain('submitted');
    await uploadDocument(t.http, advisor.token, c.id, files.pdf()).expect(403);

    // an information request opens it again, and the timeline tells staff what came in
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Could you send your financial projections?' });
    const added = await uploadDocument(t.http, c.founder.token, c.id, files.ooxml('xlsx'), { filename: 'projections.xlsx', kind: 'financials' }).expect(201);
    const timeline = await t.http.get(`/api/v1/applications/${c.id}/timeline`).set(...auth(advisor.token)).expect(200);
    expect(timeline.body.items ?? timeline.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'document_added', data: { documentId: added.body.id, kind: 'financials' } })]),
    );
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await t.http.delete(`/api/v1/documents/${added.body.id}`).set(...auth(c.founder.token)).expect(422);
    await t.http.delete(`/api/v1/documents/${added.body.id}`).set(...auth(advisor.token)).expect(403);
  });

  it('hides a founder’s documents from other founders (404) and a draft’s from staff, who see them once submitted', async () => {
    const owner = await registerFounder(t.http);
    const other = await registerFounder(t.http);
    const id = await draft(owner.token);
    const doc = (await uploadDocument(t.http, owner.token, id, files.pdf()).expect(201)).body;

    await uploadDocument(t.http, other.token, id, files.pdf()).expect(404);
    await t.http.get(`/api/v1/applications/${id}/documents`).set(...auth(other.token)).expect(404);
    await t.http.get(`/api/v1/documents/${doc.id}/content`).set(...auth(other.token)).expect(404);
    await t.http.delete(`/api/v1/documents/${doc.id}`).set(...auth(other.token)).expect(404);
    await t.http.get(`/api/v1/documents/00000000-0000-4000-8000-000000000000/content`).set(...auth(owner.token)).expect(404);
    await t.http.get(`/api/v1/documents/${doc.id}/content`).expect(401);

    await t.http.get(`/api/v1/applications/${id}/documents`).set(...auth(advisor.token)).expect(404);
    await t.http.get(`/api/v1/documents/${doc.id}/content`).set(...auth(advisor.token)).expect(404);

    await t.http.post(`/api/v1/applications/${id}/submit`).set(...auth(owner.token)).send({}).expect(200);
    const list = await t.http.get(`/api/v1/applications/${id}/documents`).set(...auth(advisor.token)).expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([doc.id]);
    const download = await t.http.get(`/api/v1/documents/${doc.id}/content`).set(...auth(advisor.token)).buffer(true).parse(binary).expect(200);
    expect(sha256(download.body as Buffer)).toBe(doc.sha256);
    // still the owner's only: the other founder sees nothing
    await t.http.get(`/api/v1/documents/${doc.id}/content`).set(...auth(other.token)).expect(404);
  });

  it('requires the documents the top-ranked programme lists at submission, naming each missing kind (422)', async () => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    const preview = await t.http.get(`/api/v1/applications/${id}/recommendations`).set(...auth(founder.token)).expect(200);
    const top = preview.body.recommendations.eligible[0].programme as string;

    await t.http.patch(`/api/v1/programmes/${top}`).set(...auth(admin)).send({ requiredDocuments: ['pitch_deck', 'pitch_deck'] }).expect(400);
    await t.http.patch(`/api/v1/programmes/${top}`).set(...auth(admin)).send({ requiredDocuments: ['selfie'] }).expect(400);
    await t.http.patch(`/api/v1/programmes/${top}`).set(...auth(founder.token)).send({ requiredDocuments: ['pitch_deck'] }).expect(403);
    const patched = await t.http.patch(`/api/v1/programmes/${top}`).set(...auth(admin)).send({ requiredDocuments: ['pitch_deck', 'team_cv'] }).expect(200);
    expect(patched.body.requiredDocuments).toEqual(['pitch_deck', 'team_cv']);
    const catalogue = await t.http.get('/api/v1/programmes').expect(200);
    const listed = (catalogue.body.items ?? catalogue.body) as { slug: string; requiredDocuments: string[] }[];
    expect(listed.find((p) => p.slug === top)?.requiredDocuments).toEqual(['pitch_deck', 'team_cv']);

    try {
      const first = await t.http.post(`/api/v1/applications/${id}/submit`).set(...auth(founder.token)).send({}).expect(422);
      expect(first.body).toMatchObject({ missingDocuments: ['pitch_deck', 'team_cv'], errors: [{ field: 'documents', messages: [`a pitch_deck document is required by ${top}`, `a team_cv document is required by ${top}`] }] });
      await uploadDocument(t.http, founder.token, id, files.pdf(), { kind: 'pitch_deck' }).expect(201);
      const second = await t.http.post(`/api/v1/applications/${id}/submit`).set(...auth(founder.token)).send({}).expect(422);
      expect(second.body.missingDocuments).toEqual(['team_cv']);
      await uploadDocument(t.http, founder.token, id, files.odf('odt'), { kind: 'team_cv', filename: 'cv.odt' }).expect(201);
      const submitted = await t.http.post(`/api/v1/applications/${id}/submit`).set(...auth(founder.token)).send({}).expect(200);
      expect(submitted.body.status).toBe('submitted');
    } finally {
      await t.http.patch(`/api/v1/programmes/${top}`).set(...auth(admin)).send({ requiredDocuments: [] }).expect(200);
    }
  });

  it('lists the documents in the data export, and erasure deletes their rows and bytes', async () => {
    const c = await submitCase(t.http);
    const id = await draft(c.founder.token, { startupName: 'Second Try' });
    // documents on the submitted case were attached during an information request
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Your deck, please' });
    const a = (await uploadDocument(t.http, c.founder.token, c.id, files.pdf()).expect(201)).body;
    const b = (await uploadDocument(t.http, c.founder.token, id, files.png(), { kind: 'other', filename: 'logo.png' }).expect(201)).body;
    const keys: string[] = (await t.db.query('SELECT storage_key FROM documents WHERE id = ANY($1::uuid[])', [[a.id, b.id]])).rows.map((r: { storage_key: string }) => r.storage_key);
    const storage = t.app.get<DocumentStorage>(DOCUMENT_STORAGE);
    for (const key of keys) expect(await storage.exists(key)).toBe(true);

    const exported = await t.http.get('/api/v1/me/export').set(...auth(c.founder.token)).expect(200);
    const byId = Object.fromEntries((exported.body.applications as { id: string; documents: unknown[] }[]).map((app) => [app.id, app.documents]));
    expect(byId[c.id]).toEqual([{ ...a, contentPath: `/api/v1/documents/${a.id}/content` }]);
    expect(byId[id]).toEqual([{ ...b, contentPath: `/api/v1/documents/${b.id}/content` }]);

    await t.http.delete('/api/v1/me').set(...auth(c.founder.token)).expect(200);
    for (const key of keys) expect(await storage.exists(key)).toBe(false);
    expect((await t.db.query('SELECT count(*)::int AS n FROM documents WHERE id = ANY($1::uuid[])', [[a.id, b.id]])).rows[0].n).toBe(0);
    expect((await t.db.query('SELECT count(*)::int AS n FROM document_storage_cleanup')).rows[0].n).toBe(0);
    await t.http.get(`/api/v1/documents/${a.id}/content`).set(...auth(advisor.token)).expect(404);
  });

  it('retention deletes the bytes of a purged draft and of an old closed case', async () => {
    const start = new Date('2026-03-02T09:00:00Z').getTime();
    t.clock.set(new Date(start));
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token, { startupName: 'Forgotten Draft' });
    await uploadDocument(t.http, founder.token, id, files.pdf()).expect(201);
    const c = await submitCase(t.http, { startupName: 'Old Closed Co' });
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Your deck, please' });
    await uploadDocument(t.http, c.founder.token, c.id, files.pdf()).expect(201);
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'declined', reason: 'Outside health' });
    const keys: string[] = (await t.db.query('SELECT storage_key FROM documents WHERE application_id = ANY($1::uuid[])', [[id, c.id]])).rows.map((r: { storage_key: string }) => r.storage_key);
    expect(keys).toHaveLength(2);

    const retention = t.app.get(RetentionService);
    const storage = t.app.get<DocumentStorage>(DOCUMENT_STORAGE);
    try {
      t.clock.set(new Date(start + (3 * 365 - 10) * DAY));
      await retention.run(); // warnings
      t.clock.set(new Date(start + (3 * 365 + 5) * DAY));
      await retention.run();
      for (const key of keys) expect(await storage.exists(key)).toBe(false);
      expect((await t.db.query('SELECT count(*)::int AS n FROM documents WHERE application_id = ANY($1::uuid[])', [[id, c.id]])).rows[0].n).toBe(0);
    } finally {
      t.clock.set(new Date(start));
    }
  });

  it('leaves no orphan when the row fails to commit after the bytes were written', async () => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    const before = filesUnder(t.config.filesDir).length;
    await t.db.query(`CREATE FUNCTION refuse_documents() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$`);
    await t.db.query('CREATE TRIGGER refuse_documents BEFORE INSERT ON documents FOR EACH ROW EXECUTE FUNCTION refuse_documents()');
    const cleanup = t.app.get(DocumentCleanupService);
    try {
      // the insert fails after the bytes are stored: they are deleted at once
      await uploadDocument(t.http, founder.token, id, files.pdf(100_000)).expect(500);
      expect(filesUnder(t.config.filesDir)).toHaveLength(before);

      // the process dies between the bytes and the commit: nothing runs after the failure
      const crashed = jest.spyOn(cleanup, 'discard').mockImplementation(async () => undefined);
      try {
        await uploadDocument(t.http, founder.token, id, files.pdf(100_000)).expect(500);
      } finally {
        crashed.mockRestore();
      }
      expect(filesUnder(t.config.filesDir)).toHaveLength(before + 1); // an orphan, for now
    } finally {
      await t.db.query('DROP TRIGGER refuse_documents ON documents');
      await t.db.query('DROP FUNCTION refuse_documents()');
    }
    // an upload in flight is left alone by the sweep…
    const inFlight = await uploadDocument(t.http, founder.token, id, files.pdf()).expect(201);
    expect(await cleanup.sweep()).toBe(0);
    expect(filesUnder(t.config.filesDir)).toHaveLength(before + 2);
    // …and an hour later the orphan's reservation is over: the sweep deletes it, and only it
    t.clock.advance(61 * 60 * 1000);
    try {
      expect(await cleanup.sweep()).toBe(1);
      expect(filesUnder(t.config.filesDir)).toHaveLength(before + 1);
      expect((await t.db.query('SELECT count(*)::int AS n FROM document_storage_cleanup')).rows[0].n).toBe(0);
      await t.http.get(`/api/v1/documents/${inFlight.body.id}/content`).set(...auth(founder.token)).expect(200);
    } finally {
      t.clock.advance(-61 * 60 * 1000);
    }
  });

  it('keeps nothing of an upload the client abandons halfway', async () => {
    const founder = await registerFounder(t.http);
    const id = await draft(founder.token);
    const before = filesUnder(t.config.filesDir, true).length;
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const boundary = 'guichet-test-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npitch_deck\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="deck.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/v1/applications/${id}/documents`,
      headers: { authorization: `Bearer ${founder.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + 5 * 1024 * 1024) },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(files.pdf(2 * 1024 * 1024)); // 2 of the 5 MiB announced, then the client goes away
    await new Promise((r) => setTimeout(r, 300));
    req.destroy();
    for (let i = 0; i < 50 && (await t.db.query('SELECT count(*)::int AS n FROM document_storage_cleanup')).rows[0].n > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await t.db.query('SELECT count(*)::int AS n FROM document_storage_cleanup')).rows[0].n).toBe(0);
    expect(filesUnder(t.config.filesDir, true)).toHaveLength(before); // no .part file either
    expect((await t.http.get(`/api/v1/applications/${id}/documents`).set(...auth(founder.token)).expect(200)).body.items).toEqual([]);
  });

  it('describes the document routes in the OpenAPI document, refusals included', async () => {
    const doc = (await t.http.get('/api/docs-json').expect(200)).body;
    const upload = doc.paths['/api/v1/applications/{id}/documents'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
    expect(upload.requestBody.content['multipart/form-data'].schema.properties.kind.enum).toEqual(['pitch_deck', 'business_plan', 'team_cv', 'financials', 'regulatory', 'other']);
    expect(Object.keys(upload.responses).sort()).toEqual(['201', '400', '401', '403', '404', '409', '413', '415', '422', '503']);
    expect(upload.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/DocumentView');
    expect(Object.keys(doc.paths['/api/v1/applications/{id}/documents'].get.responses).sort()).toEqual(['200', '400', '401', '403', '404', '503']);
    expect(Object.keys(doc.paths['/api/v1/documents/{id}/content'].get.responses).sort()).toEqual(['200', '400', '401', '403', '404', '503']);
    expect(Object.keys(doc.paths['/api/v1/documents/{id}'].delete.responses).sort()).toEqual(['204', '400', '401', '403', '404', '422', '503']);
    expect(doc.components.schemas.UpdateProgrammeDto.properties).toHaveProperty('requiredDocuments');
    expect(doc.components.schemas.TransitionDto.properties).toHaveProperty('documents');
  });
});
