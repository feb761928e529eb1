/**
 * The documents' rules, written once (no Nest or TypeORM import): which kinds exist, which
 * formats are accepted (decided from the bytes), the limits, and how a file name is given back
 * in `Content-Disposition`.
 */

export const DOCUMENT_KINDS = ['pitch_deck', 'business_plan', 'team_cv', 'financials', 'regulatory', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(value);
}

/** 20 MiB: larger is a 413, detected while the bytes stream in. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** Beyond this many documents on one application, an upload is a 409. */
export const MAX_DOCUMENTS_PER_APPLICATION = 20;
/**
 * How many leading bytes the type is decided from. Office formats are ZIP containers told apart
 * by their first entries ([Content_Types].xml or the `mimetype` entry), which the writers put
 * at the start; 256 KiB holds them with room, and bounds the memory an upload holds.
 */
export const SNIFF_BYTES = 256 * 1024;

/**
 * Accepted formats: the extension the sniffer (file-type) reports → the stored Content-Type.
 * A plain ZIP, HTML, executables and everything else are refused (415).
 */
export const ACCEPTED_FORMATS: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
};

export const ACCEPTED_FORMAT_NAMES = 'PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS, ODP';

/** The stored Content-Type for what the sniffer found, or null when the format is refused. */
export function acceptedContentType(detectedExt: string | undefined): string | null {
  if (detectedExt === undefined) return null;
  return Object.prototype.hasOwnProperty.call(ACCEPTED_FORMATS, detectedExt) ? ACCEPTED_FORMATS[detectedExt] : null;
}

/**
 * A file name as the founder's browser sent it, made safe to store and show: the last path
 * segment only, no control characters or characters Windows refuses, no leading dots, at most
 * 255 UTF-16 units (keeping the extension); "document" when nothing is left.
 */
export function sanitizeFilename(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u2028\u2029]/g, '_').replace(/\p{Cs}/gu, '_');
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '').replace(/\s+/g, ' ');
  if (name.length > 255) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, 255 - ext.length) + ext;
  }
  return name === '' ? 'document' : name;
}

/**
 * `Content-Disposition: attachment` with the name as RFC 6266 / RFC 8187 `filename*` (UTF-8,
 * percent-encoded), plus an ASCII `filename` fallback for old clients. Always an attachment:
 * a document is never rendered by the browser on our origin.
 */
export function contentDisposition(filename: string): string {
  const safe = sanitizeFilename(filename);
  const ascii = safe.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\%;]/g, '_').trim() || 'document';
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The required kinds that none of the application's documents has, in the programme's order. */
export function missingDocumentKinds(required: readonly string[], present: readonly string[]): string[] {
  const have = new Set(present);
  return [...new Set(required)].filter((kind) => !have.has(kind));
}
