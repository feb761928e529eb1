import { dedupeKey, dedupeKeySql, isoInstantSql } from './outbox-email';

describe('dedupe keys', () => {
  it('names the template, the event and the recipient', () => {
    expect(dedupeKey({ template: 'draft-reminder', eventKey: 'case-1', recipientId: 'user-1' })).toBe('draft-reminder:case-1:user-1');
  });

  it('gives both weekly digests one key per recipient and week', () => {
    expect(dedupeKey({ template: 'weekly-digest-advisor', eventKey: '2026-W49', recipientId: 'user-1' })).toBe('digest:user-1:2026-W49');
    expect(dedupeKey({ template: 'weekly-digest-manager', eventKey: '2026-W49', recipientId: 'user-1' })).toBe('digest:user-1:2026-W49');
  });

  it('builds the same key in SQL as in TypeScript', () => {
    expect(dedupeKeySql('review-reminder', 'r.id', 'r.reviewer_id')).toBe(`'review-reminder' || ':' || r.id || ':' || r.reviewer_id`);
    expect(dedupeKeySql('weekly-digest-manager', '$1', 'u.id')).toBe(`'digest' || ':' || u.id || ':' || $1`);
  });

  it('writes instants in SQL as toISOString does', () => {
    expect(isoInstantSql('a.updated_at')).toBe(`to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
  });
});
