import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      smtpUrl: null,
      appRole: 'all',
      webConcurrency: 1,
      digestCron: '0 8 * * 1',
      publicUrl: 'http://localhost:3000',
      nodeEnv: 'development',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ APP_ROLE: 'both' }, 'APP_ROLE'],
    [{ WEB_CONCURRENCY: '0' }, 'WEB_CONCURRENCY'],
    [{ WEB_CONCURRENCY: 'max' }, 'WEB_CONCURRENCY'],
    [{ DIGEST_CRON: 'every monday' }, 'DIGEST_CRON'],
    [{ ADMIN_EMAIL: 'admin@x.test' }, 'ADMIN_PASSWORD'],
    [{ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'long enough password' }, 'ADMIN_EMAIL'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, 'SESSION_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SESSION_SECRET: 'too-short-for-production' }, 'SESSION_SECRET'],
    [{ MAIL_FROM: 'nobody' }, 'MAIL_FROM'],
    // the published placeholders (docker-compose.yml, the old development constant) in production
    [{ NODE_ENV: 'production', JWT_SECRET: 'change-me-to-a-long-random-secret-of-32-chars-or-more' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'guichet-development-secret-change-me-please' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ADMIN_EMAIL: 'a@b.example', ADMIN_PASSWORD: 'change-me-admin-password' }, 'ADMIN_PASSWORD'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: ' , ' }, 'TRUST_PROXY'],
    [{ DRAFTS_PER_DAY: '0' }, 'DRAFTS_PER_DAY'],
    [{ S3_URL: 'https://s3.example/bucket' }, 'S3_URL'],
    [{ S3_URL: 's3://minio:9000/documents' }, 'S3_URL'],
    [{ S3_URL: 's3://key:secret@minio:9000/' }, 'S3_URL'],
    [{ S3_URL: 's3://key:secret@minio:9000/Bad_Bucket' }, 'S3_URL'],
    [{ S3_URL: 's3://key:secret@minio:9000/documents?tls=no' }, 'S3_URL'],
    [{ S3_URL: 's3://key:secret@minio:9000/documents?secure=false' }, 'S3_URL'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('accepts a production setup', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SESSION_SECRET: 'y'.repeat(40), SMTP_URL: 'smtp://mailpit:1025', PUBLIC_URL: 'https://guichet.example/' });
    expect(config.smtpUrl).toBe('smtp://mailpit:1025');
    expect(config.publicUrl).toBe('https://guichet.example');
  });

  it('trusts only loopback proxies unless told otherwise', () => {
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32), TRUST_PROXY: '172.28.0.10, 10.0.0.0/8,::1' }).trustProxy).toEqual(['172.28.0.10', '10.0.0.0/8', '::1']);
  });

  it('without JWT_SECRET, makes one random key per install and keeps it (never the old constant)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-config-'));
    const file = join(dir, 'sub', 'jwt-secret');
    const first = loadConfig({ JWT_SECRET_FILE: file }).jwtSecret;
    expect(first).toHaveLength(64);
    expect(first).not.toBe('guichet-development-secret-change-me-please');
    expect(loadConfig({ JWT_SECRET_FILE: file }).jwtSecret).toBe(first);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ JWT_SECRET_FILE: join(dir, 'other') }).jwtSecret).not.toBe(first);
  });

  it('stores documents under var/files unless S3_URL names a bucket', () => {
    expect(loadConfig({})).toMatchObject({ filesDir: 'var/files', s3: null });
    expect(loadConfig({ FILES_DIR: '/srv/guichet/files' }).filesDir).toBe('/srv/guichet/files');
    expect(loadConfig({ S3_URL: 's3://guichet:s%2Fcret@minio:9000/documents?tls=false' }).s3).toEqual({
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      bucket: 'documents',
      accessKeyId: 'guichet',
      secretAccessKey: 's/cret',
    });
    expect(loadConfig({ S3_URL: 's3://AKIA:secret@s3.eu-west-3.amazonaws.com/guichet-docs?region=eu-west-3' }).s3).toMatchObject({
      endpoint: 'https://s3.eu-west-3.amazonaws.com',
      region: 'eu-west-3',
    });
  });
});
