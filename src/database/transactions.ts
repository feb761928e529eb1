import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

/**
 * The one way a service opens a transaction. The service runs `work` and passes the `EntityManager`
 * it receives, explicitly, to each repository method it calls, so that everything a request writes
 * (the row, its timeline event, its outbox emails and webhooks) commits or rolls back together.
 * Services never hold a `DataSource`; repositories do, for what they read outside a transaction.
 *
 *     await this.transactions.run(async (em) => {
 *       const row = await this.applications.load(em, id, true);
 *       await this.timeline.append(em, …);
 *     });
 */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction (READ COMMITTED unless `isolation` says otherwise). */
  run<T>(work: (em: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    return isolation === undefined ? this.dataSource.transaction(work) : this.dataSource.transaction(isolation, work);
  }
}
