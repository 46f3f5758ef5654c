/** Precision–recall curves, one stepped line per series, with the chosen threshold's operating point. */

import { BottomAxis, ChartEmpty, Legend, LeftAxis } from './ChartParts';
import { formatScore, linearScale, niceTicks, seriesColor, stepPath, tickStep } from './scale';
import './charts.css';

export interface PrPoint {
  recall: number;
  precision: number;
}

export interface PrSeries {
  label: string;
  points: readonly PrPoint[];
  color?: string;
}

export interface PrMarker extends PrPoint {
  label: string;
}

export interface PrCurveProps {
  series: readonly PrSeries[];
  /** The operating point of the chosen score threshold. */
  marker?: PrMarker;
  width?: number;
  height?: number;
  /** Accessible name of the chart. */
  title?: string;
  emptyMessage?: string;
}

const MARGIN = { top: 10, right: 14, bottom: 42, left: 52 };

export function PrCurve({
  series,
  marker,
  width = 360,
  height = 300,
  title = 'Precision–recall curve',
  emptyMessage = 'No precision–recall points to plot.',
}: PrCurveProps) {
  if (!marker && series.every((s) => s.points.length < 1))
    return <ChartEmpty message={emptyMessage} width={width} height={height} />;

  const x0 = MARGIN.left;
  const x1 = width - MARGIN.right;
  const y0 = height - MARGIN.bottom;
  const y1 = MARGIN.top;
  const x = linearScale([0, 1], [x0, x1]);
  const y = linearScale([0, 1], [y0, y1]);
  const ticks = niceTicks(0, 1, 5);
  const step = tickStep(0, 1, 5);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));

  const drawn = series.map((s, index) => {
    // Sorted by recall (stable), so the steps run left to right even if the caller's order differs.
    const sorted = [...s.points].sort((a, b) => a.recall - b.recall);
    const path = stepPath(sorted.map((p) => ({ x: x(clamp(p.recall)), y: y(clamp(p.precision)) })));
    const only = sorted.length === 1 ? sorted[0] : undefined;
    const dot = only && { cx: x(clamp(only.recall)), cy: y(clamp(only.precision)) };
    return { ...s, color: seriesColor(index, s.color), path, dot, count: sorted.length };
  });
  const points = (n: number) => `${n} point${n === 1 ? '' : 's'}`;
  const summary = drawn.map((s) => `${s.label} (${points(s.count)})`).join(', ');
  const markerText = marker
    ? `${marker.label}: recall ${formatScore(marker.recall)}, precision ${formatScore(marker.precision)}`
    : '';

  return (
    <figure className="chart chart-pr">
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={[title, summary, markerText].filter(Boolean).join('. ')}
      >
        <title>{title}</title>
        <LeftAxis
          ticks={ticks}
          step={step}
          scale={y}
          x={x0}
          gridRight={x1}
          y0={y0}
          y1={y1}
          caption="precision"
        />
        <BottomAxis
          ticks={ticks}
          step={step}
          scale={x}
          y={y0}
          gridTop={y1}
          x0={x0}
          x1={x1}
          caption="recall"
        />
        {drawn.map((s) => (
          <g key={s.label} className="chart-series" data-series={s.label}>
            <title>{`${s.label}: ${points(s.count)}`}</title>
            <path className="chart-line-hit" d={s.path} />
            <path className="chart-line" d={s.path} style={{ stroke: s.color }} />
            {s.dot && <circle cx={s.dot.cx} cy={s.dot.cy} r={3} style={{ fill: s.color }} />}
          </g>
        ))}
        {marker && (
          <OperatingPoint
            marker={marker}
            text={markerText}
            cx={x(clamp(marker.recall))}
            cy={y(clamp(marker.precision))}
            x0={x0}
            y0={y0}
            x1={x1}
          />
        )}
      </svg>
      <Legend
        items={drawn.map((s) => ({
          label: s.label,
          color: s.color,
          note: s.count < 1 ? '(no points)' : undefined,
        }))}
      />
    </figure>
  );
}

function OperatingPoint({
  marker,
  text,
  cx,
  cy,
  x0,
  y0,
  x1,
}: {
  marker: PrMarker;
  text: string;
  cx: number;
  cy: number;
  x0: number;
  y0: number;
  x1: number;
}) {
  const label = marker.label;
  // The label sits right of the point unless it would run off the plot, and below it near the top.
  const leftSide = cx + 8 + label.length * 6.5 > x1;
  const below = cy < 24;
  return (
    <g className="chart-marker" data-marker={label}>
      <title>{text}</title>
      <path className="chart-marker-guide" d={`M${x0} ${cy}H${cx}V${y0}`} />
      <circle cx={cx} cy={cy} r={5} />
      <text
        x={leftSide ? cx - 9 : cx + 9}
        y={below ? cy + 16 : cy - 8}
        textAnchor={leftSide ? 'end' : 'start'}
      >
        {label}
      </text>
    </g>
  );
}
