import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { DocumentCleanupService } from '../src/documents/document-cleanup.service';
import { DOCUMENT_STORAGE, type DocumentStorage } from '../src/documents/document-storage';
import { S3DocumentStorage } from '../src/documents/s3-document-storage';
import { auth, move, submitCase } from './support/cases';
import * as files from './support/document-files';
import { binary, sha256, uploadDocument } from './support/documents';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

/**
 * The S3 driver against a real server speaking the S3 protocol (s3rver, in this process, on a
 * random port, storing in a temporary directory): the same requests the SDK sends to MinIO or
 * AWS, signatures checked, multipart uploads included.
 */
describe('documents on S3-compatible storage', () => {
  let server: S3rver;
  let t: TestApp;
  let storage: S3DocumentStorage;

  async function objectKeys(): Promise<string[]> {
    const listed = await storage.client.send(new ListObjectsV2Command({ Bucket: 'guichet-documents' }));
    return (listed.Contents ?? []).map((o) => o.Key as string);
  }

  beforeAll(async () => {
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: mkdtempSync(join(tmpdir(), 'guichet-s3-')) });
    const { port } = await server.run();
    // the bucket does not exist yet: the app creates it at boot
    t = await createTestApp({ env: { S3_URL: `s3://S3RVER:S3RVER@127.0.0.1:${port}/guichet-documents?tls=false` } });
    storage = t.app.get<DocumentStorage>(DOCUMENT_STORAGE) as S3DocumentStorage;
  });
  let serverRunning = true;
  afterAll(async () => {
    await t.close();
    if (serverRunning) await server.close();
  });

  it('uses the S3 driver when S3_URL is set, streams a file larger than one part there and serves the same bytes', async () => {
    expect(storage.driver).toBe('s3');
    const c = await submitCase(t.http);
    const admin = await login(t.http, ADMIN.email, ADMIN.password);
    const advisor = await createStaff(t.http, admin, { role: 'advisor' });
    await move(t.http, advisor.token, c.id, { to: 'in_review' });
    await move(t.http, advisor.token, c.id, { to: 'info_requested', message: 'Your business plan, please' });
    const bytes = files.pdf(12 * 1024 * 1024); // three 5 MiB parts
    const doc = (await uploadDocument(t.http, c.founder.token, c.id, bytes, { kind: 'business_plan', filename: 'plan.pdf' }).expect(201)).body;
    expect(doc).toMatchObject({ size: bytes.length, sha256: sha256(bytes), contentType: 'application/pdf' });
    expect(await objectKeys()).toHaveLength(1);
    expect(filesOnDisk(t)).toBe(0);

    const download = await t.http.get(`/api/v1/documents/${doc.id}/content`).set(...auth(advisor.token)).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="plan.pdf"; filename*=UTF-8''plan.pdf`);

    // refused uploads leave no object behind, however far they got
    await uploadDocument(t.http, c.founder.token, c.id, files.pdf(21 * 1024 * 1024)).expect(413);
    await uploadDocument(t.http, c.founder.token, c.id, files.html(), { filename: 'deck.pdf' }).expect(415);
    expect(await objectKeys()).toHaveLength(1);

    await t.http.delete(`/api/v1/documents/${doc.id}`).set(...auth(c.founder.token)).expect(204);
    expect(await objectKeys()).toEqual([]);
  });

  it('erasure deletes the objects', async () => {
    const c = await submitCase(t.http);
    const draft = await t.http.post('/api/v1/applications').set(...auth(c.founder.token)).send({ startupName: 'Draft With Deck' }).expect(201);
    await uploadDocument(t.http, c.founder.token, draft.body.id, files.pdf()).expect(201);
    await uploadDocument(t.http, c.founder.token, draft.body.id, files.ooxml('pptx'), { filename: 'deck.pptx' }).expect(201);
    expect(await objectKeys()).toHaveLength(2);
    await t.http.delete('/api/v1/me').set(...auth(c.founder.token)).expect(200);
    expect(await objectKeys()).toEqual([]);
  });

  it('sweeps the object of an upload whose row never committed', async () => {
    const c = await submitCase(t.http);
    const draft = await t.http.post('/api/v1/applications').set(...auth(c.founder.token)).send({ startupName: 'Crashy' }).expect(201);
    const cleanup = t.app.get(DocumentCleanupService);
    await t.db.query(`CREATE FUNCTION refuse_documents() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$`);
    await t.db.query('CREATE TRIGGER refuse_documents BEFORE INSERT ON documents FOR EACH ROW EXECUTE FUNCTION refuse_documents()');
    const crashed = jest.spyOn(cleanup, 'discard').mockImplementation(async () => undefined);
    try {
      await uploadDocument(t.http, c.founder.token, draft.body.id, files.pdf()).expect(500);
    } finally {
      crashed.mockRestore();
      await t.db.query('DROP TRIGGER refuse_documents ON documents');
      await t.db.query('DROP FUNCTION refuse_documents()');
    }
    expect(await objectKeys()).toHaveLength(1);
    t.clock.advance(61 * 60 * 1000);
    expect(await cleanup.sweep()).toBe(1);
    expect(await objectKeys()).toEqual([]);
  });

  it('answers 503 while the storage is unreachable, and keeps serving the lists', async () => {
    const c = await submitCase(t.http);
    const draft = await t.http.post('/api/v1/applications').set(...auth(c.founder.token)).send({ startupName: 'Offline' }).expect(201);
    await server.close();
    serverRunning = false;
    const res = await uploadDocument(t.http, c.founder.token, draft.body.id, files.pdf()).expect(503);
    expect(res.body).toMatchObject({ statusCode: 503, message: expect.stringContaining('storage is unavailable') });
    await t.http.get(`/api/v1/applications/${draft.body.id}/documents`).set(...auth(c.founder.token)).expect(200);
    // its key stays listed: once the storage is back, the sweep makes sure nothing was left there
    expect((await t.db.query('SELECT count(*)::int AS n FROM document_storage_cleanup')).rows[0].n).toBe(1);
  });
});

function filesOnDisk(t: TestApp): number {
  return readdirSync(t.config.filesDir).length;
}
