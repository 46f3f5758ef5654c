/** Stacked histogram over bins of a value (e.g. score of true and false positives). */

import { BottomAxis, ChartEmpty, Legend, LeftAxis } from './ChartParts';
import { chartRole, pressable } from './interaction';
import { formatBinRange, formatCount, linearScale, niceMax, niceTicks, seriesColor, tickStep } from './scale';
import './charts.css';

export interface HistogramBin {
  from: number;
  to: number;
}

export interface HistogramSeries {
  label: string;
  /** One count per bin, stacked in series order from the bottom. */
  counts: readonly number[];
  color?: string;
}

export interface HistogramProps {
  bins: readonly HistogramBin[];
  series: readonly HistogramSeries[];
  onSelectBin?: (binIndex: number, seriesLabel: string) => void;
  selected?: { bin: number; series: string } | null;
  /** Caption of the x axis, e.g. "score". */
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  title?: string;
  emptyMessage?: string;
}

const MARGIN = { top: 10, right: 14, bottom: 42, left: 56 };

export function Histogram({
  bins,
  series,
  onSelectBin,
  selected,
  xLabel,
  yLabel = 'count',
  width = 420,
  height = 240,
  title = 'Histogram',
  emptyMessage = 'Nothing to count.',
}: HistogramProps) {
  if (bins.length < 1 || series.length < 1)
    return <ChartEmpty message={emptyMessage} width={width} height={height} />;

  const totals = bins.map((_, b) => series.reduce((sum, s) => sum + Math.max(0, s.counts[b] ?? 0), 0));
  const yTop = niceMax(Math.max(1, ...totals), 4);
  const lo = Math.min(...bins.map((b) => b.from));
  const hi = Math.max(...bins.map((b) => b.to));
  const x0 = MARGIN.left;
  const x1 = width - MARGIN.right;
  const y0 = height - MARGIN.bottom;
  const y1 = MARGIN.top;
  const x = linearScale([lo, hi], [x0, x1]);
  const y = linearScale([0, yTop], [y0, y1]);
  const xCount = Math.max(2, Math.min(10, Math.floor((x1 - x0) / 60)));
  const xTicks = niceTicks(lo, hi, xCount);
  const yTicks = niceTicks(0, yTop, 4).filter(Number.isInteger);
  const colors = series.map((s, i) => seriesColor(i, s.color));
  const interactive = onSelectBin !== undefined;
  const grand = totals.reduce((a, b) => a + b, 0);

  return (
    <figure className="chart chart-histogram">
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role={chartRole(interactive)}
        aria-label={`${title}: ${formatCount(grand)} in ${bins.length} bins${xLabel ? ` of ${xLabel}` : ''}`}
      >
        <title>{title}</title>
        <LeftAxis
          ticks={yTicks}
          step={tickStep(0, yTop, 4)}
          scale={y}
          x={x0}
          gridRight={x1}
          y0={y0}
          y1={y1}
          caption={yLabel}
          format={formatCount}
        />
        <BottomAxis
          ticks={xTicks}
          step={tickStep(lo, hi, xCount)}
          scale={x}
          y={y0}
          x0={x0}
          x1={x1}
          caption={xLabel}
        />
        {bins.map((bin, b) => {
          const left = x(bin.from);
          const barWidth = Math.max(1, x(bin.to) - left - 1);
          const range = formatBinRange(bin.from, bin.to, b === bins.length - 1);
          let base = 0;
          return (
            <g key={b} className="chart-bin">
              {series.map((s, k) => {
                const count = Math.max(0, s.counts[b] ?? 0);
                if (count <= 0) return null;
                const top = y(base + count);
                const bottom = y(base);
                base += count;
                const isSelected = selected?.bin === b && selected.series === s.label;
                const tooltip = `${s.label}: ${formatCount(count)} in ${range}`;
                return (
                  <rect
                    key={s.label}
                    className={`chart-segment${isSelected ? ' chart-selected' : ''}`}
                    x={left + 0.5}
                    y={top}
                    width={barWidth}
                    height={Math.max(0.5, bottom - top)}
                    style={{ fill: colors[k] }}
                    data-bin={b}
                    data-series={s.label}
                    data-count={count}
                    aria-label={interactive ? tooltip : undefined}
                    {...pressable(
                      onSelectBin && (() => onSelectBin(b, s.label)),
                      interactive ? isSelected : undefined,
                    )}
                  >
                    <title>{tooltip}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <Legend items={series.map((s, i) => ({ label: s.label, color: colors[i]! }))} />
    </figure>
  );
}
