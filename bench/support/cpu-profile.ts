/**
 * Summarises a V8 `.cpuprofile` (written by the app child under `node --cpu-prof`): self time
 * by package (guichet's own code, each node_modules package, node internals, GC) and the
 * hottest functions, as markdown for the report.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { round } from './stats';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.includes('/dist-bench/src/') || url.includes('/dist/')) return 'guichet (src/)';
  return 'other';
}

export function summarizeCpuProfile(file: string, root: string, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  // self time per node: sum of the time deltas of the samples that landed on it
  const selfMs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      selfMs.set(profile.samples[i], (selfMs.get(profile.samples[i]) ?? 0) + delta);
    }
  }
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const where = url === '' ? '' : ` ${url.startsWith('file://') || url.startsWith('/') ? relative(root, url.replace(/^file:\/\//, '')) : url}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const busyMs = [...byPackage.entries()].filter(([k]) => k !== '(idle)').reduce((sum, [, v]) => sum + v, 0);
  const pct = (ms: number): string => `${round((ms / busyMs) * 100, 1)} %`;
  const sorted = (m: Map<string, number>): [string, number][] => [...m.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  return [
    `CPU profile of the app's main thread (\`${relative(root, file)}\`, ${round(totalMs / 1000, 1)} s of the app's life, ${round(busyMs / 1000, 1)} s busy; ` +
      'covers boot, setup, warm-up and baselines as well as the measured run). Self time:',
    '',
    '| package | self time | share of busy |',
    '| --- | ---: | ---: |',
    ...sorted(byPackage).slice(0, 12).map(([k, ms]) => `| ${k} | ${round(ms / 1000, 2)} s | ${pct(ms)} |`),
    '',
    '| hottest functions | self time | share of busy |',
    '| --- | ---: | ---: |',
    ...sorted(byFunction).slice(0, top).map(([k, ms]) => `| \`${k.replace(/\|/g, '\\|')}\` | ${round(ms / 1000, 2)} s | ${pct(ms)} |`),
  ].join('\n');
}
