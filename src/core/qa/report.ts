/** A QA report as plain data, rendered to one standalone HTML document (inline CSS and SVG, nothing fetched, print-friendly). */

import { escapeHtml, formatNumber, heatmap, horizontalBars, lineChart, SERIES_COLORS } from './charts';

export interface ThroughputRow {
  readonly annotator: string;
  readonly images: number;
  readonly objects: number;
  readonly hours: number;
  readonly imagesPerHour: number;
}

export interface ReviewSummary {
  /** Images with at least one decision. */
  readonly reviewed: number;
  /** Decisions: an image rejected, fixed and accepted counts one of each. */
  readonly accepted: number;
  readonly rejected: number;
  /** 0–1: rejections over decisions (accepted + rejected). */
  readonly rejectionRate: number;
  readonly reasons: readonly { readonly label: string; readonly count: number }[];
}

export interface AgreementPair {
  readonly a: string;
  readonly b: string;
  readonly images: number;
  readonly f1: number;
  readonly meanIou: number;
  readonly kappa: number;
}

export interface AgreementSummary {
  readonly pairs: readonly AgreementPair[];
  readonly fleissKappa: number;
  readonly alpha: number;
  readonly classByAnnotator: {
    readonly classes: readonly string[];
    readonly annotators: readonly string[];
    /** `values[class][annotator]`, 0–1; NaN where there is no data. */
    readonly values: readonly (readonly number[])[];
  };
}

export interface GoldRow {
  readonly annotator: string;
  readonly images: number;
  readonly f1: number;
  readonly classAccuracy: number;
}

export interface ConsistencyRow {
  /** The check's id. */
  readonly check: string;
  readonly title: string;
  readonly count: number;
}

export interface TrendPoint {
  /** The version's name. */
  readonly label: string;
  /** Metric name → value (rejection rate, F1, …). */
  readonly values: Readonly<Record<string, number>>;
}

export interface SamplingRow {
  readonly plan: string;
  readonly sampled: number;
  readonly defects: number;
  /** Accept with at most this many defects (Ac); reject at this many or more (Re). */
  readonly accept: number;
  readonly reject: number;
  readonly verdict: 'accepted' | 'rejected';
}

export interface QaReportData {
  readonly title: string;
  readonly generatedAt: number;
  /** "Version 3 · 1,240 images". */
  readonly scope: string;
  readonly throughput: readonly ThroughputRow[];
  readonly reviews: ReviewSummary;
  readonly agreement?: AgreementSummary;
  readonly gold?: readonly GoldRow[];
  readonly consistency: readonly ConsistencyRow[];
  readonly trends?: readonly TrendPoint[];
  readonly sampling?: readonly SamplingRow[];
}

/** Metric names of the trends in first-seen order. */
export const trendMetrics = (trends: readonly TrendPoint[]): string[] => [
  ...new Set(trends.flatMap((point) => Object.keys(point.values))),
];

const percent = (rate: number): string => (Number.isFinite(rate) ? `${formatNumber(rate * 100, 1)}%` : '–');

/** "2024-05-01 14:03 UTC": the same text wherever the report is opened or printed. */
const utcTime = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

type Cell = string | { readonly number: number; readonly decimals?: number } | { readonly percent: number };

function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cell = (value: Cell): string =>
    typeof value === 'string'
      ? `<td>${escapeHtml(value)}</td>`
      : 'percent' in value
        ? `<td class="num">${percent(value.percent)}</td>`
        : `<td class="num">${formatNumber(value.number, value.decimals)}</td>`;
  // Number columns are right-aligned, headers included, so digits line up under their heading.
  const numeric = (i: number) => rows[0]?.[i] !== undefined && typeof rows[0][i] !== 'string';
  const head = headers.map((h, i) => `<th${numeric(i) ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const section = (id: string, title: string, body: string): string =>
  `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;

const empty = (text: string): string => `<p class="empty">${escapeHtml(text)}</p>`;

function summaryCards(data: QaReportData): string {
  const cards: [string, string][] = [
    ['Images reviewed', formatNumber(data.reviews.reviewed)],
    ['Acceptances', formatNumber(data.reviews.accepted)],
    ['Rejection rate', percent(data.reviews.rejectionRate)],
  ];
  if (data.agreement !== undefined) cards.push(["Fleiss' κ", formatNumber(data.agreement.fleissKappa, 3)]);
  const open = data.consistency.reduce((sum, row) => sum + row.count, 0);
  cards.push(['Consistency findings', formatNumber(open)]);
  return `<div class="cards">${cards
    .map(
      ([label, value]) =>
        `<div class="card"><div class="value">${value}</div><div class="label">${escapeHtml(label)}</div></div>`,
    )
    .join('')}</div>`;
}

function throughputSection(rows: readonly ThroughputRow[]): string {
  if (rows.length === 0)
    return section('throughput', 'Throughput', empty('No annotation work in this scope.'));
  const chart = horizontalBars(
    rows.map((row) => ({ label: row.annotator, value: row.images })),
    { title: 'Images per annotator' },
  );
  const details = table(
    ['Annotator', 'Images', 'Objects', 'Hours', 'Images per hour'],
    rows.map((r) => [
      r.annotator,
      { number: r.images },
      { number: r.objects },
      { number: r.hours, decimals: 1 },
      { number: r.imagesPerHour, decimals: 1 },
    ]),
  );
  return section('throughput', 'Throughput', `<h3>Images per annotator</h3>${chart}${details}`);
}

function reviewSection(reviews: ReviewSummary): string {
  const counts = table(
    ['Images reviewed', 'Acceptances', 'Rejections', 'Rejection rate'],
    [
      [
        { number: reviews.reviewed },
        { number: reviews.accepted },
        { number: reviews.rejected },
        { percent: reviews.rejectionRate },
      ],
    ],
  );
  const reasons =
    reviews.reasons.length === 0
      ? empty('No rejections.')
      : `<h3>Rejection reasons</h3>${horizontalBars(
          reviews.reasons.map((r) => ({ label: r.label, value: r.count })),
          { title: 'Rejection reasons', color: SERIES_COLORS[5] },
        )}${table(
          ['Reason', 'Rejections'],
          reviews.reasons.map((r) => [r.label, { number: r.count }]),
        )}`;
  return section('reviews', 'Reviews', counts + reasons);
}

function agreementSection(agreement: AgreementSummary): string {
  const overall = table(
    ["Fleiss' κ", "Krippendorff's α"],
    [
      [
        { number: agreement.fleissKappa, decimals: 3 },
        { number: agreement.alpha, decimals: 3 },
      ],
    ],
  );
  const pairs =
    agreement.pairs.length === 0
      ? empty('No images were labeled by two annotators.')
      : `<h3>Pairs</h3>${table(
          ['Annotator A', 'Annotator B', 'Images', 'F1', 'Mean IoU', "Cohen's κ"],
          agreement.pairs.map((p) => [
            p.a,
            p.b,
            { number: p.images },
            { number: p.f1, decimals: 3 },
            { number: p.meanIou, decimals: 3 },
            { number: p.kappa, decimals: 3 },
          ]),
        )}`;
  const grid = agreement.classByAnnotator;
  const map =
    grid.classes.length === 0 || grid.annotators.length === 0
      ? ''
      : `<h3>Agreement by class and annotator</h3>${heatmap(
          { rows: grid.classes, columns: grid.annotators, values: grid.values },
          { title: 'Agreement by class and annotator' },
        )}${table(
          ['Class', ...grid.annotators],
          grid.classes.map((name, r) => [
            name,
            ...grid.annotators.map((_, c) => ({ number: grid.values[r]?.[c] ?? Number.NaN, decimals: 2 })),
          ]),
        )}`;
  return section('agreement', 'Agreement', overall + pairs + map);
}

function goldSection(rows: readonly GoldRow[]): string {
  if (rows.length === 0) return section('gold', 'Gold standard', empty('No gold images were labeled.'));
  const chart = horizontalBars(
    rows.map((r) => ({ label: r.annotator, value: r.f1 })),
    { title: 'F1 against gold', decimals: 3, color: SERIES_COLORS[2] },
  );
  const details = table(
    ['Annotator', 'Gold images', 'F1', 'Class accuracy'],
    rows.map((r) => [
      r.annotator,
      { number: r.images },
      { number: r.f1, decimals: 3 },
      { percent: r.classAccuracy },
    ]),
  );
  return section('gold', 'Gold standard', `<h3>F1 against gold</h3>${chart}${details}`);
}

function consistencySection(rows: readonly ConsistencyRow[]): string {
  if (rows.length === 0) return section('consistency', 'Consistency checks', empty('No checks were run.'));
  const chart = horizontalBars(
    rows.map((r) => ({ label: r.title, value: r.count })),
    { title: 'Findings per check', color: SERIES_COLORS[1] },
  );
  const details = table(
    ['Check', 'Id', 'Findings'],
    rows.map((r) => [r.title, r.check, { number: r.count }]),
  );
  return section('consistency', 'Consistency checks', chart + details);
}

function trendsSection(trends: readonly TrendPoint[]): string {
  const metrics = trendMetrics(trends);
  const value = (point: TrendPoint, metric: string) => point.values[metric] ?? Number.NaN;
  const chart = lineChart(
    trends.map((t) => t.label),
    metrics.map((metric) => ({ name: metric, values: trends.map((point) => value(point, metric)) })),
    { title: 'Trends across versions' },
  );
  const details = table(
    ['Version', ...metrics],
    trends.map((point) => [point.label, ...metrics.map((m) => ({ number: value(point, m), decimals: 3 }))]),
  );
  return section('trends', 'Trends across versions', chart + details);
}

function samplingSection(rows: readonly SamplingRow[]): string {
  const details = table(
    ['Plan', 'Sampled', 'Defects', 'Accept at ≤', 'Reject at ≥', 'Verdict'],
    rows.map((r) => [
      r.plan,
      { number: r.sampled },
      { number: r.defects },
      { number: r.accept },
      { number: r.reject },
      r.verdict === 'accepted' ? 'Accepted' : 'Rejected',
    ]),
  );
  return section('sampling', 'Acceptance sampling', details);
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2937; background: #fff; }
main { max-width: 900px; margin: 0 auto; padding: 32px 24px 64px; }
header { border-bottom: 2px solid #1f2937; padding-bottom: 12px; margin-bottom: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
header p { margin: 0; color: #4b5563; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #e5e7eb; }
h3 { font-size: 14px; margin: 16px 0 8px; color: #374151; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { flex: 1 1 140px; border: 1px solid #e5e7eb; border-radius: 6px; padding: 10px 14px; }
.card .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .label { color: #6b7280; font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e5e7eb; }
th { font-weight: 600; color: #374151; background: #f9fafb; }
td.num, th.num { text-align: right; }
.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; font-size: 11px; fill: #1f2937; }
.empty { color: #6b7280; font-style: italic; }
footer { margin-top: 48px; color: #9ca3af; font-size: 12px; }
@media print {
  main { max-width: none; padding: 0; }
  section { break-inside: avoid; }
  h2 { break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

/** The report as one HTML file: every chart has a table under it with the exact numbers. */
export function renderReportHtml(data: QaReportData): string {
  const sections = [
    throughputSection(data.throughput),
    reviewSection(data.reviews),
    data.agreement === undefined ? '' : agreementSection(data.agreement),
    data.gold === undefined ? '' : goldSection(data.gold),
    consistencySection(data.consistency),
    data.trends === undefined || data.trends.length === 0 ? '' : trendsSection(data.trends),
    data.sampling === undefined || data.sampling.length === 0 ? '' : samplingSection(data.sampling),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    `<header><h1>${escapeHtml(data.title)}</h1><p>${escapeHtml(data.scope)} · generated ${utcTime(data.generatedAt)}</p></header>`,
    summaryCards(data),
    ...sections.filter((s) => s !== ''),
    '<footer>Made with LabelLoop. Agreement values are 0–1; – means no data.</footer>',
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
