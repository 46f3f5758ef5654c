/**
 * Exporting a dataset version from the UI: plan it from the stored version and the schema it was cut
 * with, send it to the host in batches, commit, and follow the writing job to its end.
 */

import type { ApiClient, ExportJobEvent } from '../../../src/core/api/contract';
import type { ExportBeginArgs, ExportImageArgs, ExportSummary } from '../../../src/core/api/exports';
import {
  planVersionExport,
  type ExportFilters,
  type VersionExportPlan,
} from '../../../src/core/export/fromVersion';
import type { ExportFormat } from '../../../src/core/export/manifest';
import type { YoloTask } from '../../../src/core/formats/yolo';
import type { ImageId, JobId, ProjectId } from '../../../src/core/ids';
import type { ImageRecord } from '../../../src/core/images/types';
import type { AnnotationSchema } from '../../../src/core/schema/types';
import type { VersionId } from '../../../src/core/versions/types';
import type { LabelLoopDatabase, VersionRecord } from '../db/database';
import { getVersion, type VersionSummary } from '../db/versions';

export interface ExportSettings {
  readonly format: ExportFormat;
  /** YOLO only; chosen from the geometries when absent. */
  readonly task?: YoloTask;
  readonly images: 'copy' | 'hardlink' | 'none';
  readonly filters: ExportFilters;
  /** The new folder to write, absolute. */
  readonly target: string;
}

/** Everything an export needs from the database, read once when the dialog opens. */
export interface ExportSource {
  readonly projectName: string;
  readonly version: VersionRecord;
  readonly parentNumber: number | null;
  readonly schema: AnnotationSchema;
  /** Current image records of the version's images (absent: deleted from the project since). */
  readonly files: ReadonlyMap<ImageId, Pick<ImageRecord, 'rootId' | 'relPath'>>;
}

export async function loadExportSource(db: LabelLoopDatabase, versionId: VersionId): Promise<ExportSource> {
  const version = await getVersion(db, versionId);
  if (!version) throw new Error('That version no longer exists.');
  const [project, schemaRecord, parent, images] = await Promise.all([
    db.projects.get(version.projectId),
    db.schemaVersions.get([version.projectId, version.schemaVersion]),
    version.parent === null ? undefined : db.versions.get(version.parent),
    db.images.bulkGet(version.images.map((image) => image.imageId)),
  ]);
  if (!project) throw new Error('That project no longer exists.');
  if (!schemaRecord) throw new Error(`Schema version ${version.schemaVersion} of this project is missing.`);
  const files = new Map<ImageId, Pick<ImageRecord, 'rootId' | 'relPath'>>();
  for (const image of images)
    if (image) files.set(image.id, { rootId: image.rootId, relPath: image.relPath });
  return {
    projectName: project.name,
    version,
    parentNumber: parent?.number ?? null,
    schema: schemaRecord.schema,
    files,
  };
}

/** What the dialog shows before anything is planned: cheap to read (no images, no labels). */
export interface ExportHeader {
  readonly projectName: string;
  readonly version: VersionSummary;
  readonly schema: AnnotationSchema;
}

export async function loadExportHeader(db: LabelLoopDatabase, versionId: VersionId): Promise<ExportHeader> {
  const version = await db.versions.get(versionId);
  if (!version) throw new Error('That version no longer exists.');
  const [project, schemaRecord] = await Promise.all([
    db.projects.get(version.projectId),
    db.schemaVersions.get([version.projectId, version.schemaVersion]),
  ]);
  if (!project) throw new Error('That project no longer exists.');
  if (!schemaRecord) throw new Error(`Schema version ${version.schemaVersion} of this project is missing.`);
  return { projectName: project.name, version, schema: schemaRecord.schema };
}

/** What an export with some filters would write, for the dialog to show as the filters change. */
export interface ExportPlanSummary {
  readonly images: number;
  readonly annotations: number;
  readonly splits: VersionExportPlan['splits'];
  /** Planned images no longer in the project: their labels are written, their files cannot be. */
  readonly missingFiles: number;
}

export function summarizePlan(source: ExportSource, plan: VersionExportPlan): ExportPlanSummary {
  return {
    images: plan.counts.images,
    annotations: plan.counts.annotations,
    splits: plan.splits,
    missingFiles: plan.images.filter((image) => !source.files.has(image.imageId as ImageId)).length,
  };
}

/** Images sent per call: a few MB of JSON each, so progress moves and no request is huge. */
export const APPEND_BATCH = 2000;

/** The host's arguments for an export of `source` with `settings`, and the planned images to send. */
export function exportRequest(
  source: ExportSource,
  settings: ExportSettings,
  plan: VersionExportPlan = planVersionExport(source.version, source.schema, settings.filters),
): { begin: ExportBeginArgs; images: ExportImageArgs[] } {
  const { version, schema } = source;
  const frozen = new Map(version.images.map((image) => [image.imageId, image]));
  const images = plan.images.map((image): ExportImageArgs => {
    const file = source.files.get(image.imageId as ImageId);
    const sha256 = frozen.get(image.imageId as ImageId)!.sha256;
    return {
      imageId: image.imageId,
      path: image.path,
      split: image.split,
      width: image.width,
      height: image.height,
      annotations: image.annotations.map((a) => ({
        label: a.label,
        geometry: a.geometry,
        ...(a.attributes && { attributes: a.attributes }),
        ...(a.sourceId !== undefined && { sourceId: a.sourceId }),
      })),
      ...(image.tags && { tags: image.tags }),
      ...(image.attributes && { attributes: image.attributes }),
      source: file ? { rootId: file.rootId, relPath: file.relPath, sha256 } : null,
    };
  });
  const { filters } = settings;
  return {
    begin: {
      target: settings.target,
      format: settings.format,
      ...(settings.format === 'yolo' && settings.task && { task: settings.task }),
      images: settings.images,
      labels: [...plan.labels],
      skeletons: Object.fromEntries(Object.entries(plan.skeletons).map(([k, v]) => [k, [...v]])),
      manifest: {
        project: { id: version.projectId, name: source.projectName },
        version: {
          id: version.id,
          number: version.number,
          parent:
            version.parent === null || source.parentNumber === null
              ? null
              : { id: version.parent, number: source.parentNumber },
          message: version.message,
          author: version.author,
          createdAt: new Date(version.createdAt).toISOString(),
        },
        schema: {
          version: version.schemaVersion,
          name: schema.name,
          classes: schema.classes.map((c) => ({ id: c.id, name: c.name })),
        },
        filters: {
          ...(filters.statuses && { statuses: [...filters.statuses] }),
          ...(filters.classes && { classes: [...filters.classes] }),
          ...(filters.splits && { splits: [...filters.splits] }),
        },
        counts: plan.counts,
        splits: plan.splits,
      },
    },
    images,
  };
}

export interface ExportProgress {
  readonly stage: 'sending' | 'writing';
  readonly done: number;
  readonly total: number;
  readonly ratePerSecond: number;
  readonly etaSeconds: number | null;
}

export type ExportOutcome =
  | { readonly state: 'done'; readonly summary: ExportSummary }
  | { readonly state: 'cancelled'; readonly target: string }
  | { readonly state: 'failed'; readonly message: string };

export interface RunningExport {
  readonly finished: Promise<ExportOutcome>;
  cancel(): void;
}

/** A planned export: the host's settings and the images, handed out a batch at a time. */
export interface ExportBatches {
  readonly begin: ExportBeginArgs;
  readonly count: number;
  batch(start: number, end: number): Promise<readonly ExportImageArgs[]>;
}

export const batchesOf = (request: {
  begin: ExportBeginArgs;
  images: readonly ExportImageArgs[];
}): ExportBatches => ({
  begin: request.begin,
  count: request.images.length,
  batch: async (start, end) => request.images.slice(start, end),
});

/** Sends the export to the host and follows its job; `onProgress` sees the sending, then the writing. */
export function startExport(
  api: ApiClient,
  request: ExportBatches,
  onProgress: (progress: ExportProgress) => void,
): RunningExport {
  let cancelled = false;
  let jobId: JobId | null = null;
  let stopListening: () => void = () => undefined;
  const target = request.begin.target;

  const finished = (async (): Promise<ExportOutcome> => {
    const begun = await api.call('exports.begin', request.begin);
    if (!begun.ok) return { state: 'failed', message: begun.error.message };
    const { exportId } = begun.value;
    const total = request.count;
    for (let start = 0; start < total; start += APPEND_BATCH) {
      if (cancelled) {
        await api.call('exports.discard', { exportId });
        return { state: 'cancelled', target };
      }
      const sent = await api.call('exports.append', {
        exportId,
        images: await request.batch(start, Math.min(total, start + APPEND_BATCH)),
      });
      if (!sent.ok) {
        await api.call('exports.discard', { exportId });
        return { state: 'failed', message: sent.error.message };
      }
      onProgress({ stage: 'sending', done: sent.value.received, total, ratePerSecond: 0, etaSeconds: null });
    }
    if (cancelled) {
      await api.call('exports.discard', { exportId });
      return { state: 'cancelled', target };
    }

    // Events can arrive before the commit answers with the job id: keep them until it does.
    const early: ExportJobEvent[] = [];
    let settle: (outcome: ExportOutcome) => void = () => undefined;
    const ended = new Promise<ExportOutcome>((resolve) => (settle = resolve));
    const handle = (event: ExportJobEvent) => {
      if (event.type === 'progress') onProgress({ stage: 'writing', ...event });
      else if (event.type === 'done') settle({ state: 'done', summary: event.summary });
      else if (event.type === 'cancelled') settle({ state: 'cancelled', target });
      else if (event.type === 'failed') settle({ state: 'failed', message: event.error.message });
    };
    stopListening = api.onJobEvent((event) => {
      // Only this job's events reach `handle`, and this job is an export.
      if (jobId === null) early.push(event as ExportJobEvent);
      else if (event.jobId === jobId) handle(event as ExportJobEvent);
    });
    try {
      const committed = await api.call('exports.commit', { exportId });
      if (!committed.ok) return { state: 'failed', message: committed.error.message };
      jobId = committed.value.jobId;
      for (const event of early.splice(0)) if (event.jobId === jobId) handle(event);
      if (cancelled) void api.call('jobs.cancel', { jobId });
      return await ended;
    } finally {
      stopListening();
    }
  })().catch((error: unknown) => ({ state: 'failed' as const, message: (error as Error).message }));

  return {
    finished,
    cancel() {
      cancelled = true;
      if (jobId !== null) void api.call('jobs.cancel', { jobId });
    },
  };
}

/** The export settings a project used last, so the dialog opens with them. */
export interface RememberedExport {
  readonly format: ExportFormat;
  readonly images: ExportSettings['images'];
  readonly folder: string;
}

const rememberKey = (projectId: ProjectId) => `exportSettings:${projectId}`;

export async function rememberedExport(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<RememberedExport | undefined> {
  return (await db.settings.get(rememberKey(projectId)))?.value as RememberedExport | undefined;
}

export async function rememberExport(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  settings: RememberedExport,
): Promise<void> {
  await db.settings.put({ key: rememberKey(projectId), value: settings });
}
