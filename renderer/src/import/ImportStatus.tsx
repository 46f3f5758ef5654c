/** The running import's progress bar, and the last import's report with every file that was not added. */

import { useServices } from '../app/services';
import type { ImportRecord } from '../db/database';
import { formatCount, formatDuration, formatWhen } from '../format';
import type { ImportProgress } from '../state/ui';
import { cancelImport } from './runImport';
import { DatasetReportSection } from './DatasetReport';
import type { ProjectId } from '../../../src/core/ids';
import { ProgressBar } from '../components/ProgressBar';

export function ImportProgressBar({
  projectId,
  progress,
}: {
  projectId: ProjectId;
  progress: ImportProgress;
}) {
  const { api } = useServices();
  return (
    <div className="import-progress" role="status" aria-label="Import progress">
      <ProgressBar done={progress.done} total={progress.total} />
      <span data-testid="import-count">
        {progress.total === 0 && progress.done === 0
          ? 'Looking for images…'
          : `${formatCount(progress.done)} / ${formatCount(progress.total)} images`}
      </span>
      <span>{progress.ratePerSecond > 0 ? `${progress.ratePerSecond.toFixed(0)} images/s` : ''}</span>
      <span>ETA {formatDuration(progress.etaSeconds)}</span>
      <button
        type="button"
        disabled={progress.cancelling || !progress.jobId}
        onClick={() => void cancelImport(api, projectId)}
      >
        {progress.cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

const STATE_LABEL: Record<ImportRecord['state'], string> = {
  running: 'interrupted (the window closed while importing)',
  done: 'finished',
  cancelled: 'cancelled: images imported before cancelling were kept',
  failed: 'failed',
};

export function ImportReport({
  report,
  running,
  onClose,
}: {
  report: ImportRecord;
  running: boolean;
  onClose: () => void;
}) {
  const problems = report.problems.filter((p) => p.code !== 'duplicate');
  const duplicates = report.problems.filter((p) => p.code === 'duplicate');
  return (
    <section className="import-report" aria-label="Import report" data-state={report.state}>
      <header>
        <h2>Import report</h2>
        <span className="muted">
          {report.sourceLabel} · {formatWhen(report.startedAt)} ·{' '}
          {running ? 'running' : STATE_LABEL[report.state]}
        </span>
        <button type="button" className="link" onClick={onClose} aria-label="Close import report">
          ✕
        </button>
      </header>
      <p className="report-counts">
        <span data-testid="report-added">{formatCount(report.added)} added</span>
        <span data-testid="report-duplicates">{formatCount(report.duplicates)} duplicates</span>
        <span data-testid="report-problems" className={problems.length > 0 ? 'warn' : ''}>
          {formatCount(problems.length)} not imported
        </span>
        {report.ignoredFiles > 0 && <span>{formatCount(report.ignoredFiles)} non-image files ignored</span>}
      </p>
      {report.error && <p className="error">{report.error}</p>}
      {report.dataset && <DatasetReportSection dataset={report.dataset} />}
      {report.problems.length > 0 && (
        <table className="problem-table">
          <thead>
            <tr>
              <th>File</th>
              <th>Problem</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {[...problems, ...duplicates].slice(0, 1000).map((problem, index) => (
              <tr key={`${problem.path}:${index}`} data-problem={problem.code}>
                <td className="path" title={problem.path}>
                  <bdi>{problem.path}</bdi>
                </td>
                <td>
                  <span className={`badge badge-${problem.code}`}>{problem.code}</span>
                </td>
                <td>{problem.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.problems.length > 1000 && (
        <p className="muted">Showing the first 1,000 of {formatCount(report.problems.length)} entries.</p>
      )}
    </section>
  );
}
