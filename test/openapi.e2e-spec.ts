import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The OpenAPI document a client can be generated from (issue 12). One walk holds every route to
 * it — routes added later included: a success schema, the error responses in the one error
 * shape (`@ApiErrors` in src/common/http/api-errors.ts), typed nullable fields, uuid and
 * date-time formats. Then TypeScript types are generated from `/api/docs-json` with
 * openapi-typescript and a small client (register, create, submit, list) is type-checked
 * against them with the project's own compiler.
 */

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

type Schema = { type?: string; format?: string; nullable?: boolean; properties?: Record<string, Schema>; items?: Schema; $ref?: string; allOf?: Schema[]; oneOf?: Schema[]; additionalProperties?: unknown; enum?: unknown[] };
type Response = { content?: Record<string, { schema?: Schema }> };
type Operation = { operationId: string; security?: unknown[]; parameters?: { in: string; name: string }[]; requestBody?: unknown; responses: Record<string, Response> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const ERROR_REFS = ['#/components/schemas/ErrorBody', '#/components/schemas/ValidationErrorBody'];

describe('OpenAPI', () => {
  let t: TestApp;
  let doc: Document;
  const operations: { key: string; op: Operation }[] = [];

  beforeAll(async () => {
    t = await createTestApp({ env: { APP_ROLE: 'api' } });
    doc = (await t.http.get('/api/docs-json').expect(200)).body as Document;
    for (const [path, methods] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(methods)) operations.push({ key: `${method.toUpperCase()} ${path}`, op });
  });
  afterAll(() => t.close());

  it('gives every operation a success response with a schema', () => {
    expect(operations.length).toBeGreaterThan(40);
    // (an answer with no body at all, 202 or 204, declares none)
    const missing = operations.filter(
      ({ op }) => !Object.entries(op.responses).some(([code, r]) => (/^2\d\d$/.test(code) && Object.values(r.content ?? {}).some((m) => m.schema !== undefined)) || ((code === '202' || code === '204') && r.content === undefined)),
    );
    expect(missing.map((o) => o.key)).toEqual([]);
    // and no success schema is an empty object
    const empty = operations.filter(({ op }) =>
      Object.entries(op.responses).some(([code, r]) => /^2\d\d$/.test(code) && Object.values(r.content ?? {}).some((m) => isEmptyObject(m.schema))),
    );
    expect(empty.map((o) => o.key)).toEqual([]);
  });

  it('documents the error responses of every operation, in the one error shape', () => {
    const problems: string[] = [];
    for (const { key, op } of operations) {
      const errors = Object.entries(op.responses).filter(([code]) => /^[45]\d\d$/.test(code));
      if (errors.length === 0) problems.push(`${key}: no error response`);
      const successRef = Object.entries(op.responses).find(([code]) => /^2\d\d$/.test(code))?.[1].content?.['application/json']?.schema?.$ref;
      for (const [code, r] of errors) {
        const json = r.content?.['application/json'];
        // JSON errors are the one error shape (or, like /health's 503, the operation's own report);
        // a page (text/html) answers its errors as a page
        if (json ? !(ERROR_REFS.includes(json.schema?.$ref ?? '') || (json.schema?.$ref !== undefined && json.schema.$ref === successRef)) : Object.keys(r.content ?? {}).length === 0) {
          problems.push(`${key} ${code}: not the error shape`);
        }
      }
      const has = (code: string): boolean => code in op.responses;
      const secured = (op.security ?? []).length > 0;
      if (secured && !has('401')) problems.push(`${key}: authenticated, without 401`);
      if ((op.parameters ?? []).some((p) => p.in === 'path') && !has('404')) problems.push(`${key}: a path id, without 404`);
      const badInput = op.responses['400']?.content;
      if ((op.requestBody || (op.parameters ?? []).some((p) => p.in === 'query')) && !(badInput?.['application/json']?.schema?.$ref === ERROR_REFS[1] || badInput?.['text/html'])) {
        problems.push(`${key}: takes input, without a 400 naming the fields`);
      }
    }
    expect(problems).toEqual([]);
    expect(doc.components.schemas.ValidationErrorBody).toBeDefined();
  });

  it('types nullable fields and says which strings are uuids and instants', () => {
    const problems: string[] = [];
    const visit = (where: string, s: Schema | undefined): void => {
      if (!s || s.$ref) return;
      if (s.type === 'object' && !s.properties && s.additionalProperties === undefined && !s.allOf && !s.oneOf) problems.push(`${where}: untyped object`);
      if (s.type === undefined && !s.allOf && !s.oneOf && !s.enum) problems.push(`${where}: no type`);
      for (const [name, p] of Object.entries(s.properties ?? {})) {
        const at = `${where}.${name}`;
        // an id is a uuid unless it says what else it is (a pattern)
        if (p.type === 'string' && (name === 'id' || /[a-z]Id$/.test(name)) && p.format !== 'uuid' && !(p as { pattern?: string }).pattern) problems.push(`${at}: a uuid without format uuid`);
        if (p.type === 'string' && /[a-z]At$/.test(name) && p.format !== 'date-time') problems.push(`${at}: an instant without format date-time`);
        visit(at, p);
      }
      if (s.items) visit(`${where}[]`, s.items);
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) visit(name, schema);
    expect(problems).toEqual([]);
  });

  it('gives the main bodies an example', () => {
    for (const name of ['RegisterDto', 'CreateApplicationDto', 'TransitionDto']) {
      const schema = doc.components.schemas[name] as Schema & { example?: unknown; properties: Record<string, { example?: unknown }> };
      const withExamples = Object.values(schema.properties).filter((p) => p.example !== undefined).length;
      expect({ name, withExamples: withExamples > 0 || schema.example !== undefined }).toEqual({ name, withExamples: true });
    }
  });

  it('generates TypeScript types with openapi-typescript that a small client type-checks against', async () => {
    const dir = join(ROOT, 'var', `openapi-client-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      await run(join(ROOT, 'node_modules', '.bin', 'openapi-typescript'), [join(dir, 'openapi.json'), '-o', join(dir, 'api.d.ts')], { cwd: ROOT });
      writeFileSync(join(dir, 'client.ts'), CLIENT);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true, types: [] }, files: ['client.ts'] }));
      const check = await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: dir }).then(
        () => 'ok',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      expect(check).toBe('ok');

      // and a client that uses a field the document does not declare fails: the check can fail
      writeFileSync(join(dir, 'client.ts'), `${CLIENT}\nexport const wrong = (a: components['schemas']['ApplicationView']): string => a.notAField;\n`);
      const broken = await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: dir }).then(
        () => 'ok',
        (error: { stdout?: string }) => error.stdout ?? '',
      );
      expect(broken).toMatch(/notAField/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function isEmptyObject(s: Schema | undefined): boolean {
  return s !== undefined && !s.$ref && s.type === 'object' && Object.keys(s.properties ?? {}).length === 0 && s.additionalProperties === undefined;
}

/** A founder's journey, written against the generated types only. */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type Application = components['schemas']['ApplicationView'];

export async function journey(baseUrl: string): Promise<string[]> {
  const api = createClient<paths>({ baseUrl });
  const signUp = await api.POST('/api/v1/auth/register', {
    body: { email: 'camille@cardiosense.example', password: 'a long passphrase', fullName: 'Camille Martin', locale: 'en' },
  });
  if (signUp.error) {
    const fields: string[] = 'errors' in signUp.error ? signUp.error.errors.map((e) => e.field) : [];
    throw new Error(String(signUp.error.statusCode) + fields.join(','));
  }
  const token: string = signUp.data.accessToken;
  const role: string = signUp.data.user.role;
  const headers = { Authorization: 'Bearer ' + token };

  const draft = await api.POST('/api/v1/applications', {
    headers,
    body: { startupName: 'Cardiosense', trl: 4, domains: ['medtech'], needs: ['funding'], incorporated: false, website: null },
  });
  if (!draft.data) throw new Error('no draft');
  const id: string = draft.data.id;

  const submitted = await api.POST('/api/v1/applications/{id}/submit', { headers, params: { path: { id } }, body: {} });
  if (!submitted.data) throw new Error('not submitted');
  const application: Application = submitted.data;
  const due: string | null = application.firstResponseDueAt;
  const best: string | undefined = application.recommendations?.eligible[0]?.programme;

  const page = await api.GET('/api/v1/applications', { headers, params: { query: { status: 'submitted', limit: 10 } } });
  if (!page.data) throw new Error('no page');
  const references: string[] = page.data.items.map((item) => item.reference + ' ' + item.status);
  const next: string | null = page.data.nextCursor;
  return [role, due ?? '', best ?? '', next ?? '', ...references];
}
`;
