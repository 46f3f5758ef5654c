/**
 * Loading one image for the editor and saving what the editor changed: its annotation record, its status
 * and the decisions on its predictions, written in one Dexie transaction so a save is all or nothing.
 */

import type { ImageAnnotations } from '../../../src/core/annotations/types';
import { classIdsOf } from '../../../src/core/annotations/types';
import { NOTHING_HIDDEN } from '../../../src/core/editing/display';
import type { EditedImage } from '../../../src/core/editing/edits';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { ImageRecord } from '../../../src/core/images/types';
import type { LabelLoopDatabase, SchemaVersionRecord } from './../db/database';
import { auditEntriesFromEdits } from '../../../src/core/qa/audit';
import type { JournalEntry } from '../../../src/core/editing/history';
import type { ReviewRecord } from '../db/qaRecords';
import { saveDecisions } from '../db/predictions';
import { currentSchema } from '../db/schemas';

export interface OpenedImage {
  readonly image: ImageRecord;
  readonly edited: EditedImage;
  readonly schema: SchemaVersionRecord | null;
}

export const emptyRecord = (image: Pick<ImageRecord, 'id' | 'projectId'>): ImageAnnotations => ({
  imageId: image.id,
  projectId: image.projectId,
  annotations: [],
  tags: [],
  attributes: {},
  classIds: [],
  updatedAt: 0,
});

/** The image, its labels and the project's current schema; undefined when the image is not in the project. */
export async function openImage(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  imageId: ImageId,
): Promise<OpenedImage | undefined> {
  return db.transaction(
    'r',
    [db.images, db.annotations, db.decisions, db.projects, db.schemaVersions, db.reviews],
    async () => {
      const image = await db.images.get(imageId);
      if (!image || image.projectId !== projectId) return undefined;
      const [record, decisions, schema, review] = await Promise.all([
        db.annotations.get(imageId),
        db.decisions.get(imageId),
        currentSchema(db, projectId),
        db.reviews.get(imageId),
      ]);
      return {
        image,
        schema: schema ?? null,
        edited: {
          record: record ?? emptyRecord(image),
          display: NOTHING_HIDDEN,
          status: image.status,
          decisions: decisions?.decisions ?? {},
          ...(review === undefined ? {} : { review: reviewOf(review) }),
        },
      };
    },
  );
}

const reviewOf = ({ imageId: _image, projectId: _project, ...review }: ReviewRecord) => review;

/** The edits since the last save, for the audit log; `user` and `at` stand in for entries not stamped when made. */
export interface SaveAudit {
  readonly user: string;
  readonly historyId: string;
  readonly entries: readonly JournalEntry[];
  readonly at: number;
  readonly className?: (classId: string) => string;
}

/**
 * Writes the editor's image: the record (with its class index recomputed), the status on the image row, the
 * review decision, the prediction decisions (an empty set removes the image's decisions row), and the audit
 * entries of the edits since the last save, all in one transaction: the trail never misses a saved change.
 */
export async function saveImage(
  db: LabelLoopDatabase,
  image: ImageRecord,
  edited: EditedImage,
  audit?: SaveAudit,
): Promise<void> {
  const record: ImageAnnotations = {
    ...edited.record,
    classIds: classIdsOf(edited.record.annotations, edited.record.tags),
  };
  const byId = new Map(edited.record.annotations.map((a) => [a.id as string, a]));
  const entries =
    audit === undefined
      ? []
      : audit.entries.flatMap(({ seq, edit, origin, at, user }) =>
          auditEntriesFromEdits([{ edit, origin }], {
            projectId: image.projectId,
            imageId: image.id,
            user: user ?? audit.user,
            at: at ?? audit.at,
            annotation: (id) => byId.get(id),
            ...(audit.className ? { className: audit.className } : {}),
          }).map((entry, n) => ({ ...entry, id: auditId(audit.historyId, seq, n) })),
        );
  await db.transaction('rw', [db.images, db.annotations, db.decisions, db.reviews, db.audit], async () => {
    await db.annotations.put(record);
    await db.images.update(image.id, { status: edited.status });
    if (edited.review)
      await db.reviews.put({ ...edited.review, imageId: image.id, projectId: image.projectId });
    else await db.reviews.delete(image.id);
    await saveDecisions(db, image.projectId, image.id, edited.decisions);
    if (entries.length > 0) await db.audit.bulkPut(entries);
  });
}

/** An editor entry's id: its history and journal position, so the same edit saved twice keeps one row. */
const auditId = (historyId: string, seq: number, n: number): string =>
  `${historyId}:${String(seq).padStart(6, '0')}:${n}`;
