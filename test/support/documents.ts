import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type TestAgent from 'supertest/lib/agent';
import type { Response, Test } from 'supertest';
import { auth } from './cases';

/** A founder attaches a file over the API, as a browser or script would (multipart/form-data). */
export function uploadDocument(
  http: TestAgent,
  token: string,
  applicationId: string,
  bytes: Buffer,
  options: { filename?: string; contentType?: string; kind?: string | null } = {},
): Test {
  let req = http.post(`/api/v1/applications/${applicationId}/documents`).set(...auth(token));
  if (options.kind !== null) req = req.field('kind', options.kind ?? 'pitch_deck');
  return req.attach('file', bytes, { filename: options.filename ?? 'deck.pdf', contentType: options.contentType ?? 'application/pdf' });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every document under a local storage directory (what an operator would find on disk); with `partial`, unfinished `.part` files too. */
export function filesUnder(dir: string, partial = false): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && (partial || !e.name.endsWith('.part')))
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

/** supertest parser that keeps a binary body as a Buffer. */
export function binary(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => callback(null, Buffer.concat(chunks)));
  stream.on('error', (e: Error) => callback(e, Buffer.alloc(0)));
}
