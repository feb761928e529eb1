import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { RateLimitedException } from './rate-limited.exception';

/**
 * Every error leaves as `{statusCode, error, message}` (plus whatever structured detail the
 * exception carries, e.g. `errors` for validation or `currentVersion` for a stale write).
 * Unexpected errors become a bare 500 (or 503 when the database is unreachable): no stack, no SQL.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { status, body } = toErrorBody(exception);
    if (isRefusedValue(exception)) {
      // a 400, but one that validation should have given: say so, so the DTO gets fixed
      this.logger.warn({ err: { name: (exception as Error).name, message: (exception as Error).message }, path: req.path }, 'the database refused a value that passed validation');
    } else if (status >= 500) {
      this.logger.error(
        { err: exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : exception, path: req.path },
        'request failed',
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof RateLimitedException) res.setHeader('Retry-After', String(Math.max(1, exception.retryAfterSeconds)));
    res.status(status).json(body);
  }
}

/** Connection-level failures (server restarting, refusing connections, network), not query errors. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);

/** Duck-typed: errors made by Node's own modules (net) may come from another realm (Jest's vm). */
function isErrorLike(error: unknown): error is Error {
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!isErrorLike(error)) return false;
  const driverError = (error as { driverError?: unknown }).driverError;
  if (isErrorLike(driverError) && driverError !== error && isDatabaseUnavailable(driverError)) return true;
  const code = (error as { code?: string }).code;
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error|not currently accepting connections|the database system is (starting up|shutting down)/i.test(
    error.message,
  );
}

/**
 * PostgreSQL errors about a value itself (SQLSTATE class 22, "data exception": bad text for a
 * type, out of range, a character it cannot store; and 23502, a null where none is allowed).
 * Every write reaches the database through validated input, so such a value came from the
 * client: a 400, never a 500. (Validation should catch them first; this is the safety net.)
 */
const REFUSED_VALUE = /^(22[0-9A-Z]{3}|23502)$/;

function driverErrorOf(exception: unknown): { code?: unknown; column?: unknown } | null {
  if (!(exception instanceof Error)) return null;
  const driverError = (exception as { driverError?: unknown }).driverError;
  return driverError && typeof driverError === 'object' ? (driverError as { code?: unknown; column?: unknown }) : null;
}

export function isRefusedValue(exception: unknown): boolean {
  const code = driverErrorOf(exception)?.code;
  return typeof code === 'string' && REFUSED_VALUE.test(code);
}

export function toErrorBody(exception: unknown): { status: number; body: Record<string, unknown> } {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const base = { statusCode: status, error: STATUS_CODES[status] ?? 'Error' };
    if (typeof response === 'string') return { status, body: { ...base, message: response } };
    const obj = response as Record<string, unknown>;
    return { status, body: { ...base, ...obj, statusCode: status, error: typeof obj.error === 'string' ? obj.error : base.error, message: obj.message ?? exception.message } };
  }
  // body-parser and other Express-level errors carry a status
  const maybe = exception as { status?: number; statusCode?: number; type?: string; message?: string } | null;
  const status = maybe?.status ?? maybe?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message =
      maybe?.type === 'entity.parse.failed'
        ? 'Request body is not valid JSON'
        : maybe?.type === 'entity.too.large'
          ? 'Request body is too large'
          : maybe?.type === 'encoding.unsupported' || maybe?.type === 'charset.unsupported'
            ? 'Unsupported request body encoding'
            : (STATUS_CODES[status] ?? 'Bad request');
    return { status, body: { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message } };
  }
  if (isRefusedValue(exception)) {
    const driverError = driverErrorOf(exception);
    const column = typeof driverError?.column === 'string' ? driverError.column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : null;
    const message = driverError?.code === '23502' && column ? `${column} must not be null` : 'a value of the request is not acceptable (wrong format, out of range or a character that cannot be stored)';
    return { status: 400, body: { statusCode: 400, error: 'Bad Request', message: [message], errors: [{ field: column ?? 'body', messages: [message] }] } };
  }
  if (isDatabaseUnavailable(exception)) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable, try again shortly' } };
  }
  return { status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' } };
}
