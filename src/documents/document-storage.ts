import type { Readable } from 'node:stream';

/**
 * Where document bytes live, behind one small interface: a local directory by default
 * (`FILES_DIR`), S3-compatible object storage when `S3_URL` is set. Keys are opaque random ids
 * chosen by Guichet, never derived from what a founder sent.
 */
export interface DocumentStorage {
  readonly driver: 'local' | 's3';
  /**
   * Writes every byte of `body` under `key` and resolves once they are stored. If `body` errors
   * or the write fails, it rejects and leaves nothing readable under `key`.
   */
  write(key: string, body: Readable, contentType: string): Promise<void>;
  /** The bytes under `key`; rejects with DocumentBytesMissing when there are none. */
  read(key: string): Promise<Readable>;
  /** Deletes the bytes under `key`; deleting what is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Whether bytes are stored under `key` (the sweep and the tests ask). */
  exists(key: string): Promise<boolean>;
}

export const DOCUMENT_STORAGE = Symbol('DocumentStorage');

export class DocumentBytesMissing extends Error {
  constructor(key: string) {
    super(`no bytes stored under ${key}`);
    this.name = 'DocumentBytesMissing';
  }
}
