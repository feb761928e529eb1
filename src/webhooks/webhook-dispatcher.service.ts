import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { nextAttemptAfterFailure } from './webhook-retry';
import { SendResult, WebhookSender } from './webhook-sender';
import { signWebhook } from './webhook-signature';
import { ClaimedDelivery, WebhooksRepository } from './webhooks.repository';

/** How many deliveries one worker process has in flight at once. */
export const DISPATCH_CONCURRENCY = 64;
/** How often the dispatcher looks for due deliveries. */
const POLL_MS = 250;
/** A claimed delivery whose outcome is not recorded by then (its worker died) is due again. */
export const DELIVERY_LEASE_MS = 60_000;

/**
 * Sends `webhook_deliveries` (worker side). It polls for due rows and claims them with a lease
 * in a short transaction, then posts without holding any transaction or lock, then records the
 * try (only if the lease is still its own). Nothing here touches Redis: a Redis outage delays no
 * webhook, and a database outage only pauses the dispatcher until it is back.
 * Several workers dispatch side by side (SKIP LOCKED); a worker killed mid-flight leaves its
 * rows to be sent again when their lease lapses (at least once, same `webhook-id`).
 */
@Injectable()
export class WebhookDispatcherService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly sender: WebhookSender;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.sender = new WebhookSender(config.nodeEnv === 'production');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  /** Claims due deliveries now (or right after the pass in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pump().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Waits until nothing is in flight (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.running || this.inFlight.size > 0) {
      await this.running;
      await Promise.all([...this.inFlight]);
    }
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        const room = DISPATCH_CONCURRENCY - this.inFlight.size;
        if (room <= 0) return;
        const claimed = await this.repository.claimDue(this.clock.now(), room, DELIVERY_LEASE_MS);
        const backlog = claimed.length === room;
        for (const delivery of claimed) {
          const flight: Promise<void> = this.deliver(delivery).finally(() => {
            this.inFlight.delete(flight);
            // a full claim means a backlog: refill the freed slot at once rather than at the next tick
            if (backlog) this.kick();
          });
          this.inFlight.add(flight);
        }
        if (!backlog) break;
      }
      if (this.failing) this.logger.log('webhook dispatcher recovered');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`webhook dispatcher paused: ${(error as Error).message}`);
      this.failing = true;
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    let result: SendResult;
    try {
      const headers = signWebhook(delivery.secret, delivery.message_id, this.clock.now(), delivery.payload);
      result = await this.sender.send(delivery.url, { ...headers }, delivery.payload);
    } catch (error) {
      result = { ok: false, statusCode: null, error: `not sent: ${(error as Error).message}`.slice(0, 500), responseExcerpt: null };
    }
    const now = this.clock.now();
    const retryAt = result.ok ? null : nextAttemptAfterFailure(delivery.round_started_at, delivery.round_attempts, now);
    try {
      await this.repository.record(delivery, result, result.ok, retryAt, now);
    } catch (error) {
      // not recorded: the lease lapses and the delivery is sent again (at least once)
      this.logger.warn(`webhook delivery ${delivery.id}: outcome not recorded: ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await Promise.all([...this.inFlight]);
    this.sender.close();
  }
}
