import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

export class MultipartError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

export interface MultipartResult<T> {
  fields: Record<string, string>;
  file: T;
}

/**
 * Reads a `multipart/form-data` request as it streams in (busboy): small text fields are
 * collected, the one file part named `fileField` is handed to `onFile` as a stream, never
 * buffered whole. Resolves once the request is parsed and `onFile` is done; rejects on the first
 * problem, after which the rest of the request body is read and discarded so the client can
 * read the answer. `beforeFile`, when given, sees the fields sent before the file part and may
 * refuse the request by throwing (the web form's CSRF token, which the form puts first): not a
 * byte of the file is handed on then.
 */
export function receiveMultipart<T>(
  req: IncomingMessage,
  fileField: string,
  onFile: (stream: Readable, filename: string | undefined) => Promise<T>,
  beforeFile?: (fields: Readonly<Record<string, string>>) => void,
): Promise<MultipartResult<T>> {
  return new Promise<MultipartResult<T>>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 50 } });
    } catch {
      reject(new MultipartError('body', `the body must be multipart/form-data with a "${fileField}" part`));
      return;
    }
    const fields: Record<string, string> = {};
    let handling: Promise<T> | null = null;
    let fileStream: Readable | null = null;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume(); // discard the rest: the client gets its answer instead of a reset connection
      reject(error);
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new MultipartError(name, `${name} is too long`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== fileField || handling !== null) {
        stream.resume();
        return fail(new MultipartError(name, `only one file is accepted, in the "${fileField}" part`));
      }
      // browsers escape these three in a multipart file name (WHATWG HTML, form-data encoding)
      const filename = info.filename?.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
      if (beforeFile) {
        try {
          beforeFile(fields);
        } catch (error) {
          stream.resume();
          return fail(error as Error);
        }
      }
      fileStream = stream;
      handling = onFile(stream, filename);
      handling.catch((error: Error) => {
        stream.resume();
        fail(error);
      });
    });
    parser.on('filesLimit', () => fail(new MultipartError(fileField, 'only one file is accepted per request')));
    parser.on('fieldsLimit', () => fail(new MultipartError('body', 'too many fields')));
    parser.on('partsLimit', () => fail(new MultipartError('body', 'too many parts')));
    parser.on('error', (error: Error) => fail(new MultipartError('body', `the multipart body is malformed: ${error.message}`)));
    parser.on('close', () => {
      if (settled) return;
      if (handling === null) return fail(new MultipartError(fileField, `${fileField} is required: attach the document as the "${fileField}" part`));
      handling.then(
        (file) => {
          if (settled) return;
          settled = true;
          resolve({ fields, file });
        },
        (error: Error) => fail(error),
      );
    });
    // the client went away mid-upload: the file stream will never end, so it is failed, which
    // fails the storage write (a local .part file is removed, an S3 multipart upload aborted)
    req.on('close', () => {
      if (req.complete || settled) return;
      const error = new MultipartError('body', 'the upload was interrupted');
      fileStream?.destroy(error);
      fail(error);
    });
    req.pipe(parser);
  });
}
