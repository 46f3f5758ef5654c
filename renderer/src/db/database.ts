/** The project database (IndexedDB through Dexie): the system of record, versioned with upgrade functions. */

import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type { ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageRecord, ImportProblem } from '../../../src/core/images/types';
import type {
  ImagePredictions,
  PredictionDecision,
  PredictionRun,
  RunImageRecord,
  RunPlan,
  RunId,
} from '../../../src/core/predictions/types';
import type { SchemaChange } from '../../../src/core/schema/changes';
import type { AnnotationSchema } from '../../../src/core/schema/types';
import type { GroupBy } from '../../../src/core/versions/groups';
import type { SplitRatios, SplitStrategy } from '../../../src/core/versions/splits';
import { labelsKey, type FrozenLabels } from '../../../src/core/versions/labelsKey';
import type { DatasetVersion, VersionId, VersionImage } from '../../../src/core/versions/types';
import type { ImageId, ImportId, ProjectId, RootId } from '../../../src/core/ids';
import type { DatasetImportReport } from './imports';
import type { EvaluationRecord, ObjectTagRecord } from './evaluations';
import type { AuditRecord, CommentRecord, ReviewRecord, UserRecord } from './qaRecords';
import type { AssignmentRecord, LabelSetRecord, SamplingBatchRecord, TaskOrigin } from './qaRecords';

export interface ProjectRecord {
  readonly id: ProjectId;
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastOpenedAt: number | null;
  /** Folders the host serves for this project; re-registered when the project opens. */
  readonly roots: readonly { rootId: RootId; path: string }[];
  /** The current annotation schema version, or null before the project has a schema. */
  readonly schemaVersion: number | null;
  /** Set on an annotator's project made from a task bundle (not indexed, so no new database version). */
  readonly task?: TaskOrigin;
}

/** One saved version of a project's annotation schema; never modified after it is written. */
export interface SchemaVersionRecord {
  readonly projectId: ProjectId;
  readonly version: number;
  readonly schema: AnnotationSchema;
  readonly createdAt: number;
  readonly author: string;
  /** What changed from the previous version, in words. */
  readonly message: string;
  readonly change: SchemaChange | null;
}

/**
 * What undoing a schema change needs: the version it replaced and every annotation record as it was
 * before the change rewrote it. Kept for the latest changes of each project.
 */
export interface SchemaChangeRecord {
  readonly projectId: ProjectId;
  readonly version: number;
  readonly previousVersion: number | null;
  readonly before: readonly ImageAnnotations[];
  /** Records that did not exist before the change (none today; kept for symmetry with future changes). */
  readonly createdAt: number;
}

export type ImportState = 'running' | 'done' | 'cancelled' | 'failed';

/** One import as the user saw it: what was asked, what was added, and every file that was not. */
export interface ImportRecord {
  readonly id: ImportId;
  readonly projectId: ProjectId;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly state: ImportState;
  readonly sourceLabel: string;
  readonly candidates: number;
  readonly added: number;
  readonly duplicates: number;
  readonly ignoredFiles: number;
  readonly problems: readonly ImportProblem[];
  readonly error: string | null;
  /** A labeled-dataset import's labels: what was imported, skipped and invalid (absent for image imports). */
  readonly dataset?: DatasetImportReport;
}

/** Decisions on predictions shown on one image, keyed by `decisionKey(runId, predictionId)`. */
export interface DecisionsRecord {
  readonly imageId: ImageId;
  readonly projectId: ProjectId;
  readonly decisions: Readonly<Record<string, PredictionDecision>>;
}

/** How a version's new images were given splits; the next version reuses it unless told otherwise. */
export interface SplitSettings {
  readonly ratios: SplitRatios;
  readonly seed: number | string;
  readonly strategy: SplitStrategy;
  /** What makes a group under the `group` strategy; absent on versions made before it existed (folder only). */
  readonly groupBy?: GroupBy;
}

/** A dataset version as read: the core snapshot plus the split settings it was cut with. Never modified. */
export interface VersionRecord extends DatasetVersion {
  readonly splitSettings: SplitSettings;
}

/** A version's row: everything but its images, which are in `versionImages` chunks. */
export type StoredVersion = Omit<VersionRecord, 'images'> & { readonly imageCount: number };

/** An image as a version stores it: its labels are the `versionLabels` record with key `labels`. */
export type StoredVersionImage = Omit<VersionImage, keyof FrozenLabels> & { readonly labels: string };

/** Up to VERSION_CHUNK of a version's images, in the version's order (by image id). */
export interface VersionImagesChunk {
  readonly versionId: VersionId;
  readonly chunk: number;
  readonly images: readonly StoredVersionImage[];
}

/** One image's frozen labels, stored once per project however many versions hold them. */
export interface VersionLabelsRecord extends FrozenLabels {
  readonly projectId: ProjectId;
  readonly key: string;
}

/** Images per chunk: small rows (the labels are elsewhere), ~100 KB a chunk. */
export const VERSION_CHUNK = 1000;

/** A version's images as chunks of stored images and the label records they refer to (one per key). */
export function splitVersionImages(
  projectId: ProjectId,
  versionId: VersionId,
  images: readonly VersionImage[],
): { chunks: VersionImagesChunk[]; labels: VersionLabelsRecord[] } {
  const labels = new Map<string, VersionLabelsRecord>();
  const stored = images.map(({ annotations, tags, attributes, ...image }): StoredVersionImage => {
    const key = labelsKey({ annotations, tags, attributes });
    if (!labels.has(key)) labels.set(key, { projectId, key, annotations, tags, attributes });
    return { ...image, labels: key };
  });
  const chunks: VersionImagesChunk[] = [];
  for (let start = 0, chunk = 0; start < stored.length; start += VERSION_CHUNK, chunk++) {
    chunks.push({ versionId, chunk, images: stored.slice(start, start + VERSION_CHUNK) });
  }
  return { chunks, labels: [...labels.values()] };
}

export interface SettingRecord {
  readonly key: string;
  readonly value: unknown;
}

/**
 * Each schema version, in order. A version adds `stores` changes and may carry an `upgrade` that
 * rewrites existing rows; old versions are never edited once released (tests open frozen old databases).
 */
export const MIGRATIONS: readonly {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}[] = [
  {
    version: 1,
    stores: {
      projects: 'id, name, lastOpenedAt',
      images:
        'id, projectId, [projectId+sha256], [projectId+fileName], [projectId+status], [projectId+importedAt]',
      imports: 'id, projectId, [projectId+startedAt]',
      settings: 'key',
    },
  },
  {
    // Annotation schemas (versioned) and annotations, one record per image.
    version: 2,
    stores: {
      schemaVersions: '[projectId+version], projectId',
      schemaChanges: '[projectId+version], projectId',
      annotations: 'imageId, projectId, [projectId+imageId], *classIds',
    },
    upgrade: async (tx) => {
      await tx
        .table('projects')
        .toCollection()
        .modify((project: { schemaVersion?: number | null }) => {
          project.schemaVersion ??= null;
        });
    },
  },
  {
    // Predictions (imported results files, later model runs), one row per run and image, and decisions.
    version: 3,
    stores: {
      predictionRuns: 'id, projectId',
      predictions: '[runId+imageId], runId, imageId, projectId',
      decisions: 'imageId, projectId',
    },
  },
  {
    // Dataset versions: immutable snapshots of images, labels and splits, numbered per project.
    version: 4,
    stores: {
      versions: 'id, projectId, [projectId+number]',
    },
  },
  {
    // A version's images move to chunks and its labels to records shared by content: Chromium refuses a
    // value over ~133 MB, which one record of 100,000 images with 1,000,000 boxes (~215 MB) is; a list of
    // versions no longer reads them; a version stores only labels no earlier version has; and a diff
    // reads only the labels whose key differs.
    version: 5,
    stores: {
      versionImages: '[versionId+chunk], versionId',
      versionLabels: '[projectId+key], projectId',
    },
    upgrade: async (tx) => {
      const versions = tx.table('versions');
      const stored = (await versions.toArray()) as (StoredVersion & { images?: VersionImage[] })[];
      for (const { images, ...summary } of stored) {
        if (images === undefined) continue;
        const { chunks, labels } = splitVersionImages(summary.projectId, summary.id, images);
        await tx.table('versionLabels').bulkPut(labels);
        await tx.table('versionImages').bulkAdd(chunks);
        await versions.put({ ...summary, imageCount: images.length });
      }
    },
  },
  {
    // Model runs: which images a run has done (or failed), so a run resumes after a restart, and each
    // image's embedding from embedding models.
    version: 6,
    stores: {
      runImages: '[runId+imageId], runId, projectId',
    },
  },
  {
    // A model run's planned image ids move out of its record into runPlans: every saved batch rewrote them
    // with the run's counters, and the runs list read them back twice a second.
    version: 7,
    stores: {
      runPlans: 'runId, projectId',
    },
    upgrade: async (tx) => {
      const runs = tx.table('predictionRuns');
      const stored = (await runs.toArray()) as (PredictionRun & {
        model?: { imageIds?: ImageId[] };
      })[];
      for (const run of stored) {
        const imageIds = run.model?.imageIds;
        if (!run.model || !imageIds) continue;
        const { imageIds: _moved, ...model } = run.model;
        await tx.table('runPlans').put({ runId: run.id, projectId: run.projectId, imageIds });
        await runs.put({ ...run, model: { ...model, imageTotal: imageIds.length } });
      }
    },
  },
  {
    // Evaluations of model runs against the labels (their headline numbers, to show how fixes move them)
    // and tags people put on objects and images while reviewing failures.
    version: 8,
    stores: {
      evaluations: 'id, projectId, [projectId+runId]',
      objectTags: '[projectId+key], projectId, imageId, *tags',
    },
  },
  {
    // Review and QA: people, the audit trail, review decisions, comments, assignments handed out as task
    // bundles, the labels each annotator returned, and acceptance-sampling batches. The image status
    // "done" becomes "submitted" (the review workflow's name for it), in images and in version snapshots.
    version: 9,
    stores: {
      users: 'id, name, createdAt',
      audit: 'id, projectId, [projectId+at], [projectId+imageId], [projectId+user]',
      reviews: 'imageId, projectId',
      comments: 'id, projectId, imageId, [projectId+state]',
      assignments: 'id, projectId',
      labelSets: '[imageId+annotator], projectId, imageId, [projectId+annotator]',
      samplingBatches: 'id, projectId',
    },
    upgrade: async (tx) => {
      await tx
        .table('images')
        .toCollection()
        .modify((image: { status: string }) => {
          if (image.status === 'done') image.status = 'submitted';
        });
      await tx
        .table('versionImages')
        .toCollection()
        .modify((chunk: { images: { status: string }[] }) => {
          chunk.images = chunk.images.map((image) =>
            image.status === 'done' ? { ...image, status: 'submitted' } : image,
          );
        });
    },
  },
];

export type LabelLoopDatabase = Dexie & {
  projects: EntityTable<ProjectRecord, 'id'>;
  images: EntityTable<ImageRecord, 'id'>;
  imports: EntityTable<ImportRecord, 'id'>;
  settings: EntityTable<SettingRecord, 'key'>;
  schemaVersions: Dexie.Table<SchemaVersionRecord, [ProjectId, number]>;
  schemaChanges: Dexie.Table<SchemaChangeRecord, [ProjectId, number]>;
  annotations: EntityTable<ImageAnnotations, 'imageId'>;
  predictionRuns: EntityTable<PredictionRun, 'id'>;
  predictions: Dexie.Table<ImagePredictions, [RunId, ImageId]>;
  decisions: EntityTable<DecisionsRecord, 'imageId'>;
  runImages: Dexie.Table<RunImageRecord, [RunId, ImageId]>;
  runPlans: EntityTable<RunPlan, 'runId'>;
  versions: EntityTable<StoredVersion, 'id'>;
  versionImages: Dexie.Table<VersionImagesChunk, [VersionId, number]>;
  versionLabels: Dexie.Table<VersionLabelsRecord, [ProjectId, string]>;
  evaluations: EntityTable<EvaluationRecord, 'id'>;
  objectTags: Dexie.Table<ObjectTagRecord, [ProjectId, string]>;
  users: EntityTable<UserRecord, 'id'>;
  audit: EntityTable<AuditRecord, 'id'>;
  reviews: EntityTable<ReviewRecord, 'imageId'>;
  comments: EntityTable<CommentRecord, 'id'>;
  assignments: EntityTable<AssignmentRecord, 'id'>;
  labelSets: Dexie.Table<LabelSetRecord, [ImageId, string]>;
  samplingBatches: EntityTable<SamplingBatchRecord, 'id'>;
};

export const DATABASE_NAME = 'labelloop';

export function openDatabase(
  name = DATABASE_NAME,
  options?: ConstructorParameters<typeof Dexie>[1],
): LabelLoopDatabase {
  const db = new Dexie(name, options) as LabelLoopDatabase;
  for (const migration of MIGRATIONS) {
    const version = db.version(migration.version).stores(migration.stores);
    if (migration.upgrade) version.upgrade(migration.upgrade);
  }
  return db;
}

export const newId = <T extends string>(): T => crypto.randomUUID() as T;
export type { ImageId };
