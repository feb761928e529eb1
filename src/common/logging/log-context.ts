import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written while serving a request or running a job carries: the request id
 * and the user id; the queue, the job id and the email or case the job is about. Kept in an
 * AsyncLocalStorage (Node's own request-scoped storage), read by the root pino logger's
 * `mixin`, so any `Logger` anywhere in the call chain writes them without being handed them.
 */
export interface LogContext {
  requestId?: string;
  userId?: string;
  queue?: string;
  jobId?: string;
  job?: string;
  emailId?: string;
  caseId?: string;
  /** the attempt of the email being sent (counted when it is claimed) */
  attempt?: number;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with these fields on every log line it writes, however deep and however async. */
export function runWithLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** Adds fields to the current context (e.g. the user once authenticated); outside one, nothing. */
export function addToLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

/** The current fields (a copy), for pino's mixin. */
export function currentLogContext(): LogContext {
  const store = storage.getStore();
  return store ? { ...store } : {};
}
