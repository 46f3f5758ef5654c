/**
 * The project's model runs: live progress (images/s, ETA) with cancel, runs that stopped early (cancelled,
 * failed, or interrupted by closing the app) with resume, and each run's record: model, card, thresholds,
 * provider, counts and the images that failed.
 */

import { useEffect, useState } from 'react';
import type { ImageId } from '../../../src/core/ids';
import type { PredictionRun, RunId } from '../../../src/core/predictions/types';
import { useServices } from '../app/services';
import { deleteRun } from '../db/predictions';
import { formatCount, formatDuration, formatWhen } from '../format';
import { useUi } from '../state/ui';
import { acceptRunAboveThreshold, undoLastBulkAccept } from './bulkAccept';
import {
  cancelModelRun,
  continueModelRun,
  retryFailedImages,
  runErrors,
  useRunProgress,
  type RunProgress,
} from './runModel';
import { ProgressBar } from '../components/ProgressBar';
import { ScoreInput } from '../components/ScoreInput';

/** While a run is live its row re-reads the database this often (batches land as they are saved). */
const LIVE_REFRESH_MS = 500;

export function RunsList({ runs, onChanged }: { runs: readonly PredictionRun[]; onChanged: () => void }) {
  const live = useRunProgress((s) => s.runs);
  const anyLive = Object.keys(live).length > 0;
  useEffect(() => {
    if (!anyLive) return;
    const timer = setInterval(onChanged, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyLive, onChanged]);
  // A run's job ending (done, cancelled) removes it from `live`: read its final record once more.
  useEffect(() => {
    if (!anyLive) onChanged();
  }, [anyLive, onChanged]);

  if (runs.length === 0)
    return (
      <section className="runs" aria-label="Runs">
        <h2>Runs</h2>
        <p className="muted">No model runs in this project yet.</p>
      </section>
    );
  return (
    <section className="runs" aria-label="Runs">
      <h2>Runs</h2>
      {runs.map((run) => (
        <RunRow key={run.id} run={run} progress={live[run.id]} onChanged={onChanged} />
      ))}
    </section>
  );
}

function statusOf(run: PredictionRun, progress: RunProgress | undefined): string {
  const status = run.model?.status;
  if (progress) return progress.cancelling ? 'cancelling' : 'running';
  return status === 'running' ? 'interrupted' : (status ?? 'done');
}

function RunRow({
  run,
  progress,
  onChanged,
}: {
  run: PredictionRun;
  progress: RunProgress | undefined;
  onChanged: () => void;
}) {
  const { api, db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const [errors, setErrors] = useState<{ imageId: ImageId; error: string; name: string }[] | null>(null);
  const details = run.model!;
  const [threshold, setThreshold] = useState(details.scoreThreshold);
  const [accepting, setAccepting] = useState(false);
  const [acceptNote, setAcceptNote] = useState<string | null>(null);
  const lastAccept = details.bulkAccepts?.at(-1);
  const status = statusOf(run, progress);
  const total = details.imageTotal;
  const done = progress?.done ?? details.processed;
  const canResume = !progress && details.processed < total;
  const unmapped = Object.entries(details.unmapped).sort((a, b) => b[1] - a[1]);
  const unmappedCount = unmapped.reduce((sum, [, n]) => sum + n, 0);

  const resume = () =>
    void continueModelRun(api, db, run.id as RunId)
      .catch((error: unknown) => setAcceptNote((error as Error).message))
      .finally(onChanged);
  const remove = () => void deleteRun(db, run.id).then(onChanged);
  const retry = () =>
    void retryFailedImages(api, db, run.id)
      .catch((error: unknown) => setAcceptNote((error as Error).message))
      .finally(onChanged);
  const showErrors = async () => {
    if (errors) return setErrors(null);
    const list = await runErrors(db, run.id);
    const images = await db.images.bulkGet(list.map((e) => e.imageId));
    setErrors(list.map((e, i) => ({ ...e, name: images[i]?.relPath ?? e.imageId })));
  };
  const acceptAll = async () => {
    setAccepting(true);
    try {
      const outcome = await acceptRunAboveThreshold(db, run.id, threshold, {
        user: useUi.getState().user?.id,
      });
      const reasons = outcome.reasons
        .slice(0, 2)
        .map((r) => `${r.count}: ${r.reason}`)
        .join('; ');
      setAcceptNote(
        `Accepted ${formatCount(outcome.accepted)} prediction${outcome.accepted === 1 ? '' : 's'} on ${formatCount(outcome.images)} image${outcome.images === 1 ? '' : 's'} into ground truth` +
          (outcome.skipped > 0 ? `; skipped ${formatCount(outcome.skipped)} (${reasons})` : ''),
      );
    } catch (error) {
      setAcceptNote((error as Error).message);
    } finally {
      setAccepting(false);
      onChanged();
    }
  };
  const undoAccept = async () => {
    const user = useUi.getState().user?.id;
    const undone = await undoLastBulkAccept(db, run.id, { user }).catch((error: unknown) => {
      setAcceptNote((error as Error).message);
      return null;
    });
    if (!undone) return;
    const { removed, keptEdited } = undone;
    setAcceptNote(
      `Removed ${formatCount(removed)} accepted annotation${removed === 1 ? '' : 's'}` +
        (keptEdited > 0 ? `; kept ${formatCount(keptEdited)} edited since` : ''),
    );
    onChanged();
  };
  const openFirst = async () => {
    const first = await db.predictions.where('runId').equals(run.id).first();
    if (first) navigate({ page: 'image', projectId: run.projectId, imageId: first.imageId });
  };

  return (
    <article
      className={`run-row run-${status}`}
      data-run-id={run.id}
      data-run-status={status}
      aria-label={`Run ${run.name}`}
    >
      <header>
        <strong>{run.name}</strong>
        <span className={`badge run-status status-${status}`} data-testid="run-status">
          {status}
        </span>
        <span className="muted small">
          {formatWhen(run.createdAt)} · {details.fileName} ({details.sha256.slice(0, 12)}) · {details.task}
        </span>
      </header>
      {(progress || status !== 'done' || canResume) && (
        <div className="import-progress run-progress" data-testid="run-progress">
          <span>
            {formatCount(done)} / {formatCount(total)} images
          </span>
          <ProgressBar done={done} total={total} />
          {progress && (
            <span className="muted" data-testid="run-rate">
              {progress.ratePerSecond.toFixed(1)} images/s · ETA {formatDuration(progress.etaSeconds)}
            </span>
          )}
          {progress ? (
            <button
              type="button"
              disabled={progress.cancelling || progress.jobId === null}
              onClick={() => void cancelModelRun(api, run.id)}
            >
              {progress.cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : (
            canResume && (
              <button type="button" className="primary" onClick={resume}>
                Resume ({formatCount(total - details.processed)} left)
              </button>
            )
          )}
        </div>
      )}
      <dl className="run-facts">
        <dt>Predictions</dt>
        <dd data-testid="run-predictions">
          {formatCount(run.predictionCount)} on {formatCount(run.imageCount)} images
        </dd>
        <dt>Processed</dt>
        <dd>
          {formatCount(details.processed)} of {formatCount(total)}
        </dd>
        <dt>Failed</dt>
        <dd>
          {details.failed === 0 ? (
            '0'
          ) : (
            <button type="button" className="link" onClick={() => void showErrors()}>
              {formatCount(details.failed)} image{details.failed === 1 ? '' : 's'}
            </button>
          )}
        </dd>
        <dt>Flagged by the schema</dt>
        <dd>{formatCount(details.flagged)}</dd>
        <dt>Ignored (unmapped)</dt>
        <dd title={unmapped.map(([label, n]) => `${label}: ${n}`).join('\n')}>
          {unmappedCount === 0
            ? '0'
            : `${formatCount(unmappedCount)} (${unmapped
                .slice(0, 3)
                .map(([label, n]) => `${label} ${n}`)
                .join(', ')}${unmapped.length > 3 ? ', …' : ''})`}
        </dd>
        <dt>Settings</dt>
        <dd>
          score ≥ {details.scoreThreshold}
          {details.nmsThreshold !== null ? `, NMS IoU ${details.nmsThreshold}` : ''}, {details.threads} thread
          {details.threads === 1 ? '' : 's'}, {details.provider.toUpperCase()}
        </dd>
        <dt>Time</dt>
        <dd>
          {formatDuration(details.elapsedMs / 1000)}
          {details.firstResultMs !== null
            ? ` (first result after ${Math.round(details.firstResultMs)} ms)`
            : ''}
        </dd>
      </dl>
      {details.providerNote && <p className="warn small">{details.providerNote}</p>}
      {details.error && (
        <p className="error small" role="alert">
          {details.error}
        </p>
      )}
      {errors && (
        <ul className="run-errors" aria-label="Failed images">
          {errors.map((e) => (
            <li key={e.imageId}>
              <code>{e.name}</code>: {e.error}
            </li>
          ))}
        </ul>
      )}
      {acceptNote && (
        <p className="small" role="status" data-testid="bulk-accept-note">
          {acceptNote}
        </p>
      )}
      <div className="run-actions">
        {run.imageCount > 0 && (
          <button type="button" onClick={() => void openFirst()}>
            Review predictions
          </button>
        )}
        {run.imageCount > 0 && (
          <button
            type="button"
            onClick={() => navigate({ page: 'evaluation', projectId: run.projectId, runId: run.id })}
          >
            Evaluate
          </button>
        )}
        {run.predictionCount > 0 && !progress && (
          <span className="bulk-accept">
            <label>
              Accept all ≥ <ScoreInput label="Accept threshold" value={threshold} onChange={setThreshold} />
            </label>
            <button type="button" disabled={accepting} onClick={() => void acceptAll()}>
              {accepting ? 'Accepting…' : 'Accept into ground truth'}
            </button>
            {lastAccept && (
              <button type="button" onClick={() => void undoAccept()}>
                Undo accept of {formatCount(lastAccept.accepted)}
              </button>
            )}
          </span>
        )}
        {!progress && details.failed > 0 && (
          <button type="button" onClick={retry}>
            Retry {formatCount(details.failed)} failed
          </button>
        )}
        {!progress && (
          <button type="button" className="danger-link" onClick={remove}>
            Delete run
          </button>
        )}
      </div>
    </article>
  );
}
