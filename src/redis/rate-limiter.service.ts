import { Injectable, Logger } from '@nestjs/common';
import { RateLimitedException } from '../common/http/rate-limited.exception';
import { RedisService } from './redis.service';

/**
 * Fixed-window counters in Redis, so a limit holds across every API process.
 * When Redis is unreachable the limiter fails open (the request goes on) and says so in the
 * log: refusing every login because Redis is down would turn an outage into a lock-out.
 */
@Injectable()
export class RateLimiterService {
  private readonly logger = new Logger(RateLimiterService.name);

  constructor(private readonly redis: RedisService) {}

  /** Current count in the window, or 0 when unknown. */
  async count(bucket: string): Promise<number> {
    try {
      const value = await this.redis.client.get(this.redis.key('rl', bucket));
      return value === null ? 0 : Number(value);
    } catch (error) {
      this.logger.warn(`rate limit check skipped: ${(error as Error).message}`);
      return 0;
    }
  }

  /** Adds one to the window's counter and returns the new count (0 when Redis is away). */
  async hit(bucket: string, windowSeconds: number): Promise<number> {
    const key = this.redis.key('rl', bucket);
    try {
      const [[, count]] = (await this.redis.client.multi().incr(key).expire(key, windowSeconds, 'NX').exec()) as [[Error | null, number]];
      return count;
    } catch (error) {
      this.logger.warn(`rate limit not recorded: ${(error as Error).message}`);
      return 0;
    }
  }

  async reset(bucket: string): Promise<void> {
    await this.redis.client.del(this.redis.key('rl', bucket)).catch(() => undefined);
  }

  /**
   * Counts one more request in a fixed window and refuses it (429 with `Retry-After`, the
   * seconds left in the window) once more than `max` were counted. Fails open like `hit`.
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
      this.logger.warn(`rate limit not recorded: ${(error as Error).message}`);
      return;
    }
    if (count > max) throw new RateLimitedException(message, ttl > 0 ? ttl : windowSeconds);
  }
}
