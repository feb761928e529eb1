import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { acceptedContentType, MAX_DOCUMENT_BYTES, SNIFF_BYTES } from '../domain/document-rules';

export class DocumentTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`A document may be at most ${limit / 1024 / 1024} MiB`);
    this.name = 'DocumentTooLarge';
  }
}

export class DocumentTypeRefused extends Error {
  constructor(readonly detected: string | undefined) {
    super(detected ? `The file's content is ${detected}, which is not accepted` : "The file's content is not of an accepted format");
    this.name = 'DocumentTypeRefused';
  }
}

/**
 * What an upload streams through on its way to the storage: it counts the bytes (failing with
 * DocumentTooLarge as soon as the limit is passed, never after buffering the file), hashes them
 * (SHA-256), and holds back only the first SNIFF_BYTES until the format is decided from them
 * (file-type, from the bytes alone — never the name or the declared type). A refused format
 * fails the stream before a single byte reaches the storage.
 */
export class UploadInspector extends Transform {
  /** resolves with the stored Content-Type once decided; rejects if the upload is refused */
  readonly contentType: Promise<string>;
  /** bytes seen so far (not `size`: lib-storage would take that for the stream's total length) */
  byteCount = 0;
  private readonly hash: Hash = createHash('sha256');
  private head: Buffer[] = [];
  private headLength = 0;
  private decided = false;
  private resolveType!: (type: string) => void;
  private rejectType!: (error: Error) => void;

  constructor(private readonly limit = MAX_DOCUMENT_BYTES) {
    super();
    this.contentType = new Promise<string>((resolve, reject) => {
      this.resolveType = resolve;
      this.rejectType = reject;
    });
    this.contentType.catch(() => undefined);
    this.once('error', (error) => this.rejectType(error));
  }

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.byteCount += chunk.length;
    if (this.byteCount > this.limit) return callback(new DocumentTooLarge(this.limit));
    this.hash.update(chunk);
    if (this.decided) return callback(null, chunk);
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) return callback();
    this.decide().then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.decided) return callback();
    this.decide().then(() => callback(), callback);
  }

  private async decide(): Promise<void> {
    const head = Buffer.concat(this.head);
    this.head = [];
    const detected = await fileTypeFromBuffer(head).catch(() => undefined);
    const type = acceptedContentType(detected?.ext);
    if (type === null) throw new DocumentTypeRefused(detected?.mime);
    this.decided = true;
    this.resolveType(type);
    this.push(head);
  }
}
