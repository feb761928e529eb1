/** One measured figure in the benchmark report (reports/bench.md, reports/bench.json). */
export interface BenchFigure {
  /** what was measured, e.g. "routing evaluations per second (1 core)" */
  name: string;
  /** the product's number */
  value: number;
  unit: string;
  /**
   * the target from the issue, as text, e.g. ">= 50000"; `;`-separated clauses all have to
   * hold, and a clause starting with `ratio` applies to the ratio, e.g. "<= 25; ratio <= 3"
   */
  target?: string;
  /** the raw limit measured in the same run, when there is one (same SQL through pg, bare render...) */
  raw?: number;
  /**
   * which way is good; decides how the ratio is computed (see bench/README.md). When absent it
   * is inferred: from the target's `>=`/`<=`, else `higher` for units ending in `/s`, else `lower`.
   */
  better?: 'higher' | 'lower';
  /** free text: how it was measured, why a target was missed */
  note?: string;
}

export interface BenchSection {
  title: string;
  figures: BenchFigure[];
  /** extra markdown (tables, explain plans) appended under the section */
  details?: string;
}
