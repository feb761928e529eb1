/**
 * What the founder's pages say about documents: a size in words of the page's language, the
 * refusal of an upload as a catalogue key, the kinds an information request named. Pure.
 */
import type { DocumentView } from '../../documents/document.view';
import type { TimelineEventView } from '../../timeline/timeline.service';
import type { PageLocale } from '../i18n/catalogue';

/**
 * The formatters humanSize uses, built once each (two locales, three units, two precisions at
 * most): building an Intl.NumberFormat took 22 µs on Node 24, formatting with one under 1 µs,
 * and the application page asks for the largest accepted size on every render.
 */
const SIZE_FORMATS = new Map<string, Intl.NumberFormat>();

/** A size as people read it: "850 octets", "12 ko", "3,4 Mo" / "850 bytes", "12 kB", "3.4 MB" (1 kB = 1 024 bytes, as file managers count). */
export function humanSize(bytes: number, locale: PageLocale): string {
  const format = (value: number, unit: 'byte' | 'kilobyte' | 'megabyte', digits: number): string => {
    const key = `${locale} ${unit} ${digits}`;
    let formatter = SIZE_FORMATS.get(key);
    if (formatter === undefined) {
      formatter = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: unit === 'byte' ? 'long' : 'short', maximumFractionDigits: digits });
      SIZE_FORMATS.set(key, formatter);
    }
    return formatter.format(value);
  };
  if (bytes < 1024) return format(bytes, 'byte', 0);
  if (bytes < 1024 * 1024) return format(Math.round(bytes / 1024), 'kilobyte', 0);
  const mb = bytes / 1024 / 1024;
  return format(mb, 'megabyte', mb < 10 ? 1 : 0);
}

export interface DocumentItem extends DocumentView {
  sizeText: string;
}

export function documentItems(documents: DocumentView[], locale: PageLocale): DocumentItem[] {
  return documents.map((d) => ({ ...d, sizeText: humanSize(d.size, locale) }));
}

/**
 * The catalogue key of the message shown beside the file field for a refused upload (the
 * service's status: 415 not an accepted format, 413 too large, 409 too many, 422 no longer
 * editable, 400 no file or no kind), and the field it belongs to; null for anything else.
 */
export function uploadRefusal(status: number, field: string | undefined): { field: 'file' | 'kind'; key: string } | null {
  switch (status) {
    case 415:
      return { field: 'file', key: 'documents.errors.type' };
    case 413:
      return { field: 'file', key: 'documents.errors.tooLarge' };
    case 409:
      return { field: 'file', key: 'documents.errors.tooMany' };
    case 422:
      return { field: 'file', key: 'documents.errors.notEditable' };
    case 408:
      return { field: 'file', key: 'documents.errors.tooSlow' };
    case 400:
      return field === 'kind' ? { field: 'kind', key: 'documents.errors.kind' } : { field: 'file', key: 'documents.errors.file' };
    default:
      return null;
  }
}

/** The document kinds the latest information request named, when the application is waiting for them. */
export function requestedKinds(events: readonly TimelineEventView[], status: string): string[] {
  if (status !== 'info_requested') return [];
  let latest: TimelineEventView | null = null;
  for (const event of events) {
    if (event.type === 'status_changed' && event.data.to === 'info_requested' && (latest === null || event.at >= latest.at)) latest = event;
  }
  const kinds = latest?.data.documents;
  return Array.isArray(kinds) ? kinds.filter((k): k is string => typeof k === 'string') : [];
}

/** Each of `kinds` with whether a document of that kind is attached. */
export function kindChecklist(kinds: readonly string[], documents: readonly Pick<DocumentView, 'kind'>[]): { kind: string; attached: boolean }[] {
  const have = new Set(documents.map((d) => d.kind));
  return [...new Set(kinds)].map((kind) => ({ kind, attached: have.has(kind) }));
}
