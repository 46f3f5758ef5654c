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
    [db.images, db.annotations, db.decisions, db.projects, db.schemaVersions],
    async () => {
      const image = await db.images.get(imageId);
      if (!image || image.projectId !== projectId) return undefined;
      const [record, decisions, schema] = await Promise.all([
        db.annotations.get(imageId),
        db.decisions.get(imageId),
        currentSchema(db, projectId),
      ]);
      return {
        image,
        schema: schema ?? null,
        edited: {
          record: record ?? emptyRecord(image),
          display: NOTHING_HIDDEN,
          status: image.status,
          decisions: decisions?.decisions ?? {},
        },
      };
    },
  );
}

/**
 * Writes the editor's image: the record (with its class index recomputed), the status on the image row and
 * the prediction decisions (an empty set of decisions removes the image's decisions row).
 */
export async function saveImage(
  db: LabelLoopDatabase,
  image: ImageRecord,
  edited: EditedImage,
): Promise<void> {
  const record: ImageAnnotations = {
    ...edited.record,
    classIds: classIdsOf(edited.record.annotations, edited.record.tags),
  };
  await db.transaction('rw', [db.images, db.annotations, db.decisions], async () => {
    await db.annotations.put(record);
    await db.images.update(image.id, { status: edited.status });
    await saveDecisions(db, image.projectId, image.id, edited.decisions);
  });
}
