/**
 * A project's QA data as one JSON document (`labelloop-qa.json`): what the app's Review & QA screen reads
 * from its database, written out so `labelloop qa report --project <dir>` computes the same numbers.
 */

import type { Annotation, AttributeValues, ImageAnnotations } from '../annotations/types';
import type { ImageReview } from '../editing/edits';
import type { ImageId, ProjectId } from '../ids';
import type { ImageStatus } from '../images/types';
import type { AnnotationSchema } from '../schema/types';
import type { LabelSet } from './agreementMatch';
import { timeSpentPerImage, type AuditEntry } from './audit';
import type { ConsistencyImage } from './consistency';
import type { UserProfile } from './people';
import type { RejectionReason } from './review';
import type { SamplingPlan } from './sampling';

export const SNAPSHOT_FORMAT = 'labelloop-qa-snapshot' as const;
export const SNAPSHOT_FORMAT_VERSION = 1 as const;
/** The file name the app writes into a project folder and the command line reads from it. */
export const SNAPSHOT_FILE_NAME = 'labelloop-qa.json';

export interface SnapshotImage {
  readonly id: ImageId;
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
  readonly status: ImageStatus;
  readonly dhash?: string;
}

/** One annotator's returned labels of one image (from a task bundle). */
export interface SnapshotLabelSet {
  readonly imageId: ImageId;
  readonly annotator: string;
  readonly annotations: readonly Annotation[];
  readonly tags: readonly string[];
  readonly attributes: AttributeValues;
  readonly returnedAt: number;
  /** Seconds the annotator spent on the image in their task project, as the bundle reported; absent from older bundles. */
  readonly seconds?: number;
}

export interface SnapshotSamplingBatch {
  readonly name: string;
  readonly plan: SamplingPlan;
  readonly sample: readonly ImageId[];
  readonly defects: Readonly<Record<string, number>>;
  readonly verdict?: { readonly accepted: boolean; readonly at: number; readonly statement: string };
}

/** A dataset version's headline numbers, for trends across versions. */
export interface SnapshotVersion {
  readonly number: number;
  readonly message: string;
  readonly createdAt: number;
  readonly imageIds: readonly ImageId[];
}

export interface QaSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly formatVersion: typeof SNAPSHOT_FORMAT_VERSION;
  readonly createdAt: number;
  readonly project: { readonly id: ProjectId; readonly name: string };
  readonly schema: { readonly version: number; readonly schema: AnnotationSchema } | null;
  readonly users: readonly UserProfile[];
  readonly images: readonly SnapshotImage[];
  /** The project's labels, one record per labeled image. */
  readonly labels: readonly ImageAnnotations[];
  readonly labelSets: readonly SnapshotLabelSet[];
  /** Images handed out as gold: their project labels are the known answers. */
  readonly goldImageIds: readonly ImageId[];
  readonly reviews: readonly (ImageReview & { readonly imageId: ImageId })[];
  readonly rejectionReasons: readonly RejectionReason[];
  readonly audit: readonly AuditEntry[];
  readonly samplingBatches: readonly SnapshotSamplingBatch[];
  readonly versions: readonly SnapshotVersion[];
}

export type ReadSnapshotResult = { ok: true; snapshot: QaSnapshot } | { ok: false; message: string };

const ARRAYS = [
  'users',
  'images',
  'labels',
  'labelSets',
  'goldImageIds',
  'reviews',
  'rejectionReasons',
  'audit',
  'samplingBatches',
  'versions',
] as const;

/**
 * Reads a snapshot file, refusing with a sentence that names the problem: not JSON, another format, a newer
 * format version, or a missing list. The lists' rows are the app's own records and are not re-validated.
 */
export function readSnapshot(text: string): ReadSnapshotResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The file is not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: 'The file is not a LabelLoop QA snapshot (expected a JSON object).' };
  const doc = value as Record<string, unknown>;
  if (doc.format !== SNAPSHOT_FORMAT)
    return {
      ok: false,
      message: `The file is not a LabelLoop QA snapshot (its "format" is ${JSON.stringify(doc.format ?? null)}, expected "${SNAPSHOT_FORMAT}").`,
    };
  if (typeof doc.formatVersion !== 'number' || doc.formatVersion > SNAPSHOT_FORMAT_VERSION)
    return {
      ok: false,
      message: `This snapshot has format version ${String(doc.formatVersion)}; this LabelLoop reads version ${SNAPSHOT_FORMAT_VERSION}. Update LabelLoop.`,
    };
  const project = doc.project as { id?: unknown; name?: unknown } | undefined;
  if (typeof project?.id !== 'string' || typeof project.name !== 'string')
    return { ok: false, message: 'The snapshot has no "project" with an id and a name.' };
  for (const key of ARRAYS)
    if (!Array.isArray(doc[key])) return { ok: false, message: `The snapshot has no "${key}" list.` };
  return { ok: true, snapshot: value as QaSnapshot };
}

/** Pretty JSON with the snapshot's own key order (the app writes it whole, so repeated writes are equal). */
export const snapshotToJson = (snapshot: QaSnapshot): string => `${JSON.stringify(snapshot, null, 2)}\n`;

/**
 * The inputs of agreementReport: every returned label set (each annotator's copy of an image), sized by
 * the image, and the project's labels of gold images as the known answers.
 */
export function agreementInput(snapshot: QaSnapshot): { labelSets: LabelSet[]; gold: LabelSet[] } {
  const images = new Map(snapshot.images.map((image) => [image.id as string, image]));
  const size = (imageId: string) => {
    const image = images.get(imageId);
    return { width: image?.width ?? 0, height: image?.height ?? 0 };
  };
  const goldIds = new Set<string>(snapshot.goldImageIds);
  const labelSets: LabelSet[] = snapshot.labelSets.map((set) => ({
    annotator: set.annotator,
    imageId: set.imageId,
    ...size(set.imageId),
    annotations: set.annotations,
  }));
  const gold: LabelSet[] = snapshot.labels
    .filter((record) => goldIds.has(record.imageId))
    .map((record) => ({
      annotator: 'gold',
      imageId: record.imageId,
      ...size(record.imageId),
      annotations: record.annotations,
    }));
  return { labelSets, gold };
}

/** The inputs of checkConsistency: each image with the project's labels and the time people spent on it. */
export function consistencyInput(snapshot: QaSnapshot): ConsistencyImage[] {
  const labels = new Map(snapshot.labels.map((record) => [record.imageId as string, record]));
  const times = new Map<string, { annotator: string; seconds: number }[]>();
  for (const spent of timeSpentPerImage(snapshot.audit)) {
    const list = times.get(spent.imageId) ?? [];
    list.push({ annotator: spent.user, seconds: spent.seconds });
    times.set(spent.imageId, list);
  }
  return snapshot.images.map((image) => ({
    imageId: image.id,
    width: image.width,
    height: image.height,
    ...(image.dhash === undefined ? {} : { dhash: image.dhash }),
    annotations: labels.get(image.id)?.annotations ?? [],
    ...(times.has(image.id) ? { timeSpent: times.get(image.id)! } : {}),
  }));
}
