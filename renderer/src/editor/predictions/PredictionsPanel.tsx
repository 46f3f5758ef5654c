/** The predictions panel: layers, confidence threshold, the predictions on this image to accept or reject, and run comparison. */

import { JsonFileInput } from '../../components/JsonFileInput';
import { useRef } from 'react';
import { visiblePredictions } from '../../../../src/core/predictions/accept';
import type {
  ImagePredictions,
  PredictionDecision,
  PredictionRun,
  RunId,
} from '../../../../src/core/predictions/types';
import type { AnnotationSchema } from '../../../../src/core/schema/types';
import {
  acceptAllLabel,
  clampThreshold,
  compareRuns,
  formatScore,
  panelSections,
  predictionsOfRun,
  type LayerVisibility,
  type RunSection,
} from './panelModel';
import './predictions.css';

export interface RunComparison {
  readonly a: RunId;
  readonly b: RunId | null;
}

export interface PredictionsPanelProps {
  readonly runs: readonly PredictionRun[];
  /** Every run's predictions on this image (`predictionsFor`). */
  readonly predictions: readonly ImagePredictions[];
  readonly schema: AnnotationSchema;
  readonly decisions: Readonly<Record<string, PredictionDecision>>;
  readonly visibility: LayerVisibility;
  readonly threshold: number;
  /** A prediction id, or `decisionKey(runId, id)` to tell runs apart. */
  readonly selectedPredictionId: string | null;
  /** The runs being compared; none by default. */
  readonly compare?: RunComparison | null;
  onToggleLayer(layer: 'groundTruth' | RunId, visible: boolean): void;
  onThreshold(threshold: number): void;
  onSelect(runId: RunId, predictionId: string): void;
  onAccept(runId: RunId, predictionIds: string[]): void;
  onReject(runId: RunId, predictionIds: string[]): void;
  onAcceptAllAbove(runId: RunId): void;
  /** Two runs side by side; `b` null ends the comparison. */
  onCompare(a: RunId, b: RunId | null): void;
  onImport(file: File): void;
  /** The image's tags now, and adding one a classifier run proposes (one undoable edit, schema-checked). */
  readonly imageTags?: readonly string[];
  onAddTag?(classId: string): void;
}

export function PredictionsPanel(props: PredictionsPanelProps) {
  const { runs, threshold, visibility } = props;
  const fileInput = useRef<HTMLInputElement>(null);
  const sections = panelSections(props);

  return (
    <section className="predictions-panel" aria-label="Predictions" data-testid="predictions-panel">
      <header className="predictions-header">
        <h2>Predictions</h2>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import predictions (COCO results)…
        </button>
        <JsonFileInput
          ref={fileInput}
          aria-label="Import predictions (COCO results)"
          onFile={(file) => props.onImport(file)}
        />
      </header>

      <label className="predictions-threshold">
        <span>Confidence threshold</span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={threshold}
          aria-label="Confidence threshold"
          onChange={(e) => props.onThreshold(clampThreshold(Number(e.target.value)))}
        />
        <output data-testid="threshold-value">{formatScore(threshold)}</output>
      </label>

      <fieldset className="predictions-layers">
        <legend>Layers</legend>
        <label>
          <input
            type="checkbox"
            checked={visibility.groundTruth}
            onChange={(e) => props.onToggleLayer('groundTruth', e.target.checked)}
          />
          Ground truth
        </label>
        {sections.map((section) => (
          <label key={section.run.id}>
            <input
              type="checkbox"
              checked={section.shown}
              onChange={(e) => props.onToggleLayer(section.run.id, e.target.checked)}
            />
            {section.run.name}
          </label>
        ))}
      </fieldset>

      {runs.length === 0 ? (
        <p className="muted">
          No predictions yet. Import a COCO results file to review a model&apos;s detections.
        </p>
      ) : (
        sections.map((section) => <RunList key={section.run.id} section={section} {...props} />)
      )}

      {runs.length >= 2 && <Comparison {...props} />}
    </section>
  );
}

function RunList({
  section,
  threshold,
  onSelect,
  onAccept,
  onReject,
  onAcceptAllAbove,
  ...rest
}: { section: RunSection } & PredictionsPanelProps) {
  const { run, rows } = section;
  return (
    <section className="prediction-run" aria-label={run.name} data-run-id={run.id}>
      <header>
        <h3>{run.name}</h3>
        <span className="muted" data-testid="run-summary">
          {rows.length} shown · {section.belowThreshold} below threshold · {section.accepted} accepted ·{' '}
          {section.rejected} rejected
        </span>
      </header>
      {!section.shown ? (
        <p className="muted">Hidden on the canvas.</p>
      ) : (
        <>
          <ul className="prediction-list">
            {rows.map((row) => (
              <li
                key={row.predictionId}
                data-testid="prediction-row"
                data-prediction-id={row.predictionId}
                className={row.selected ? 'selected' : undefined}
                aria-selected={row.selected}
                onClick={() => onSelect(row.runId, row.predictionId)}
              >
                <span className="swatch" style={{ background: row.color ?? 'transparent' }} />
                <span className="prediction-name">
                  {row.name}
                  {!row.mapped && <span className="muted"> (unmapped)</span>}
                  {row.flags.length > 0 && (
                    <span
                      className="prediction-flag warn"
                      title={row.flags.join('\n')}
                      data-testid="prediction-flag"
                    >
                      {' '}
                      ⚠ {row.flags[0]}
                    </span>
                  )}
                </span>
                <span className="prediction-score">{row.score}</span>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Accept ${row.name} ${row.score}`}
                  title={row.mapped ? 'Accept' : 'Map this model class to a schema class to accept it'}
                  disabled={!row.mapped}
                  onClick={(e) => {
                    e.stopPropagation();
                    onAccept(row.runId, [row.predictionId]);
                  }}
                >
                  ✓
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Reject ${row.name} ${row.score}`}
                  title="Reject"
                  onClick={(e) => {
                    e.stopPropagation();
                    onReject(row.runId, [row.predictionId]);
                  }}
                >
                  ✗
                </button>
              </li>
            ))}
          </ul>
          <TagSuggestions section={section} {...rest} threshold={threshold} />
          <button
            type="button"
            className="primary"
            disabled={section.acceptable === 0}
            onClick={() => onAcceptAllAbove(run.id)}
          >
            {acceptAllLabel(threshold, section.acceptable)}
          </button>
        </>
      )}
    </section>
  );
}

/** A classifier run's proposed image tags at or above the threshold, each added with one click. */
function TagSuggestions({
  section,
  predictions,
  schema,
  threshold,
  imageTags = [],
  onAddTag,
}: { section: RunSection } & Pick<
  PredictionsPanelProps,
  'predictions' | 'schema' | 'threshold' | 'imageTags' | 'onAddTag'
>) {
  const tags = (predictions.find((p) => p.runId === section.run.id)?.tags ?? []).filter(
    (t) => t.score >= threshold,
  );
  if (tags.length === 0) return null;
  return (
    <ul className="prediction-list prediction-tags" aria-label="Proposed tags">
      {tags.map((tag) => {
        const cls = schema.classes.find((c) => c.id === tag.classId);
        const present = imageTags.includes(tag.classId);
        return (
          <li key={tag.classId} data-testid="tag-prediction">
            <span className="swatch" style={{ background: cls?.color ?? 'transparent' }} />
            <span className="prediction-name">tag: {cls?.name ?? tag.label}</span>
            <span className="prediction-score">{tag.score.toFixed(2)}</span>
            <button
              type="button"
              className="icon"
              aria-label={`Add tag ${cls?.name ?? tag.label}`}
              title={present ? 'The image has this tag' : 'Add this tag to the image'}
              disabled={present || !onAddTag}
              onClick={() => onAddTag?.(tag.classId)}
            >
              {present ? '✓' : '+'}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function Comparison(props: PredictionsPanelProps) {
  const { runs, compare, schema, predictions, threshold, decisions, onCompare } = props;
  const a = compare?.a ?? runs[0]!.id;
  const b = compare?.b ?? null;
  const runA = runs.find((run) => run.id === a);
  const runB = b === null ? undefined : runs.find((run) => run.id === b);
  const visibleOf = (runId: RunId) =>
    visiblePredictions(predictionsOfRun(predictions, runId), threshold, decisions, runId);
  return (
    <section className="prediction-compare" aria-label="Compare runs">
      <h3>Compare runs</h3>
      <div className="compare-pickers">
        <select aria-label="First run" value={a} onChange={(e) => onCompare(e.target.value as RunId, b)}>
          {runs.map((run) => (
            <option key={run.id} value={run.id}>
              {run.name}
            </option>
          ))}
        </select>
        <select
          aria-label="Second run"
          value={b ?? ''}
          onChange={(e) => onCompare(a, e.target.value === '' ? null : (e.target.value as RunId))}
        >
          <option value="">—</option>
          {runs
            .filter((run) => run.id !== a)
            .map((run) => (
              <option key={run.id} value={run.id}>
                {run.name}
              </option>
            ))}
        </select>
      </div>
      {runA !== undefined && runB !== undefined && (
        <table className="compare-table" data-testid="compare-table">
          <thead>
            <tr>
              <th>Class</th>
              <th>{runA.name}</th>
              <th>{runB.name}</th>
            </tr>
          </thead>
          <tbody>
            {compareRuns(schema, visibleOf(runA.id), visibleOf(runB.id)).map((row) => (
              <tr key={row.name}>
                <td>{row.name}</td>
                <td className="num">{row.a}</td>
                <td className="num">{row.b}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
