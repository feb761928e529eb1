import { strToU8, zipSync } from 'fflate';
import { randomBytes } from 'node:crypto';

/**
 * Small real files of each format a founder may attach, built here rather than shipped: enough
 * structure for a content sniffer to recognise them, as a real file of that format has.
 */

export function pdf(size = 2048): Buffer {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', 'latin1');
  const tail = Buffer.from('\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length - tail.length)), tail]);
}

export function png(): Buffer {
  const ihdr = Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex');
  const idat = Buffer.from('0000000d49444154789c636000010000050001a5f645400000000049454e44ae426082', 'hex');
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr, idat]);
}

export function jpeg(): Buffer {
  return Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), randomBytes(256), Buffer.from('ffd9', 'hex')]);
}

const OOXML_MAIN: Record<'docx' | 'xlsx' | 'pptx', { part: string; type: string }> = {
  docx: { part: '/word/document.xml', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml' },
  xlsx: { part: '/xl/workbook.xml', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml' },
  pptx: { part: '/ppt/presentation.xml', type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml' },
};

/** A minimal Office Open XML package: [Content_Types].xml first, as Office writes it. */
export function ooxml(format: 'docx' | 'xlsx' | 'pptx'): Buffer {
  const main = OOXML_MAIN[format];
  const types =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    `<Override PartName="${main.part}" ContentType="${main.type}"/></Types>`;
  return Buffer.from(
    zipSync({
      '[Content_Types].xml': strToU8(types),
      '_rels/.rels': strToU8(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${main.part.slice(1)}"/></Relationships>`),
      [main.part.slice(1)]: strToU8('<?xml version="1.0"?><root/>'),
    }),
  );
}

const ODF_MIME = { odt: 'text', ods: 'spreadsheet', odp: 'presentation' } as const;

/** A minimal OpenDocument package: the uncompressed `mimetype` entry first, as the standard requires. */
export function odf(format: 'odt' | 'ods' | 'odp'): Buffer {
  return Buffer.from(
    zipSync({
      mimetype: [strToU8(`application/vnd.oasis.opendocument.${ODF_MIME[format]}`), { level: 0 }],
      'content.xml': strToU8('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>'),
      'META-INF/manifest.xml': strToU8('<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'),
    }),
  );
}

/** A plain ZIP archive (not an office document). */
export function plainZip(): Buffer {
  return Buffer.from(zipSync({ 'notes.txt': strToU8('hello'), 'deck.pdf': new Uint8Array(pdf(512)) }));
}

/** An HTML page with a script: what an attacker would disguise as `deck.pdf`. */
export function html(): Buffer {
  return Buffer.from('<!DOCTYPE html><html><body><script>fetch("/api/v1/me").then(r=>r.text()).then(alert)</script></body></html>');
}

/** A Windows executable's header (MZ, PE). */
export function exe(): Buffer {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x014c, 0x84);
  return b;
}
