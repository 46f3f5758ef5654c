/** Compare two versions: pick them and a geometry tolerance, read the numbers, drill into images, save as JSON. */

import { useEffect, useMemo, useState } from 'react';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { DiffOptions, VersionDiff } from '../../../src/core/versions/diff';
import type { VersionId } from '../../../src/core/versions/types';
import { useServices } from '../app/services';
import type { SchemaVersionRecord } from '../db/database';
import { schemaVersionsBetween, type VersionSummary } from '../db/versions';
import { useUi } from '../state/ui';
import { ChangedImageList } from './ChangedImageList';
import { classLookup } from './classes';
import { annotationsByImage, diffDocument, diffFileName, imageRows } from './diffRows';
import { DiffPerClass, DiffPerSplit, DiffTotals, SchemaChanges } from './DiffSummary';
import { parseDiffOptions, type DiffOptionsForm } from './diffOptions';
import { useSchemaVersions } from './useSchemaVersions';
import { versionsWorker } from './versionsWorker';

interface DiffResult {
  readonly diff: VersionDiff;
  readonly options: DiffOptions;
}

export function VersionCompare({
  projectId,
  projectName,
  versions,
  initial,
}: {
  projectId: ProjectId;
  projectName: string;
  /** Newest first. */
  versions: readonly VersionSummary[];
  initial: { from: VersionId | null; to: VersionId };
}) {
  const { db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const [fromId, setFromId] = useState<VersionId | null>(initial.from);
  const [toId, setToId] = useState<VersionId>(initial.to);
  const [optionsForm, setOptionsForm] = useState<DiffOptionsForm>({ moveThresholdPx: '1', iouThreshold: '' });
  const parsed = parseDiffOptions(optionsForm);
  // Typing "1.5" passes through "1." — wait for a pause before diffing again.
  const [options, setOptions] = useState<DiffOptions>({ moveThresholdPx: 1 });
  const optionsKey = parsed.ok ? JSON.stringify(parsed.options) : null;
  useEffect(() => {
    if (optionsKey === null) return;
    const timer = setTimeout(() => setOptions(JSON.parse(optionsKey) as DiffOptions), 350);
    return () => clearTimeout(timer);
  }, [optionsKey]);

  // The last diff stays on screen while the next one runs, so changing the threshold does not blank the page.
  const [result, setResult] = useState<DiffResult | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [schemaChanges, setSchemaChanges] = useState<SchemaVersionRecord[] | undefined>();
  const [existing, setExisting] = useState<ReadonlySet<ImageId> | null>(null);
  const from = versions.find((v) => v.id === fromId);
  const to = versions.find((v) => v.id === toId);

  useEffect(() => {
    let live = true;
    void db.images
      .where('projectId')
      .equals(projectId)
      .primaryKeys()
      .then((ids) => live && setExisting(new Set(ids)));
    return () => {
      live = false;
    };
  }, [db, projectId]);

  useEffect(() => {
    if (!fromId) {
      setResult(null);
      return;
    }
    let live = true;
    setRunning(true);
    versionsWorker()
      .diff(fromId, toId, options)
      .then(
        (diff) => {
          if (!live) return;
          setResult({ diff, options });
          setError(null);
        },
        (e: unknown) => {
          if (!live) return;
          setResult(null);
          setError(e instanceof Error ? e.message : String(e));
        },
      )
      .finally(() => live && setRunning(false));
    return () => {
      live = false;
    };
  }, [fromId, toId, options]);

  const fromSchema = from?.schemaVersion;
  const toSchema = to?.schemaVersion;
  useEffect(() => {
    if (fromSchema === undefined || toSchema === undefined) return;
    let live = true;
    setSchemaChanges(undefined);
    void schemaVersionsBetween(db, projectId, fromSchema, toSchema).then(
      (changes) => live && setSchemaChanges(changes),
    );
    return () => {
      live = false;
    };
  }, [db, projectId, fromSchema, toSchema]);

  const schemas = useSchemaVersions(projectId, [toSchema, fromSchema]);
  const classOf = useMemo(
    () =>
      classLookup(toSchema === undefined ? undefined : schemas.get(toSchema), schemas.get(fromSchema ?? -1)),
    [schemas, toSchema, fromSchema],
  );
  const diff = result?.diff ?? null;
  const shownFrom = versions.find((v) => v.id === diff?.from.id);
  const shownTo = versions.find((v) => v.id === diff?.to.id);
  const rows = useMemo(() => (diff ? imageRows(diff) : []), [diff]);
  const grouped = useMemo(
    () => (diff ? annotationsByImage(diff) : { added: new Map(), removed: new Map(), changed: new Map() }),
    [diff],
  );

  const exportJson = () => {
    if (!result || !shownFrom || !shownTo) return;
    const document = diffDocument({
      projectName,
      from: shownFrom,
      to: shownTo,
      options: result.options,
      diff: result.diff,
    });
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }),
    );
    const link = window.document.createElement('a');
    link.href = url;
    link.download = diffFileName(projectName, shownFrom.number, shownTo.number);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const versionOptions = versions.map((v) => (
    <option key={v.id} value={v.id}>
      v{v.number} — {v.message}
    </option>
  ));
  return (
    <div
      className="version-compare"
      data-testid="version-compare"
      data-state={running ? 'running' : result ? 'ready' : 'idle'}
    >
      <div className="compare-controls">
        <label>
          From
          <select
            aria-label="Compare from"
            value={fromId ?? ''}
            onChange={(e) => setFromId((e.target.value || null) as VersionId | null)}
          >
            {!fromId && <option value="">Choose a version</option>}
            {versionOptions}
          </select>
        </label>
        <button
          type="button"
          className="icon swap"
          aria-label="Swap versions"
          title="Swap"
          disabled={!fromId}
          onClick={() => {
            if (!fromId) return;
            setFromId(toId);
            setToId(fromId);
          }}
        >
          ⇄
        </button>
        <label>
          To
          <select aria-label="Compare to" value={toId} onChange={(e) => setToId(e.target.value as VersionId)}>
            {versionOptions}
          </select>
        </label>
        <label title="A shape counts as changed when a vertex or corner moved more than this">
          Geometry moved more than (px)
          <input
            type="number"
            min={0}
            step="any"
            aria-label="Geometry threshold in pixels"
            value={optionsForm.moveThresholdPx}
            onChange={(e) => setOptionsForm({ ...optionsForm, moveThresholdPx: e.target.value })}
          />
        </label>
        <label title="Optional: boxes and polygons also need their overlap with their old selves below this">
          and IoU below (optional)
          <input
            type="number"
            min={0}
            max={1}
            step={0.05}
            aria-label="IoU threshold"
            placeholder="off"
            value={optionsForm.iouThreshold}
            onChange={(e) => setOptionsForm({ ...optionsForm, iouThreshold: e.target.value })}
          />
        </label>
        <span className="spacer" />
        <button type="button" disabled={running || !result} onClick={exportJson}>
          Export diff as JSON
        </button>
      </div>
      {!parsed.ok && (
        <p className="warn small" role="alert">
          {parsed.message}
        </p>
      )}
      {!fromId && <p className="muted">This is the first version: choose a version to compare it with.</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {fromId && !diff && running && <p className="muted">Comparing…</p>}
      {diff && (
        <>
          <p className="compare-title">
            Changes from <strong>v{diff.from.number}</strong> to <strong>v{diff.to.number}</strong>
            {diff.from.number > diff.to.number ? ' (going back in time)' : ''}
            {running && <span className="muted"> · comparing again…</span>}
          </p>
          <DiffTotals diff={diff} />
          <div className="diff-tables">
            <DiffPerClass diff={diff} classOf={classOf} />
            <DiffPerSplit diff={diff} />
          </div>
          <SchemaChanges diff={diff} changes={schemaChanges} />
          <ChangedImageList
            rows={rows}
            annotations={grouped}
            classOf={classOf}
            existing={existing}
            onOpen={(imageId) => navigate({ page: 'image', projectId, imageId })}
          />
        </>
      )}
    </div>
  );
}
