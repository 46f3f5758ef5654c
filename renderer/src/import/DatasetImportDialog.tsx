/**
 * Importing a labeled dataset: choose its folder or file and format, inspect it, map each file label to a
 * schema class (or create one, or skip it), see what the reader could not use, then import.
 */

import { useEffect, useState } from 'react';
import {
  DATASET_IMPORT_FORMATS,
  type DatasetImportFormat,
  type DatasetInspection,
} from '../../../src/core/api/datasets';
import type { ProjectId } from '../../../src/core/ids';
import type { AnnotationSchema } from '../../../src/core/schema/types';
import { useServices } from '../app/services';
import { Dialog } from '../components/Dialog';
import { currentSchema } from '../db/schemas';
import { formatCount } from '../format';
import {
  classesToCreate,
  classMapKey,
  defaultChoices,
  finalClassMap,
  mappableClasses,
  type ClassChoice,
  type ClassMap,
} from './datasetRecords';
import { FolderBrowser, joinPath, useFolderListing } from '../components/FolderBrowser';
import type { DatasetImportPlan } from './runDatasetImport';
import './datasetImport.css';

const FORMAT_NAMES: Record<DatasetImportFormat, string> = {
  coco: 'COCO',
  yolo: 'YOLO',
  voc: 'Pascal VOC',
  labelme: 'labelme',
  cvat: 'CVAT for images 1.1',
};

/** Files a dataset is chosen by: COCO/labelme JSON, CVAT XML, YOLO data.yaml or classes.txt. */
const DATASET_FILE = /\.(json|xml|ya?ml|txt)$/i;

const choiceValue = (choice: ClassChoice | undefined) =>
  choice === undefined || choice.kind === 'skip'
    ? 'skip'
    : choice.kind === 'new'
      ? 'new'
      : `class:${choice.classId}`;
const choiceOf = (value: string): ClassChoice =>
  value === 'new'
    ? { kind: 'new' }
    : value.startsWith('class:')
      ? { kind: 'class', classId: value.slice(6) }
      : { kind: 'skip' };

export function DatasetImportDialog({
  projectId,
  onImport,
  onClose,
}: {
  projectId: ProjectId;
  onImport: (plan: DatasetImportPlan) => void;
  onClose: () => void;
}) {
  const { api, db } = useServices();
  const [file, setFile] = useState<string | null>(null);
  const browser = useFolderListing(() => setFile(null));
  const [format, setFormat] = useState<DatasetImportFormat | 'detect'>('detect');
  const [imageFolder, setImageFolder] = useState('');
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [inspection, setInspection] = useState<DatasetInspection | null>(null);
  const [schema, setSchema] = useState<AnnotationSchema | undefined>(undefined);
  const [choices, setChoices] = useState<Record<string, ClassChoice>>({});
  const [markDone, setMarkDone] = useState(false);

  useEffect(() => {
    let live = true;
    void currentSchema(db, projectId).then((record) => live && setSchema(record?.schema));
    return () => {
      live = false;
    };
  }, [db, projectId]);

  const target = file ?? browser.listing?.path ?? null;

  const inspect = async () => {
    if (target === null) return;
    setReading(true);
    setError(null);
    const result = await api.call('datasets.inspect', {
      path: target,
      ...(format === 'detect' ? {} : { format }),
      ...(imageFolder.trim() ? { images: imageFolder.trim() } : {}),
    });
    const [schemaRecord, remembered] = await Promise.all([
      currentSchema(db, projectId),
      db.settings.get(classMapKey(projectId)),
    ]);
    setReading(false);
    if (!result.ok) return setError(result.error.message);
    setSchema(schemaRecord?.schema);
    setChoices(
      defaultChoices(result.value.labels, schemaRecord?.schema, (remembered?.value ?? {}) as ClassMap),
    );
    setInspection(result.value);
  };

  if (inspection === null)
    return (
      <Dialog title="Import labeled dataset" onClose={onClose} wide>
        <p className="muted">
          Choose the dataset&apos;s folder, or its annotation file (COCO or labelme JSON, CVAT XML, YOLO
          data.yaml).
        </p>
        {api.transport === 'electron' && (
          <div className="native-pickers">
            <button
              type="button"
              onClick={() =>
                void api.call('dialog.pickFolder', {}).then((result) => {
                  if (!result.ok) setError(result.error.message);
                  else if (result.value.path) void browser.open(result.value.path);
                })
              }
            >
              Choose folder…
            </button>
            <span className="muted">or browse below</span>
          </div>
        )}
        <FolderBrowser
          browser={browser}
          emptyText="This folder has no dataset files or subfolders."
          renderFile={(entry, listing) => {
            if (!DATASET_FILE.test(entry.name)) return null;
            const path = joinPath(listing.path, entry.name);
            return (
              <label key={`f:${entry.name}`} className="browser-entry file">
                <input
                  type="radio"
                  name="dataset-file"
                  checked={file === path}
                  onChange={() => setFile(path)}
                />
                {entry.name}
              </label>
            );
          }}
        />
        <div className="dataset-options">
          <label>
            Format{' '}
            <select
              aria-label="Dataset format"
              value={format}
              onChange={(e) => setFormat(e.target.value as DatasetImportFormat | 'detect')}
            >
              <option value="detect">Detect</option>
              {DATASET_IMPORT_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_NAMES[f]}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            Image folder{' '}
            <input
              aria-label="Image folder"
              placeholder="optional: where the images are, if not beside the labels"
              value={imageFolder}
              onChange={(e) => setImageFolder(e.target.value)}
              spellCheck={false}
            />
          </label>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <span className="muted path" title={target ?? ''}>
            <bdi>{target ?? ''}</bdi>
          </span>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={target === null || reading}
            onClick={() => void inspect()}
          >
            {reading ? 'Reading…' : file ? 'Inspect this file' : 'Inspect this folder'}
          </button>
        </div>
      </Dialog>
    );

  const classes = mappableClasses(schema);
  const counts = { mapped: 0, created: 0, skipped: 0 };
  for (const use of inspection.labels) {
    const kind = choices[use.label]?.kind ?? 'skip';
    if (kind === 'class') counts.mapped++;
    else if (kind === 'new') counts.created++;
    else counts.skipped++;
  }
  const importNow = () => {
    const newClasses = classesToCreate(inspection.labels, choices, schema, inspection.skeletons);
    onImport({
      inspection,
      classMap: finalClassMap(choices, newClasses, inspection.labels),
      newClasses,
      markDone,
    });
  };

  return (
    <Dialog title="Import labeled dataset" onClose={onClose} wide>
      <p className="dataset-summary" data-testid="dataset-summary">
        <strong>{FORMAT_NAMES[inspection.format]}</strong>
        {inspection.detected ? ' (detected)' : ''} · {formatCount(inspection.images)} images (
        {formatCount(inspection.found)} found
        {inspection.missing > 0 ? `, ${formatCount(inspection.missing)} missing` : ''}) ·{' '}
        {formatCount(inspection.objects)} objects · {inspection.labels.length} labels used
        {inspection.classList.length > inspection.labels.length
          ? ` of ${inspection.classList.length} in the class list`
          : ''}
        <br />
        <span className="muted path" title={inspection.imageRoot}>
          Images in {inspection.imageRoot}
        </span>
      </p>
      <div className="mapping-scroll">
        <table className="mapping-table" aria-label="Class mapping">
          <thead>
            <tr>
              <th>In the file</th>
              <th className="number">Objects</th>
              <th className="number">Tags</th>
              <th>Drawn as</th>
              <th>Schema class</th>
            </tr>
          </thead>
          <tbody>
            {inspection.labels.map((use) => (
              <tr key={use.label} data-label={use.label}>
                <td>{use.label}</td>
                <td className="number">{formatCount(use.objects)}</td>
                <td className="number">{use.tags > 0 ? formatCount(use.tags) : ''}</td>
                <td className="muted">{use.geometries.join(', ')}</td>
                <td>
                  <select
                    aria-label={`Schema class for ${use.label}`}
                    value={choiceValue(choices[use.label])}
                    onChange={(e) => setChoices((c) => ({ ...c, [use.label]: choiceOf(e.target.value) }))}
                  >
                    {classes.map((c) => (
                      <option key={c.id} value={`class:${c.id}`}>
                        {c.name}
                      </option>
                    ))}
                    <option value="new">Create new class</option>
                    <option value="skip">Skip</option>
                  </select>
                </td>
              </tr>
            ))}
            {inspection.labels.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No objects or tags: the images are imported without labels.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {inspection.problemCount > 0 && (
        <details className="dataset-problems" open={inspection.problemCount <= 20}>
          <summary>
            {formatCount(inspection.problemCount)} problem{inspection.problemCount === 1 ? '' : 's'} reading
            the dataset (these items are not imported)
          </summary>
          <table className="problem-table" aria-label="Dataset problems">
            <thead>
              <tr>
                <th>File</th>
                <th>Item</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {inspection.problems.map((p, i) => (
                <tr key={i}>
                  <td className="path" title={p.file}>
                    <bdi>{p.file}</bdi>
                  </td>
                  <td>{p.item}</td>
                  <td>{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {inspection.problemCount > inspection.problems.length && (
            <p className="muted">
              Showing the first {formatCount(inspection.problems.length)} of{' '}
              {formatCount(inspection.problemCount)}.
            </p>
          )}
        </details>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={markDone} onChange={(e) => setMarkDone(e.target.checked)} />
        Mark images whose labels pass the schema as submitted
      </label>
      <div className="dialog-actions">
        <span className="muted" data-testid="mapping-counts">
          {counts.mapped} mapped · {counts.created} new class{counts.created === 1 ? '' : 'es'} ·{' '}
          {counts.skipped} skipped
        </span>
        <button type="button" onClick={() => setInspection(null)}>
          Back
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={inspection.found === 0} onClick={importNow}>
          Import {formatCount(inspection.found)} image{inspection.found === 1 ? '' : 's'}
        </button>
      </div>
    </Dialog>
  );
}
