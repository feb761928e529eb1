import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApplicationRow } from '../applications/application.view';
import { buildInboxQuery, type InboxFilters, type InboxScope } from '../applications/inbox-query';
import { preparedQuery } from '../database/prepared-query';

export interface Assignee {
  full_name: string;
  email: string;
}

/**
 * What the CSV export reads: the inbox's own query, batch by batch (the SQL is
 * src/applications/inbox-query.ts's, so the file is exactly what the inbox would page
 * through), and the assignees' names and emails. Each read is its own short query on the pool.
 */
@Injectable()
export class ApplicationsCsvRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One keyset batch of the inbox (`filters.limit` rows and one more, to tell whether more follow). */
  batch(scope: InboxScope, filters: InboxFilters): Promise<ApplicationRow[]> {
    const { sql, params } = buildInboxQuery(scope, filters);
    // prepared like the inbox's pages (a search is planned each time, see ApplicationsService.list)
    return filters.q ? this.dataSource.query(sql, params) : preparedQuery<ApplicationRow>(this.dataSource, sql, params);
  }

  /** The names and emails of these staff members (those that exist). */
  assignees(ids: string[]): Promise<(Assignee & { id: string })[]> {
    return this.dataSource.query('SELECT id, full_name, email FROM users WHERE id = ANY($1::uuid[])', [ids]);
  }
}
