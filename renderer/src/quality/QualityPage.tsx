/**
 * Data quality: every image and object with its measured fields (brightness, contrast, sharpness, sizes,
 * density, border contact, near-duplicates, mistakenness), sortable and filterable like any column; class
 * balance; "more like this"; and the next annotation queue from a run's uncertainty or two runs'
 * disagreement. One click opens an image or object in the editor.
 */

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { thumbnailPath } from '../../../src/core/api/media';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { RunId } from '../../../src/core/predictions/types';
import { useServices } from '../app/services';
import { ProjectBreadcrumb } from '../components/Breadcrumb';
import { MissingProject } from '../components/MissingProject';
import { ProgressBar } from '../components/ProgressBar';
import { Tabs } from '../components/Tabs';
import type { ProjectRecord } from '../db/database';
import { fillMissingImageQuality } from '../db/imageQuality';
import { fillMissingPerceptualHashes } from '../db/perceptualHashes';
import { BarChart } from '../evaluation/charts/BarChart';
import { Histogram } from '../evaluation/charts/Histogram';
import '../evaluation/charts/charts.css';
import { useUi, type EditorFocus } from '../state/ui';
import './quality.css';
import { similarObjects, type Box, type SimilarObjects } from './objectSimilarity';
import { IMAGE_FIELDS, OBJECT_FIELDS, type ObjectRow, type RangeFilter } from './qualityRows';
import { qualityWorker } from './qualityWorker';
import type { HardSample, QualityOverview, SimilarImages } from './session';

type Tab = 'images' | 'objects' | 'classes' | 'queue';
type Field = { key: string; label: string; digits: number; hint: string };

const PAGE = 100;

export function QualityPage({ projectId }: { projectId: ProjectId }) {
  const { api, db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const worker = useMemo(() => qualityWorker(), []);
  const [project, setProject] = useState<ProjectRecord | null | undefined>(undefined);
  const [overview, setOverview] = useState<QualityOverview | null>(null);
  const [tab, setTab] = useState<Tab>('images');
  const [measuring, setMeasuring] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [similar, setSimilar] = useState<{ of: string; result: SimilarImages | SimilarObjects } | null>(null);
  const [hashingObjects, setHashingObjects] = useState<number | null>(null);
  // Every object row of the loaded project, fetched from the worker on the first "Similar" of an object.
  const allObjects = useRef<Promise<ObjectRow[]> | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    void db.projects.get(projectId).then((p) => setProject(p ?? null));
  }, [db, projectId]);
  useEffect(() => {
    let live = true;
    allObjects.current = null;
    void worker.load(projectId).then(
      (o) => live && setOverview(o),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [worker, projectId, reload]);

  // Stable callbacks: the tables re-query when these change, so they must not change on every render.
  const loadImages = useCallback((query: unknown) => worker.images(query as never), [worker]);
  const loadObjects = useCallback((query: unknown) => worker.objects(query as never), [worker]);
  const imageHistogram = useCallback((field: string) => worker.histogram('images', field), [worker]);
  const objectHistogram = useCallback((field: string) => worker.histogram('objects', field), [worker]);
  const loadHard = useCallback((runId: RunId, other?: RunId) => worker.hard(runId, other), [worker]);

  const back: EditorFocus['back'] = { label: 'Data quality', route: { page: 'quality', projectId } };
  const openImage = useCallback(
    (imageId: ImageId, annotationId?: string) => {
      useUi.getState().setFocus({ imageId, ...(annotationId ? { annotationId } : {}), back });
      navigate({ page: 'image', projectId, imageId });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [navigate, projectId],
  );
  const showSimilar = async (imageId: ImageId, fileName: string) => {
    try {
      setSimilar({ of: fileName, result: await worker.similar(imageId, 24) });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const showSimilarObject = async (annotationId: string, label: string) => {
    setError(null);
    try {
      allObjects.current ??= worker.allObjects();
      const rows = await allObjects.current;
      const result = await similarObjects(db, api, rows, annotationId, 24, setHashingObjects);
      setSimilar({ of: label, result });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setHashingObjects(null);
    }
  };

  const measure = async () => {
    setError(null);
    try {
      setMeasuring({ done: 0, total: 1 });
      await fillMissingImageQuality(db, api, projectId, (done: number, total: number) =>
        setMeasuring({ done, total }),
      );
      await fillMissingPerceptualHashes(db, api, projectId, (done, total) => setMeasuring({ done, total }));
      setReload((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setMeasuring(null);
    }
  };

  if (project === null) return <MissingProject />;
  return (
    <main className="page quality-page" data-page="quality">
      <header className="page-header">
        <ProjectBreadcrumb projectId={projectId} projectName={project?.name} title="Data quality" />
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {overview && (
        <section className="quality-overview" aria-label="Overview">
          <span data-testid="quality-images">{overview.images} images</span>
          <span data-testid="quality-objects">{overview.objects} objects</span>
          <span>
            {overview.measured} of {overview.images} measured
          </span>
          <span>{overview.nearDuplicateGroups} near-duplicate groups</span>
          {(overview.measured < overview.images || overview.hashed < overview.images) && !measuring && (
            <button type="button" onClick={() => void measure()}>
              Measure {overview.images - Math.min(overview.measured, overview.hashed)} images
            </button>
          )}
          {measuring && <ProgressBar done={measuring.done} total={measuring.total} />}
          {overview.mistakennessFrom && (
            <span className="muted">
              mistakenness from the evaluation of{' '}
              {new Date(overview.mistakennessFrom.createdAt).toLocaleString()}
            </span>
          )}
        </section>
      )}
      <Tabs
        tabs={[
          ['images', 'Images'],
          ['objects', 'Objects'],
          ['classes', 'Class balance'],
          ['queue', 'Hard samples'],
        ]}
        value={tab}
        onChange={setTab}
      />
      {overview && tab === 'images' && (
        <RowTable
          key={`images-${reload}`}
          fields={IMAGE_FIELDS}
          initialSort="sharpness"
          load={loadImages}
          histogram={imageHistogram}
          rowKey={(row) => String(row.imageId)}
          onOpen={(row) => openImage(row.imageId as ImageId)}
          action={{
            label: 'Similar',
            run: (row) => void showSimilar(row.imageId as ImageId, String(row.fileName)),
          }}
        />
      )}
      {overview && tab === 'objects' && (
        <RowTable
          key={`objects-${reload}`}
          fields={OBJECT_FIELDS}
          initialSort="relativeArea"
          load={loadObjects}
          histogram={objectHistogram}
          rowKey={(row) => String(row.annotationId)}
          onOpen={(row) => openImage(row.imageId as ImageId, String(row.annotationId))}
          action={{
            label: 'Similar',
            run: (row) =>
              void showSimilarObject(
                String(row.annotationId),
                `the ${String(row.className)} in ${String(row.fileName)}`,
              ),
          }}
        />
      )}
      {hashingObjects !== null && (
        <p className="muted" role="status">
          Hashing {hashingObjects} objects…
        </p>
      )}
      {overview && tab === 'classes' && (
        <section className="class-balance" aria-label="Class balance">
          <BarChart
            bars={overview.classBalance.map((c) => ({
              key: c.classId,
              label: c.name,
              value: c.objects,
              detail: `${c.objects} objects on ${c.images} images`,
            }))}
            max={Math.max(1, ...overview.classBalance.map((c) => c.objects))}
            valueLabel="objects per class"
            format={(v) => String(Math.round(v))}
          />
        </section>
      )}
      {overview && tab === 'queue' && (
        <HardSamples
          runs={overview.runs}
          load={loadHard}
          onOpen={(imageId) => openImage(imageId)}
          onQueue={(rows) => {
            if (rows.length === 0) return;
            useUi.getState().setViewOrder(rows.map((r) => r.imageId));
            openImage(rows[0]!.imageId);
          }}
        />
      )}
      {similar && (
        <section className="similar-panel" role="dialog" aria-label="More like this">
          <header>
            <strong>More like {similar.of}</strong>{' '}
            <span className="muted">
              by {similar.result.method}
              {'runName' in similar.result && similar.result.runName ? ` (${similar.result.runName})` : ''}
            </span>
            <button type="button" onClick={() => setSimilar(null)}>
              Close
            </button>
          </header>
          <div className="similar-grid">
            {similar.result.method === 'crop hash'
              ? similar.result.rows.map((row) => (
                  <SimilarTile
                    key={row.annotationId}
                    api={api}
                    db={db}
                    row={row}
                    crop={row.box}
                    detail={row.className}
                    unit="bits apart"
                    onOpen={() => openImage(row.imageId, row.annotationId)}
                  />
                ))
              : similar.result.rows.map((row) => (
                  <SimilarTile
                    key={row.imageId}
                    api={api}
                    db={db}
                    row={row}
                    unit={similar.result.method === 'embedding' ? 'cosine distance' : 'bits apart'}
                    onOpen={() => openImage(row.imageId)}
                  />
                ))}
          </div>
        </section>
      )}
    </main>
  );
}

/**
 * Where the thumbnail sits in a square tile so that `box` (of an upright `width` × `height` image) fills
 * it, centred: sizes and offsets as percentages of the tile.
 */
function cropStyle(box: Box, width: number, height: number) {
  const [x, y, w, h] = box;
  const side = Math.max(w, h, 1);
  const percent = (v: number) => `${(v / side) * 100}%`;
  return {
    position: 'absolute' as const,
    left: percent((side - w) / 2 - x),
    top: percent((side - h) / 2 - y),
    width: percent(width),
    height: percent(height),
    maxWidth: 'none',
    aspectRatio: 'auto',
    objectFit: 'fill' as const,
  };
}

function SimilarTile({
  api,
  db,
  row,
  unit,
  crop,
  detail,
  onOpen,
}: {
  unit: string;
  api: ReturnType<typeof useServices>['api'];
  db: ReturnType<typeof useServices>['db'];
  row: { imageId: ImageId; fileName: string; distance: number };
  /** The object's box: the tile shows the thumbnail cropped to it. */
  crop?: Box;
  detail?: string;
  onOpen: () => void;
}) {
  const [image, setImage] = useState<{ sha256: string; width: number; height: number } | null>(null);
  useEffect(() => {
    void db.images.get(row.imageId).then((i) => setImage(i ?? null));
  }, [db, row.imageId]);
  const src = image && api.mediaUrl(thumbnailPath(image.sha256 as never));
  return (
    <button type="button" className="similar-tile" onClick={onOpen} data-image={row.fileName}>
      {src &&
        (crop ? (
          <span className="similar-crop">
            <img src={src} alt="" loading="lazy" style={cropStyle(crop, image.width, image.height)} />
          </span>
        ) : (
          <img src={src} alt="" loading="lazy" />
        ))}
      <span>{row.fileName}</span>
      {detail && <span>{detail}</span>}
      <span className="muted">
        {unit === 'bits apart' ? row.distance : row.distance.toFixed(3)} {unit}
      </span>
    </button>
  );
}

type Row = Record<string, unknown>;

function RowTable({
  fields,
  initialSort,
  load,
  histogram,
  rowKey,
  onOpen,
  action,
}: {
  fields: readonly Field[];
  initialSort: string;
  load: (query: {
    sort: string;
    descending: boolean;
    filters: RangeFilter<string>[];
    text?: string;
    offset: number;
    limit: number;
  }) => Promise<{ rows: readonly object[]; total: number }>;
  histogram: (field: string) => Promise<{ bins: { from: number; to: number }[]; counts: number[] }>;
  rowKey: (row: Row) => string;
  onOpen: (row: Row) => void;
  action?: { label: string; run: (row: Row) => void };
}) {
  const [sort, setSort] = useState(initialSort);
  const [descending, setDescending] = useState(false);
  // What is typed ("0.", "-") stays as typed; only finite numbers filter.
  const [filters, setFilters] = useState<Record<string, { min?: string; max?: string }>>({});
  const [text, setText] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const [rows, setRows] = useState<Row[]>([]);
  const [total, setTotal] = useState(0);
  const [bins, setBins] = useState<{ bins: { from: number; to: number }[]; counts: number[] } | null>(null);

  const filterList = useMemo(
    () =>
      Object.entries(filters).flatMap(([key, range]) => {
        const min = range.min?.trim() ? Number(range.min) : undefined;
        const max = range.max?.trim() ? Number(range.max) : undefined;
        const bounds = {
          ...(min !== undefined && Number.isFinite(min) ? { min } : {}),
          ...(max !== undefined && Number.isFinite(max) ? { max } : {}),
        };
        return Object.keys(bounds).length > 0 ? [{ key, ...bounds }] : [];
      }),
    [filters],
  );
  useEffect(() => {
    let live = true;
    void load({ sort, descending, filters: filterList, text, offset: 0, limit }).then((answer) => {
      if (!live) return;
      setRows(answer.rows as Row[]);
      setTotal(answer.total);
    });
    return () => {
      live = false;
    };
  }, [load, sort, descending, filterList, text, limit]);
  const field = fields.find((f) => f.key === sort)!;
  const numericSort = sort !== 'fileName' && sort !== 'className';
  useEffect(() => {
    if (!numericSort) return setBins(null);
    void histogram(sort).then(setBins);
  }, [histogram, sort, numericSort]);

  const setRange = (key: string, bound: 'min' | 'max', raw: string) => {
    setLimit(PAGE);
    setFilters((old) => {
      const next = { ...old, [key]: { ...old[key] } };
      if (raw.trim() === '') delete next[key]![bound];
      else next[key]![bound] = raw;
      if (next[key]!.min === undefined && next[key]!.max === undefined) delete next[key];
      return next;
    });
  };
  const format = (f: Field, value: unknown) =>
    value === null || value === undefined
      ? '—'
      : typeof value === 'boolean'
        ? value
          ? 'yes'
          : ''
        : typeof value === 'number'
          ? value.toFixed(f.digits)
          : String(value);

  return (
    <section className="row-table" aria-label="Rows">
      <div className="row-table-tools">
        <input
          aria-label="Filter by name"
          placeholder="filter by name or class"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <span className="muted" data-testid="row-count">
          {total} rows
        </span>
        {filterList.length > 0 && (
          <button type="button" className="link" onClick={() => setFilters({})}>
            clear filters
          </button>
        )}
      </div>
      {bins && bins.counts.length > 0 && (
        <figure className="field-histogram">
          <figcaption>
            {field.label} ({field.hint}) — click a bar to keep only that range
          </figcaption>
          <Histogram
            bins={bins.bins}
            series={[{ label: field.label, counts: bins.counts, color: '#4c9bff' }]}
            xLabel={field.label}
            width={640}
            height={160}
            onSelectBin={(bin) => {
              const range = bins.bins[bin]!;
              setLimit(PAGE);
              setFilters((old) => ({ ...old, [sort]: { min: String(range.from), max: String(range.to) } }));
            }}
          />
        </figure>
      )}
      <div className="row-table-scroll">
        <table>
          <thead>
            <tr>
              {fields.map((f) => (
                <th
                  key={f.key}
                  title={f.hint}
                  aria-sort={sort === f.key ? (descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      if (sort === f.key) setDescending(!descending);
                      else {
                        setSort(f.key);
                        setDescending(false);
                      }
                    }}
                  >
                    {f.label}
                    {sort === f.key ? (descending ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
              {action && <th />}
            </tr>
            <tr className="filter-row">
              {fields.map((f) => (
                <th key={f.key}>
                  {f.key !== 'fileName' && f.key !== 'className' && (
                    <span className="range">
                      <input
                        aria-label={`${f.label} at least`}
                        placeholder="min"
                        inputMode="decimal"
                        value={filters[f.key]?.min ?? ''}
                        onChange={(e) => setRange(f.key, 'min', e.target.value)}
                      />
                      <input
                        aria-label={`${f.label} at most`}
                        placeholder="max"
                        inputMode="decimal"
                        value={filters[f.key]?.max ?? ''}
                        onChange={(e) => setRange(f.key, 'max', e.target.value)}
                      />
                    </span>
                  )}
                </th>
              ))}
              {action && <th />}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)} data-row={String(row.fileName)}>
                {fields.map((f) => (
                  <td key={f.key} className={typeof row[f.key] === 'string' ? 'text' : 'number'}>
                    {f.key === 'fileName' ? (
                      <button type="button" className="link" onClick={() => onOpen(row)}>
                        {String(row.fileName)}
                      </button>
                    ) : (
                      format(f, row[f.key])
                    )}
                  </td>
                ))}
                {action && (
                  <td>
                    <button type="button" className="link" onClick={() => action.run(row)}>
                      {action.label}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length < total && (
        <button type="button" onClick={() => setLimit((l) => l + PAGE)}>
          Show {Math.min(PAGE, total - rows.length)} more
        </button>
      )}
    </section>
  );
}

function HardSamples({
  runs,
  load,
  onOpen,
  onQueue,
}: {
  runs: QualityOverview['runs'];
  load: (runId: RunId, other?: RunId) => Promise<HardSample[]>;
  onOpen: (imageId: ImageId) => void;
  onQueue: (rows: readonly HardSample[]) => void;
}) {
  const [runId, setRunId] = useState<RunId | ''>(runs[0]?.id ?? '');
  const [other, setOther] = useState<RunId | ''>('');
  const [rows, setRows] = useState<HardSample[] | null>(null);
  useEffect(() => {
    if (!runId) return;
    let live = true;
    setRows(null);
    void load(runId, other || undefined).then((r) => live && setRows(r));
    return () => {
      live = false;
    };
  }, [load, runId, other]);
  if (runs.length === 0) return <p className="muted">Run a model first: its confidences rank the images.</p>;
  return (
    <section className="hard-samples" aria-label="Hard samples">
      <div className="row-table-tools">
        <label>
          Run{' '}
          <select aria-label="Queue run" value={runId} onChange={(e) => setRunId(e.target.value as RunId)}>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          against{' '}
          <select aria-label="Second run" value={other} onChange={(e) => setOther(e.target.value as RunId)}>
            <option value="">(uncertainty of this run)</option>
            {runs
              .filter((r) => r.id !== runId)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  disagreement with {r.name}
                </option>
              ))}
          </select>
        </label>
        {rows && rows.length > 0 && (
          <button type="button" className="primary" onClick={() => onQueue(rows)}>
            Label these {rows.length} in order
          </button>
        )}
      </div>
      {rows === null ? (
        <p className="muted">Ranking…</p>
      ) : (
        <ol className="hard-list">
          {rows.slice(0, 200).map((row) => (
            <li key={row.imageId} data-image={row.fileName}>
              <button type="button" className="link" onClick={() => onOpen(row.imageId)}>
                {row.fileName}
              </button>
              <span className="number">{row.score.toFixed(3)}</span>
              <span className="muted">{row.detail}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
