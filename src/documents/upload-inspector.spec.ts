import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DocumentTooLarge, DocumentTypeRefused, UploadInspector } from './upload-inspector';

const MiB = 1024 * 1024;

/** A PDF arriving in 1 MiB chunks; counts how many chunks the pipeline pulled. */
function pdfSource(chunks: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < chunks; i++) {
        pulled++;
        const chunk = Buffer.alloc(MiB, i);
        if (i === 0) chunk.write('%PDF-1.7\n', 'latin1');
        yield chunk;
      }
    })(),
  );
  return { stream, pulled: () => pulled };
}

function sink(): { stream: Writable; received: () => number } {
  let received = 0;
  return {
    stream: new Writable({
      write(chunk: Buffer, _e, callback) {
        received += chunk.length;
        callback();
      },
    }),
    received: () => received,
  };
}

describe('UploadInspector', () => {
  it('passes every byte through, hashes them and decides the type from the first ones', async () => {
    const source = pdfSource(3);
    const out = sink();
    const inspector = new UploadInspector(20 * MiB);
    await pipeline(source.stream, inspector, out.stream);
    expect(await inspector.contentType).toBe('application/pdf');
    expect(inspector.byteCount).toBe(3 * MiB);
    expect(out.received()).toBe(3 * MiB);
    const expected = createHash('sha256');
    for (let i = 0; i < 3; i++) {
      const chunk = Buffer.alloc(MiB, i);
      if (i === 0) chunk.write('%PDF-1.7\n', 'latin1');
      expected.update(chunk);
    }
    expect(inspector.sha256).toBe(expected.digest('hex'));
  });

  it('fails as soon as the limit is passed, without reading the rest of the upload', async () => {
    const source = pdfSource(100); // 100 MiB offered
    const out = sink();
    const inspector = new UploadInspector(20 * MiB);
    await expect(pipeline(source.stream, inspector, out.stream)).rejects.toBeInstanceOf(DocumentTooLarge);
    expect(source.pulled()).toBeLessThanOrEqual(22);
    expect(out.received()).toBeLessThanOrEqual(20 * MiB);
  });

  it('refuses a format that is not accepted before passing a single byte on', async () => {
    const out = sink();
    const inspector = new UploadInspector(20 * MiB);
    const html = Readable.from([Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'.padEnd(400 * 1024, ' '))]);
    await expect(pipeline(html, inspector, out.stream)).rejects.toBeInstanceOf(DocumentTypeRefused);
    await expect(inspector.contentType).rejects.toBeInstanceOf(DocumentTypeRefused);
    expect(out.received()).toBe(0);
  });
});
