/** Model runs of a project still going, shown on its gallery so a run is never out of sight. */

import type { ProjectId } from '../../../src/core/ids';
import { formatCount, formatDuration } from '../format';
import { useUi } from '../state/ui';
import { useRunProgress } from './runModel';
import { ProgressBar } from '../components/ProgressBar';

export function RunningModels({ projectId }: { projectId: ProjectId }) {
  const runs = useRunProgress((s) => s.runs);
  const navigate = useUi((s) => s.navigate);
  const live = Object.entries(runs).filter(([, run]) => run.projectId === projectId);
  if (live.length === 0) return null;
  return (
    <>
      {live.map(([runId, run]) => {
        return (
          <div key={runId} className="import-progress" data-testid="gallery-run-progress">
            <span>
              {run.name}: {formatCount(run.done)} / {formatCount(run.total)} images
            </span>
            <ProgressBar done={run.done} total={run.total} />
            <span className="muted">
              {run.ratePerSecond.toFixed(1)} images/s · ETA {formatDuration(run.etaSeconds)}
            </span>
            <button type="button" onClick={() => navigate({ page: 'models', projectId })}>
              Show run
            </button>
          </div>
        );
      })}
    </>
  );
}
