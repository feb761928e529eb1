/**
 * The inbox's query is written out in the applications' repository, its one home; this path
 * re-exports it for the reports' CSV export, which pages through the same query.
 */
export { buildInboxQuery, inboxCursorKey, type InboxFilters, type InboxScope, type InboxSort } from './applications.repository';
