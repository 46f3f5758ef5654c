/**
 * The Report tab: builds the QA report of all images or of a dataset version from the project's QA data,
 * shows it exactly as the exported file (a sandboxed frame on the same HTML), and saves it as HTML, as CSV,
 * or as the QA data `labelloop qa report` reads. The report is built in the QA worker: on a large project it
 * takes seconds.
 */

import { useEffect, useMemo, useState } from 'react';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { formatNumber } from '../../../src/core/qa/charts';
import { SNAPSHOT_FILE_NAME } from '../../../src/core/qa/snapshot';
import { useServices } from '../app/services';
import { listVersions, type VersionSummary } from '../db/versions';
import { useUi } from '../state/ui';
import { downloadText } from './download';
import type { ReportView } from './qaProtocol';
import { qaWorker } from './qaWorker';
import { downloadReportCsv, downloadReportHtml } from './saveFiles';
import './report.css';

interface Choices {
  /** null: all images. */
  readonly versionNumber: number | null;
  /** The gallery's selected images, when the report is of them. */
  readonly selected: readonly ImageId[] | null;
  readonly iouThreshold: number;
}

export interface Built extends ReportView {
  readonly choices: Choices;
  /** The worker's snapshot the report came from: "Save QA data" saves it while the worker still holds it. */
  readonly cacheKey: string;
}

const parseIou = (text: string): number | null => {
  const n = Number(text);
  return text.trim() !== '' && n > 0 && n <= 1 ? n : null;
};

/** The command that gives the same numbers from the saved QA data. */
const commandFor = (choices: Choices): string =>
  `labelloop qa report --project <folder> --out report.html --iou ${choices.iouThreshold}` +
  (choices.versionNumber === null ? '' : ` --version ${choices.versionNumber}`);

/** The scope picker's value: all images, the gallery's selection, or a version's number. */
const SELECTED = 'selected';

const percent = (rate: number) => (Number.isFinite(rate) ? `${formatNumber(rate * 100, 1)}%` : '–');

export function ReportTab({ projectId }: { projectId: ProjectId }) {
  const { db } = useServices();
  const worker = useMemo(() => qaWorker(), []);
  const dataVersion = useUi((s) => s.dataVersion);
  // A new snapshot per visit too, as the other QA tabs: not every change to returned labels bumps the data version.
  const [opened] = useState(() => Date.now());
  const [versions, setVersions] = useState<readonly VersionSummary[]>([]);
  const [versionNumber, setVersionNumber] = useState<number | null>(null);
  const selection = useUi((s) => s.selection.ids);
  const [selectedOnly, setSelectedOnly] = useState(false);
  const [iouText, setIouText] = useState('0.5');
  const [building, setBuilding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [built, setBuilt] = useState<Built | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    void listVersions(db, projectId).then((list) => {
      if (live) setVersions(list);
    });
    return () => {
      live = false;
    };
  }, [db, projectId, dataVersion]);

  const iouThreshold = parseIou(iouText);
  const stale =
    built !== null &&
    (built.choices.versionNumber !== versionNumber ||
      (built.choices.selected !== null) !== selectedOnly ||
      built.choices.iouThreshold !== iouThreshold);

  const build = async () => {
    if (iouThreshold === null) return;
    const selected = selectedOnly ? [...selection] : null;
    const choices: Choices = { versionNumber, selected, iouThreshold };
    const cacheKey = `${opened}:${dataVersion}`;
    setBuilding(true);
    setError(null);
    try {
      const view = await worker.report(projectId, cacheKey, {
        iouThreshold,
        ...(versionNumber === null ? {} : { versionNumber }),
        ...(selected === null ? {} : { imageIds: selected }),
        generatedAt: Date.now(),
      });
      setBuilt({ ...view, choices, cacheKey });
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBuilding(false);
    }
  };

  const saveQaData = async (from: Built) => {
    setSaving(true);
    setError(null);
    try {
      downloadText(SNAPSHOT_FILE_NAME, await worker.qaData(projectId, from.cacheKey), 'application/json');
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="report-tab" data-testid="qa-report-tab">
      <form
        className="toolbar report-controls"
        onSubmit={(event) => {
          event.preventDefault();
          void build();
        }}
      >
        <label>
          Scope{' '}
          <select
            aria-label="Scope"
            data-testid="qa-report-scope"
            value={selectedOnly ? SELECTED : (versionNumber ?? '')}
            onChange={(event) => {
              const value = event.target.value;
              setSelectedOnly(value === SELECTED);
              setVersionNumber(value === '' || value === SELECTED ? null : Number(value));
            }}
          >
            <option value="">All images</option>
            {selection.size > 0 && (
              <option value={SELECTED}>
                Images selected in the gallery ({formatNumber(selection.size)})
              </option>
            )}
            {versions.map((v) => (
              <option key={v.id} value={v.number}>
                Version {v.number}
                {v.message ? ` — ${v.message}` : ''} ({formatNumber(v.imageCount)} images)
              </option>
            ))}
          </select>
        </label>
        <label>
          IoU threshold{' '}
          <input
            aria-label="IoU threshold"
            data-testid="qa-report-iou"
            type="number"
            min="0.05"
            max="1"
            step="0.05"
            value={iouText}
            onChange={(event) => setIouText(event.target.value)}
          />
        </label>
        <button
          type="submit"
          className="primary"
          data-testid="qa-report-build"
          disabled={building || iouThreshold === null}
        >
          {building ? 'Building…' : 'Build report'}
        </button>
        {iouThreshold === null && (
          <span className="error">The IoU threshold is a number above 0, at most 1.</span>
        )}
      </form>
      {error && (
        <p className="error" role="alert" data-testid="qa-report-error">
          {error}
        </p>
      )}
      {built === null ? (
        !building && (
          <p className="muted">
            Build the report to see throughput, reviews, agreement, gold accuracy, consistency findings,
            trends across versions and sampling verdicts, and to save it as HTML or CSV.
          </p>
        )
      ) : (
        <BuiltReport
          built={built}
          stale={stale}
          saving={saving}
          onSaveQaData={() => void saveQaData(built)}
        />
      )}
    </div>
  );
}

export function BuiltReport({
  built,
  stale,
  saving,
  onSaveQaData,
}: {
  built: Built;
  stale: boolean;
  /** The QA data file is being made. */
  saving: boolean;
  onSaveQaData: () => void;
}) {
  const { data, html, choices, projectName } = built;
  const findings = data.consistency.reduce((sum, row) => sum + row.count, 0);
  const numbers: [string, string, string][] = [
    ['scope', 'Scope', data.scope],
    ['reviewed', 'Reviewed', formatNumber(data.reviews.reviewed)],
    [
      'rejected',
      'Rejected',
      `${formatNumber(data.reviews.rejected)} (${percent(data.reviews.rejectionRate)})`,
    ],
    ['fleiss', "Fleiss' κ", data.agreement ? formatNumber(data.agreement.fleissKappa, 3) : '–'],
    ['alpha', "Krippendorff's α", data.agreement ? formatNumber(data.agreement.alpha, 3) : '–'],
    ['findings', 'Consistency findings', formatNumber(findings)],
  ];
  return (
    <>
      <dl className="report-summary" data-testid="qa-report-summary">
        {numbers.map(([id, label, value]) => (
          <div key={id}>
            <dt>{label}</dt>
            <dd data-testid={`qa-report-${id}`}>{value}</dd>
          </div>
        ))}
      </dl>
      {stale && (
        <p className="muted">
          The scope or IoU threshold changed since this report was built: build it again.
        </p>
      )}
      <div className="report-actions">
        <button
          type="button"
          data-testid="qa-report-download-html"
          onClick={() => downloadReportHtml(projectName, data, html)}
        >
          Download HTML
        </button>
        <button
          type="button"
          data-testid="qa-report-download-csv"
          onClick={() => downloadReportCsv(projectName, data)}
        >
          Download CSV
        </button>
        <button type="button" data-testid="qa-report-save-data" disabled={saving} onClick={onSaveQaData}>
          {saving ? 'Saving QA data…' : `Save QA data (${SNAPSHOT_FILE_NAME})…`}
        </button>
      </div>
      <p className="muted small report-note">
        The CSV holds every table, one after another, each under its name.{' '}
        {choices.selected === null ? (
          <>
            Save the QA data into a folder, and{' '}
            <code data-testid="qa-report-command">{commandFor(choices)}</code> writes this same report there.
          </>
        ) : (
          'The command line reports all images or a version; this report is of the images selected in the gallery.'
        )}
      </p>
      <iframe
        className="report-frame"
        title="QA report"
        data-testid="qa-report-frame"
        sandbox=""
        srcDoc={html}
      />
    </>
  );
}
