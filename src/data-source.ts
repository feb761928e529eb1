import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './config/app-config';
import { dataSourceOptions } from './database/data-source';
import { ENTITIES } from './entities';

/** Used by `npm run migration:*` (TypeORM CLI). */
export default new DataSource(dataSourceOptions(loadConfig().databaseUrl, 2, ENTITIES));
