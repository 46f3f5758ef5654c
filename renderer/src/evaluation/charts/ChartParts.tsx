/** Pieces every evaluation chart draws the same way: the empty message, axes and the legend. */

import type { Scale } from './scale';
import { formatTick } from './scale';

/** What a chart shows instead of a blank box when it has nothing to draw. */
export function ChartEmpty({ message, width, height }: { message: string; width: number; height: number }) {
  return (
    <div className="chart-empty" data-empty="true" style={{ width, minHeight: Math.min(height, 120) }}>
      {message}
    </div>
  );
}

interface AxisProps {
  ticks: readonly number[];
  step: number;
  scale: Scale;
  caption?: string;
  format?: (value: number) => string;
}

/** Ticks along the bottom edge at `y`, grid lines up to `gridTop`, and a caption centred below. */
export function BottomAxis({
  ticks,
  step,
  scale,
  caption,
  y,
  gridTop,
  x0,
  x1,
  format = (v) => formatTick(v, step),
}: AxisProps & { y: number; gridTop?: number; x0: number; x1: number }) {
  return (
    <g className="chart-axis" aria-hidden="true">
      {ticks.map((tick) => {
        const x = scale(tick);
        return (
          <g key={tick}>
            {gridTop !== undefined && <line className="chart-grid" x1={x} x2={x} y1={gridTop} y2={y} />}
            <line x1={x} x2={x} y1={y} y2={y + 4} />
            <text x={x} y={y + 15} textAnchor="middle">
              {format(tick)}
            </text>
          </g>
        );
      })}
      <line x1={x0} x2={x1} y1={y} y2={y} />
      {caption && (
        <text className="chart-caption-text" x={(x0 + x1) / 2} y={y + 31} textAnchor="middle">
          {caption}
        </text>
      )}
    </g>
  );
}

/** Ticks along the left edge at `x`, grid lines across to `gridRight`, and a rotated caption. */
export function LeftAxis({
  ticks,
  step,
  scale,
  caption,
  x,
  gridRight,
  y0,
  y1,
  format = (v) => formatTick(v, step),
}: AxisProps & { x: number; gridRight?: number; y0: number; y1: number }) {
  return (
    <g className="chart-axis" aria-hidden="true">
      {ticks.map((tick) => {
        const y = scale(tick);
        return (
          <g key={tick}>
            {gridRight !== undefined && <line className="chart-grid" x1={x} x2={gridRight} y1={y} y2={y} />}
            <line x1={x - 4} x2={x} y1={y} y2={y} />
            <text x={x - 7} y={y + 3.5} textAnchor="end">
              {format(tick)}
            </text>
          </g>
        );
      })}
      <line x1={x} x2={x} y1={y0} y2={y1} />
      {caption && (
        <text
          className="chart-caption-text"
          transform={`translate(${x - 34} ${(y0 + y1) / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {caption}
        </text>
      )}
    </g>
  );
}

/** Colour swatches with labels under a chart. */
export function Legend({ items }: { items: readonly { label: string; color: string; note?: string }[] }) {
  if (items.length < 1) return null;
  return (
    <ul className="chart-legend">
      {items.map((item) => (
        <li key={item.label} data-legend={item.label}>
          <span className="chart-swatch" style={{ background: item.color }} />
          {item.label}
          {item.note && <span className="muted"> {item.note}</span>}
        </li>
      ))}
    </ul>
  );
}
