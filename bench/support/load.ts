/**
 * Closed-loop HTTP load with autocannon (a fixed number of keep-alive connections, each sending
 * its next request as soon as the previous answer is in), recording every response's latency
 * so any percentile can be read exactly, and every status code.
 */
import autocannon from 'autocannon';
import { summarize, type LatencySummary } from './stats';

export interface NextRequest {
  path?: string;
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  /** base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** concurrent keep-alive connections (each one request at a time) */
  connections: number;
  /** the request sent on every connection, unless `next` gives one */
  path?: string;
  method?: NextRequest['method'];
  headers?: Record<string, string>;
  body?: string;
  /** stop after this many requests in all... */
  amount?: number;
  /** ...or after this many seconds */
  durationSeconds?: number;
  /** called once per request (before it is sent) to give a distinct one, e.g. another draft */
  next?: () => NextRequest;
  /** per-request timeout (default 30 s) */
  timeoutSeconds?: number;
}

export interface LoadResult {
  /** responses received */
  responses: number;
  /** status code → count */
  statusCounts: Record<string, number>;
  /** responses whose status was not 200, plus connection errors and timeouts */
  failures: number;
  errors: number;
  timeouts: number;
  elapsedSeconds: number;
  /** responses with status 200 per second of elapsed time */
  okPerSecond: number;
  /** latencies of the 200 answers, ms */
  latency: LatencySummary;
  /** the same latencies one by one, in the order they came (to pool several runs) */
  latenciesMs: number[];
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let ok = 0;
  let responses = 0;
  const next = options.next;
  const startedAt = performance.now();

  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        // autocannon takes the path from the URL (a separate `path` option is overridden by it)
        url: options.path !== undefined ? `${options.url.replace(/\/+$/, '')}${options.path}` : options.url,
        connections: options.connections,
        pipelining: 1,
        timeout: options.timeoutSeconds ?? 30,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(next
          ? {
              requests: [
                {
                  setupRequest: (request: autocannon.Request): autocannon.Request => {
                    const given = next();
                    return {
                      ...request,
                      ...(given.method ? { method: given.method } : {}),
                      ...(given.path ? { path: given.path } : {}),
                      ...(given.body !== undefined ? { body: given.body } : {}),
                      headers: { ...request.headers, ...given.headers },
                    };
                  },
                },
              ],
            }
          : {}),
      },
      (error: Error | null, result: autocannon.Result) => {
        if (error) return reject(error);
        const elapsedSeconds = (performance.now() - startedAt) / 1000;
        const errors = result.errors - result.timeouts;
        resolve({
          responses,
          statusCounts,
          failures: responses - ok + result.errors,
          errors,
          timeouts: result.timeouts,
          elapsedSeconds,
          okPerSecond: ok / elapsedSeconds,
          latency: summarize(latencies),
          latenciesMs: latencies,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      responses++;
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode === 200) {
        ok++;
        latencies.push(responseTime);
      }
    });
  });
}

/**
 * Several runs of one request pooled as one: status counts and failures added, the answers per
 * second over their whole time, every latency together (for runs taken in turns with others).
 */
export function poolLoads(runs: readonly LoadResult[]): LoadResult {
  const statusCounts: Record<string, number> = {};
  for (const run of runs) for (const [code, n] of Object.entries(run.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + n;
  const elapsedSeconds = runs.reduce((sum, r) => sum + r.elapsedSeconds, 0);
  const latenciesMs = runs.flatMap((r) => r.latenciesMs);
  return {
    responses: runs.reduce((sum, r) => sum + r.responses, 0),
    statusCounts,
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    timeouts: runs.reduce((sum, r) => sum + r.timeouts, 0),
    elapsedSeconds,
    okPerSecond: elapsedSeconds > 0 ? runs.reduce((sum, r) => sum + r.okPerSecond * r.elapsedSeconds, 0) / elapsedSeconds : 0,
    latency: summarize(latenciesMs),
    latenciesMs,
  };
}
