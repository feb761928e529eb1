import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DocumentBytesMissing, type DocumentStorage } from './document-storage';

const KEY = /^[0-9a-f-]{36}$/;

/**
 * The default storage: one file per document under `FILES_DIR/<2 first characters>/<key>`.
 * A write goes to a `.part` file renamed into place once complete, so a reader never sees
 * half a document and a failed write leaves only a `.part` that is removed at once.
 */
export class LocalDocumentStorage implements DocumentStorage {
  readonly driver = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async write(key: string, body: Readable): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const part = `${path}.${randomBytes(6).toString('hex')}.part`;
    try {
      await pipeline(body, createWriteStream(part, { flags: 'wx' }));
      await rename(part, path);
    } catch (error) {
      await unlink(part).catch(() => undefined);
      throw error;
    }
  }

  async read(key: string): Promise<Readable> {
    const path = this.path(key);
    if (!(await this.exists(key))) throw new DocumentBytesMissing(key);
    return createReadStream(path);
  }

  /** Deletes the document and any `.part` left by a write the process did not live to finish. */
  async delete(key: string): Promise<void> {
    const path = this.path(key);
    const gone = (error: NodeJS.ErrnoException): void => {
      if (error.code !== 'ENOENT') throw error;
    };
    await unlink(path).catch(gone);
    const parts = await readdir(dirname(path)).catch((error: NodeJS.ErrnoException) => (gone(error), [] as string[]));
    for (const name of parts) if (name.startsWith(`${key}.`) && name.endsWith('.part')) await unlink(join(dirname(path), name)).catch(gone);
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.path(key))).isFile();
    } catch {
      return false;
    }
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a storage key: ${key}`);
    return join(this.root, key.slice(0, 2), key);
  }
}
