/** Small inline SVG charts for printed QA reports: horizontal bars, a heatmap with its colour scale, and a line chart; text is escaped, nothing is fetched. */

/** Escapes text for HTML and SVG content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);

/** Fixed decimals with thousands separators ("1,240", "0.87"); NaN and infinities as an en dash. */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Colour-blind-safe series colours (Okabe–Ito). */
export const SERIES_COLORS = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#f0e442',
  '#000000',
];

const round = (n: number): string => String(Math.round(n * 10) / 10);

/** Characters of a label that fit a column, at roughly 6.5 px per character of 11 px text. */
function clip(label: string, width: number): string {
  const max = Math.max(4, Math.floor(width / 6.5));
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** One bar per row, longest value spanning the plot; values printed at the bar ends. */
export function horizontalBars(
  bars: readonly Bar[],
  options: { readonly title: string; readonly decimals?: number; readonly color?: string } = { title: '' },
): string {
  const width = 640;
  const labelWidth = 160;
  const valueWidth = 70;
  const row = 22;
  const height = Math.max(1, bars.length) * row + 8;
  const max = Math.max(0, ...bars.map((bar) => (Number.isFinite(bar.value) ? bar.value : 0)));
  const plot = width - labelWidth - valueWidth;
  const rows = bars.map((bar, i) => {
    const y = 4 + i * row;
    const value = Number.isFinite(bar.value) ? Math.max(0, bar.value) : 0;
    const length = max > 0 ? (value / max) * plot : 0;
    return (
      `<g class="bar"><title>${escapeHtml(bar.label)}: ${formatNumber(bar.value, options.decimals)}</title>` +
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(clip(bar.label, labelWidth - 8))}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${round(length)}" height="${row - 6}" rx="2" fill="${options.color ?? SERIES_COLORS[0]}"/>` +
      `<text x="${round(labelWidth + length + 6)}" y="${y + 15}">${formatNumber(bar.value, options.decimals)}</text></g>`
    );
  });
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `${rows.join('')}</svg>`
  );
}

/** White to blue through the domain; values are clamped to it. */
export function scaleColor(value: number, low: number, high: number): string {
  const t = high > low ? Math.min(1, Math.max(0, (value - low) / (high - low))) : 1;
  const mix = (from: number, to: number) => Math.round(from + (to - from) * t);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `#${hex(mix(0xf7, 0x08))}${hex(mix(0xfb, 0x51))}${hex(mix(0xff, 0x9c))}`;
}

export interface HeatmapData {
  /** Row labels. */
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** `values[row][column]`; NaN where there is no data. */
  readonly values: readonly (readonly number[])[];
}

/**
 * One cell per row × column, coloured on a 0–1 scale (agreement scores; a negative kappa shows as the low
 * end) with its value written in, a hatched grey for no data, and the colour scale underneath.
 */
export function heatmap(
  data: HeatmapData,
  options: { readonly title: string; readonly decimals?: number },
): string {
  const labelWidth = 140;
  const cellWidth = 64;
  const cellHeight = 26;
  const headHeight = 40;
  // Room for the colour scale and its "no data" key even with one column.
  const width = Math.max(labelWidth + data.columns.length * cellWidth, labelWidth + 290) + 8;
  const legendY = headHeight + data.rows.length * cellHeight + 16;
  const height = legendY + 34;
  const parts: string[] = [];
  const gradientId = `scale-${options.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
  data.columns.forEach((column, c) => {
    const x = labelWidth + c * cellWidth + cellWidth / 2;
    parts.push(
      `<text x="${x}" y="${headHeight - 10}" text-anchor="middle">${escapeHtml(clip(column, cellWidth))}</text>`,
    );
  });
  data.rows.forEach((rowLabel, r) => {
    const y = headHeight + r * cellHeight;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(clip(rowLabel, labelWidth - 8))}</text>`,
    );
    data.columns.forEach((column, c) => {
      const value = data.values[r]?.[c] ?? Number.NaN;
      const x = labelWidth + c * cellWidth;
      const known = Number.isFinite(value);
      const fill = known ? scaleColor(value, 0, 1) : '#e5e7eb';
      const ink = known && value > 0.55 ? '#ffffff' : '#1f2937';
      parts.push(
        `<g class="cell" data-row="${escapeHtml(rowLabel)}" data-column="${escapeHtml(column)}">` +
          `<title>${escapeHtml(rowLabel)} × ${escapeHtml(column)}: ${known ? formatNumber(value, options.decimals ?? 2) : 'no data'}</title>` +
          `<rect x="${x + 1}" y="${y + 1}" width="${cellWidth - 2}" height="${cellHeight - 2}" fill="${fill}"/>` +
          `<text x="${x + cellWidth / 2}" y="${y + 17}" text-anchor="middle" fill="${ink}">${known ? formatNumber(value, options.decimals ?? 2) : '–'}</text></g>`,
      );
    });
  });
  parts.push(
    `<defs><linearGradient id="${gradientId}"><stop offset="0" stop-color="${scaleColor(0, 0, 1)}"/><stop offset="1" stop-color="${scaleColor(1, 0, 1)}"/></linearGradient></defs>`,
    `<rect x="${labelWidth}" y="${legendY}" width="200" height="10" fill="url(#${gradientId})" stroke="#9ca3af" stroke-width="0.5"/>`,
    `<text x="${labelWidth}" y="${legendY + 24}">0</text>`,
    `<text x="${labelWidth + 200}" y="${legendY + 24}" text-anchor="end">1</text>`,
    `<text x="${labelWidth + 210}" y="${legendY + 9}">no data: –</text>`,
  );
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `${parts.join('')}</svg>`
  );
}

export interface LineSeries {
  readonly name: string;
  /** One per x label; NaN breaks the line. */
  readonly values: readonly number[];
}

/** Series over ordered x labels (versions), on a y axis from 0 (or the lowest value, if negative) to the highest, with a legend. */
export function lineChart(
  labels: readonly string[],
  series: readonly LineSeries[],
  options: { readonly title: string; readonly decimals?: number },
): string {
  const width = 640;
  const perRow = 5;
  const legendRows = Math.max(1, Math.ceil(series.length / perRow));
  const height = 224 + legendRows * 16;
  const left = 48;
  const right = 16;
  const top = 12;
  const bottom = 20 + legendRows * 16;
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const high = Math.max(...finite, 0);
  const low = Math.min(...finite, 0);
  const span = high - low || 1;
  const x = (i: number) =>
    left +
    (labels.length <= 1 ? (width - left - right) / 2 : (i / (labels.length - 1)) * (width - left - right));
  const y = (v: number) => top + (1 - (v - low) / span) * (height - top - bottom);
  const parts: string[] = [
    `<line x1="${left}" y1="${round(y(low))}" x2="${width - right}" y2="${round(y(low))}" stroke="#9ca3af"/>`,
    `<text x="${left - 6}" y="${round(y(high) + 4)}" text-anchor="end">${formatNumber(high, options.decimals ?? 2)}</text>`,
    `<text x="${left - 6}" y="${round(y(low) + 4)}" text-anchor="end">${formatNumber(low, options.decimals ?? 2)}</text>`,
  ];
  labels.forEach((label, i) => {
    parts.push(
      `<text x="${round(x(i))}" y="${height - bottom + 14}" text-anchor="middle">${escapeHtml(clip(label, 90))}</text>`,
    );
  });
  series.forEach((s, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length]!;
    let path = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      path += `${pen ? 'L' : 'M'}${round(x(i))} ${round(y(v))} `;
      pen = true;
      parts.push(
        `<circle cx="${round(x(i))}" cy="${round(y(v))}" r="3" fill="${color}"><title>${escapeHtml(s.name)} · ${escapeHtml(labels[i] ?? '')}: ${formatNumber(v, options.decimals ?? 2)}</title></circle>`,
      );
    });
    if (path !== '')
      parts.push(`<path class="series" d="${path.trim()}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const lx = left + (k % perRow) * 116;
    const ly = height - bottom + 22 + Math.floor(k / perRow) * 16;
    parts.push(
      `<rect x="${lx}" y="${ly}" width="10" height="10" fill="${color}"/>`,
      `<text x="${lx + 14}" y="${ly + 9}">${escapeHtml(clip(s.name, 96))}</text>`,
    );
  });
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `${parts.join('')}</svg>`
  );
}
