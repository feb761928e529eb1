import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DocumentBytesMissing } from './document-storage';
import { LocalDocumentStorage } from './local-document-storage';

const KEY = '3f0c1d2e-4b5a-4c6d-8e7f-0123456789ab';

describe('LocalDocumentStorage', () => {
  it('writes, reads back and deletes, leaving nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-local-'));
    const storage = new LocalDocumentStorage(dir);
    await storage.write(KEY, Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    expect(await storage.exists(KEY)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.read(KEY)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    await storage.delete(KEY);
    await storage.delete(KEY); // twice is fine
    await expect(storage.read(KEY)).rejects.toBeInstanceOf(DocumentBytesMissing);
    expect(readdirSync(join(dir, '3f'))).toEqual([]);
  });

  it('leaves no .part file when the stream fails, and deletes one a crashed process left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-local-'));
    const storage = new LocalDocumentStorage(dir);
    const failing = new Readable({ read() {} });
    failing.on('error', () => undefined); // as the UploadInspector has
    const written = storage.write(KEY, failing);
    failing.push(Buffer.from('partial'));
    setTimeout(() => failing.destroy(new Error('client went away')), 10);
    await expect(written).rejects.toThrow('client went away');
    expect(readdirSync(join(dir, '3f'))).toEqual([]);

    mkdirSync(join(dir, '3f'), { recursive: true });
    writeFileSync(join(dir, '3f', `${KEY}.abcdef.part`), 'half a file');
    await storage.delete(KEY);
    expect(readdirSync(join(dir, '3f'))).toEqual([]);
  });

  it('refuses a key that is not one of its own (no path tricks)', async () => {
    const storage = new LocalDocumentStorage(mkdtempSync(join(tmpdir(), 'guichet-local-')));
    await expect(storage.delete('../../etc/passwd')).rejects.toThrow('not a storage key');
  });
});
