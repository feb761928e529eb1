import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { RateLimitedException } from '../common/http/rate-limited.exception';
import { RedisService } from './redis.service';

/** One counter: at most `max` takes per fixed window of `windowSeconds`. */
export interface Limit {
  bucket: string;
  max: number;
  windowSeconds: number;
}

/**
 * What to do when Redis cannot be asked. `open`: let the request through and log it (login:
 * refusing every sign-in during a Redis outage would turn it into a lock-out). `closed`: 503
 * naming Redis (exports and anything that sends email: an outage must not lift their limits).
 */
export type WhenRedisIsDown = 'open' | 'closed';

/**
 * Checks every counter and, only when none is at its limit, adds one to each, in one atomic step:
 * concurrent requests cannot all read "under the limit" before any of them counts. Answers the
 * milliseconds to wait (the longest remaining window among the full counters), 0 when taken.
 */
const TAKE_SCRIPT = `
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) * 1000 end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[2 * i], 'NX')
end
return 0`;

/** Takes one back (a counted attempt that turned out not to be a failure), never below zero. */
const RELEASE_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

/** Fixed-window counters in Redis, so a limit holds across every API process. */
@Injectable()
export class RateLimiterService {
  private readonly logger = new Logger(RateLimiterService.name);

  constructor(private readonly redis: RedisService) {}

  /** Counts one request against every limit, or throws 429 (with Retry-After) when one is full; see WhenRedisIsDown. */
  async take(limits: Limit[], whenDown: WhenRedisIsDown, message: string): Promise<void> {
    let waitMs: number;
    try {
      waitMs = Number(
        await this.redis.client.eval(
          TAKE_SCRIPT,
          limits.length,
          ...limits.map((l) => this.redis.key('rl', l.bucket)),
          ...limits.flatMap((l) => [String(l.max), String(l.windowSeconds)]),
        ),
      );
    } catch (error) {
      if (whenDown === 'closed') {
        this.logger.warn(`rate limit unavailable, request refused: ${(error as Error).message}`);
        throw new ServiceUnavailableException('Redis is unavailable, so this action cannot be rate-limited; try again shortly');
      }
      this.logger.warn(`rate limit check skipped: ${(error as Error).message}`);
      return;
    }
    if (waitMs > 0) throw new RateLimitedException(message, Math.ceil(waitMs / 1000));
  }

  /** Gives back one take of `bucket` (best effort). */
  async release(bucket: string): Promise<void> {
    await this.redis.client.eval(RELEASE_SCRIPT, 1, this.redis.key('rl', bucket)).catch(() => undefined);
  }

  async reset(bucket: string): Promise<void> {
    await this.redis.client.del(this.redis.key('rl', bucket)).catch(() => undefined);
  }

  /**
   * Counts one more request in a fixed window and refuses it (429 with `Retry-After`, the
   * seconds left in the window) once more than `max` were counted. Fails closed (503) while Redis is away.
   */
  async enforce(bucket: string, max: number, windowSeconds: number, message: string): Promise<void> {
    const key = this.redis.key('rl', bucket);
    let count: number;
    let ttl: number;
    try {
      const replies = (await this.redis.client.multi().incr(key).expire(key, windowSeconds, 'NX').ttl(key).exec()) as [Error | null, number][];
      count = replies[0][1];
      ttl = replies[2][1];
    } catch (error) {
      // every caller sends email (verification, reset, invitation): an outage must not lift the limit
      this.logger.warn(`rate limit unavailable, request refused: ${(error as Error).message}`);
      throw new ServiceUnavailableException('Redis is unavailable, so this action cannot be rate-limited; try again shortly');
    }
    if (count > max) throw new RateLimitedException(message, ttl > 0 ? ttl : windowSeconds);
  }
}
