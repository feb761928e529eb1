import { barChartSvg, barWidth, CHART_WIDTH, escapeXml, LABEL_WIDTH, PADDING, VALUE_WIDTH } from './funnel-chart';

const bars = [
  { label: 'Déposés', value: 10 },
  { label: 'En examen', value: 5 },
  { label: 'Acceptés', value: 0 },
];

describe('barChartSvg', () => {
  it('is an image named by its title and described by its desc, with every figure in words', () => {
    const svg = barChartSvg({ id: 'funnel', title: 'Entonnoir', description: 'Du 1er au 31 mars.', bars });
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('aria-labelledby="funnel-title funnel-desc"');
    expect(svg).toContain('<title id="funnel-title">Entonnoir</title>');
    expect(svg).toContain('<desc id="funnel-desc">Du 1er au 31 mars. Déposés: 10; En examen: 5; Acceptés: 0.</desc>');
  });

  it('draws one bar per entry, proportional to the largest, and writes each value', () => {
    const svg = barChartSvg({ id: 'f', title: 't', description: 'd', bars });
    const widths = [...svg.matchAll(/<rect [^>]*width="(\d+)"/g)].map((m) => Number(m[1]));
    const available = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * PADDING;
    expect(widths).toEqual([available, Math.round(available / 2), 0]);
    const values = [...svg.matchAll(/<text class="chart__value"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(values).toEqual(['10', '5', '0']);
    expect(svg.match(/<text class="chart__label"[^>]*>([^<]*)<\/text>/g)).toHaveLength(3);
  });

  it('formats values in the page language', () => {
    const svg = barChartSvg({ id: 'f', title: 't', description: 'd', bars: [{ label: 'a', value: 1234 }], formatValue: (v) => v.toLocaleString('fr-FR') });
    expect(svg).toContain('>1\u202f234</text>');
  });

  it('escapes labels and texts: no markup can be injected through a label', () => {
    const svg = barChartSvg({ id: 'x" onload="y', title: '<script>', description: 'a & b', bars: [{ label: '</text><script>alert(1)</script>', value: 1 }] });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;');
    expect(svg).toContain('id="x--onload--y-title"');
    expect(escapeXml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });

  it('draws nothing out of bounds when every value is zero or there is no bar', () => {
    expect(barWidth(0, 0, 100)).toBe(0);
    expect(barWidth(1, 1000, 100)).toBe(2);
    expect(barWidth(Number.NaN, 10, 100)).toBe(0);
    const empty = barChartSvg({ id: 'e', title: 't', description: 'Nothing.', bars: [] });
    expect(empty).toContain('viewBox="0 0 640 16"');
    expect(empty).toContain('<desc id="e-desc">Nothing.</desc>');
  });
});
