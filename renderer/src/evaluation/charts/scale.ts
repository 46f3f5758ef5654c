/** Scales, tick generation, number formats and colours shared by the evaluation charts. */

export type Scale = (value: number) => number;

/** Maps `domain` linearly onto `range`; a zero-width domain maps everything to the range's middle. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/** A 1, 2 or 5 × 10^k step giving about `count` intervals over [min, max] (0 when there is no span). */
export function tickStep(min: number, max: number, count = 5): number {
  const raw = Math.abs(max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 0;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  // Same thresholds as d3's tickIncrement: √50, √10, √2 pick the nearest nice factor.
  const nice = fraction >= 7.07 ? 10 : fraction >= 3.16 ? 5 : fraction >= 1.41 ? 2 : 1;
  return nice * power;
}

/** Multiplies an integer by a nice step without 0.30000000000000004-style noise. */
function stepMultiple(i: number, step: number): number {
  if (step >= 1) return i * step;
  const inverse = Math.round(1 / step);
  // 0.2 = 1/5 and 0.5 = 1/2 have inexact inverses; scale by a power of ten instead.
  if (Math.abs(1 / inverse - step) < 1e-12) return i / inverse;
  const digits = tickDecimals(step);
  return Number((i * step).toFixed(digits));
}

/** Round tick values inside [min, max], ends included when they fall on a step. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  if (lo === hi) return [lo];
  const step = tickStep(lo, hi, count);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  // `|| 0` turns -0 (from ceil of a tiny negative) into 0, which would otherwise print "-0".
  for (let i = first; i <= last; i++) ticks.push(stepMultiple(i, step) || 0);
  return ticks;
}

/** The smallest multiple of the nice step at or above `max`, so a count axis ends on a tick. */
export function niceMax(max: number, count = 5): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const step = tickStep(0, max, count);
  return stepMultiple(Math.ceil(max / step - 1e-9), step);
}

/** Decimals a tick label needs for its step: 0.2 → 1, 0.05 → 2, 10 → 0 (at most 3). */
export function tickDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.min(3, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** A tick label: as many decimals as the step between ticks needs. */
export function formatTick(value: number, step: number): string {
  const text = value.toFixed(tickDecimals(step));
  return text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

/** A score in 0–1 (AP, precision, recall): three decimals; negative or missing values read "n/a". */
export function formatScore(value: number): string {
  return Number.isFinite(value) && value >= 0 ? value.toFixed(3) : 'n/a';
}

/** A share of a row (0–1) in a small cell: two decimals. */
export function formatShare(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

/** A count with thousands separators: 12,345. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en');
}

/** A count squeezed into a small cell: 950, 1.2k, 12k, 3.4M. */
export function formatCompactCount(value: number): string {
  const n = Math.round(value);
  if (Math.abs(n) < 1000) return String(n);
  const [divisor, unit] = Math.abs(n) < 1e6 ? [1e3, 'k'] : [1e6, 'M'];
  const scaled = n / divisor;
  return `${Math.abs(scaled) < 10 ? scaled.toFixed(1).replace(/\.0$/, '') : Math.round(scaled)}${unit}`;
}

/** A half-open bin as people read it: "[0.50, 0.60)" — decimals from the bin's width, the last bin closed. */
export function formatBinRange(from: number, to: number, last = false): string {
  const decimals = Math.max(
    tickDecimals(Math.abs(to - from)),
    Number.isInteger(from) && Number.isInteger(to) ? 0 : 2,
  );
  return `[${from.toFixed(decimals)}, ${to.toFixed(decimals)}${last ? ']' : ')'}`;
}

/** Rough width of `text` in px for the charts' sans-serif at `fontSize` (no DOM to measure with). */
export function textWidth(text: string, fontSize = 11): number {
  return text.length * fontSize * 0.58;
}

/** Cuts a label to `maxChars` with an ellipsis; the full label stays in the element's title. */
export function truncateLabel(label: string, maxChars: number): string {
  if (label.length <= maxChars) return label;
  return `${label.slice(0, Math.max(1, maxChars - 1))}…`;
}

/** Colours for series without their own, in the app's palette (accent, ok, warn, danger, then extra hues). */
export const SERIES_COLORS = [
  '#4c9bff',
  '#3ecf8e',
  '#f5b94a',
  '#ff5d5d',
  '#b48cff',
  '#35c4c9',
  '#ff8ac2',
  '#a3aab6',
] as const;

export const seriesColor = (index: number, color?: string): string =>
  color ?? SERIES_COLORS[index % SERIES_COLORS.length] ?? '#4c9bff';

function parseHex(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full =
    h.length === 3
      ? h
          .split('')
          .map((c) => c + c)
          .join('')
      : h;
  const n = Number.parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour `t` (0–1) of the way from `from` to `to`, both #rrggbb. */
export function mixColor(from: string, to: string, t: number): string {
  const k = Math.min(1, Math.max(0, t));
  const a = parseHex(from);
  const b = parseHex(to);
  const channel = (i: 0 | 1 | 2) =>
    Math.round(a[i] + (b[i] - a[i]) * k)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

/**
 * An SVG path that holds each precision until the next recall is reached ("steps-pre" from the left),
 * so the area under it is the sum of ΔR·P that AP is; pixel points, consecutive duplicates dropped.
 */
export function stepPath(points: readonly { x: number; y: number }[]): string {
  const round = (v: number) => Math.round(v * 10) / 10;
  const first = points[0];
  if (!first) return '';
  let x = round(first.x);
  let y = round(first.y);
  const parts = [`M${x} ${y}`];
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!;
    const nx = round(p.x);
    const ny = round(p.y);
    if (ny !== y) parts.push(`V${ny}`);
    if (nx !== x) parts.push(`H${nx}`);
    x = nx;
    y = ny;
  }
  return parts.join('');
}
