/**
 * Turns the collected sections into reports/bench.md (readable) and reports/bench.json (the
 * same data, plus each figure's computed ratio and verdict) — see bench/README.md.
 */
import type { BenchFigure, BenchSection } from '../bench-result';

export interface ReportHeader {
  generatedAt: string;
  command: string;
  mode: 'smoke' | 'full';
  machine: { cores: number; cpuModel: string; memoryGiB: number; os: string; node: string; appNode?: string; postgres?: string; postgresSettings?: string; redis?: string };
  /** 1-minute load average at the start and at the end: other work on the machine skews every figure */
  loadAverage: { start: number; end: number };
  commit?: string;
  durationSeconds: number;
}

export interface EvaluatedFigure extends BenchFigure {
  better: 'higher' | 'lower';
  /** cost relative to the raw limit: value/raw when lower is better, raw/value when higher is better */
  ratio?: number;
  /** true/false against the target; null when there is no target or it cannot be judged */
  met: boolean | null;
}

export interface ReportSection {
  title: string;
  figures: EvaluatedFigure[];
  details?: string;
  /** set when the benchmark threw: the error, and the section has no figures */
  crashed?: string;
}

export interface Report extends ReportHeader {
  sections: ReportSection[];
}

function inferBetter(figure: BenchFigure): 'higher' | 'lower' {
  if (figure.better) return figure.better;
  const target = figure.target?.trim() ?? '';
  if (target.startsWith('>')) return 'higher';
  if (target.startsWith('<')) return 'lower';
  return /\/s$/.test(figure.unit) ? 'higher' : 'lower';
}

const CLAUSE = /^(ratio\s*)?(>=|<=|==|=|>|<|≥|≤)\s*(-?[\d_,.]+)/i;

/** Judges `target` ("<= 50", ">= 300", "= 0", "<= 25; ratio <= 3"); null when there is none or it is not a comparison. */
export function judge(target: string | undefined, value: number, ratio: number | undefined): boolean | null {
  if (target === undefined || target.trim() === '') return null;
  let verdict = true;
  for (const clause of target.split(';').map((c) => c.trim()).filter(Boolean)) {
    const match = CLAUSE.exec(clause);
    if (!match) return null;
    const subject = match[1] ? ratio : value;
    if (subject === undefined || !Number.isFinite(subject)) return null;
    const bound = Number(match[3].replace(/[_,]/g, ''));
    const ok =
      match[2] === '>=' || match[2] === '≥' ? subject >= bound
      : match[2] === '<=' || match[2] === '≤' ? subject <= bound
      : match[2] === '>' ? subject > bound
      : match[2] === '<' ? subject < bound
      : subject === bound;
    verdict &&= ok;
  }
  return verdict;
}

export function evaluate(figure: BenchFigure): EvaluatedFigure {
  const better = inferBetter(figure);
  let ratio: number | undefined;
  if (figure.raw !== undefined && Number.isFinite(figure.raw) && Number.isFinite(figure.value)) {
    const r = better === 'lower' ? figure.value / figure.raw : figure.raw / figure.value;
    if (Number.isFinite(r)) ratio = Math.round(r * 100) / 100;
  }
  return { ...figure, better, ratio, met: judge(figure.target, figure.value, ratio) };
}

export function evaluateSection(section: BenchSection): ReportSection {
  return { title: section.title, figures: section.figures.map(evaluate), details: section.details };
}

function num(value: number | undefined): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const judged = report.sections.flatMap((s) => s.figures.filter((f) => f.met !== null).map((f) => ({ section: s.title, figure: f })));
  const missed = judged.filter((j) => j.figure.met === false);
  const crashed = report.sections.filter((s) => s.crashed !== undefined);
  const out: string[] = [
    '# Guichet benchmark report',
    '',
    `- **date**: ${report.generatedAt}`,
    `- **machine**: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.os}`,
    `- **load average** (1 min) at start ${num(report.loadAverage.start)}, at end ${num(report.loadAverage.end)}` +
      (report.loadAverage.start > m.cores * 0.75 ? ' — **the machine was already busy with other work: figures are pessimistic**' : ''),
    `- **software**: Node ${m.node}${m.appNode && m.appNode !== m.node ? ` (the app: Node ${m.appNode})` : ''}${m.postgres ? `, PostgreSQL ${m.postgres}${m.postgresSettings ? ` (${m.postgresSettings})` : ''}` : ''}${m.redis ? `, Redis ${m.redis}` : ''}`,
    ...(report.commit ? [`- **commit**: ${report.commit}`] : []),
    `- **mode**: ${report.mode}${report.mode === 'smoke' ? ' (tiny data, short runs: checks that the benchmarks work, the numbers mean little)' : ''}`,
    `- **reproduce**: \`${report.command}\``,
    `- **run time**: ${num(report.durationSeconds)} s`,
    '',
    (judged.length === 0 ? '**Targets**: none judged in this run' : `**Targets**: ${judged.length - missed.length} of ${judged.length} met`) +
      (missed.length ? `; missed: ${missed.map((j) => `${j.figure.name} (${num(j.figure.value)} ${j.figure.unit}, target ${j.figure.target})`).join('; ')}` : '') +
      (crashed.length ? `. **Crashed**: ${crashed.map((s) => s.title).join(', ')}` : '') +
      '.',
    '',
    '*raw* is the comparable raw limit measured in the same run (named in each figure\'s note). ' +
      '*ratio* is the cost relative to raw, so 1.0 means "as good as the raw limit" and 3 means "three times worse": ' +
      'value ÷ raw for figures where lower is better (latency), raw ÷ value where higher is better (throughput). ' +
      '*met?* compares the value (or, for a `ratio` clause, the ratio) with the target from the issues.',
  ];
  for (const section of report.sections) {
    out.push('', `## ${section.title}${section.crashed !== undefined ? ' — CRASHED' : ''}`, '');
    if (section.crashed !== undefined) {
      out.push('```', section.crashed, '```');
    }
    if (section.figures.length > 0) {
      out.push('| figure | value | unit | target | raw | ratio | met? |', '| --- | ---: | --- | --- | ---: | ---: | --- |');
      for (const f of section.figures) {
        const met = f.met === null ? '–' : f.met ? 'yes' : '**NO**';
        out.push(`| ${cell(f.name)} | ${num(f.value)} | ${cell(f.unit)} | ${cell(f.target ?? '')} | ${num(f.raw)} | ${f.ratio === undefined ? '' : `${num(f.ratio)}×`} | ${met} |`);
      }
      const notes = section.figures.filter((f) => f.note);
      if (notes.length > 0) {
        out.push('');
        for (const f of notes) out.push(`- *${f.name}*: ${f.note}`);
      }
    }
    if (section.details) out.push('', section.details);
  }
  return `${out.join('\n')}\n`;
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
