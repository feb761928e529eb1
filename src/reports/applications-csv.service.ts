import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ApplicationRow, toApplicationView } from '../applications/application.view';
import { inboxCursorKey, type InboxFilters, type InboxSort } from '../applications/inbox-query';
import type { AuthUser } from '../auth/auth-user';
import { parisDate } from '../domain/business-calendar';
import { atRiskThreshold } from '../domain/service-level';
import { Clock } from '../common/clock';
import { RateLimiterService } from '../redis/rate-limiter.service';
import type { CursorKey } from '../common/pagination/cursor';
import { ApplicationsCsvRepository, type Assignee } from './applications-csv.repository';
import { CSV_PREAMBLE, csvRow, type CsvDialect, type CsvValue } from './csv';
import type { ApplicationsCsvQuery } from './dto/report-queries.dto';

/**
 * Rows fetched per query: memory is bounded by one batch, whatever the number of matching cases.
 * Small enough that a batch is parsed, rendered and dropped between two young-generation
 * collections (1000 got half of each batch promoted, and the heap grew by 200 MB over a
 * million rows); large enough that the queries stay a small part of the time.
 */
export const CSV_BATCH_SIZE = 250;

/** CSV exports per user per hour (each reads every matching case). */
export const CSV_EXPORTS_PER_HOUR = 60;

/**
 * The columns, in order. The first seven are the contract's; the others are extras.
 * `programme` is the decided programme (empty until accepted/referred), `recommendedProgramme`
 * the top recommendation at submission (the inbox's programme filter matches either: decided,
 * else recommended). `assignee` is the assignee's full name. Lists (domains, needs) are joined
 * with `|`. Dates are ISO 8601 UTC instants; service levels as in the API
 * (on_track, at_risk, breached, met, missed) at the time of the export.
 */
const COLUMNS: [string, (row: ApplicationRow, view: ReturnType<typeof toApplicationView>, assignee: Assignee | undefined) => CsvValue][] = [
  ['reference', (r) => r.reference],
  ['startupName', (r) => r.startup_name],
  ['status', (r) => r.status],
  ['programme', (r) => r.programme],
  ['assignee', (_r, _v, a) => a?.full_name],
  ['submittedAt', (_r, v) => v.submittedAt],
  ['decidedAt', (_r, v) => v.decidedAt],
  ['id', (r) => r.id],
  ['recommendedProgramme', (r) => r.top_programme],
  ['assigneeEmail', (_r, _v, a) => a?.email],
  ['assigneeId', (r) => r.assignee_id],
  ['firstResponseDueAt', (_r, v) => v.firstResponseDueAt],
  ['firstRespondedAt', (_r, v) => v.firstRespondedAt],
  ['firstResponseServiceLevel', (_r, v) => v.serviceLevels?.firstResponse],
  ['decisionDueAt', (_r, v) => v.decisionDueAt],
  ['decisionServiceLevel', (_r, v) => v.serviceLevels?.decision],
  ['withdrawnAt', (r) => r.withdrawn_at?.toISOString()],
  ['stage', (r) => r.stage],
  ['trl', (r) => r.trl],
  ['domains', (r) => r.domains?.join('|')],
  ['needs', (r) => r.needs?.join('|')],
  ['incorporated', (r) => r.incorporated],
  ['academicAffiliation', (r) => r.academic_affiliation],
  ['teamSize', (r) => r.team_size],
  ['fundingSoughtEur', (_r, v) => v.fundingSoughtEur],
  ['website', (r) => r.website],
  ['updatedAt', (_r, v) => v.updatedAt],
];

export const CSV_HEADER = COLUMNS.map(([name]) => name);

/** The client went away: stop quietly. */
class ClientGone extends Error {}

/**
 * `GET /reports/applications.csv`: the staff inbox with its filters, as CSV, streamed.
 *
 * Constant memory: the rows come in keyset batches of CSV_BATCH_SIZE (250) through the inbox's own
 * query builder (the same filters, sort and keyset as `GET /applications`, so the file is exactly
 * what the inbox would page through), and each batch is written with backpressure (when
 * `res.write` returns false we wait for 'drain' before fetching the next batch). At most one
 * batch is held in memory. Each batch is its own short query (no transaction or connection held
 * while a slow client downloads), so the file is not one snapshot: a case that moves while the
 * export runs appears once, in its state when its batch was read. `now` (service levels, the
 * `sla` filter, the file name) is fixed at the start.
 *
 * No UTF-8 BOM: the first bytes are exactly `reference,startupName,...` as the contract says;
 * spreadsheets import UTF-8 through their import dialog (Excel: Data > From Text/CSV).
 */
@Injectable()
export class ApplicationsCsvService {
  private readonly logger = new Logger(ApplicationsCsvService.name);

  constructor(
    private readonly repository: ApplicationsCsvRepository,
    private readonly clock: Clock,
    private readonly limiter: RateLimiterService,
  ) {}

  async stream(user: AuthUser, query: ApplicationsCsvQuery, res: Response): Promise<void> {
    // a full export reads every case: bounded per user, and refused (503) rather than unbounded while Redis is away
    await this.limiter.take([{ bucket: `csv:${user.id}`, max: CSV_EXPORTS_PER_HOUR, windowSeconds: 3600 }], 'closed', `At most ${CSV_EXPORTS_PER_HOUR} CSV exports per hour`);
    const now = this.clock.now();
    const dialect: CsvDialect = query.dialect ?? 'rfc4180';
    const sort: InboxSort = query.sort ?? '-submittedAt';
    const filters: Omit<InboxFilters, 'after'> = {
      statuses: query.status ? [...new Set(query.status.split(','))] : undefined,
      programme: query.programme,
      assignee: query.assignee === 'me' ? user.id : query.assignee?.toLowerCase(),
      sla: query.sla,
      q: query.q,
      sort,
      limit: CSV_BATCH_SIZE,
    };
    const scope = { now, atRiskUntil: atRiskThreshold(now) };
    const fetch = async (after: CursorKey | null): Promise<{ rows: ApplicationRow[]; more: boolean }> => {
      const rows = await this.repository.batch(scope, { ...filters, after });
      const more = rows.length > CSV_BATCH_SIZE;
      return { rows: more ? rows.slice(0, CSV_BATCH_SIZE) : rows, more };
    };

    // the first batch before any byte is sent: a failure here is still a proper JSON error
    let batch: { rows: ApplicationRow[]; more: boolean } | null = await fetch(null);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="applications-${parisDate(now)}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    const assignees = new Map<string, Assignee | undefined>();
    try {
      await write(res, CSV_PREAMBLE[dialect] + csvRow(CSV_HEADER, dialect));
      while (batch !== null) {
        const { rows, more } = batch;
        await this.loadAssignees(rows, assignees);
        const chunk = this.render(rows, user, now, assignees, dialect);
        const after = more ? inboxCursorKey(rows[rows.length - 1], sort, false) : null;
        // nothing of the batch is kept while the chunk is written and the next batch is read:
        // rows that outlive an await get promoted to the old generation, and the heap grows
        batch = null;
        await write(res, chunk);
        if (after !== null) batch = await fetch(after);
      }
      res.end();
    } catch (error) {
      if (error instanceof ClientGone) return;
      // headers are sent: abort the transfer (no final chunk) so the client sees a broken
      // download rather than a complete-looking truncated file
      this.logger.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : error }, 'CSV export failed midway');
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Staff names and emails, read once per export (the same few hundred people assign every case). */
  private async loadAssignees(rows: ApplicationRow[], known: Map<string, Assignee | undefined>): Promise<void> {
    const ids = [...new Set(rows.map((r) => r.assignee_id).filter((id): id is string => id !== null && !known.has(id)))];
    if (ids.length === 0) return;
    const found = await this.repository.assignees(ids);
    for (const id of ids) known.set(id, undefined);
    for (const a of found) known.set(a.id, { full_name: a.full_name, email: a.email });
  }

  private render(rows: ApplicationRow[], user: AuthUser, now: Date, assignees: Map<string, Assignee | undefined>, dialect: CsvDialect): string {
    let out = '';
    for (const row of rows) {
      const view = toApplicationView(row, user.locale, now);
      const assignee = row.assignee_id ? assignees.get(row.assignee_id) : undefined;
      out += csvRow(COLUMNS.map(([, cell]) => cell(row, view, assignee)), dialect);
    }
    return out;
  }
}

/** Writes a chunk; when the socket's buffer is full, waits for 'drain' (or fails if the client left). */
function write(res: Response, chunk: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.reject(new ClientGone());
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      res.off('drain', onDrain);
      reject(new ClientGone());
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}
