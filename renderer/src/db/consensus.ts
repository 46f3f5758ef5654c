/** Consensus labels in the project database: several annotators' returned labels of an image merged into its labels. */

import {
  classIdsOf,
  GEOMETRY_KIND_NAMES,
  type Annotation,
  type AnnotationId,
  type ImageAnnotations,
} from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { ImageStatus } from '../../../src/core/images/types';
import { reviewEntry, type AuditEntry } from '../../../src/core/qa/audit';
import { buildConsensus } from '../../../src/core/qa/consensus';
import type { LabelLoopDatabase } from './database';
import { newId } from './database';
import { appendAudit } from './review';

export interface ConsensusPlan {
  /** Overlap images with label sets from two or more annotators: the ones consensus would write. */
  readonly imageIds: readonly ImageId[];
  /** Of those, the images that already have labels, which consensus replaces. */
  readonly replacing: readonly ImageId[];
}

export interface ConsensusWrite {
  /** Who builds it: the merged objects' author and the audit entries' user. */
  readonly user: string;
  readonly iouThreshold?: number;
  /**
   * The labeled images the person agreed to replace (ConsensusPlan.replacing): when the images with labels
   * are not exactly these by the time of writing, nothing is written, so no labels are replaced without being asked.
   */
  readonly confirmedReplacing: readonly ImageId[];
  /** A class's name for audit summaries. */
  readonly className?: (classId: string) => string;
  readonly now?: number;
}

export type ConsensusOutcome =
  | {
      readonly ok: true;
      readonly images: number;
      readonly annotations: number;
      /** Images with a tie, now in review. */
      readonly inReview: number;
      /** Objects too few annotators drew, left out. */
      readonly dropped: number;
      readonly replaced: number;
    }
  | { readonly ok: false; readonly message: string };

const hasLabels = (record: ImageAnnotations | undefined): boolean =>
  record !== undefined && (record.annotations.length > 0 || record.tags.length > 0);

/**
 * Overlap images of the project's assignments with label sets from two or more annotators (counted from the
 * label sets' keys, [imageId, annotator]). Gold images are never among them: their labels are the known
 * answers the label sets are scored against, so consensus must not replace them.
 */
async function sharedImages(db: LabelLoopDatabase, projectId: ProjectId): Promise<ImageId[]> {
  const [keys, assignments] = await Promise.all([
    db.labelSets.where('projectId').equals(projectId).primaryKeys(),
    db.assignments.where('projectId').equals(projectId).toArray(),
  ]);
  const overlap = new Set(assignments.flatMap((a) => a.overlapImageIds));
  const gold = new Set(assignments.flatMap((a) => a.goldImageIds));
  const annotators = new Map<ImageId, number>();
  for (const [imageId] of keys) annotators.set(imageId, (annotators.get(imageId) ?? 0) + 1);
  return [...annotators]
    .filter(([imageId, n]) => n >= 2 && overlap.has(imageId) && !gold.has(imageId))
    .map(([imageId]) => imageId);
}

/** Why the images to replace now differ from the ones the person agreed to, or undefined when they do not. */
function replacingChanged(now: readonly ImageId[], confirmed: readonly ImageId[]): string | undefined {
  const agreed = new Set(confirmed);
  const current = new Set(now);
  const added = now.filter((imageId) => !agreed.has(imageId)).length;
  const gone = confirmed.filter((imageId) => !current.has(imageId)).length;
  if (added === 0 && gone === 0) return undefined;
  const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;
  const parts = [
    ...(added > 0
      ? [`${images(added)} you did not agree to replace now ${added === 1 ? 'has' : 'have'} labels`]
      : []),
    ...(gone > 0
      ? [`${images(gone)} you agreed to replace no longer ${gone === 1 ? 'has' : 'have'} labels`]
      : []),
  ];
  return `The labels consensus would replace changed since you confirmed: ${parts.join(', and ')}. Nothing was written; build consensus again to see the new list.`;
}

/** What building consensus would do: which images it writes and which of them lose their current labels. */
export async function planConsensus(db: LabelLoopDatabase, projectId: ProjectId): Promise<ConsensusPlan> {
  return db.transaction('r', [db.labelSets, db.assignments, db.annotations], async () => {
    const imageIds = await sharedImages(db, projectId);
    const records = await db.annotations.bulkGet(imageIds);
    return { imageIds, replacing: imageIds.filter((_, k) => hasLabels(records[k])) };
  });
}

/** Image tags kept by strict majority of the label sets, in the order first given. */
function majorityTags(sets: readonly { tags: readonly string[] }[]): string[] {
  const counts = new Map<string, number>();
  for (const set of sets) for (const tag of new Set(set.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts].filter(([, n]) => 2 * n > sets.length).map(([tag]) => tag);
}

/**
 * Builds consensus labels for every overlap image with label sets from two or more annotators (buildConsensus) and
 * writes them as the project's labels, in one transaction: each image's labels are replaced, its status set
 * to "in review" when a tie waits for a person (the objects carry review flags) and "submitted" otherwise,
 * and the audit log gets the removed and added objects and the status change, with origin "review".
 */
export async function writeConsensus(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  options: ConsensusWrite,
): Promise<ConsensusOutcome> {
  const at = options.now ?? Date.now();
  const { user } = options;
  const name = options.className ?? ((classId: string) => classId);
  const described = (a: Annotation) => `${name(a.classId)} ${GEOMETRY_KIND_NAMES[a.geometry.kind]}`;
  return db.transaction(
    'rw',
    [db.projects, db.images, db.annotations, db.labelSets, db.assignments, db.audit],
    async (): Promise<ConsensusOutcome> => {
      const project = await db.projects.get(projectId);
      if (!project) return { ok: false, message: 'This project no longer exists.' };
      const imageIds = await sharedImages(db, projectId);
      const [records, images] = await Promise.all([
        db.annotations.bulkGet(imageIds),
        db.images.bulkGet(imageIds),
      ]);
      const replacing = imageIds.filter((_, k) => hasLabels(records[k]));
      const changed = replacingChanged(replacing, options.confirmedReplacing);
      if (changed !== undefined) return { ok: false, message: changed };
      const replaced = replacing.length;

      const next: ImageAnnotations[] = [];
      const statuses: { key: ImageId; changes: { status: ImageStatus } }[] = [];
      const entries: AuditEntry[] = [];
      let annotations = 0;
      let inReview = 0;
      let dropped = 0;
      for (let k = 0; k < imageIds.length; k++) {
        const imageId = imageIds[k]!;
        const image = images[k];
        if (!image) continue;
        const sets = await db.labelSets.where('imageId').equals(imageId).toArray();
        const result = buildConsensus(
          sets.map((set) => ({
            annotator: set.annotator,
            imageId,
            width: image.width,
            height: image.height,
            annotations: set.annotations,
          })),
          {
            author: user,
            now: at,
            schemaVersion: project.schemaVersion ?? 0,
            newId: () => newId<AnnotationId>(),
            ...(options.iouThreshold === undefined ? {} : { iouThreshold: options.iouThreshold }),
          },
        );
        const before = records[k];
        const tags = majorityTags(sets);
        next.push({
          imageId,
          projectId,
          annotations: result.annotations,
          tags,
          attributes: before?.attributes ?? {},
          classIds: classIdsOf(result.annotations, tags),
          updatedAt: at,
        });
        annotations += result.annotations.length;
        dropped += result.dropped.length;
        const status: ImageStatus = result.review.length > 0 ? 'in-review' : 'submitted';
        if (status === 'in-review') inReview++;

        const from = `from ${sets.length} annotators`;
        const who = { projectId, imageId, at, user, origin: 'review' as const };
        for (const old of before?.annotations ?? [])
          entries.push({
            ...who,
            annotationId: old.id,
            action: 'annotation.deleted',
            before: old,
            after: null,
            summary: `Consensus replaced ${described(old)}`,
          });
        const reasons = new Map(result.review.map((r) => [r.annotationId as string, r.reason]));
        for (const merged of result.annotations)
          entries.push({
            ...who,
            annotationId: merged.id,
            action: 'annotation.created',
            before: null,
            after: merged,
            summary: `Consensus added ${described(merged)} ${from}${reasons.has(merged.id) ? ` (${reasons.get(merged.id)!})` : ''}`,
          });
        if (image.status !== status) {
          statuses.push({ key: imageId, changes: { status } });
          const entry = reviewEntry({ projectId, imageId, user, at, from: image.status, to: status });
          entries.push({ ...entry, summary: `${entry.summary} by consensus ${from}` });
        }
      }
      await db.annotations.bulkPut(next);
      await db.images.bulkUpdate(statuses);
      await appendAudit(db, entries);
      return { ok: true, images: next.length, annotations, inReview, dropped, replaced };
    },
  );
}
