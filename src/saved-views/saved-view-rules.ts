/**
 * Saved inbox views (pure): what a view keeps of an inbox address, and what a view's name may be.
 * A view is the inbox's filter as a query string — the API's own filter names (`status`,
 * `programme`, `assignee`, `sla`, `q`, `sort`) — in one canonical order, so that the same filter
 * saved twice reads the same and the navigation can tell which view is open. Paging (`cursor`)
 * and the page's language (`lang`) are not part of a filter.
 */
import { CASE_STATUSES } from '../domain/case-state-machine';

export const INBOX_FILTER_KEYS = ['status', 'programme', 'assignee', 'sla', 'q', 'sort'] as const;
export type InboxFilterKey = (typeof INBOX_FILTER_KEYS)[number];

export const VIEW_NAME_MAX = 60;
export const VIEW_QUERY_MAX = 1000;
/** A navigation is read at a glance: beyond this, a user tidies their views first. */
export const MAX_VIEWS_PER_USER = 20;

type QueryValues = Record<string, unknown>;

function valuesOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * The canonical query string of an inbox filter (without `?`): statuses (repeated, or a comma
 * list as the API takes them) in the state machine's order and without duplicates, then the other
 * filters in INBOX_FILTER_KEYS order, empty ones dropped, the first value of each kept.
 */
export function canonicalInboxQuery(query: QueryValues): string {
  const out = new URLSearchParams();
  const statuses = new Set(valuesOf(query.status).flatMap((v) => v.split(',')).map((v) => v.trim()));
  for (const status of CASE_STATUSES) if (statuses.has(status)) out.append('status', status);
  for (const key of INBOX_FILTER_KEYS) {
    if (key === 'status') continue;
    const [first] = valuesOf(query[key]);
    if (first !== undefined) out.append(key, first);
  }
  return out.toString();
}

/** A view's name as stored (trimmed, inner whitespace collapsed), or why it cannot be one. */
export function checkViewName(raw: unknown): { ok: true; name: string } | { ok: false; code: 'name_required' | 'name_too_long' } {
  const name = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
  if (name === '') return { ok: false, code: 'name_required' };
  if ([...name].length > VIEW_NAME_MAX) return { ok: false, code: 'name_too_long' };
  return { ok: true, name };
}
