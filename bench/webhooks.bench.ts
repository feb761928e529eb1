/**
 * Webhooks end to end (issue 20): N events committed at once (one transaction, written by the
 * app's own `enqueueWebhookEvent`, one subscribed webhook), then the app's worker dispatches
 * them to a receiver in this process on 127.0.0.1, which checks every signature with the
 * Standard Webhooks algorithm, counts deliveries by `webhook-id`, and answers 503 to the first
 * try of one message in ten (chosen by the id's hash). Figures: deliveries per second in the
 * first wave (from the commit to the last first try answered), the refused ones delivered by
 * their retry (10 s later, per the retry schedule, same webhook-id), lost, badly signed.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { enqueueWebhookEvent } from '../src/webhooks/webhook-outbox';
import type { BenchFigure, BenchSection } from './bench-result';
import type { AppProcess } from './support/app-process';
import { login } from './support/http';
import { ResourceSampler } from './support/proc';
import { round, summarize } from './support/stats';

export interface WebhooksBenchOptions {
  app: AppProcess;
  events: number;
  timeoutMs: number;
  log?: (message: string) => void;
}

interface Receiver {
  url: string;
  firstTries: number;
  firstAnsweredAt: number;
  refused: Set<string>;
  delivered: Map<string, number>;
  duplicates: number;
  badlySigned: number;
  requests: number;
  close: () => Promise<void>;
}

async function startReceiver(secret: string): Promise<Receiver> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const seen = new Set<string>();
  const receiver: Receiver = { url: '', firstTries: 0, firstAnsweredAt: 0, refused: new Set(), delivered: new Map(), duplicates: 0, badlySigned: 0, requests: 0, close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests++;
      const id = String(req.headers['webhook-id']);
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = `v1,${createHmac('sha256', key).update(`${id}.${String(req.headers['webhook-timestamp'])}.${body}`).digest('base64')}`;
      if (!String(req.headers['webhook-signature']).split(' ').includes(expected)) receiver.badlySigned++;
      const first = !seen.has(id);
      seen.add(id);
      if (first) {
        receiver.firstTries++;
        receiver.firstAnsweredAt = performance.now();
        // one message in ten: its first try is refused
        if (createHash('sha256').update(id).digest()[0] % 10 === 0) {
          receiver.refused.add(id);
          res.writeHead(503).end();
          return;
        }
      }
      if (receiver.delivered.has(id)) receiver.duplicates++;
      else receiver.delivered.set(id, performance.now());
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return receiver;
}

export async function benchWebhooks(opts: WebhooksBenchOptions): Promise<BenchSection> {
  const log = opts.log ?? (() => undefined);
  const { app } = opts;
  const { token } = await login(app.url, app.adminEmail, app.adminPassword);
  // register through the API with a placeholder URL, then point it at the receiver (needs the secret first)
  const create = await fetch(`${app.url}/api/v1/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/placeholder', events: ['case.status_changed'], active: false }),
  });
  if (create.status !== 201) throw new Error(`POST /webhooks answered ${create.status}: ${await create.text()}`);
  const webhook = (await create.json()) as { id: string; secret: string };
  const receiver = await startReceiver(webhook.secret);
  const patch = await fetch(`${app.url}/api/v1/webhooks/${webhook.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ url: receiver.url, active: true }),
  });
  if (patch.status !== 200) throw new Error(`PATCH /webhooks answered ${patch.status}: ${await patch.text()}`);

  const db = new Client({ connectionString: app.databaseUrl, application_name: 'guichet-bench-webhooks' });
  db.on('error', () => undefined);
  await db.connect();
  const em = { query: async (sql: string, params?: unknown[]): Promise<unknown[]> => (await db.query(sql, params)).rows } as unknown as EntityManager;
  log(`webhooks: committing ${opts.events} events in one transaction`);
  const t0 = performance.now();
  await db.query('BEGIN');
  try {
    for (let i = 0; i < opts.events; i++) {
      await enqueueWebhookEvent(em, 'case.status_changed', { applicationId: randomUUID(), reference: `GU-2026-${String(i).padStart(6, '0')}`, from: 'submitted', to: 'in_review', programme: 'poc-funding' }, new Date());
    }
    await db.query('COMMIT');
  } catch (error) {
    // a crash here must not leave a connection (and the run) hanging
    await db.end().catch(() => undefined);
    throw error;
  }
  const committedAt = performance.now();
  const sampler = new ResourceSampler(app.pid, app.databaseName).start();

  log(`webhooks: waiting for ${opts.events} deliveries (the refused tenth comes back after its 10 s retry delay)`);
  const deadline = committedAt + opts.timeoutMs;
  let firstWaveUsage: ReturnType<ResourceSampler['stop']> | null = null;
  while (receiver.delivered.size < opts.events && performance.now() < deadline) {
    if (firstWaveUsage === null && receiver.firstTries >= opts.events) firstWaveUsage = sampler.stop();
    await new Promise((r) => setTimeout(r, 20));
  }
  const usage = firstWaveUsage ?? sampler.stop();
  await new Promise((r) => setTimeout(r, 1000)); // late duplicates would show now
  const statuses = (await db.query<{ status: string; n: number; attempts: number }>(
    `SELECT status, count(*)::int AS n, sum(attempts)::int AS attempts FROM webhook_deliveries WHERE webhook_id = $1 GROUP BY 1 ORDER BY 1`,
    [webhook.id],
  )).rows;
  await db.end();
  await receiver.close();

  const firstWaveSeconds = (receiver.firstAnsweredAt - committedAt) / 1000;
  const deliveredInFirstWave = [...receiver.delivered.values()].filter((at) => at <= receiver.firstAnsweredAt).length;
  const allSeconds = (Math.max(...receiver.delivered.values(), committedAt) - committedAt) / 1000;
  const lat = summarize([...receiver.delivered.entries()].filter(([id]) => !receiver.refused.has(id)).map(([, at]) => at - committedAt));
  const lost = opts.events - receiver.delivered.size;
  const cores = (v: number | null): string => (v === null ? '?' : round(v, 2).toFixed(2));
  const figures: BenchFigure[] = [
    {
      name: 'webhook deliveries per second (first wave: commit → last first try answered)',
      value: round(receiver.firstTries / firstWaveSeconds, 0),
      unit: 'deliveries/s',
      target: '>= 300',
      better: 'higher',
      note:
        `${opts.events} case.status_changed events committed in one transaction by enqueueWebhookEvent (${round(committedAt - t0, 0)} ms), ` +
        `posted by the app's dispatcher (64 in flight) to a receiver in the bench process that checks every signature; ${receiver.firstTries} first tries in ${round(firstWaveSeconds, 2)} s, ` +
        `${deliveredInFirstWave} of them accepted (the receiver refused ${receiver.refused.size}, one in ten)`,
    },
    {
      name: 'refused first tries delivered by their retry (same webhook-id)',
      value: [...receiver.refused].filter((id) => receiver.delivered.has(id)).length,
      unit: 'count',
      target: `= ${receiver.refused.size}`,
      better: 'higher',
      note: `all ${receiver.delivered.size} delivered ${round(allSeconds, 1)} s after the commit: the first retry waits 10 s by schedule`,
    },
    { name: 'webhooks lost (never delivered)', value: lost, unit: 'count', target: '= 0', better: 'lower' },
    { name: 'webhooks badly signed', value: receiver.badlySigned, unit: 'count', target: '= 0', better: 'lower', note: `of ${receiver.requests} requests, checked with HMAC-SHA256 of "id.timestamp.body" and the secret's bytes` },
    { name: 'webhooks delivered twice', value: receiver.duplicates, unit: 'count', target: '= 0', better: 'lower', note: 'at least once is the promise; a duplicate would carry the same webhook-id' },
    { name: 'webhook latency p50 (commit → accepted, first tries)', value: round(lat.p50 / 1000, 2), unit: 's', better: 'lower' },
    { name: 'webhook latency p95 (commit → accepted, first tries)', value: round(lat.p95 / 1000, 2), unit: 's', better: 'lower' },
  ];
  const details = [
    `Delivery rows afterwards: ${statuses.map((s) => `${s.status} ${s.n} (attempts ${s.attempts})`).join(', ')}.`,
    '',
    `CPU during the first wave (${round(usage.wallSeconds, 1)} s; cores used on average): app ${cores(usage.appCores)}, PostgreSQL ${cores(usage.postgresCores)}, ` +
      `this process (receiver) ${cores(usage.benchCores)}, other processes ${cores(usage.otherCores)}. The app runs with NODE_ENV=development here: production refuses a receiver on 127.0.0.1.`,
  ].join('\n');
  return { title: 'Webhooks: outbox → dispatcher → receiver', figures, details };
}
