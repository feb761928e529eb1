/**
 * Document uploads (POST /applications/:id/documents): 10 MB files sent by 10 clients at once to
 * the running app (APP_ROLE=api, default local storage under a temporary FILES_DIR), each client
 * uploading one file after the other. Measures throughput and, above all, how much the app's
 * RSS grows while the uploads stream: the bytes must flow through (busboy → size/hash/type
 * inspector → file), never be buffered whole, so the growth per concurrent upload should stay
 * at a few MB (the inspector holds the first 256 KiB; the rest is stream buffers).
 *
 * The RSS "at rest" is read after a warm-up round (JIT, pools and allocator arenas already
 * grown), so the growth is what the concurrent uploads themselves cost.
 */
import { randomBytes } from 'node:crypto';
import type { BenchSection } from './bench-result';
import { startApp } from './support/app-process';
import { ResourceSampler } from './support/proc';
import { round, summarize } from './support/stats';

const MB = 1024 * 1024;

interface Founder {
  token: string;
  applicationId: string;
}

async function json(url: string, init: RequestInit, expected: number): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function founder(baseUrl: string, index: number): Promise<Founder> {
  const registered = await json(
    `${baseUrl}/api/v1/auth/register`,
    {
      method: 'POST',
      // each bench founder signs up from its own address (sign-ups are limited per IP; loopback proxies are trusted)
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.77.0.${index + 1}` },
      body: JSON.stringify({ email: `uploader${index}-${randomBytes(3).toString('hex')}@bench.example`, password: 'bench-password-123', fullName: `Uploader ${index}` }),
    },
    201,
  );
  const token = registered.accessToken as string;
  const draft = await json(`${baseUrl}/api/v1/applications`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ startupName: `Upload bench ${index}` }) }, 201);
  return { token, applicationId: draft.id as string };
}

async function upload(baseUrl: string, f: Founder, file: Blob): Promise<number> {
  const form = new FormData();
  form.append('kind', 'pitch_deck');
  form.append('file', file, 'deck.pdf');
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/v1/applications/${f.applicationId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${f.token}` }, body: form });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${text.slice(0, 300)}`);
  return performance.now() - started;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function benchUploads(options: { smoke: boolean; nodeBinary?: string; log?: (message: string) => void }): Promise<BenchSection> {
  const log = options.log ?? ((): void => undefined);
  const concurrency = 10;
  const sizeMb = 10;
  const rounds = options.smoke ? 3 : 10; // uploads per client after the warm-up (≤ 19: 20 documents per application)
  const app = await startApp({ role: 'api', nodeBinary: options.nodeBinary });
  try {
    log(`uploads: app pid ${app.pid} on :${app.port}; ${concurrency} founders, ${concurrency} × ${rounds} uploads of ${sizeMb} MB`);
    const founders = await Promise.all(Array.from({ length: concurrency }, (_, i) => founder(app.url, i)));
    // a valid PDF header, then random bytes (incompressible, like a real deck's images)
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(sizeMb * MB - 15)]);
    const file = new Blob([bytes], { type: 'application/pdf' });

    const restingRss = async (): Promise<number> => {
      await sleep(1500);
      const samples: number[] = [];
      for (let i = 0; i < 10; i++) {
        samples.push(app.rssBytes() ?? 0);
        await sleep(50);
      }
      return samples.reduce((a, b) => a + b, 0) / samples.length;
    };
    const cold = await restingRss();
    await Promise.all(founders.map((f) => upload(app.url, f, file))); // warm-up round
    const rest = await restingRss();

    const sampler = new ResourceSampler(app.pid, app.databaseName, 20).start();
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      founders.map(async (f) => {
        for (let i = 0; i < rounds; i++) latencies.push(await upload(app.url, f, file));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const usage = sampler.stop();
    const peak = usage.rssMaxBytes ?? rest;
    const count = concurrency * rounds;
    const lat = summarize(latencies);
    const growthPerUpload = Math.max(0, peak - rest) / concurrency / MB;
    return {
      title: 'Document uploads (HTTP multipart, running app)',
      figures: [
        {
          name: `upload throughput (${sizeMb} MB files, ${concurrency} concurrent)`,
          value: round((count * sizeMb) / seconds, 1),
          unit: 'MB/s',
          better: 'higher',
          note: `${count} uploads in ${round(seconds, 1)} s (${round(count / seconds, 1)} uploads/s); app ${usage.appCores === null ? '?' : round(usage.appCores, 2)} cores, bench client ${round(usage.benchCores, 2)} cores, PostgreSQL ${round(usage.postgresCores, 2)} cores, others ${usage.otherCores === null ? '?' : round(usage.otherCores, 2)} cores`,
        },
        { name: 'upload latency p50', value: round(lat.p50, 0), unit: 'ms', better: 'lower' },
        { name: 'upload latency p95', value: round(lat.p95, 0), unit: 'ms', better: 'lower' },
        {
          name: 'app RSS at rest (after a warm-up round)',
          value: round(rest / MB, 0),
          unit: 'MB',
          target: 'report',
          better: 'lower',
          note: `${round(cold / MB, 0)} MB before any upload: the warm-up round of ${concurrency} concurrent uploads grew it by ${round((rest - cold) / MB, 0)} MB (JIT, pools, allocator arenas, kept afterwards)`,
        },
        { name: 'app RSS during the uploads (peak)', value: round(peak / MB, 0), unit: 'MB', target: 'report', better: 'lower', note: `sampled every 20 ms (${usage.rssSamples} readings, mean ${round((usage.rssMeanBytes ?? 0) / MB, 0)} MB)` },
        {
          name: 'app RSS growth per concurrent upload',
          value: round(growthPerUpload, 1),
          unit: 'MB',
          target: '<= 5',
          better: 'lower',
          note: `(peak − rest) / ${concurrency}: a buffered upload would cost at least ${sizeMb} MB each`,
        },
      ],
    };
  } finally {
    await app.stop().catch((error: Error) => log(`uploads: ${error.message}`));
  }
}
