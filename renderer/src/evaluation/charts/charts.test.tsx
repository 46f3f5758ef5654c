// The four charts rendered to HTML (no DOM here): what a person and an end-to-end test find in the markup.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BarChart } from './BarChart';
import { ConfusionHeatmap } from './ConfusionHeatmap';
import { confusionView } from './confusionView';
import { Histogram } from './Histogram';
import { PrCurve } from './PrCurve';

const ignore = () => undefined;
const count = (html: string, text: string) => html.split(text).length - 1;

describe('PrCurve', () => {
  const series = [
    {
      label: 'person',
      points: [
        { recall: 0.5, precision: 0.8 },
        { recall: 0, precision: 1 },
        { recall: 1, precision: 0.5 },
      ],
    },
    { label: 'car', points: [{ recall: 0.2, precision: 0.9 }], color: '#ff00ff' },
  ];

  it('draws one labelled stepped line per series, sorted by recall, with a legend', () => {
    const html = renderToStaticMarkup(<PrCurve series={series} width={266} height={252} />);
    expect(html).toContain('role="img"');
    expect(html).toContain('<title>Precision–recall curve</title>');
    expect(html).toContain('data-series="person"');
    expect(html).toContain('data-series="car"');
    expect(html).toContain('data-legend="car"');
    expect(html).toContain('stroke:#ff00ff');
    // Plot is 200 × 200 from (52, 210): points (0,1) → (0.5,0.8) → (1,0.5), each precision held up to its recall.
    expect(html).toContain('d="M52 10V50H152V110H252"');
    // A one-point series is a dot, not an invisible path.
    expect(html).toMatch(/data-series="car"[^]*<circle cx="92" cy="30"/);
    expect(html).toContain('car: 1 point<');
    expect(html).toContain('>recall<');
    expect(html).toContain('>precision<');
    expect(html).toContain('>0.6<');
  });

  it('marks the operating point with its label and values', () => {
    const html = renderToStaticMarkup(
      <PrCurve series={series} marker={{ recall: 0.5, precision: 0.8, label: 'score ≥ 0.50' }} />,
    );
    expect(html).toContain('data-marker="score ≥ 0.50"');
    expect(html).toContain('score ≥ 0.50: recall 0.500, precision 0.800');
    expect(html).toMatch(/data-marker="score ≥ 0.50"[^]*<circle cx="[\d.]+" cy="[\d.]+" r="5"/);
  });

  it('says there is nothing to plot instead of drawing empty axes', () => {
    const html = renderToStaticMarkup(<PrCurve series={[{ label: 'person', points: [] }]} />);
    expect(html).toContain('data-empty="true"');
    expect(html).toContain('No precision–recall points to plot.');
    expect(html).not.toContain('<svg');
  });
});

describe('BarChart', () => {
  const bars = [
    { key: 'person', label: 'person', value: 0.7345, detail: '120 boxes' },
    { key: 'bus', label: 'bus', value: -1 },
    { key: 'car', label: 'car', value: 0.5 },
  ];

  it('draws bars in the given order, greys n/a rows and formats values', () => {
    const html = renderToStaticMarkup(<BarChart bars={bars} valueLabel="AP@0.5" />);
    const order = [...html.matchAll(/data-bar="([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['person', 'bus', 'car']);
    expect(html).toMatch(/class="chart-bar chart-na"[^>]*data-bar="bus"/);
    expect(html).toContain('>n/a<');
    expect(html).toContain('>0.735<');
    expect(html).toContain('person: 0.735 — 120 boxes');
    expect(html).toContain('>AP@0.5<');
    expect(count(html, 'class="chart-bar-fill"')).toBe(2);
  });

  it('makes rows buttons with the selected one pressed when selectable', () => {
    const html = renderToStaticMarkup(<BarChart bars={bars} selectedKey="car" onSelect={ignore} />);
    expect(html).toContain('role="group"');
    expect(count(html, 'role="button"')).toBe(3);
    expect(count(html, 'tabindex="0"')).toBe(3);
    expect(html).toMatch(/data-bar="car"[^>]*aria-pressed="true"/);
    expect(html).toMatch(/data-bar="person"[^>]*aria-pressed="false"/);
  });

  it('is a plain image without buttons when nothing can be selected', () => {
    const html = renderToStaticMarkup(<BarChart bars={bars} />);
    expect(html).toContain('role="img"');
    expect(html).not.toContain('role="button"');
    expect(html).not.toContain('aria-pressed');
  });

  it('grows by about 20 px a row and scrolls past its height', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `c${i}`, label: `class ${i}`, value: i / 50 }));
    const html = renderToStaticMarkup(<BarChart bars={many} height={300} />);
    expect(html).toContain('height="1004"');
    expect(html).toMatch(/class="chart-scroll" style="max-height:266px/);
  });

  it('says there are no classes', () => {
    expect(renderToStaticMarkup(<BarChart bars={[]} />)).toContain('No classes to show.');
  });
});

describe('ConfusionHeatmap', () => {
  // cat, dog, bird (never seen nor predicted), fish (predicted once as background), background.
  const labels = ['cat', 'dog', 'bird', 'fish', 'background'];
  // prettier-ignore
  const counts = new Uint32Array([
    9, 2, 0, 0, 1,
    3, 7, 0, 0, 0,
    0, 0, 0, 0, 0,
    0, 0, 0, 0, 1,
    4, 0, 0, 0, 0,
  ]);

  it('hides classes without boxes and keeps original indices in data-cell', () => {
    const html = renderToStaticMarkup(<ConfusionHeatmap labels={labels} counts={counts} />);
    expect(html).not.toMatch(/data-cell="2,|data-cell="\d,2"/);
    expect(html).toContain('data-cell="3,4"');
    expect(html).toContain('data-cell="4,0"');
    expect(count(html, 'data-cell=')).toBe(4 * 4 - 1); // background × background is not a cell
    expect(html).toContain('1 without boxes hidden (bird)');
    expect(html).toContain('>ground truth<');
    expect(html).toContain('>predicted<');
    expect(html).toContain('cat → dog: 2 confused (0.17 of 12 cat)');
    expect(html).toContain('cat → background: 1 missed');
    expect(html).toContain('background → cat: 4 false positive');
  });

  it('colours correct and confused cells from different scales', () => {
    const html = renderToStaticMarkup(<ConfusionHeatmap labels={labels} counts={counts} />);
    const fill = (cell: string) =>
      html.match(new RegExp(`style="fill:(#[0-9a-f]{6})"[^>]*data-cell="${cell}"`))?.[1];
    expect(fill('0,0')).toBe('#4c9bff'); // the largest correct count, full blue
    expect(fill('1,0')).not.toBe(fill('0,0'));
    expect(fill('2,2')).toBeUndefined();
    expect(fill('4,0')).toBe('#ff7a45'); // the largest confusion, full orange
  });

  it('writes row shares when normalised by row', () => {
    const html = renderToStaticMarkup(<ConfusionHeatmap labels={labels} counts={counts} normalize="row" />);
    expect(html).toContain('>0.75<'); // cat → cat: 9 of 12
  });

  it('has one tab stop on the selected cell, every cell a button with its pressed state', () => {
    const html = renderToStaticMarkup(
      <ConfusionHeatmap
        labels={labels}
        counts={counts}
        onSelectCell={ignore}
        selected={{ row: 1, col: 0 }}
      />,
    );
    expect(count(html, 'role="button"')).toBe(15);
    expect(count(html, 'tabindex="0"')).toBe(1);
    expect(html).toMatch(/data-cell="1,0"[^>]*tabindex="0" aria-pressed="true"/);
  });

  it('keeps the most confused classes under the limit and says which it hid', () => {
    const view = confusionView(labels.length, counts, 1);
    expect(view.shown).toEqual([0, 4]);
    expect(view.hiddenEmpty).toEqual([2]);
    expect(view.hiddenQuiet).toEqual([1, 3]);
    const html = renderToStaticMarkup(<ConfusionHeatmap labels={labels} counts={counts} maxClasses={1} />);
    expect(html).toContain('2 least confused hidden to show 1 (dog, fish)');
    expect(html).not.toContain('data-cell="1,');
  });

  it('says so when there is nothing to compare or the sizes disagree', () => {
    expect(
      renderToStaticMarkup(<ConfusionHeatmap labels={['a', 'background']} counts={[0, 0, 0, 0]} />),
    ).toContain('No boxes to compare.');
    expect(renderToStaticMarkup(<ConfusionHeatmap labels={labels} counts={[1, 2, 3]} />)).toContain(
      'do not match',
    );
  });
});

describe('Histogram', () => {
  const bins = [
    { from: 0, to: 0.5 },
    { from: 0.5, to: 1 },
  ];
  const series = [
    { label: 'true positive', counts: [2, 8] },
    { label: 'false positive', counts: [5, 0] },
  ];

  it('stacks one segment per non-zero count, tagged by bin and series', () => {
    const html = renderToStaticMarkup(<Histogram bins={bins} series={series} xLabel="score" />);
    expect(html).toContain('data-bin="0" data-series="true positive" data-count="2"');
    expect(html).toContain('data-bin="0" data-series="false positive" data-count="5"');
    expect(html).toContain('data-bin="1" data-series="true positive" data-count="8"');
    expect(html).not.toContain('data-bin="1" data-series="false positive"');
    expect(html).toContain('true positive: 2 in [0.00, 0.50)');
    expect(html).toContain('true positive: 8 in [0.50, 1.00]');
    expect(html).toContain('>score<');
    expect(html).toContain('>count<');
    expect(html).toContain('data-legend="false positive"');
  });

  it('makes segments buttons when a bin can be selected', () => {
    const html = renderToStaticMarkup(
      <Histogram
        bins={bins}
        series={series}
        onSelectBin={ignore}
        selected={{ bin: 1, series: 'true positive' }}
      />,
    );
    expect(count(html, 'role="button"')).toBe(3);
    expect(html).toMatch(/data-bin="1" data-series="true positive"[^>]*aria-pressed="true"/);
  });

  it('says there is nothing to count', () => {
    expect(renderToStaticMarkup(<Histogram bins={[]} series={series} />)).toContain('Nothing to count.');
  });
});
