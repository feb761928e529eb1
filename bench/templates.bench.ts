/**
 * Email rendering throughput: complete `application-received` emails (subject, HTML body in the
 * layout, text body in the layout, French and English alternately) rendered per second on one
 * core by the precompiled `TemplateRenderer`; as the raw limit, a bare `Handlebars.compile` of a
 * one-line template rendered in a loop (what any Handlebars render costs at the very least).
 * Also reports how long loading and compiling every template takes (done once, at boot).
 *
 * Rates are per second of this process's CPU time (what one core can do, even on a busy
 * machine, where wall-clock rates drop with the load average); the wall-clock rate is in the note.
 *
 * Run alone: `npx tsc --outDir /tmp/guichet-bench --rootDir . --module commonjs --target es2023 --types node bench/templates.bench.ts && node /tmp/guichet-bench/bench/templates.bench.js`
 */

import { loadavg } from 'node:os';
import Handlebars from 'handlebars';
import type { BenchSection } from './bench-result';
import { TEMPLATE_LOCALES, TEMPLATE_NAMES, type TemplateLocale } from '../src/notifications/templates/template-contexts';
import { DEFAULT_TEMPLATES_DIR, TemplateRenderer } from '../src/notifications/templates/template-renderer';
import { TEMPLATE_SAMPLES } from '../src/notifications/templates/template-samples';

const BATCH = 200;

function loadAverage(): string {
  return loadavg()[0].toFixed(1);
}

interface Timing {
  warmUpMs: number;
  measureMs: number;
}

interface Rate {
  /** renders per second of CPU time: one core's capacity, whatever else the machine is doing */
  rate: number;
  /** renders per second of wall-clock time (lower when other processes compete for the CPU) */
  wallRate: number;
  count: number;
  elapsedMs: number;
}

/** Runs `runBatch` (BATCH renders) for `measureMs` after `warmUpMs`. */
function perSecond(timing: Timing, runBatch: () => void): Rate {
  const warmUpEnd = performance.now() + timing.warmUpMs;
  while (performance.now() < warmUpEnd) runBatch();
  let count = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let elapsedMs = 0;
  while (elapsedMs < timing.measureMs) {
    runBatch();
    count += BATCH;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    rate: Math.round((count / cpuMs) * 1000),
    wallRate: Math.round((count / elapsedMs) * 1000),
    count,
    elapsedMs,
  };
}

export async function benchTemplates(options: { smoke?: boolean } = {}): Promise<BenchSection> {
  const timing: Timing = options.smoke ? { warmUpMs: 100, measureMs: 300 } : { warmUpMs: 500, measureMs: 2000 };

  // loading: read + compile every template, layout and partial (median of a few loads)
  const loadTimes: number[] = [];
  let renderer: TemplateRenderer | undefined;
  for (let i = 0; i < (options.smoke ? 3 : 7); i++) {
    const started = performance.now();
    renderer = TemplateRenderer.load(DEFAULT_TEMPLATES_DIR);
    loadTimes.push(performance.now() - started);
  }
  loadTimes.sort((a, b) => a - b);
  const loadMs = Math.round(loadTimes[Math.floor(loadTimes.length / 2)] * 10) / 10;
  if (renderer === undefined) throw new Error('templates benchmark: no renderer');
  const loaded = renderer;

  // the product: full application-received emails, both locales
  const contexts = TEMPLATE_LOCALES.map((locale: TemplateLocale) => ({
    ...TEMPLATE_SAMPLES['application-received'],
    locale,
  }));
  let bytes = 0;
  const product = perSecond(timing, () => {
    for (let i = 0; i < BATCH; i++) {
      const email = loaded.render('application-received', contexts[i & 1]);
      bytes += email.html.length + email.text.length + email.subject.length;
    }
  });

  // every template, both locales, in turn (what a mixed notification queue looks like)
  const mix = TEMPLATE_NAMES.flatMap((name) =>
    TEMPLATE_LOCALES.map((locale) => [name, { ...TEMPLATE_SAMPLES[name], locale }] as const),
  );
  let next = 0;
  const mixed = perSecond(timing, () => {
    for (let i = 0; i < BATCH; i++) {
      const [name, context] = mix[next++ % mix.length];
      bytes += loaded.render(name, context as never).html.length;
    }
  });

  // raw: a bare Handlebars render of a one-line template
  const bare = Handlebars.compile<{ recipientName: string; reference: string; startupName: string }>(
    '<p>Bonjour {{recipientName}}, la candidature {{reference}} de {{startupName}} est bien reçue.</p>',
  );
  const bareContext = {
    recipientName: 'Camille Martin',
    reference: 'GU-2026-000123',
    startupName: 'CardioSense',
  };
  const raw = perSecond(timing, () => {
    for (let i = 0; i < BATCH; i++) bytes += bare(bareContext).length;
  });

  if (bytes === 0) throw new Error('templates benchmark: nothing was rendered');
  const sample = loaded.render('application-received', contexts[0]);

  return {
    title: 'Email templates',
    figures: [
      {
        name: 'application-received emails rendered per second (1 core)',
        value: product.rate,
        unit: 'renders/s',
        raw: raw.rate,
        target: '>= 5000',
        note:
          `${product.count} complete emails (subject + HTML in the layout + text in the layout, fr/en alternately) ` +
          `in ${(product.elapsedMs / 1000).toFixed(2)} s after a ${timing.warmUpMs} ms warm-up, one thread, ` +
          `Node ${process.version}; per CPU second (wall clock: ${product.wallRate}/s, ` +
          `load average ${loadAverage()}); raw = a bare Handlebars.compile of a one-line template rendered in a loop`,
      },
      {
        name: `all ${TEMPLATE_NAMES.length} templates × ${TEMPLATE_LOCALES.length} locales in turn, rendered per second`,
        value: mixed.rate,
        unit: 'renders/s',
        raw: raw.rate,
        note: `the sample contexts of template-samples.ts, one after the other; per CPU second (wall clock: ${mixed.wallRate}/s)`,
      },
      {
        name: 'load and compile every template (boot)',
        value: loadMs,
        unit: 'ms',
        better: 'lower',
        note: `median of ${loadTimes.length} TemplateRenderer.load() calls (${TEMPLATE_NAMES.length * TEMPLATE_LOCALES.length * 3} templates, layouts and partials, read and compiled)`,
      },
    ],
    details:
      `Sample application-received email (fr): subject ${sample.subject.length} characters, ` +
      `HTML ${sample.html.length} characters, text ${sample.text.length} characters.`,
  };
}

if (require.main === module) {
  benchTemplates().then(
    (section) => {
      for (const figure of section.figures) {
        console.log(
          `${figure.name}: ${figure.value} ${figure.unit}` +
            (figure.raw === undefined ? '' : ` (raw ${figure.raw})`) +
            ` (target ${figure.target ?? '-'})`,
        );
        if (figure.note !== undefined) console.log(`  ${figure.note}`);
      }
      if (section.details !== undefined) console.log(`\n${section.details}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
