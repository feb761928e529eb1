import { Queue } from 'bullmq';
import { JobHandlerRegistry } from '../src/queue/job-handler.registry';
import { bullConnection } from '../src/queue/queue-connection';
import { QueueService } from '../src/queue/queue.service';
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
});
