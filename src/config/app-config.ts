/**
 * The whole configuration, read and validated once at boot (docs/operations.md "Environment").
 * A missing or malformed value throws a ConfigError naming the variable, so the process
 * stops before it serves anything.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type AppRole = 'all' | 'api' | 'worker';
export type NodeEnv = 'development' | 'test' | 'production';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  databaseUrl: string;
  /** the database schema to use; tests give each file its own database instead */
  redisUrl: string;
  /** prefix of every BullMQ key and rate-limit key; lets several stacks share one Redis */
  redisPrefix: string;
  smtpUrl: string | null;
  mailFrom: string;
  publicUrl: string;
  jwtSecret: string;
  jwtExpiresInSeconds: number;
  /** signs the web session cookie (HMAC); required and >= 32 characters in production */
  sessionSecret: string;
  adminEmail: string | null;
  adminPassword: string | null;
  appRole: AppRole;
  /** HTTP processes on this machine (node:cluster, one port); 1 = this process serves alone (see docs/operations.md "Processes") */
  webConcurrency: number;
  digestCron: string;
  mailDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  bodyLimit: string;
  /** how long a worker holds a job before another may take it over (BullMQ lockDuration) */
  queueLockMs: number;
  /** how long the email sender's claim on an outbox row lasts before another worker may send it (see docs/notifications.md "Emails") */
  emailLeaseMs: number;
  /** Express `trust proxy`: the proxies whose X-Forwarded-For is believed (names, addresses, CIDRs) */
  trustProxy: string[];
  /** per-account limits against email flooding through the product (see docs/accounts-and-security.md "Rate limits") */
  limits: { draftsPerDay: number; submissionsPerDay: number; messagesPerHour: number };
  /** how long a client may take to send a whole request, and its headers (408 after) */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** where document bytes go with the default (local directory) storage */
  filesDir: string;
  /** S3-compatible object storage for documents (several API machines); null: `filesDir` */
  s3: S3Config | null;
}

/** `S3_URL` = `s3://ACCESS_KEY:SECRET_KEY@host[:port]/bucket[?region=eu-west-3&tls=false]` */
export interface S3Config {
  /** `https://host[:port]`, or `http://` with `tls=false` (a MinIO on a private network) */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Values that are public (this repository, its docker-compose.yml, earlier versions): whoever
 * runs with one of them hands out admin tokens to anyone who reads the source. Refused in
 * production.
 */
export const KNOWN_PLACEHOLDERS = new Set([
  'guichet-development-secret-change-me-please',
  'change-me-to-a-long-random-secret-of-32-chars-or-more',
  'change-me-admin-password',
]);

/**
 * Without JWT_SECRET (development, test), a random key is made once per install and kept in a
 * file (`JWT_SECRET_FILE`, default `var/jwt-secret`, mode 0600), so restarts keep sessions and no
 * two installs share a key. Created exclusively: processes booting together read the same one.
 */
export function installSecret(file: string): string {
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError('JWT_SECRET_FILE', `cannot be read: ${(error as Error).message}`);
  }
  const secret = randomBytes(48).toString('base64url');
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return installSecret(file);
    throw new ConfigError('JWT_SECRET_FILE', `cannot be written: ${(error as Error).message}`);
  }
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
const IPV6 = /^[0-9a-f:.]*:[0-9a-f:.]*(\/\d{1,3})?$/i;

function trustProxy(env: Env): string[] {
  const raw = str(env, 'TRUST_PROXY', 'loopback');
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const bad = entries.find((e) => !PROXY_NAMES.has(e) && !IPV4.test(e) && !IPV6.test(e));
  if (entries.length === 0 || bad !== undefined) {
    throw new ConfigError('TRUST_PROXY', `must be a comma list of loopback, linklocal, uniquelocal, addresses or CIDR ranges, got "${bad ?? raw}"`);
  }
  return entries;
}

const DEV_SESSION_SECRET = 'guichet-development-session-secret-change-me';

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function optional(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v === '' ? null : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function url(env: Env, name: string, fallback: string | null, protocols: string[]): string | null {
  const raw = optional(env, name) ?? fallback;
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = str(env, name, fallback);
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

const CRON_FIELD = /^[\d*,/-]+$/;

/**
 * Parses `S3_URL`: `s3://ACCESS_KEY:SECRET_KEY@host[:port]/bucket[?region=…&tls=false]`
 * (key and secret percent-encoded; HTTPS unless `tls=false`; path-style addressing, which
 * MinIO, Garage, Ceph and AWS all accept).
 */
export function parseS3Url(raw: string): S3Config {
  const shape = 's3://ACCESS_KEY:SECRET_KEY@host[:port]/bucket[?region=eu-west-3&tls=false]';
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('S3_URL', `must be a URL like ${shape}`);
  }
  if (parsed.protocol !== 's3:') throw new ConfigError('S3_URL', `must start with s3:// (${shape}), got "${parsed.protocol}"`);
  if (!parsed.hostname) throw new ConfigError('S3_URL', `must name a host (${shape})`);
  if (!parsed.username || !parsed.password) throw new ConfigError('S3_URL', `must carry the access key and secret as user and password (${shape})`);
  const bucket = parsed.pathname.replace(/^\/+|\/+$/g, '');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError('S3_URL', `must end with a bucket name (3-63 lowercase letters, digits, dots or dashes), got "${bucket}"`);
  for (const key of parsed.searchParams.keys()) {
    if (key !== 'region' && key !== 'tls') throw new ConfigError('S3_URL', `knows only the parameters region and tls, got "${key}"`);
  }
  const tls = parsed.searchParams.get('tls') ?? 'true';
  if (tls !== 'true' && tls !== 'false') throw new ConfigError('S3_URL', `tls must be true or false, got "${tls}"`);
  const region = parsed.searchParams.get('region') ?? 'us-east-1';
  if (!/^[a-z0-9-]{2,32}$/.test(region)) throw new ConfigError('S3_URL', `region must be a region name like eu-west-3, got "${region}"`);
  return {
    endpoint: `${tls === 'true' ? 'https' : 'http'}://${parsed.host}`,
    region,
    bucket,
    accessKeyId: decodeURIComponent(parsed.username),
    secretAccessKey: decodeURIComponent(parsed.password),
  };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = oneOf<NodeEnv>(env, 'NODE_ENV', 'development', ['development', 'test', 'production']);

  const jwtSecret = optional(env, 'JWT_SECRET');
  if (nodeEnv !== 'development' && nodeEnv !== 'test') {
    if (jwtSecret === null) throw new ConfigError('JWT_SECRET', 'is required outside development');
    if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters outside development');
    if (KNOWN_PLACEHOLDERS.has(jwtSecret)) throw new ConfigError('JWT_SECRET', 'is a published placeholder; set a random value (e.g. `openssl rand -hex 32`)');
    const adminPassword = optional(env, 'ADMIN_PASSWORD');
    if (adminPassword !== null && KNOWN_PLACEHOLDERS.has(adminPassword)) throw new ConfigError('ADMIN_PASSWORD', 'is a published placeholder; choose a password of your own');
  } else if (jwtSecret !== null && jwtSecret.length < 16) {
    throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  }

  const sessionSecret = optional(env, 'SESSION_SECRET');
  if (nodeEnv === 'production') {
    if (sessionSecret === null) throw new ConfigError('SESSION_SECRET', 'is required in production');
    if (sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters in production');
  } else if (sessionSecret !== null && sessionSecret.length < 16) {
    throw new ConfigError('SESSION_SECRET', 'must be at least 16 characters');
  }

  const adminEmail = optional(env, 'ADMIN_EMAIL');
  const adminPassword = optional(env, 'ADMIN_PASSWORD');
  if ((adminEmail === null) !== (adminPassword === null)) {
    throw new ConfigError(adminEmail === null ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD', 'must be set together with the other one');
  }
  if (adminEmail !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail)) {
    throw new ConfigError('ADMIN_EMAIL', `must be an email address, got "${adminEmail}"`);
  }
  if (adminPassword !== null && adminPassword.length < 12) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be at least 12 characters');
  }

  const digestCron = str(env, 'DIGEST_CRON', '0 8 * * 1');
  const cronFields = digestCron.trim().split(/\s+/);
  if (cronFields.length < 5 || cronFields.length > 6 || !cronFields.every((f) => CRON_FIELD.test(f))) {
    throw new ConfigError('DIGEST_CRON', `must be a cron expression like "0 8 * * 1", got "${digestCron}"`);
  }

  const mailFrom = str(env, 'MAIL_FROM', 'Guichet <guichet@localhost>');
  if (!/@/.test(mailFrom)) throw new ConfigError('MAIL_FROM', `must contain an email address, got "${mailFrom}"`);

  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicUrl = url(env, 'PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']) as string;

  return {
    nodeEnv,
    port,
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/guichet', ['postgres:', 'postgresql:']) as string,
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']) as string,
    redisPrefix: str(env, 'REDIS_PREFIX', 'guichet'),
    smtpUrl: url(env, 'SMTP_URL', null, ['smtp:', 'smtps:']),
    mailFrom,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    jwtSecret: jwtSecret ?? installSecret(str(env, 'JWT_SECRET_FILE', 'var/jwt-secret')),
    jwtExpiresInSeconds: int(env, 'JWT_EXPIRES_IN_SECONDS', 3600, 60, 30 * 24 * 3600),
    sessionSecret: sessionSecret ?? DEV_SESSION_SECRET,
    adminEmail: adminEmail?.toLowerCase() ?? null,
    adminPassword,
    appRole: oneOf<AppRole>(env, 'APP_ROLE', 'all', ['all', 'api', 'worker']),
    webConcurrency: int(env, 'WEB_CONCURRENCY', 1, 1, 64),
    digestCron,
    mailDir: str(env, 'MAIL_DIR', 'var/mail'),
    logLevel: oneOf(env, 'LOG_LEVEL', nodeEnv === 'test' ? 'silent' : 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const),
    bodyLimit: str(env, 'BODY_LIMIT', '256kb'),
    queueLockMs: int(env, 'QUEUE_LOCK_MS', 30_000, 1000, 600_000),
    emailLeaseMs: int(env, 'EMAIL_LEASE_MS', 120_000, 1000, 3_600_000),
    trustProxy: trustProxy(env),
    limits: {
      draftsPerDay: int(env, 'DRAFTS_PER_DAY', 20, 1, 100_000),
      submissionsPerDay: int(env, 'SUBMISSIONS_PER_DAY', 10, 1, 100_000),
      messagesPerHour: int(env, 'MESSAGES_PER_HOUR', 60, 1, 100_000),
    },
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000),
    headersTimeoutMs: int(env, 'HEADERS_TIMEOUT_MS', 10_000, 1000, 3_600_000),
    filesDir: str(env, 'FILES_DIR', 'var/files'),
    s3: optional(env, 'S3_URL') === null ? null : parseS3Url(optional(env, 'S3_URL') as string),
  };
}
