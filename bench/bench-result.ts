/** One measured figure in the benchmark report (reports/bench.md, reports/bench.json). */
export interface BenchFigure {
  /** what was measured, e.g. "routing evaluations per second (1 core)" */
  name: string;
  /** the product's number */
  value: number;
  unit: string;
  /** the target from the issue, as text, e.g. ">= 50000" */
  target?: string;
  /** the raw limit measured in the same run, when there is one (same SQL through pg, bare render...) */
  raw?: number;
  /** free text: how it was measured, why a target was missed */
  note?: string;
}

export interface BenchSection {
  title: string;
  figures: BenchFigure[];
  /** extra markdown (tables, explain plans) appended under the section */
  details?: string;
}
