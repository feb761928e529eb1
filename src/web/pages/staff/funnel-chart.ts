/**
 * The funnel report's chart as server-rendered SVG (no script, no library, nothing from another
 * origin; the page's CSP allows it as it is). Pure: no Nest import. Accessible: `role="img"`
 * named by its <title> and described by its <desc>, which says every figure in words; the page
 * shows the same figures in a table as well. Colours come from classes of the stylesheet (the
 * CSP refuses inline styles), sizes from attributes.
 */

export interface ChartBar {
  label: string;
  value: number;
}

export interface BarChartInput {
  /** unique on the page: ids of the title and description derive from it */
  id: string;
  title: string;
  /** a sentence before the figures, e.g. "Moves into each status from 1 to 31 March 2027" */
  description: string;
  bars: readonly ChartBar[];
  /** how a value is written (the page's locale) */
  formatValue?: (value: number) => string;
}

export const CHART_WIDTH = 640;
export const LABEL_WIDTH = 200;
export const VALUE_WIDTH = 70;
export const BAR_HEIGHT = 24;
export const BAR_GAP = 12;
export const PADDING = 8;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** Width of a bar: proportional to the largest value, at least 2 px when the value is not 0. */
export function barWidth(value: number, max: number, available: number): number {
  if (!(value > 0) || !(max > 0)) return 0;
  return Math.max(2, Math.round((value / max) * available));
}

/** A horizontal bar chart: one labelled bar per entry, its value written after it. */
export function barChartSvg(input: BarChartInput): string {
  const format = input.formatValue ?? ((v: number) => String(v));
  const safeId = input.id.replace(/[^A-Za-z0-9_-]/g, '-');
  const titleId = `${safeId}-title`;
  const descId = `${safeId}-desc`;
  const max = input.bars.reduce((m, b) => Math.max(m, Number.isFinite(b.value) ? b.value : 0), 0);
  const available = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * PADDING;
  const height = 2 * PADDING + input.bars.length * (BAR_HEIGHT + BAR_GAP) - (input.bars.length > 0 ? BAR_GAP : 0);
  const figures = input.bars.map((b) => `${b.label}: ${format(b.value)}`).join('; ');
  const description = figures ? `${input.description} ${figures}.` : input.description;
  const rows = input.bars.map((bar, i) => {
    const y = PADDING + i * (BAR_HEIGHT + BAR_GAP);
    const textY = y + BAR_HEIGHT / 2;
    const width = barWidth(bar.value, max, available);
    const x = PADDING + LABEL_WIDTH;
    return (
      `<g class="chart__row">` +
      `<text class="chart__label" x="${PADDING + LABEL_WIDTH - 8}" y="${textY}" text-anchor="end" dominant-baseline="middle">${escapeXml(bar.label)}</text>` +
      `<rect class="chart__bar chart__bar--${i % 7}" x="${x}" y="${y}" width="${width}" height="${BAR_HEIGHT}"></rect>` +
      `<text class="chart__value" x="${x + width + 6}" y="${textY}" dominant-baseline="middle">${escapeXml(format(bar.value))}</text>` +
      `</g>`
    );
  });
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" aria-labelledby="${titleId} ${descId}">` +
    `<title id="${titleId}">${escapeXml(input.title)}</title>` +
    `<desc id="${descId}">${escapeXml(description)}</desc>` +
    rows.join('') +
    `</svg>`
  );
}
