/**
 * Routing throughput: full `recommend` evaluations (all six default programmes, ranked and
 * explained) per second on one core, over a realistic mix of generated founder profiles.
 *
 * Run alone: `npm run build` does not compile bench/ for production, so e.g.
 * `npx tsc --outDir /tmp/guichet-bench --rootDir . --module commonjs --target es2023 --types node bench/routing.bench.ts && node /tmp/guichet-bench/bench/routing.bench.js`
 */

import type { BenchSection } from './bench-result';
import { STAGE_WEIGHTS, TRL_BY_STAGE } from '../src/seed/demo-profiles';
import { pick, prng, someOf, weighted } from '../src/seed/random';
import {
  AFFILIATIONS,
  type AcademicAffiliation,
  type ApplicationProfile,
  DOMAINS,
  type Domain,
  NEEDS,
  type Need,
  type ProfileInput,
  type Stage,
} from '../src/routing/application-profile';
import { DEFAULT_CATALOGUE } from '../src/routing/default-catalogue';
import { subtractMonths } from '../src/routing/iso-date';
import type { Locale } from '../src/routing/rule-language';
import { recommend } from '../src/routing/routing-engine';

const TODAY = '2026-03-16';
const PROFILE_COUNT = 1000;
const WARM_UP_MS = 500;
const MEASURE_MS = 2000;
const BATCH = 1000;


/** A realistic mix: mostly early academic projects and young startups, a few drafts. */
export function generateProfiles(count: number, seed = 20260316): ProfileInput[] {
  const random = prng(seed);
  const profiles: ProfileInput[] = [];
  for (let i = 0; i < count; i++) {
    const stage = weighted<Stage>(random, STAGE_WEIGHTS);
    const [trlMin, trlMax] = TRL_BY_STAGE[stage];
    const trl = trlMin + Math.floor(random() * (trlMax - trlMin + 1));
    const incorporated = random() < (stage === 'idea' ? 0.1 : stage === 'proof_of_concept' ? 0.35 : 0.85);
    const academicAffiliation: AcademicAffiliation =
      random() < 0.45 ? pick(random, AFFILIATIONS.filter((a) => a !== 'none')) : 'none';
    const domains: Domain[] = random() < 0.1 ? ['other'] : someOf(random, DOMAINS, 1, 3);
    const needs: Need[] = someOf(random, NEEDS, 1, 4);
    const profile: ApplicationProfile = {
      startupName: `Startup ${i}`,
      projectSummary: 'A digital-health project generated for the routing benchmark, long enough to be realistic.',
      stage,
      trl,
      domains,
      needs,
      incorporated,
      incorporationDate: incorporated ? subtractMonths(TODAY, Math.floor(random() * 96)) : null,
      academicAffiliation,
      lookingForCofounder: random() < 0.3,
      teamSize: 1 + Math.floor(random() * 20),
      fundingSoughtEur: random() < 0.7 ? Math.round(random() * 2_000_000) : null,
    };
    if (random() < 0.05) {
      // a draft being routed before submission: some fields still missing
      const { trl: _trl, needs: _needs, ...draft } = profile;
      profiles.push(draft);
    } else {
      profiles.push(profile);
    }
  }
  return profiles;
}

export async function benchRouting(): Promise<BenchSection> {
  const profiles = generateProfiles(PROFILE_COUNT);
  const locales: Locale[] = profiles.map((_, index) => (index % 3 === 2 ? 'en' : 'fr'));
  const programmes = DEFAULT_CATALOGUE;
  let sink = 0;

  const runBatch = (offset: number): void => {
    for (let i = 0; i < BATCH; i++) {
      const index = (offset + i) % PROFILE_COUNT;
      const result = recommend(programmes, profiles[index], { today: TODAY, locale: locales[index] });
      sink += result.eligible.length + result.ineligible.length;
    }
  };

  const warmUpEnd = performance.now() + WARM_UP_MS;
  let offset = 0;
  while (performance.now() < warmUpEnd) {
    runBatch(offset);
    offset += BATCH;
  }

  let evaluations = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < MEASURE_MS) {
    runBatch(offset);
    offset += BATCH;
    evaluations += BATCH;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const perSecond = Math.round((evaluations / elapsedMs) * 1000);
  if (sink !== (offset / BATCH) * BATCH * programmes.length) {
    throw new Error('routing benchmark: a programme went missing from a result');
  }

  // what the mix looks like, so the figure can be judged
  const top = new Map<string, number>();
  let eligibleTotal = 0;
  for (const profile of profiles) {
    const result = recommend(programmes, profile, { today: TODAY, locale: 'en' });
    eligibleTotal += result.eligible.length;
    const first = result.eligible[0]?.programme ?? '(none)';
    top.set(first, (top.get(first) ?? 0) + 1);
  }
  const rows = [...top.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([slug, n]) => `| ${slug} | ${n} |`);

  return {
    title: 'Routing engine',
    figures: [
      {
        name: 'routing evaluations per second (1 core)',
        value: perSecond,
        unit: 'eval/s',
        target: '>= 50000',
        note:
          `${evaluations} full recommend() calls (6 programmes each, ranked and explained) over ${PROFILE_COUNT} ` +
          `generated profiles in ${(elapsedMs / 1000).toFixed(2)} s after a ${WARM_UP_MS} ms warm-up, ` +
          `one thread, Node ${process.version}`,
      },
    ],
    details: [
      `Profile mix: ${PROFILE_COUNT} seeded profiles, ${(eligibleTotal / PROFILE_COUNT).toFixed(2)} eligible programmes on average.`,
      '',
      '| top-ranked programme | profiles |',
      '| --- | --- |',
      ...rows,
    ].join('\n'),
  };
}

if (require.main === module) {
  benchRouting().then(
    (section) => {
      for (const figure of section.figures) {
        console.log(`${figure.name}: ${figure.value} ${figure.unit} (target ${figure.target ?? '-'})`);
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
