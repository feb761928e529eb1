import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { RedisService } from '../../redis/redis.service';

/** What a browser session holds, server-side. Never personal data beyond the user's id. */
export interface SessionData {
  /** the signed-in account, or null for a visitor who only needed a CSRF token (login, sign-up) */
  userId: string | null;
  /** the account's token version at sign-in (see the API's guard): revoking the account's tokens closes the session too */
  tokenVersion?: number;
  /** the synchronizer token every form carries */
  csrf: string;
  /** when the session was created (ms): a session older than the account's last revocation is refused */
  issuedAt: number;
  /** a one-shot message shown on the next page ("Your application was submitted") */
  flash?: { key: string; params?: Record<string, string> } | null;
}

export interface Session {
  id: string;
  data: SessionData;
}

export const SESSION_COOKIE = 'guichet_session';
/** Idle lifetime: each request that reads the session renews it. */
export const SESSION_IDLE_SECONDS = 8 * 3600;

/**
 * Server-side sessions in Redis, keyed by a random id the browser holds in an httpOnly cookie.
 * The cookie value is `<id>.<HMAC-SHA256(SESSION_SECRET, id)>`: a forged or guessed id is
 * refused before Redis is asked. Redis only stores sessions (losing it signs everyone out;
 * no business data is lost); the id is hashed in the key so a Redis dump holds no usable cookie.
 */
@Injectable()
export class WebSessionService {
  private readonly logger = new Logger('WebSession');
  private readonly secret: Buffer;
  readonly secureCookie: boolean;

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secret = Buffer.from(config.sessionSecret, 'utf8');
    this.secureCookie = config.nodeEnv === 'production';
  }

  /** The session named by a cookie value, or null (no cookie, bad signature, expired, Redis away). */
  async read(cookie: string | undefined): Promise<Session | null> {
    const id = this.unsign(cookie);
    if (id === null) return null;
    try {
      const key = this.key(id);
      // read and slide the idle expiry in one command (Redis 6.2+)
      const raw = await this.redis.client.getex(key, 'EX', SESSION_IDLE_SECONDS);
      if (raw === null) return null;
      return { id, data: JSON.parse(raw) as SessionData };
    } catch (error) {
      this.logger.warn(`session not read: ${(error as Error).message}`);
      return null;
    }
  }

  /** A new session (a new id: at sign-in the old one is destroyed, so a planted id is worthless). */
  async create(userId: string | null, now: Date, tokenVersion?: number): Promise<Session> {
    const session: Session = { id: randomBytes(24).toString('base64url'), data: { userId, tokenVersion, csrf: randomBytes(24).toString('base64url'), issuedAt: now.getTime() } };
    await this.save(session);
    return session;
  }

  async save(session: Session): Promise<void> {
    await this.redis.client.set(this.key(session.id), JSON.stringify(session.data), 'EX', SESSION_IDLE_SECONDS);
  }

  async destroy(session: Session | null): Promise<void> {
    if (session) await this.redis.client.del(this.key(session.id)).catch(() => undefined);
  }

  cookieValue(session: Session): string {
    return `${session.id}.${this.sign(session.id)}`;
  }

  private unsign(cookie: string | undefined): string | null {
    if (!cookie) return null;
    const match = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
    if (!match) return null;
    const expected = Buffer.from(this.sign(match[1]));
    const given = Buffer.from(match[2]);
    return given.length === expected.length && timingSafeEqual(given, expected) ? match[1] : null;
  }

  private sign(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest('base64url');
  }

  private key(id: string): string {
    return this.redis.key('web-session', createHmac('sha256', this.secret).update(`key:${id}`).digest('base64url'));
  }
}

/** Constant-time comparison of a posted CSRF token with the session's. */
export function csrfMatches(session: Session | null, posted: unknown): boolean {
  if (!session || typeof posted !== 'string') return false;
  const a = Buffer.from(posted);
  const b = Buffer.from(session.data.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
