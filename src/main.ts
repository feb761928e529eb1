import 'reflect-metadata';
import cluster from 'node:cluster';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { JsonLogger, createRootLogger } from './common/logging/logger';
import { ConfigError, loadConfig } from './config/app-config';
import { migrateDatabase } from './database/run-migrations';
import { configureHttpApp } from './http-app';
import { clusterRoles } from './process-roles';

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

  // the cluster's primary migrated before forking its HTTP processes
  if (!cluster.isWorker) {
    const applied = await migrateDatabase(config.databaseUrl);
    if (applied.length > 0) root.info({ migrations: applied }, 'migrations applied');
  }

  if (config.appRole !== 'worker' && config.webConcurrency > 1 && cluster.isPrimary) {
    superviseHttpProcesses(clusterRoles(config.appRole, config.webConcurrency), root);
    return;
  }

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

/**
 * WEB_CONCURRENCY > 1: this process only forks the HTTP processes (node:cluster shares the port
 * between them) and watches them. A stop signal is passed on and the primary leaves once they
 * are all gone; when one of them dies on its own, the others are stopped too and the primary
 * exits with 1, so the supervisor (Docker, systemd) restarts the whole machine's set rather than
 * this process quietly serving with fewer. (Ctrl-C in a terminal reaches every process of the
 * group at once, so a child may get SIGINT and then the forwarded SIGTERM, which ends its drain
 * early: an email it was sending is then sent again once its lease lapses.)
 */
function superviseHttpProcesses(roles: ReturnType<typeof clusterRoles>, root: ReturnType<typeof createRootLogger>): void {
  let stopping = false;
  const stopAll = (): void => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  for (const role of roles) cluster.fork({ APP_ROLE: role });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    root.error({ pid: worker.process.pid, code, signal }, 'an HTTP process stopped; stopping the others');
    process.exitCode = 1;
    stopAll();
  });
  process.on('SIGTERM', stopAll);
  process.on('SIGINT', stopAll);
  root.info({ processes: roles.length, roles }, 'Guichet primary started its HTTP processes');
}

main().catch((error: unknown) => {
  process.stderr.write(`Guichet failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
