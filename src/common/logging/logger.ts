import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { currentLogContext } from './log-context';

/** Never log these, wherever they appear in a log object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  'passwordHash',
  '*.password',
  '*.passwordHash',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
];

/**
 * The process's one pino logger. Its mixin adds the request's or the job's context (see
 * log-context.ts) to every line. `destination` lets tests read the lines (default stdout).
 */
export function createRootLogger(level: string, destination?: pino.DestinationStream): Pino {
  const options: pino.LoggerOptions = { level, base: { service: 'guichet' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, mixin: () => currentLogContext() };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's logger interface over pino: one JSON line per entry. */
export class JsonLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const log = context ? this.root.child({ context }) : this.root;
    if (message !== null && typeof message === 'object') {
      const msg = typeof params[0] === 'string' ? (params.shift() as string) : undefined;
      log[level](message as object, msg);
    } else if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n')) {
      log.error({ stack: params[0] }, String(message));
    } else {
      log[level](String(message));
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
