import { Queue } from 'bullmq';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MailTransport } from '../src/notifications/mail/mail-transport';
import { JobHandlerRegistry } from '../src/queue/job-handler.registry';
import { bullConnection } from '../src/queue/queue-connection';
import { QueueService } from '../src/queue/queue.service';
import { BUSY_REQUESTS, RequestLoad } from '../src/queue/request-load';
import { RedisService } from '../src/redis/redis.service';
import { waitFor } from './support/services';
import { SmtpSink } from './support/smtp-sink';
import { createTestApp } from './support/test-app';

describe('queue worker', () => {
  it('finishes the job in flight when shut down, and drops nothing', async () => {
    const t = await createTestApp({ env: { APP_ROLE: 'worker' } });
    const registry = t.app.get(JobHandlerRegistry);
    const events: string[] = [];
    let started!: () => void;
    const startedPromise = new Promise<void>((resolve) => (started = resolve));
    const original = registry.get.bind(registry);
    // system.ping becomes a slow job; the other jobs (reminder scans...) run as usual
    jest.spyOn(registry, 'get').mockImplementation((name: string) =>
      name === 'system.ping'
        ? async () => {
            events.push('start');
            started();
            await new Promise((r) => setTimeout(r, 1500));
            events.push('end');
          }
        : original(name),
    );

    await t.app.get(QueueService).add('system.ping', { sentAt: new Date().toISOString() }, { jobId: 'slow-1' });
    await startedPromise;
    await t.close(); // what SIGTERM triggers through enableShutdownHooks
    expect(events).toEqual(['start', 'end']);

    const queue = new Queue('system', { connection: bullConnection(t.config.redisUrl), prefix: t.config.redisPrefix });
    try {
      expect(await (await queue.getJob('slow-1'))?.getState()).toBe('completed');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('lets the jobs in flight at shutdown use the queues, Redis and the SMTP pool to the end: they close after the jobs', async () => {
    const sink = new SmtpSink();
    await sink.start();
    const t = await createTestApp({ env: { APP_ROLE: 'worker', SMTP_URL: sink.url } });
    let closing: Promise<void> | null = null;
    try {
      const registry = t.app.get(JobHandlerRegistry);
      const original = registry.get.bind(registry);
      const outcomes: Record<string, unknown> = {};
      let started!: () => void;
      const startedPromise = new Promise<void>((resolve) => (started = resolve));
      // a job like an email batch: still at work when the stop comes, then it needs the shared connections
      jest.spyOn(registry, 'get').mockImplementation((name: string) =>
        name === 'system.ping'
          ? async () => {
              started();
              await new Promise((r) => setTimeout(r, 1000));
              const settle = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'ok', (error: Error) => error.message);
              outcomes.enqueue = await settle(t.app.get(QueueService).add('system.ping', { sentAt: new Date().toISOString() }, { jobId: 'enqueued-while-stopping' }));
              outcomes.redis = await t.app.get(RedisService).ping(1000);
              outcomes.mail = await settle(
                t.app.get(MailTransport).send({ to: 'late@guichet.test', subject: 'sent while stopping', html: '<p>late</p>', text: 'late', messageId: '<late@guichet.test>', emailId: 'late', attempt: 1 }),
              );
            }
          : original(name),
      );
      await t.app.get(QueueService).add('system.ping', { sentAt: new Date().toISOString() }, { jobId: 'slow-2' });
      await startedPromise;
      closing = t.close();
      await closing;
      expect(outcomes).toEqual({ enqueue: 'ok', redis: true, mail: 'ok' });
      expect(sink.to('late@guichet.test')).toHaveLength(1);
      // and nothing reopens a queue once they are closed
      expect(() => t.app.get(QueueService).queue('emails')).toThrow(/shutting down/);
    } finally {
      await (closing ?? t.close()).catch(() => undefined);
      const queue = new Queue('system', { connection: bullConnection(t.config.redisUrl), prefix: t.config.redisPrefix });
      await queue.obliterate({ force: true });
      await queue.close();
      await sink.stop();
    }
  });

  it('runs jobs when started as the worker only', async () => {
    const t = await createTestApp({ env: { APP_ROLE: 'worker' } });
    try {
      const queue = t.app.get(QueueService).queue('system');
      const job = await queue.add('system.ping', { sentAt: new Date().toISOString() });
      await expect(
        new Promise((resolve, reject) => {
          const poll = setInterval(async () => {
            const state = await job.getState().catch(reject);
            if (state === 'completed') {
              clearInterval(poll);
              resolve(state);
            }
          }, 50);
        }),
      ).resolves.toBe('completed');
      // the worker role serves no HTTP routes
      await t.http.get('/api/v1/me').expect(404);
    } finally {
      await t.close();
    }
  });

  it('gives way to requests in flight when it shares the process with HTTP (APP_ROLE=all): a job waits while it is busy and runs once they end', async () => {
    const t = await createTestApp({ env: { APP_ROLE: 'all' } });
    try {
      const registry = t.app.get(JobHandlerRegistry);
      const ran: string[] = [];
      const original = registry.get.bind(registry);
      jest.spyOn(registry, 'get').mockImplementation((name: string) => (name === 'system.ping' ? async () => void ran.push('ping') : original(name)));
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      // requests whose bodies never finish arriving: in flight until the client cuts them
      const held = Array.from({ length: BUSY_REQUESTS }, () => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'content-length': '100' } });
        req.on('error', () => undefined);
        req.write('{');
        return req;
      });
      const load = t.app.get(RequestLoad);
      await waitFor(async () => load.busy(), 10_000);

      const job = await t.app.get(QueueService).queue('system').add('system.ping', { sentAt: new Date().toISOString() });
      await waitFor(async () => (await job.getState()) === 'active', 10_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(ran).toEqual([]);
      expect(await job.getState()).toBe('active');

      for (const req of held) req.destroy();
      await waitFor(async () => (await job.getState()) === 'completed', 10_000);
      expect(ran).toEqual(['ping']);
      expect(load.busy()).toBe(false);
    } finally {
      await t.close();
    }
  });
});

