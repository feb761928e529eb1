import { BUSY_REQUESTS, RequestLoad } from './request-load';

/** Whether `promise` has settled after the callbacks already due have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

function loaded(requests: number): RequestLoad {
  const load = new RequestLoad();
  for (let i = 0; i < requests; i++) load.started();
  return load;
}

describe('RequestLoad', () => {
  it('lets a job go at once while fewer than BUSY_REQUESTS requests are in flight', async () => {
    const load = loaded(BUSY_REQUESTS - 1);
    expect(load.busy()).toBe(false);
    expect(await settled(load.whenQuiet())).toBe(true);
  });

  it('holds a job while the process is busy, and lets every waiting one go when a request ends below the mark', async () => {
    const load = loaded(BUSY_REQUESTS + 1);
    const first = load.whenQuiet(60_000);
    const second = load.whenQuiet(60_000);
    expect(await settled(first)).toBe(false);
    load.ended(); // still BUSY_REQUESTS in flight
    expect(await settled(first)).toBe(false);
    load.ended();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
  });

  it('lets a job go after its longest wait, however busy the process stays', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const load = loaded(BUSY_REQUESTS * 10);
      const waiting = load.whenQuiet(30_000);
      jest.advanceTimersByTime(29_999);
      expect(await settled(waiting)).toBe(false);
      jest.advanceTimersByTime(1);
      await expect(waiting).resolves.toBeUndefined();
      // the one that went is forgotten: the request ending later wakes nobody twice
      load.ended();
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets every job go once closed (shutting down), and never holds one again', async () => {
    const load = loaded(BUSY_REQUESTS);
    const waiting = load.whenQuiet(60_000);
    load.close();
    expect(await settled(waiting)).toBe(true);
    load.started();
    expect(load.busy()).toBe(false);
    expect(await settled(load.whenQuiet(60_000))).toBe(true);
  });
});
