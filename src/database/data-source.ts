import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Options shared by the app, the tests and the TypeORM CLI. Never `synchronize`: migrations only. */
export function dataSourceOptions(databaseUrl: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      // fail fast when PostgreSQL is away instead of queueing requests forever
      connectionTimeoutMillis: 3000,
      statement_timeout: 30000,
      application_name: 'guichet',
    },
  };
}

/** Used by `npm run migration:*` (TypeORM CLI). */
export default new DataSource(dataSourceOptions(loadConfig().databaseUrl, 2));
