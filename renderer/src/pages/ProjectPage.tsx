/** One project: its gallery with sort and filters, importing images, and the last import's report. */

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportSource } from '../../../src/core/api/contract';
import { IMAGE_STATUSES, type ImageRecord, type ImageStatus } from '../../../src/core/images/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { useServices } from '../app/services';
import type { ImportRecord, ProjectRecord } from '../db/database';
import { countImages, firstImages, isDefaultView, queryImages, type GallerySort } from '../db/images';
import { latestImport } from '../db/imports';
import { markProjectOpened } from '../db/projects';
import { formatCount } from '../format';
import { Gallery } from '../gallery/Gallery';
import { ImportDialog } from '../import/ImportDialog';
import { ImportProgressBar, ImportReport } from '../import/ImportStatus';
import { runImport } from '../import/runImport';
import { useUi } from '../state/ui';
import { Breadcrumb } from '../components/Breadcrumb';
import { MissingProject } from '../components/MissingProject';
import { DatasetImportButton } from '../import/DatasetImportButton'; // labeled-dataset import
import { RunningModels } from '../models/RunningModels';

/** While an import streams in, re-query the gallery at most this often. */
const REFRESH_INTERVAL_MS = 1000;
const FIRST_PAGE = 400;

export function ProjectPage({ projectId }: { projectId: ProjectId }) {
  const { api, db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const gallery = useUi((s) => s.gallery);
  const setGallery = useUi((s) => s.setGallery);
  const selectedCount = useUi((s) => s.selection.ids.size);
  const progress = useUi((s) => s.imports[projectId]);
  const dataVersion = useUi((s) => s.dataVersion);
  const [project, setProject] = useState<ProjectRecord | null | undefined>(undefined);
  const [images, setImages] = useState<ImageRecord[] | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [report, setReport] = useState<ImportRecord | undefined>(undefined);
  const [showReport, setShowReport] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const lastQuery = useRef(0);

  useEffect(() => {
    let live = true;
    void (async () => {
      const record = await db.projects.get(projectId);
      if (!live) return;
      setProject(record ?? null);
      if (!record) return;
      await markProjectOpened(db, projectId);
      // The host may have a fresh data dir; registering again is idempotent.
      for (const root of record.roots) await api.call('roots.register', { projectId, path: root.path });
    })();
    return () => {
      live = false;
    };
  }, [api, db, projectId]);

  useEffect(() => {
    let live = true;
    const wait = Math.max(0, lastQuery.current + REFRESH_INTERVAL_MS - Date.now());
    const timer = setTimeout(
      () => {
        lastQuery.current = Date.now();
        void latestImport(db, projectId).then((last) => live && setReport(last));
        // Reading 100,000 rows from IndexedDB takes seconds: show the first screenful of the default
        // view at once (an index range), then the whole list when it arrives.
        if (isDefaultView(gallery) && images === null)
          void Promise.all([firstImages(db, projectId, FIRST_PAGE), countImages(db, projectId)]).then(
            ([first, count]) => {
              if (!live) return;
              setImages((current) => current ?? first);
              setTotal((current) => current ?? count);
            },
          );
        void queryImages(db, projectId, gallery).then((rows) => {
          if (!live) return;
          setImages(rows);
          setTotal(rows.length);
          useUi.getState().setViewOrder(rows.map((row) => row.id));
        });
      },
      progress ? wait : 0,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `images` is read only to know whether anything is shown yet.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, projectId, gallery, dataVersion, progress]);

  const openImage = useCallback(
    (imageId: ImageId) => navigate({ page: 'image', projectId, imageId }),
    [navigate, projectId],
  );

  const startImport = (sources: ImportSource[]) => {
    setChoosing(false);
    setShowReport(true);
    void runImport(api, db, projectId, sources);
  };

  if (project === null) return <MissingProject />;

  return (
    <main className="page project-page" data-page="project">
      <header className="page-header">
        <Breadcrumb
          trail={[{ label: 'Projects', route: { page: 'projects' } }]}
          title={project?.name ?? '…'}
        />
        <div className="header-actions">
          <button type="button" onClick={() => navigate({ page: 'schema', projectId })}>
            Schema
          </button>
          <button type="button" onClick={() => navigate({ page: 'versions', projectId })}>
            Versions
          </button>
          <button type="button" onClick={() => navigate({ page: 'models', projectId })}>
            Models{selectedCount > 0 ? ` (run on ${formatCount(selectedCount)})` : ''}
          </button>
          <button type="button" onClick={() => navigate({ page: 'evaluation', projectId })}>
            Evaluation
          </button>
          <button type="button" onClick={() => navigate({ page: 'quality', projectId })}>
            Data quality
          </button>
          <button type="button" onClick={() => navigate({ page: 'qa', projectId })}>
            Review & QA
          </button>
          {report && (
            <button type="button" onClick={() => setShowReport(!showReport)} aria-pressed={showReport}>
              Last import report
            </button>
          )}
          {/* Labeled-dataset import (its dialog and job live in import/DatasetImportButton). */}
          <DatasetImportButton projectId={projectId} onStarted={() => setShowReport(true)} />
          <button type="button" className="primary" disabled={!!progress} onClick={() => setChoosing(true)}>
            Import images
          </button>
        </div>
      </header>
      {progress && <ImportProgressBar projectId={projectId} progress={progress} />}
      <RunningModels projectId={projectId} />
      {showReport && report && (
        <ImportReport
          report={report}
          running={!!progress && progress.importId === report.id}
          onClose={() => setShowReport(false)}
        />
      )}
      <div className="toolbar">
        <input
          type="search"
          aria-label="Filter by file name"
          placeholder="Filter by file name"
          value={gallery.nameFilter}
          onChange={(e) => setGallery({ nameFilter: e.target.value })}
        />
        <label>
          Status{' '}
          <select
            aria-label="Status filter"
            value={gallery.status}
            onChange={(e) => setGallery({ status: e.target.value as ImageStatus | 'all' })}
          >
            <option value="all">All</option>
            {IMAGE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort{' '}
          <select
            aria-label="Sort"
            value={gallery.sort}
            onChange={(e) => setGallery({ sort: e.target.value as GallerySort })}
          >
            <option value="name-asc">File name A–Z</option>
            <option value="name-desc">File name Z–A</option>
            <option value="imported-desc">Newest import first</option>
            <option value="imported-asc">Oldest import first</option>
          </select>
        </label>
        <span className="muted" data-testid="gallery-count">
          {total === null ? '…' : `${formatCount(total)} image${total === 1 ? '' : 's'}`}
          {selectedCount > 0 ? ` · ${formatCount(selectedCount)} selected` : ''}
        </span>
      </div>
      {images !== null && images.length === 0 && !progress ? (
        <div className="empty">
          <h2>{gallery.nameFilter || gallery.status !== 'all' ? 'No images match' : 'No images yet'}</h2>
          <p>
            Import a folder (subfolders included) or chosen files. Files stay where they are; LabelLoop keeps
            a reference.
          </p>
        </div>
      ) : (
        <Gallery images={images ?? []} total={total ?? 0} onOpen={openImage} />
      )}
      {choosing && <ImportDialog onImport={startImport} onClose={() => setChoosing(false)} />}
    </main>
  );
}
