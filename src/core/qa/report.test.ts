import { describe, expect, it } from 'vitest';
import { escapeHtml, formatNumber, heatmap, horizontalBars, lineChart, scaleColor } from './charts';
import { renderReportHtml, type QaReportData } from './report';
import { csvField, reportCsv } from './reportCsv';

const data: QaReportData = {
  title: 'Street scenes QA',
  generatedAt: Date.UTC(2024, 4, 1, 14, 3),
  scope: 'Version 3 · 1,240 images',
  throughput: [
    {
      annotator: '<script>alert(1)</script>',
      images: 1240,
      objects: 9876,
      hours: 31.25,
      imagesPerHour: 39.68,
    },
    { annotator: 'Bea "B" Ng', images: 310, objects: 2100, hours: 10, imagesPerHour: 31 },
  ],
  reviews: {
    reviewed: 400,
    accepted: 352,
    rejected: 48,
    rejectionRate: 0.12,
    reasons: [
      { label: 'Missing objects', count: 30 },
      { label: 'Wrong class, or attributes', count: 18 },
    ],
  },
  agreement: {
    pairs: [{ a: 'Ann', b: 'Bea', images: 50, f1: 0.912, meanIou: 0.834, kappa: 0.71 }],
    fleissKappa: 0.689,
    alpha: 0.702,
    classByAnnotator: {
      classes: ['car', 'truck', 'person'],
      annotators: ['Ann', 'Bea'],
      values: [
        [0.93, 0.88],
        [0.41, Number.NaN],
        [0.77, 0.8],
      ],
    },
  },
  gold: [{ annotator: 'Ann', images: 20, f1: 0.95, classAccuracy: 0.975 }],
  consistency: [
    { check: 'box-too-small', title: 'Boxes under 4 px', count: 17 },
    { check: 'overlap', title: 'Duplicate boxes', count: 3 },
  ],
  trends: [
    { label: 'v1', values: { 'rejection rate': 0.2, f1: 0.85 } },
    { label: 'v2', values: { 'rejection rate': 0.15, f1: 0.88 } },
    { label: 'v3', values: { 'rejection rate': 0.12 } },
  ],
  sampling: [
    { plan: 'AQL 2.5, level II, code J', sampled: 80, defects: 4, accept: 5, reject: 6, verdict: 'accepted' },
  ],
};

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe('renderReportHtml', () => {
  const html = renderReportHtml(data);

  it('escapes names so a <script> in an annotator name is text, not code', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Bea &quot;B&quot; Ng');
  });

  it('shows the exact numbers in the tables under the charts', () => {
    for (const text of [
      '1,240',
      '9,876',
      '31.3',
      '39.7',
      '12.0%',
      '0.912',
      '0.834',
      '0.689',
      '0.702',
      '97.5%',
      '17',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).toContain('Street scenes QA');
    expect(html).toContain('Version 3 · 1,240 images · generated 2024-05-01 14:03 UTC');
  });

  it('references nothing outside the file: no links, scripts, images or fonts to fetch', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/\bsrc=|@import|url\((?!#)/);
  });

  it('draws one heatmap cell per class and annotator, with values written in and a dash for no data', () => {
    expect(count(html, /<g class="cell"/g)).toBe(3 * 2);
    expect(html).toContain('data-row="truck" data-column="Bea"');
    expect(html).toMatch(/truck × Bea: no data/);
    expect(html).toMatch(/>0\.93<\/text>/);
  });

  it('draws bars for throughput, rejection reasons, gold and checks, and a line per trend metric', () => {
    expect(count(html, /<g class="bar"/g)).toBe(2 + 2 + 1 + 2);
    expect(count(html, /<path class="series"/g)).toBe(2);
    expect(html).toMatch(/<section id="sampling">[\s\S]*Accepted/);
  });

  it('leaves out sections the data does not have and says so when a list is empty', () => {
    const bare = renderReportHtml({
      ...data,
      throughput: [],
      reviews: { reviewed: 0, accepted: 0, rejected: 0, rejectionRate: Number.NaN, reasons: [] },
      agreement: undefined,
      gold: undefined,
      trends: undefined,
      sampling: undefined,
    } as QaReportData);
    expect(bare).not.toContain('id="agreement"');
    expect(bare).not.toContain('id="trends"');
    expect(bare).toContain('No annotation work in this scope.');
    expect(bare).toContain('No rejections.');
    expect(bare).not.toContain('NaN');
  });
});

describe('reportCsv', () => {
  const files = reportCsv(data);

  it('writes one file per table, the optional ones only when present', () => {
    expect(Object.keys(files).sort()).toEqual([
      'agreement-by-class.csv',
      'agreement-overall.csv',
      'agreement.csv',
      'consistency.csv',
      'gold.csv',
      'rejection-reasons.csv',
      'reviews.csv',
      'sampling.csv',
      'throughput.csv',
      'trends.csv',
    ]);
    const bare = reportCsv({
      ...data,
      agreement: undefined,
      gold: undefined,
      trends: undefined,
      sampling: undefined,
    });
    expect(Object.keys(bare)).toHaveLength(4);
  });

  it('quotes fields with commas, quotes or line breaks and doubles the quotes', () => {
    expect(files['throughput.csv']).toBe(
      'annotator,images,objects,hours,images_per_hour\r\n' +
        '<script>alert(1)</script>,1240,9876,31.25,39.68\r\n' +
        '"Bea ""B"" Ng",310,2100,10,31\r\n',
    );
    expect(files['rejection-reasons.csv']).toContain('"Wrong class, or attributes",18\r\n');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
  });

  it('writes the class × annotator agreement one cell per row, empty where there is no data', () => {
    const lines = files['agreement-by-class.csv']!.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 3 * 2);
    expect(lines).toContain('truck,Bea,');
    expect(lines).toContain('car,Ann,0.93');
    expect(files['trends.csv']).toBe(
      'version,rejection rate,f1\r\nv1,0.2,0.85\r\nv2,0.15,0.88\r\nv3,0.12,\r\n',
    );
  });
});

describe('charts', () => {
  it('formats numbers with thousands separators and a dash for no data', () => {
    expect([
      formatNumber(1234567),
      formatNumber(0.12345, 3),
      formatNumber(-1500.5, 1),
      formatNumber(Number.NaN),
    ]).toEqual(['1,234,567', '0.123', '-1,500.5', '–']);
    expect(formatNumber(-0.0001, 2)).toBe('0.00');
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('makes bar lengths proportional to the values, the largest spanning the plot', () => {
    const svg = horizontalBars(
      [
        { label: 'a', value: 10 },
        { label: 'b', value: 5 },
        { label: 'c', value: 0 },
      ],
      { title: 't' },
    );
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([410, 205, 0]);
  });

  it('colours the heatmap from white at 0 to dark blue at 1, clamping outside', () => {
    expect(scaleColor(0, 0, 1)).toBe('#f7fbff');
    expect(scaleColor(1, 0, 1)).toBe('#08519c');
    expect(scaleColor(-0.4, 0, 1)).toBe('#f7fbff');
    const svg = heatmap({ rows: ['r'], columns: ['x', 'y'], values: [[1]] }, { title: 'h' });
    expect(count(svg, /<g class="cell"/g)).toBe(2);
    expect(svg).toContain('fill="#08519c"');
  });

  it('breaks a trend line where a version has no value', () => {
    const svg = lineChart(['v1', 'v2', 'v3', 'v4'], [{ name: 'f1', values: [0.5, Number.NaN, 0.7, 0.8] }], {
      title: 'l',
    });
    const d = /<path class="series" d="([^"]+)"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
    expect(count(svg, /<circle /g)).toBe(3);
  });
});

describe('chart layout', () => {
  const inside = (svg: string) => {
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const ys = [...svg.matchAll(/<text [^>]*?y="([-\d.]+)"/g)].map((m) => Number(m[1]));
    const xs = [...svg.matchAll(/<text [^>]*?x="([-\d.]+)"/g)].map((m) => Number(m[1]));
    return ys.length > 0 && ys.every((y) => y > 0 && y <= height) && xs.every((x) => x >= 0 && x <= width);
  };

  it('keeps every label of every chart inside the drawing', () => {
    expect(inside(horizontalBars([{ label: 'a', value: 3 }], { title: 'b' }))).toBe(true);
    expect(inside(heatmap({ rows: ['r'], columns: ['c'], values: [[0.5]] }, { title: 'h' }))).toBe(true);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const svg = lineChart(
      ['v1', 'v2'],
      names.map((name, i) => ({ name, values: [i, -i] })),
      { title: 'l' },
    );
    expect(inside(svg)).toBe(true);
  });
});
