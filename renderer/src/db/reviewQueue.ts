/** The review queue's rows: each image with its status, who works on it, its classes, schema problems and last review. */

import type { ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { ImageStatus } from '../../../src/core/images/types';
import { compileSchema, validateImage } from '../../../src/core/schema/validate';
import type { LabelLoopDatabase } from './database';
import type { ReviewRecord } from './qaRecords';
import { currentSchema } from './schemas';

export interface QueueRow {
  readonly imageId: ImageId;
  readonly fileName: string;
  readonly status: ImageStatus;
  /** Who the image is assigned to, when an assignment says. */
  readonly assignee?: string;
  /** Who last changed its labels. */
  readonly lastEditor?: string;
  readonly classIds: readonly string[];
  readonly objects: number;
  /** Error-level schema violations. */
  readonly errors: number;
  readonly review?: ReviewRecord;
}

/** Who changed the labels last: the newest `updatedBy` among its annotations. */
function lastEditorOf(record: ImageAnnotations | undefined): string | undefined {
  let newest: { at: number; by: string } | undefined;
  for (const a of record?.annotations ?? []) {
    if (!newest || a.updatedAt > newest.at) newest = { at: a.updatedAt, by: a.updatedBy };
  }
  return newest?.by;
}

/** Every image of the project as a queue row, in file-name order. */
export async function loadQueueRows(db: LabelLoopDatabase, projectId: ProjectId): Promise<QueueRow[]> {
  const [images, records, reviews, assignments, schema] = await db.transaction(
    'r',
    [db.images, db.annotations, db.reviews, db.assignments, db.projects, db.schemaVersions],
    () =>
      Promise.all([
        db.images.where('projectId').equals(projectId).toArray(),
        db.annotations.where('projectId').equals(projectId).toArray(),
        db.reviews.where('projectId').equals(projectId).toArray(),
        db.assignments.where('projectId').equals(projectId).toArray(),
        currentSchema(db, projectId),
      ]),
  );
  const compiled = schema ? compileSchema(schema.schema) : undefined;
  const labels = new Map(records.map((r) => [r.imageId as string, r]));
  const reviewOf = new Map(reviews.map((r) => [r.imageId as string, r]));
  const assignee = new Map<string, string>();
  // Work images have one annotator; an overlap image two, and the queue names the first.
  for (const a of assignments)
    for (const id of [...a.imageIds, ...a.overlapImageIds])
      if (!assignee.has(id) && !a.goldImageIds.includes(id)) assignee.set(id, a.annotator);
  return images
    .map((image): QueueRow => {
      const record = labels.get(image.id);
      const review = reviewOf.get(image.id);
      const by = lastEditorOf(record);
      const who = assignee.get(image.id);
      return {
        imageId: image.id,
        fileName: image.fileName,
        status: image.status,
        ...(who === undefined ? {} : { assignee: who }),
        ...(by === undefined ? {} : { lastEditor: by }),
        classIds: record?.classIds ?? [],
        objects: record?.annotations.length ?? 0,
        errors:
          compiled && record
            ? validateImage(compiled, record, image).filter((v) => v.severity === 'error').length
            : 0,
        ...(review === undefined ? {} : { review }),
      };
    })
    .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
}
