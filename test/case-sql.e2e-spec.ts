import fc from 'fast-check';
import { closedSql, decisionRunningSql, firstResponseRunningSql, openSql } from '../src/domain/case-sql';
import { CASE_STATUSES, CLOSED_STATUSES, isOpen, type CaseStatus } from '../src/domain/case-state-machine';
import { atRiskThreshold, serviceLevelState } from '../src/domain/service-level';
import { withServer } from './support/databases';

/**
 * The SQL predicates generated from the state machine's and the service levels' constants,
 * evaluated by the real PostgreSQL, equal their pure TypeScript twins on every status and on
 * many generated due dates and instants.
 */
describe('SQL predicates pinned to the pure rules', () => {
  it('open and closed: the SQL says what isOpen() and CLOSED_STATUSES say, for every status', async () => {
    await withServer(async (c) => {
      for (const status of CASE_STATUSES) {
        const { rows } = await c.query<{ open: boolean; closed: boolean }>(`SELECT ${openSql()} AS open, ${closedSql()} AS closed FROM (VALUES ($1::text)) AS a(status)`, [status]);
        expect({ status, open: rows[0].open, closed: rows[0].closed }).toEqual({ status, open: isOpen(status), closed: (CLOSED_STATUSES as readonly CaseStatus[]).includes(status) });
      }
    });
  });

  it('breached and at risk: the inbox’s SQL filters equal serviceLevelState() of a running clock', async () => {
    const instant = fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true });
    const samples = fc.sample(fc.tuple(instant, fc.integer({ min: -10 * 86_400_000, max: 10 * 86_400_000 }), fc.constantFrom(...CASE_STATUSES), fc.boolean()), { numRuns: 400, seed: 14 });
    await withServer(async (c) => {
      for (const [now, offset, status, responded] of samples) {
        const due = new Date(now.getTime() + offset);
        const until = atRiskThreshold(now);
        const { rows } = await c.query<{ breached: boolean; at_risk: boolean }>(
          `SELECT (${firstResponseRunningSql()} AND a.first_response_due_at < $3) AS breached,
                  (${firstResponseRunningSql()} AND a.first_response_due_at BETWEEN $3 AND $4) AS at_risk
           FROM (VALUES ($1::text, $2::timestamptz, $5::timestamptz)) AS a(status, first_response_due_at, first_responded_at)`,
          [status, due, now, until, responded ? now : null],
        );
        const running = status === 'submitted' && !responded;
        const state = serviceLevelState({ dueAt: due, doneAt: null, now });
        expect({ breached: rows[0].breached, atRisk: rows[0].at_risk }).toEqual({ breached: running && state === 'breached', atRisk: running && state === 'at_risk' });
      }
    });
  });

  it('the decision clock runs in the statuses the SQL names, and pauses in info_requested', async () => {
    await withServer(async (c) => {
      for (const status of CASE_STATUSES) {
        const { rows } = await c.query<{ running: boolean }>(`SELECT ${decisionRunningSql()} AS running FROM (VALUES ($1::text)) AS a(status)`, [status]);
        expect({ status, running: rows[0].running }).toEqual({ status, running: isOpen(status) && status !== 'info_requested' });
      }
    });
  });
});
