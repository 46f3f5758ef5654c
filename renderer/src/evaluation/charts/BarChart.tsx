/** Horizontal bars, one row per class in the given order (per-class AP); rows scroll past `height`. */

import { ChartEmpty } from './ChartParts';
import { chartRole, pressable } from './interaction';
import { formatScore, formatTick, linearScale, niceTicks, textWidth, tickStep, truncateLabel } from './scale';
import './charts.css';

export interface Bar {
  key: string;
  label: string;
  /** The value, or -1 (any negative) when it does not apply (no ground truth for the class). */
  value: number;
  /** Extra words for the tooltip, e.g. "42 boxes, 3 images". */
  detail?: string;
}

export interface BarChartProps {
  bars: readonly Bar[];
  /** The value a full-width bar stands for. */
  max?: number;
  selectedKey?: string | null;
  onSelect?: (key: string) => void;
  /** Caption of the value axis, e.g. "AP@0.5". */
  valueLabel?: string;
  width?: number;
  /** Height of the visible rows before they scroll. */
  height?: number;
  rowHeight?: number;
  title?: string;
  emptyMessage?: string;
  format?: (value: number) => string;
}

const AXIS_HEIGHT = 34;
const VALUE_ROOM = 44;

export const isNotApplicable = (value: number): boolean => !(value >= 0);

export function BarChart({
  bars,
  max = 1,
  selectedKey,
  onSelect,
  valueLabel,
  width = 420,
  height = 320,
  rowHeight = 20,
  title = 'Bar chart',
  emptyMessage = 'No classes to show.',
  format = formatScore,
}: BarChartProps) {
  if (bars.length < 1) return <ChartEmpty message={emptyMessage} width={width} height={height} />;

  const longest = Math.max(...bars.map((b) => b.label.length));
  const labelChars = Math.max(4, Math.min(longest, Math.floor((width * 0.38) / 6.4)));
  const labelWidth = Math.ceil(Math.max(48, textWidth('x'.repeat(labelChars))) + 12);
  const x0 = labelWidth;
  const x1 = width - VALUE_ROOM;
  const top = max > 0 ? max : 1;
  const x = linearScale([0, top], [x0, x1]);
  const ticks = niceTicks(0, top, 5);
  const step = tickStep(0, top, 5);
  const bodyHeight = bars.length * rowHeight + 4;
  const interactive = onSelect !== undefined;

  return (
    <figure className="chart chart-bars">
      <svg width={width} height={AXIS_HEIGHT} className="chart-bars-axis" aria-hidden="true">
        {valueLabel && (
          <text className="chart-caption-text" x={(x0 + x1) / 2} y={11} textAnchor="middle">
            {valueLabel}
          </text>
        )}
        {ticks.map((tick) => (
          <g key={tick} className="chart-axis">
            <text x={x(tick)} y={AXIS_HEIGHT - 9} textAnchor="middle">
              {formatTick(tick, step)}
            </text>
            <line x1={x(tick)} x2={x(tick)} y1={AXIS_HEIGHT - 4} y2={AXIS_HEIGHT} />
          </g>
        ))}
        <line className="chart-axis-line" x1={x0} x2={x1} y1={AXIS_HEIGHT - 0.5} y2={AXIS_HEIGHT - 0.5} />
      </svg>
      <div
        className="chart-scroll"
        style={{ maxHeight: Math.max(rowHeight * 3, height - AXIS_HEIGHT), width }}
      >
        <svg
          width={width}
          height={bodyHeight}
          viewBox={`0 0 ${width} ${bodyHeight}`}
          role={chartRole(interactive)}
          aria-label={`${title}: ${bars.length} ${bars.length === 1 ? 'bar' : 'bars'}`}
        >
          <title>{title}</title>
          <g aria-hidden="true">
            {ticks.map((tick) => (
              <line key={tick} className="chart-grid" x1={x(tick)} x2={x(tick)} y1={0} y2={bodyHeight} />
            ))}
          </g>
          {bars.map((bar, index) => {
            const na = isNotApplicable(bar.value);
            const selected = bar.key === selectedKey;
            const rowY = index * rowHeight + 2;
            const mid = rowY + rowHeight / 2;
            const end = na ? x0 : x(Math.min(bar.value, top));
            const valueText = na ? 'n/a' : format(bar.value);
            const tooltip = [`${bar.label}: ${valueText}`, bar.detail].filter(Boolean).join(' — ');
            return (
              <g
                key={bar.key}
                className={`chart-bar${na ? ' chart-na' : ''}${selected ? ' chart-selected' : ''}`}
                data-bar={bar.key}
                aria-label={interactive ? tooltip : undefined}
                {...pressable(onSelect && (() => onSelect(bar.key)), interactive ? selected : undefined)}
              >
                <title>{tooltip}</title>
                <rect className="chart-row-hit" x={0} y={rowY} width={width} height={rowHeight} rx={3} />
                <text className="chart-bar-label" x={x0 - 8} y={mid + 4} textAnchor="end">
                  {truncateLabel(bar.label, labelChars)}
                </text>
                <rect
                  className="chart-bar-track"
                  x={x0}
                  y={rowY + 4}
                  width={Math.max(0, x1 - x0)}
                  height={rowHeight - 8}
                  rx={2}
                />
                {!na && (
                  <rect
                    className="chart-bar-fill"
                    x={x0}
                    y={rowY + 4}
                    width={Math.max(0, end - x0)}
                    height={rowHeight - 8}
                    rx={2}
                  />
                )}
                <text className="chart-bar-value" x={na ? x0 + 6 : end + 5} y={mid + 4}>
                  {valueText}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
