/**
 * Export a dataset version to a new folder: format, filters (status, classes, split), how images get
 * there, and where; then progress with cancel, and a report of what the format could not hold.
 */

import { useEffect, useMemo, useRef, useState } from 'react';
import { defaultExportName } from '../../../src/core/export/fromVersion';
import type { ExportFormat } from '../../../src/core/export/manifest';
import type { YoloTask } from '../../../src/core/formats/yolo';
import { IMAGE_STATUSES, type ImageStatus } from '../../../src/core/images/types';
import type { ProjectId } from '../../../src/core/ids';
import { SPLITS, type Split, type VersionId } from '../../../src/core/versions/types';
import { useServices } from '../app/services';
import { Dialog } from '../components/Dialog';
import './export.css';
import { formatBytes, formatCount, formatDuration } from '../format';
import { FolderField } from '../components/FolderField';
import { versionsWorker } from '../versions/versionsWorker';
import { ProgressBar } from '../components/ProgressBar';
import {
  loadExportHeader,
  rememberedExport,
  rememberExport,
  startExport,
  type ExportOutcome,
  type ExportProgress,
  type ExportBatches,
  type ExportHeader,
  type ExportPlanSummary,
  type ExportSettings,
  type RunningExport,
} from './runExport';

export const EXPORT_FORMATS: readonly { id: ExportFormat; label: string; hint: string }[] = [
  { id: 'yolo', label: 'YOLO (Ultralytics)', hint: 'data.yaml, images/ and labels/ per split' },
  { id: 'coco', label: 'COCO JSON', hint: 'one annotations.json and images/ per split' },
  { id: 'voc', label: 'Pascal VOC', hint: 'Annotations/, JPEGImages/, ImageSets/Main/<split>.txt' },
  { id: 'labelme', label: 'labelme', hint: 'a JSON beside each image, per split' },
  { id: 'cvat', label: 'CVAT for images 1.1', hint: 'annotations.xml and images/' },
  { id: 'csv', label: 'CSV', hint: 'one row per object, a file per split' },
  { id: 'jsonl', label: 'JSON Lines', hint: 'one line per image, a file per split' },
];

const TASKS: readonly { id: YoloTask | 'auto'; label: string }[] = [
  { id: 'auto', label: 'From the geometries' },
  { id: 'detect', label: 'Detect (boxes)' },
  { id: 'segment', label: 'Segment (polygons)' },
  { id: 'pose', label: 'Pose (keypoints)' },
  { id: 'obb', label: 'Oriented boxes' },
];

const joinPath = (folder: string, name: string) =>
  folder.endsWith('/') || folder.endsWith('\\') ? folder + name : `${folder}/${name}`;

/** Toggles `item` in a set of chosen items; all chosen means no filter. */
function toggle<T>(chosen: readonly T[], item: T, on: boolean, all: readonly T[]): T[] {
  const next = on ? [...chosen, item] : chosen.filter((x) => x !== item);
  return all.filter((x) => next.includes(x));
}

export function ExportDialog({
  projectId,
  versionId,
  onClose,
}: {
  projectId: ProjectId;
  versionId: VersionId;
  onClose: () => void;
}) {
  const { api, db } = useServices();
  const [source, setSource] = useState<ExportHeader | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [format, setFormat] = useState<ExportFormat>('yolo');
  const [task, setTask] = useState<YoloTask | 'auto'>('auto');
  const [imagesMode, setImagesMode] = useState<ExportSettings['images']>('copy');
  const [statuses, setStatuses] = useState<ImageStatus[]>([...IMAGE_STATUSES]);
  const [splits, setSplits] = useState<Split[]>([...SPLITS]);
  const [classes, setClasses] = useState<string[] | null>(null);
  const [folder, setFolder] = useState('');
  const [name, setName] = useState('');
  const [nameEdited, setNameEdited] = useState(false);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [outcome, setOutcome] = useState<ExportOutcome | null>(null);
  const running = useRef<RunningExport | null>(null);
  const [cancelling, setCancelling] = useState(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const [loaded, remembered, info] = await Promise.all([
          loadExportHeader(db, versionId),
          rememberedExport(db, projectId),
          api.call('app.info', {}),
        ]);
        if (!live) return;
        setSource(loaded);
        setClasses(loaded.schema.classes.filter((c) => c.geometries.length > 0).map((c) => c.id));
        if (remembered) {
          setFormat(remembered.format);
          setImagesMode(remembered.images);
        }
        setFolder(remembered?.folder ?? (info.ok ? info.value.homeDir : ''));
      } catch (error) {
        if (live) setLoadError((error as Error).message);
      }
    })();
    return () => {
      live = false;
      // The worker keeps the version read while the dialog is open, and no longer.
      void versionsWorker().exportRelease();
    };
  }, [api, db, projectId, versionId]);

  useEffect(() => {
    if (source && !nameEdited) setName(defaultExportName(source.projectName, source.version.number, format));
  }, [source, format, nameEdited]);

  const allClasses = useMemo(
    () => source?.schema.classes.filter((c) => c.geometries.length > 0) ?? [],
    [source],
  );
  const filters = useMemo(
    () => ({
      ...(statuses.length < IMAGE_STATUSES.length && { statuses }),
      ...(splits.length < SPLITS.length && { splits }),
      ...(classes !== null && classes.length < allClasses.length && { classes }),
    }),
    [statuses, splits, classes, allClasses],
  );
  // The worker reads the whole version (once) and plans it for these filters, off the UI thread.
  const [plan, setPlan] = useState<ExportPlanSummary | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  useEffect(() => {
    if (!source) return;
    let live = true;
    versionsWorker()
      .exportPlan(versionId, filters)
      .then(
        (summary) => live && (setPlan(summary), setPlanError(null)),
        (error: unknown) => live && setPlanError((error as Error).message),
      );
    return () => {
      live = false;
    };
  }, [source, versionId, filters]);
  const missingFiles = plan?.missingFiles ?? 0;

  const nameProblem = !name.trim()
    ? 'Name the new folder.'
    : /[/\\]/.test(name) || name === '.' || name === '..'
      ? 'The folder name cannot contain / or \\.'
      : null;
  const target = folder && !nameProblem ? joinPath(folder, name.trim()) : null;
  const busy = progress !== null && outcome === null;

  const start = () => {
    if (!source || !plan || !target) return;
    const settings: ExportSettings = {
      format,
      ...(format === 'yolo' && task !== 'auto' && { task }),
      images: imagesMode,
      filters,
      target,
    };
    void rememberExport(db, projectId, { format, images: imagesMode, folder });
    setOutcome(null);
    setCancelling(false);
    setProgress({ stage: 'sending', done: 0, total: plan.images, ratePerSecond: 0, etaSeconds: null });
    void (async () => {
      let batches: ExportBatches;
      try {
        batches = await versionsWorker().exportPrepare(versionId, settings);
      } catch (error) {
        setOutcome({ state: 'failed', message: (error as Error).message });
        return;
      }
      const run = startExport(api, batches, setProgress);
      running.current = run;
      const result = await run.finished;
      running.current = null;
      setOutcome(result);
    })();
  };

  const close = () => {
    if (busy) return;
    onClose();
  };

  if (loadError)
    return (
      <Dialog title="Export version" onClose={onClose}>
        <p className="error" role="alert">
          {loadError}
        </p>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );

  const title = source ? `Export version ${source.version.number}` : 'Export version';
  if (outcome)
    return (
      <ExportResult
        title={title}
        outcome={outcome}
        planned={plan?.images ?? 0}
        imagesMode={imagesMode}
        onAgain={() => {
          setOutcome(null);
          setProgress(null);
        }}
        onClose={onClose}
      />
    );

  return (
    <Dialog title={title} onClose={close} wide>
      {!source ? (
        <p className="muted">Reading the version…</p>
      ) : (
        <div className="export-form">
          <p className="muted export-version-line">
            “{source.version.message}” by {source.version.author} · schema v{source.version.schemaVersion} ·{' '}
            {formatCount(source.version.counts.images)} images
          </p>
          <fieldset>
            <legend>Format</legend>
            <div className="export-formats" role="radiogroup" aria-label="Format">
              {EXPORT_FORMATS.map((f) => (
                <label key={f.id} className="export-format">
                  <input
                    type="radio"
                    name="format"
                    value={f.id}
                    checked={format === f.id}
                    disabled={busy}
                    onChange={() => setFormat(f.id)}
                  />
                  <span>
                    {f.label}
                    <small className="muted">{f.hint}</small>
                  </span>
                </label>
              ))}
            </div>
            {format === 'yolo' && (
              <label className="inline-field">
                YOLO task{' '}
                <select
                  aria-label="YOLO task"
                  value={task}
                  disabled={busy}
                  onChange={(e) => setTask(e.target.value as YoloTask | 'auto')}
                >
                  {TASKS.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.label}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </fieldset>
          <fieldset>
            <legend>Which images and objects</legend>
            <div className="export-filters">
              <div role="group" aria-label="Statuses">
                <span className="muted">Status</span>
                {IMAGE_STATUSES.map((status) => (
                  <label key={status} className="checkbox">
                    <input
                      type="checkbox"
                      checked={statuses.includes(status)}
                      disabled={busy}
                      onChange={(e) =>
                        setStatuses(toggle(statuses, status, e.target.checked, IMAGE_STATUSES))
                      }
                    />
                    {status}
                  </label>
                ))}
              </div>
              <div role="group" aria-label="Splits">
                <span className="muted">Split</span>
                {SPLITS.map((split) => (
                  <label key={split} className="checkbox">
                    <input
                      type="checkbox"
                      checked={splits.includes(split)}
                      disabled={busy}
                      onChange={(e) => setSplits(toggle(splits, split, e.target.checked, SPLITS))}
                    />
                    {split} ({formatCount(source.version.counts.perSplit[split])})
                  </label>
                ))}
              </div>
              <div role="group" aria-label="Classes" className="export-classes">
                <span className="muted">
                  Classes{' '}
                  <button
                    type="button"
                    className="link"
                    disabled={busy}
                    onClick={() =>
                      setClasses(classes?.length === allClasses.length ? [] : allClasses.map((c) => c.id))
                    }
                  >
                    {classes?.length === allClasses.length ? 'none' : 'all'}
                  </button>
                </span>
                {allClasses.map((c) => (
                  <label key={c.id} className="checkbox">
                    <input
                      type="checkbox"
                      checked={classes?.includes(c.id) ?? true}
                      disabled={busy}
                      onChange={(e) =>
                        setClasses(
                          toggle(
                            classes ?? [],
                            c.id,
                            e.target.checked,
                            allClasses.map((x) => x.id),
                          ),
                        )
                      }
                    />
                    <span className="swatch" style={{ background: c.color }} aria-hidden />
                    {c.name}
                  </label>
                ))}
              </div>
            </div>
            {planError ? (
              <p className="error" role="alert">
                {planError}
              </p>
            ) : plan ? (
              <p className="muted export-plan" data-testid="export-plan">
                {formatCount(plan.images)} images ({SPLITS.map((s) => `${plan.splits[s]} ${s}`).join(', ')}
                ), {formatCount(plan.annotations)} objects
                {missingFiles > 0 && ` · ${missingFiles} image file(s) no longer in the project: labels only`}
              </p>
            ) : (
              <p className="muted export-plan" aria-busy="true">
                Reading the version’s {formatCount(source.version.imageCount)} images…
              </p>
            )}
          </fieldset>
          <fieldset>
            <legend>Where</legend>
            <FolderField label="Save in" value={folder} onChange={setFolder} disabled={busy} />
            <label className="inline-field">
              New folder{' '}
              <input
                aria-label="New folder name"
                value={name}
                disabled={busy}
                spellCheck={false}
                onChange={(e) => {
                  setName(e.target.value);
                  setNameEdited(true);
                }}
              />
            </label>
            <div role="radiogroup" aria-label="Images" className="export-images">
              {(
                [
                  ['copy', 'Copy images'],
                  ['hardlink', 'Hard-link images (same disk, no extra space)'],
                  ['none', 'Labels only'],
                ] as const
              ).map(([mode, label]) => (
                <label key={mode} className="checkbox">
                  <input
                    type="radio"
                    name="images"
                    checked={imagesMode === mode}
                    disabled={busy}
                    onChange={() => setImagesMode(mode)}
                  />
                  {label}
                </label>
              ))}
            </div>
            {nameProblem ? (
              <p className="error">{nameProblem}</p>
            ) : (
              target && (
                <p className="muted">
                  Writes <code>{target}</code> with a manifest.json of every file’s SHA-256. The folder
                  appears only when the export is complete.
                </p>
              )
            )}
          </fieldset>
          {progress && <ExportProgressBar progress={progress} />}
        </div>
      )}
      <div className="dialog-actions">
        {busy ? (
          <button
            type="button"
            disabled={cancelling}
            onClick={() => {
              setCancelling(true);
              running.current?.cancel();
            }}
          >
            {cancelling ? 'Cancelling…' : 'Cancel export'}
          </button>
        ) : (
          <>
            <button type="button" onClick={onClose}>
              Close
            </button>
            <button
              type="button"
              className="primary"
              disabled={!plan || !target || plan.images === 0}
              onClick={start}
            >
              Export
            </button>
          </>
        )}
      </div>
    </Dialog>
  );
}

function ExportProgressBar({ progress }: { progress: ExportProgress }) {
  return (
    <div className="import-progress" role="status" aria-label="Export progress">
      <ProgressBar done={progress.done} total={progress.total} />
      <span>
        {progress.stage === 'sending' ? 'Preparing' : 'Writing'} {formatCount(progress.done)} /{' '}
        {formatCount(progress.total)} {progress.stage === 'sending' ? 'images' : 'files'}
      </span>
      {progress.stage === 'writing' && progress.etaSeconds !== null && (
        <span>{formatDuration(progress.etaSeconds)} left</span>
      )}
    </div>
  );
}

function ExportResult({
  title,
  outcome,
  planned,
  imagesMode,
  onAgain,
  onClose,
}: {
  title: string;
  outcome: ExportOutcome;
  /** Images the export planned (their labels are written whatever happens to their files). */
  planned: number;
  imagesMode: ExportSettings['images'];
  onAgain: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose} wide>
      <div className="dialog-body" role="status" aria-label="Export result">
        {outcome.state === 'done' && (
          <>
            <p>
              Exported {formatCount(planned)} images
              {imagesMode === 'none'
                ? ' (labels only)'
                : outcome.summary.images < planned
                  ? ` (${formatCount(outcome.summary.images)} image files ${imagesMode === 'copy' ? 'copied' : 'linked'})`
                  : ''}
              , {formatCount(outcome.summary.files)} files ({formatBytes(outcome.summary.bytes)}) to{' '}
              <code>{outcome.summary.target}</code>.
            </p>
            {outcome.summary.manifestSha256 && (
              <p className="muted">
                manifest.json SHA-256 <code>{outcome.summary.manifestSha256}</code>
              </p>
            )}
            {outcome.summary.problemCount > 0 && (
              <>
                <p className="warn">
                  {formatCount(outcome.summary.problemCount)} item(s) could not be written as they are:
                </p>
                <div className="export-problems">
                  <table className="problem-table">
                    <thead>
                      <tr>
                        <th>File</th>
                        <th>Item</th>
                        <th>Reason</th>
                      </tr>
                    </thead>
                    <tbody>
                      {outcome.summary.problems.map((p, i) => (
                        <tr key={i}>
                          <td className="path">{p.file}</td>
                          <td>{p.item}</td>
                          <td>{p.reason}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </>
        )}
        {outcome.state === 'cancelled' && (
          <p>
            Export cancelled; nothing was written to <code>{outcome.target}</code>.
          </p>
        )}
        {outcome.state === 'failed' && (
          <p className="error" role="alert">
            The export failed and nothing was written: {outcome.message}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        {outcome.state !== 'done' && (
          <button type="button" onClick={onAgain}>
            Back to the settings
          </button>
        )}
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
