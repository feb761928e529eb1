import 'reflect-metadata';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { TYPE_PARSERS } from './type-parsers';

/**
 * Options shared by the app, the tests and the TypeORM CLI. Never `synchronize`: migrations only.
 * The entities are given by the caller (the app's root, `src/entities.ts`): the database module
 * sits below the folders that own the tables and does not import them.
 */
export function dataSourceOptions(databaseUrl: string, poolSize = 20, entities: NonNullable<DataSourceOptions['entities']> = []): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities,
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
      // node-postgres's parsers, with fast paths for timestamptz and text[] (see type-parsers.ts)
      types: TYPE_PARSERS,
    },
  };
}
