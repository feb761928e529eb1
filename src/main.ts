import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { JsonLogger, createRootLogger } from './common/logging/logger';
import { ConfigError, loadConfig } from './config/app-config';
import { migrateDatabase } from './database/run-migrations';
import { configureHttpApp } from './http-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const root = createRootLogger(config.logLevel);
  const logger = new JsonLogger(root);

  const applied = await migrateDatabase(config.databaseUrl);
  if (applied.length > 0) root.info({ migrations: applied }, 'migrations applied');

  const module = AppModule.forRoot(config);
  if (config.appRole === 'worker') {
    const worker = await NestFactory.createApplicationContext(module, { logger });
    worker.enableShutdownHooks();
    root.info({ role: 'worker' }, 'Guichet worker started');
    return;
  }
  const app = await NestFactory.create<NestExpressApplication>(module, { logger, bodyParser: false });
  configureHttpApp(app, config, root);
  await app.listen(config.port);
  root.info({ role: config.appRole, port: config.port }, `Guichet listening on :${config.port}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Guichet failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
