/**
 * Evaluation of a model run (or an imported results file) against the project's labels: COCO metrics equal
 * to pycocotools, charts that lead to the objects behind them, and the failure cases to fix in the editor.
 * Everything heavy runs in the evaluation worker; coming back from the editor evaluates again.
 */

import { useEffect, useMemo, useRef, useState } from 'react';
import { COCO_IOU_THRESHOLDS } from '../../../src/core/evaluation/params';
import type { EvaluationSummary } from '../../../src/core/evaluation/report';
import type { ProjectId } from '../../../src/core/ids';
import type { PredictionRun, RunId } from '../../../src/core/predictions/types';
import { useServices } from '../app/services';
import { ProjectBreadcrumb } from '../components/Breadcrumb';
import { MissingProject } from '../components/MissingProject';
import { ScoreInput } from '../components/ScoreInput';
import type { ProjectRecord } from '../db/database';
import { evaluationHistory, previousComparable, type EvaluationRecord } from '../db/evaluations';
import { listRuns } from '../db/predictions';
import { useUi } from '../state/ui';
import { BarChart } from './charts/BarChart';
import { ConfusionHeatmap } from './charts/ConfusionHeatmap';
import { Histogram } from './charts/Histogram';
import { PrCurve } from './charts/PrCurve';
import './charts/charts.css';
import './evaluation.css';
import { evaluationWorker } from './evaluationWorker';
import { FailureBrowser, type FailureFilter } from './FailureBrowser';
import type { EvaluationView, ObjectItem } from './session';

interface Choice {
  masks: boolean;
  iouIndex: number;
  /** Per run: a threshold chosen for one run means nothing for another model. */
  scoreThreshold?: number;
  runId?: RunId;
  filter: FailureFilter;
}
const DEFAULT_CHOICE: Choice = { masks: false, iouIndex: 0, filter: { kind: 'false-positive' } };
/** What the user chose per project, kept while they go to the editor and back (not across reloads). */
const choices = new Map<ProjectId, Choice>();

/** Series colours that read the same on every chart: found, false alarm, missed. */
const SERIES_COLOR: Record<string, string> = {
  'true positives': '#4c9bff',
  'false positives': '#ff6b5d',
  'false negatives': '#f5b94a',
};
const coloured = (series: EvaluationSummary['scoreHistogram']['series']) =>
  series.map((s) => ({ ...s, color: SERIES_COLOR[s.label] ?? '#8d95a3' }));

const fmt = (value: number, digits = 3) => (value < 0 || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(3)}`;

export function EvaluationPage({ projectId, runId }: { projectId: ProjectId; runId?: RunId }) {
  const saved = choices.get(projectId) ?? DEFAULT_CHOICE;
  const lastChoice =
    saved.runId === runId
      ? saved
      : { ...saved, scoreThreshold: undefined, runId, filter: DEFAULT_CHOICE.filter };
  const remember = (patch: Partial<Choice>) =>
    choices.set(projectId, { ...(choices.get(projectId) ?? DEFAULT_CHOICE), runId, ...patch });
  const { api, db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const worker = useMemo(() => evaluationWorker(), []);
  const [project, setProject] = useState<ProjectRecord | null | undefined>(undefined);
  const [runs, setRuns] = useState<PredictionRun[]>([]);
  const [masks, setMasks] = useState(lastChoice.masks);
  const [iouIndex, setIouIndex] = useState(lastChoice.iouIndex);
  const [scoreThreshold, setScoreThreshold] = useState<number | undefined>(lastChoice.scoreThreshold);
  const [filter, setFilter] = useState<FailureFilter>(lastChoice.filter);
  const [view, setView] = useState<EvaluationView | null>(null);
  const [summary, setSummary] = useState<EvaluationSummary | null>(null);
  const [history, setHistory] = useState<EvaluationRecord[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The thresholds on screen, read by replies that arrive later (a reply for other thresholds is dropped).
  const shown = useRef({ iouIndex, scoreThreshold });
  shown.current = { iouIndex, scoreThreshold };
  const thresholdRequest = useRef(0);

  useEffect(() => {
    void db.projects.get(projectId).then((p) => setProject(p ?? null));
    void listRuns(db, projectId).then(setRuns);
  }, [db, projectId]);

  // No run chosen: take the newest one that has predictions.
  useEffect(() => {
    if (runId || runs.length === 0) return;
    const first = runs.find((r) => r.predictionCount > 0) ?? runs[0]!;
    navigate({ page: 'evaluation', projectId, runId: first.id });
  }, [runId, runs, navigate, projectId]);

  // Evaluate whenever the run or the matching changes (and on every return to this page).
  useEffect(() => {
    if (!runId) return;
    let live = true;
    const startScore = shown.current.scoreThreshold;
    setBusy(true);
    setError(null);
    void worker
      .evaluate({
        projectId,
        runId,
        masks,
        iouIndex,
        ...(lastChoice.scoreThreshold === undefined ? {} : { scoreThreshold: lastChoice.scoreThreshold }),
        now: Date.now(),
      })
      .then(
        async (result) => {
          if (!live) return;
          setView(result);
          const wanted = shown.current;
          if (wanted.iouIndex !== iouIndex || wanted.scoreThreshold !== startScore) {
            // The user changed a threshold while this ran: show the evaluation at theirs.
            const request = ++thresholdRequest.current;
            const score = wanted.scoreThreshold ?? result.summary.scoreThreshold;
            const summary = await worker.threshold(wanted.iouIndex, score);
            if (!live || request !== thresholdRequest.current) return;
            setSummary(summary);
            setScoreThreshold(score);
          } else {
            setSummary(result.summary);
            setScoreThreshold(result.summary.scoreThreshold);
            // The threshold found (best F1) stays while the user fixes labels, so evaluations compare.
            remember({ scoreThreshold: result.summary.scoreThreshold, iouIndex });
          }
          setHistory(await evaluationHistory(db, projectId, runId));
        },
        (e: Error) => live && setError(e.message),
      )
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
    // The score threshold is applied without re-matching (below); iouIndex is re-applied there too.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [worker, db, projectId, runId, masks]);

  // A class or cell kept from another evaluation may not exist in this one.
  useEffect(() => {
    if (!summary) return;
    const classes = summary.classes.length;
    const badClass = filter.category !== undefined && filter.category >= classes;
    const badCell = filter.cell !== undefined && (filter.cell.row > classes || filter.cell.col > classes);
    if (badClass || badCell) setFilter({ kind: filter.kind });
  }, [summary, filter]);

  const rethreshold = (nextIou: number, nextScore: number) => {
    setIouIndex(nextIou);
    setScoreThreshold(nextScore);
    remember({ iouIndex: nextIou, scoreThreshold: nextScore });
    if (!view || busy) return; // an evaluation under way applies them when it ends
    const request = ++thresholdRequest.current;
    void worker.threshold(nextIou, nextScore).then(
      (next) => request === thresholdRequest.current && setSummary(next),
      (e: Error) => setError(e.message),
    );
  };
  const changeFilter = (next: FailureFilter) => {
    setFilter(next);
    remember({ filter: next });
  };

  const open = (item: ObjectItem) => {
    if (!runId) return;
    useUi.getState().setFocus({
      imageId: item.imageId,
      ...(item.gt ? { annotationId: item.gt.annotationId } : {}),
      ...(item.pred && !item.gt
        ? { prediction: { runId, predictionId: item.pred.predictionId, score: item.pred.score } }
        : {}),
      back: { label: 'Evaluation', route: { page: 'evaluation', projectId, runId } },
    });
    navigate({ page: 'image', projectId, imageId: item.imageId });
  };

  if (project === null) return <MissingProject />;
  const run = runs.find((r) => r.id === runId);
  const previous = previousComparable(history);
  const current = history.at(-1);

  return (
    <main className="page evaluation-page" data-page="evaluation">
      <header className="page-header">
        <ProjectBreadcrumb projectId={projectId} projectName={project?.name} title="Evaluation" />
      </header>
      <section className="evaluation-controls" aria-label="What to evaluate">
        <label>
          Run{' '}
          <select
            value={runId ?? ''}
            onChange={(e) => navigate({ page: 'evaluation', projectId, runId: e.target.value as RunId })}
            aria-label="Run"
          >
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.predictionCount} predictions)
              </option>
            ))}
          </select>
        </label>
        <label>
          Match by{' '}
          <select
            value={masks ? 'masks' : 'boxes'}
            onChange={(e) => {
              setMasks(e.target.value === 'masks');
              remember({ masks: e.target.value === 'masks' });
            }}
            aria-label="Match by"
          >
            <option value="boxes">boxes</option>
            <option value="masks">polygons (mask IoU)</option>
          </select>
        </label>
        <label>
          IoU ≥{' '}
          <select
            value={iouIndex}
            onChange={(e) => rethreshold(Number(e.target.value), scoreThreshold ?? 0.5)}
            aria-label="IoU threshold"
          >
            {COCO_IOU_THRESHOLDS.map((t, i) => (
              <option key={t} value={i}>
                {t.toFixed(2)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Score ≥{' '}
          <ScoreInput
            label="Score threshold"
            value={scoreThreshold ?? 0.5}
            onChange={(value) => rethreshold(iouIndex, value)}
          />
        </label>
        {summary?.sweep.best && (
          <button
            type="button"
            className="link"
            onClick={() => rethreshold(iouIndex, summary.sweep.best!.threshold)}
            title="The confidence threshold with the highest F1 over all classes"
          >
            best F1 at {summary.sweep.best.threshold.toFixed(2)}
          </button>
        )}
        <span className="muted" data-testid="evaluation-status">
          {busy
            ? 'Evaluating…'
            : view
              ? `${view.summary.imageCount} images, ${view.summary.gtCount} labels, ${view.summary.predCount} predictions · ${Math.round(view.elapsedMs)} ms`
              : ''}
        </span>
      </section>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {runs.length === 0 && (
        <p className="muted">
          No predictions yet. Run a model on the{' '}
          <button type="button" className="link" onClick={() => navigate({ page: 'models', projectId })}>
            Models
          </button>{' '}
          screen, or import a results file in the editor.
        </p>
      )}
      {summary && run && (
        <>
          <section className="metric-cards" aria-label="Metrics">
            <Metric name="AP@[.50:.95]" value={fmt(summary.stats[0]!)} testId="metric-ap" />
            <Metric name="AP50" value={fmt(summary.stats[1]!)} />
            <Metric name="AP75" value={fmt(summary.stats[2]!)} />
            {summary.areaRanges.slice(1).map((r) => (
              <Metric key={r.label} name={`AP ${r.label}`} value={fmt(r.ap)} />
            ))}
            <Metric name="Precision" value={fmt(summary.total.precision)} />
            <Metric name="Recall" value={fmt(summary.total.recall)} />
            <Metric name="F1" value={fmt(summary.total.f1)} />
            <Metric name="TP" value={String(summary.total.tp)} testId="metric-tp" />
            <Metric name="FP" value={String(summary.total.fp)} testId="metric-fp" />
            <Metric name="FN" value={String(summary.total.fn)} testId="metric-fn" />
          </section>
          {previous && current && (
            <p className="muted history" data-testid="evaluation-change">
              Since the last evaluation at these thresholds: AP{' '}
              {signed(current.stats[0]! - previous.stats[0]!)}, AP50{' '}
              {signed(current.stats[1]! - previous.stats[1]!)}, TP{' '}
              {current.total.tp - previous.total.tp >= 0 ? '+' : ''}
              {current.total.tp - previous.total.tp}, FP{' '}
              {current.total.fp - previous.total.fp >= 0 ? '+' : ''}
              {current.total.fp - previous.total.fp}
            </p>
          )}
          {view && (view.skipped.annotations > 0 || view.skipped.predictions > 0) && (
            <p className="muted">
              Left out: {view.skipped.annotations} labels and {view.skipped.predictions} predictions without
              an area (points, polylines) or of classes not in the schema.
            </p>
          )}
          <section className="chart-grid" aria-label="Charts">
            <figure>
              <figcaption>
                Precision–recall (COCO's class mean, and all objects pooled with the chosen score)
              </figcaption>
              <PrCurve
                series={[
                  ...summary.prCurves.map((c) => ({ ...c, label: `${c.label}, mean of classes` })),
                  {
                    label: `all objects, IoU ${summary.iouThresholds[summary.iouIndex]!.toFixed(2)}`,
                    points: summary.sweep.points.map((p) => ({ recall: p.recall, precision: p.precision })),
                  },
                ]}
                {...(summary.total.recall >= 0 && !Number.isNaN(summary.total.precision)
                  ? {
                      marker: {
                        recall: summary.total.recall,
                        precision: summary.total.precision,
                        label: `score ≥ ${summary.scoreThreshold.toFixed(2)}`,
                      },
                    }
                  : {})}
              />
            </figure>
            <figure>
              <figcaption>AP per class (click a bar to see its objects)</figcaption>
              <BarChart
                bars={[...summary.classes]
                  .sort((a, b) => (a.ap < 0 ? 1 : b.ap < 0 ? -1 : a.ap - b.ap))
                  .map((c) => ({
                    key: String(c.index),
                    label: c.name,
                    value: c.ap,
                    detail: `${c.gtCount} labels, ${c.predCount} predictions, AP50 ${fmt(c.ap50)}${c.bestF1 ? `, best F1 ${c.bestF1.f1.toFixed(2)} at ${c.bestF1.threshold.toFixed(2)}` : ''}`,
                  }))}
                selectedKey={filter.category === undefined ? null : String(filter.category)}
                onSelect={(key) => {
                  const same = filter.category === Number(key);
                  const { category: _dropped, ...rest } = filter;
                  changeFilter(same ? rest : { ...rest, category: Number(key), kind: 'all' });
                }}
                valueLabel="AP@[.50:.95]"
              />
            </figure>
            <figure>
              <figcaption>
                Confusion matrix at IoU {summary.iouThresholds[summary.iouIndex]!.toFixed(2)}
              </figcaption>
              <ConfusionHeatmap
                labels={summary.confusion.labels}
                counts={summary.confusion.counts}
                selected={filter.cell ?? null}
                onSelectCell={(row, col) => changeFilter({ kind: 'all', cell: { row, col } })}
              />
            </figure>
            <figure>
              <figcaption>Scores of true and false positives</figcaption>
              <Histogram
                bins={summary.scoreHistogram.bins}
                series={coloured(summary.scoreHistogram.series)}
                xLabel="score"
                onSelectBin={(bin, series) =>
                  changeFilter({
                    kind: series === 'true positives' ? 'true-positive' : 'all',
                    score: summary.scoreHistogram.bins[bin]!,
                  })
                }
              />
            </figure>
            <figure>
              <figcaption>Object size (√ of the share of the image)</figcaption>
              <Histogram
                bins={summary.sizeHistogram.bins}
                series={coloured(summary.sizeHistogram.series)}
                onSelectBin={(bin, series) =>
                  changeFilter({
                    kind:
                      series === 'true positives'
                        ? 'true-positive'
                        : series === 'false negatives'
                          ? 'false-negative'
                          : 'all',
                    size: summary.sizeHistogram.bins[bin]!,
                  })
                }
                xLabel="relative size"
              />
            </figure>
          </section>
          <FailureBrowser
            api={api}
            db={db}
            projectId={projectId}
            worker={worker}
            summary={summary}
            filter={filter}
            onFilter={changeFilter}
            onOpen={open}
          />
        </>
      )}
    </main>
  );
}

function Metric({ name, value, testId }: { name: string; value: string; testId?: string }) {
  return (
    <div className="metric" {...(testId ? { 'data-testid': testId } : {})}>
      <span className="metric-value">{value}</span>
      <span className="metric-name">{name}</span>
    </div>
  );
}
