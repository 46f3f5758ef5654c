/** Confusion matrix as a heatmap: rows ground truth, columns predicted, background last. */

import type { KeyboardEvent } from 'react';
import { ChartEmpty } from './ChartParts';
import { confusionView } from './confusionView';
import { chartRole } from './interaction';
import { formatCompactCount, formatCount, formatShare, mixColor, textWidth, truncateLabel } from './scale';
import './charts.css';

export interface ConfusionCell {
  row: number;
  col: number;
}

export interface ConfusionHeatmapProps {
  /** K class names then "background" last. */
  labels: readonly string[];
  /** Row-major (K+1)² counts: row = ground-truth class, column = predicted class. */
  counts: ArrayLike<number>;
  /** Called with original indices. */
  onSelectCell?: (row: number, col: number) => void;
  selected?: ConfusionCell | null;
  normalize?: 'none' | 'row';
  /** Most classes shown (background not counted); the most confused are kept. */
  maxClasses?: number;
  width?: number;
  height?: number;
  title?: string;
  emptyMessage?: string;
}

const CELL_EMPTY = '#20242b';
const CELL_BASE = '#262b34';
const CORRECT = '#4c9bff';
const CONFUSED = '#ff7a45';
const DARK_TEXT = '#121418';
const LIGHT_TEXT = '#e6e8ec';
const MAX_LABEL_CHARS = 16;
const CAPTION = 18;

/** What a cell means for a person, by where it sits. */
function cellKind(row: number, col: number, background: number): string {
  if (row === col) return 'correct';
  if (col === background) return 'missed';
  if (row === background) return 'false positive';
  return 'confused';
}

const listNames = (labels: readonly string[], indices: number[]) => {
  const names = indices.slice(0, 5).map((i) => labels[i] ?? String(i));
  return indices.length > 5 ? `${names.join(', ')}, …` : names.join(', ');
};

export function ConfusionHeatmap({
  labels,
  counts,
  onSelectCell,
  selected,
  normalize = 'none',
  maxClasses = 20,
  width = 520,
  height = 520,
  title = 'Confusion matrix',
  emptyMessage = 'No boxes to compare.',
}: ConfusionHeatmapProps) {
  const n = labels.length;
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] ?? 0;
  if (n < 1 || counts.length !== n * n || total <= 0)
    return (
      <ChartEmpty
        message={counts.length !== n * n ? 'The confusion counts do not match the classes.' : emptyMessage}
        width={width}
        height={height}
      />
    );

  const background = n - 1;
  const at = (r: number, c: number) => counts[r * n + c] ?? 0;
  const view = confusionView(n, counts, maxClasses);
  const shown = view.shown;
  const size = shown.length;
  const name = (i: number) => labels[i] ?? String(i);

  const rowSums = new Map(shown.map((r) => [r, labels.reduce((sum, _, c) => sum + at(r, c), 0)]));
  let maxDiag = 0;
  let maxOff = 0;
  for (const r of shown)
    for (const c of shown) {
      if (r === background && c === background) continue;
      if (r === c) maxDiag = Math.max(maxDiag, at(r, c));
      else maxOff = Math.max(maxOff, at(r, c));
    }

  const labelChars = Math.min(MAX_LABEL_CHARS, Math.max(...shown.map((i) => name(i).length)));
  const labelWidth = textWidth('x'.repeat(labelChars)) + 8;
  const left = CAPTION + labelWidth + 4;
  // Column labels lean at 45° when cells are wide enough to keep them apart, else stand upright.
  const fit = (rise: number, run: number) =>
    Math.floor(Math.min((width - left - run) / size, (height - CAPTION - rise - 14) / size));
  const slanted = fit(labelWidth * 0.71, labelWidth * 0.71) >= 22;
  const rise = slanted ? labelWidth * 0.71 : labelWidth;
  const top = CAPTION + rise + 6;
  const cell = Math.max(10, Math.min(44, fit(rise, slanted ? rise : 8)));
  const gridSize = cell * size;
  const right = slanted ? Math.max(8, rise - cell / 2) : 8;
  const svgWidth = Math.ceil(left + gridSize + right);
  const svgHeight = Math.ceil(top + gridSize + 8);
  const interactive = onSelectCell !== undefined;
  const selectedShown =
    selected && shown.includes(selected.row) && shown.includes(selected.col) ? selected : null;
  // One tab stop for the grid (the selected cell, else the first); arrows move between cells.
  const tabStop = selectedShown ?? { row: shown[0]!, col: shown[0]! };

  const moveFocus = (event: KeyboardEvent<SVGRectElement>, i: number, j: number) => {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    let ni = i + move[0];
    let nj = j + move[1];
    // The background×background cell means nothing and is not a button: step over it.
    if (shown[ni] === background && shown[nj] === background) {
      ni += move[0];
      nj += move[1];
    }
    const r = shown[ni];
    const c = shown[nj];
    if (r === undefined || c === undefined) return;
    const target = event.currentTarget.ownerSVGElement?.querySelector<SVGElement>(`[data-cell="${r},${c}"]`);
    target?.focus();
  };

  const hiddenNotes = [
    view.hiddenEmpty.length > 0 &&
      `${view.hiddenEmpty.length} without boxes hidden (${listNames(labels, view.hiddenEmpty)})`,
    view.hiddenQuiet.length > 0 &&
      `${view.hiddenQuiet.length} least confused hidden to show ${maxClasses} (${listNames(labels, view.hiddenQuiet)})`,
  ].filter(Boolean);

  return (
    <figure className="chart chart-heatmap">
      <svg
        width={svgWidth}
        height={svgHeight}
        viewBox={`0 0 ${svgWidth} ${svgHeight}`}
        role={chartRole(interactive)}
        aria-label={`${title}: ${size - 1} classes and background, rows ground truth, columns predicted`}
      >
        <title>{title}</title>
        <g className="chart-axis" aria-hidden="true">
          <text
            className="chart-caption-text"
            transform={`translate(12 ${top + gridSize / 2}) rotate(-90)`}
            textAnchor="middle"
          >
            ground truth
          </text>
          <text className="chart-caption-text" x={left + gridSize / 2} y={12} textAnchor="middle">
            predicted
          </text>
          {shown.map((index, i) => (
            <g key={index} className={index === background ? 'chart-background-label' : undefined}>
              <text x={left - 6} y={top + i * cell + cell / 2 + 4} textAnchor="end">
                {truncateLabel(name(index), labelChars)}
              </text>
              <text
                transform={`translate(${left + i * cell + cell / 2 + (slanted ? 3 : 4)} ${top - 5}) rotate(${slanted ? -45 : -90})`}
                textAnchor="start"
              >
                {truncateLabel(name(index), labelChars)}
              </text>
            </g>
          ))}
        </g>
        {shown.map((r, i) =>
          shown.map((c, j) => {
            const x = left + j * cell;
            const y = top + i * cell;
            if (r === background && c === background)
              return (
                <rect key={`${r},${c}`} className="chart-cell-void" x={x} y={y} width={cell} height={cell} />
              );
            const count = at(r, c);
            const rowSum = rowSums.get(r) ?? 0;
            const share = rowSum > 0 ? count / rowSum : 0;
            const diagonal = r === c;
            const max = diagonal ? maxDiag : maxOff;
            // Square root for counts so a handful of confusions still shows next to thousands.
            const t = normalize === 'row' ? share : max > 0 ? Math.sqrt(count / max) : 0;
            const fill =
              count > 0 ? mixColor(CELL_BASE, diagonal ? CORRECT : CONFUSED, 0.12 + 0.88 * t) : CELL_EMPTY;
            const text = normalize === 'row' ? formatShare(share) : formatCompactCount(count);
            const fits = count > 0 && cell >= 16 && textWidth(text, 10) + 4 <= cell;
            const isSelected = selectedShown?.row === r && selectedShown.col === c;
            const tooltip =
              `${name(r)} → ${name(c)}: ${formatCount(count)} ${cellKind(r, c, background)}` +
              (rowSum > 0 ? ` (${formatShare(share)} of ${formatCount(rowSum)} ${name(r)})` : '');
            return (
              <g key={`${r},${c}`} className={`chart-cell${isSelected ? ' chart-selected' : ''}`}>
                <rect
                  x={x + 0.5}
                  y={y + 0.5}
                  width={cell - 1}
                  height={cell - 1}
                  rx={2}
                  style={{ fill }}
                  data-cell={`${r},${c}`}
                  data-count={count}
                  {...(interactive
                    ? {
                        role: 'button',
                        tabIndex: tabStop.row === r && tabStop.col === c ? 0 : -1,
                        'aria-pressed': isSelected,
                        'aria-label': tooltip,
                        onClick: () => onSelectCell(r, c),
                        onKeyDown: (event: KeyboardEvent<SVGRectElement>) => {
                          if (event.key === 'Enter' || event.key === ' ') {
                            event.preventDefault();
                            onSelectCell(r, c);
                          } else moveFocus(event, i, j);
                        },
                      }
                    : {})}
                >
                  <title>{tooltip}</title>
                </rect>
                {fits && (
                  <text
                    className="chart-cell-text"
                    x={x + cell / 2}
                    y={y + cell / 2 + 3.5}
                    textAnchor="middle"
                    style={{ fill: t > 0.55 ? DARK_TEXT : LIGHT_TEXT }}
                    aria-hidden="true"
                  >
                    {text}
                  </text>
                )}
              </g>
            );
          }),
        )}
      </svg>
      <figcaption className="chart-caption">
        <span className="chart-key">
          <span className="chart-swatch" style={{ background: CORRECT }} /> correct
          <span className="chart-swatch" style={{ background: CONFUSED }} /> confused, missed or false
          positive
        </span>
        {hiddenNotes.map((note) => (
          <span key={String(note)} className="chart-hidden-note" data-hidden-note="true">
            Classes: {note}.
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
