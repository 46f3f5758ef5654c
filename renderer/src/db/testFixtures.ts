/** Test support: a box-class schema, labels, predictions and image records put into a test project database. */

import type {
  Annotation,
  AnnotationId,
  Geometry,
  ImageAnnotations,
} from '../../../src/core/annotations/types';
import type { ImageRecord, ProbedImage } from '../../../src/core/images/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { Prediction } from '../../../src/core/predictions/types';
import { SCHEMA_FORMAT, type AnnotationSchema, type LabelClass } from '../../../src/core/schema/types';
import type { LabelLoopDatabase } from './database';
import { addImportedImages } from './images';
import { createProject } from './projects';
import { applySchemaChange } from './schemas';
import { openTestDatabase, probedImage } from './testDatabase';

export { box } from '../../../src/core/editing/testFixtures';

/** A class named after its id without the `c-` prefix: `c-car` is "car". */
export const labelClass = (id: string, geometries: LabelClass['geometries']): LabelClass => ({
  id,
  name: id.slice(2),
  color: '#ff0000',
  geometries,
  attributes: [],
});

/** The "Street" schema with `classes`, multi-label tags allowed. */
export const streetSchema = (classes: LabelClass[]): AnnotationSchema => ({
  format: SCHEMA_FORMAT,
  name: 'Street',
  classes,
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
});

/** An annotation made by `test` at time 0. */
export const annotation = (id: string, classId: string, geometry: Geometry): Annotation => ({
  id: id as AnnotationId,
  classId,
  geometry,
  attributes: {},
  schemaVersion: 1,
  createdBy: 'test',
  createdAt: 0,
  updatedBy: 'test',
  updatedAt: 0,
});

/** A prediction labelled with its class id, or "bicycle" when the model's label has no class. */
export const prediction = (
  id: string,
  classId: string | null,
  geometry: Geometry,
  score: number,
): Prediction => ({
  id,
  classId,
  label: classId ?? 'bicycle',
  score,
  geometry,
});

/** The labels of one image, updated at time 0, with no image attributes. */
export const imageLabels = (
  projectId: ProjectId,
  imageId: ImageId,
  annotations: Annotation[],
  tags: string[] = [],
): ImageAnnotations => ({
  imageId,
  projectId,
  annotations,
  tags,
  attributes: {},
  classIds: [...new Set([...annotations.map((a) => a.classId), ...tags])].sort(),
  updatedAt: 0,
});

/** A new image at `relPath` (bytes numbered `hash`) in `projectId`, imported at time 0 unless `extra` says. */
export const imageRecord = (
  projectId: ProjectId,
  id: ImageId,
  relPath: string,
  hash: number,
  extra: Partial<ImageRecord> = {},
): ImageRecord => ({
  ...probedImage(relPath, hash),
  id,
  projectId,
  status: 'new',
  importedAt: 0,
  ...extra,
});

/** A new project named `name`, with `schema` applied when given. */
export async function addProject(
  db: LabelLoopDatabase,
  name: string,
  schema?: AnnotationSchema,
): Promise<ProjectId> {
  const id = (await createProject(db, name)).id;
  if (schema) await applySchemaChange(db, id, { type: 'edit-schema', schema, summary: schema.name }, 'test');
  return id;
}

/** A fresh database with a project "Old" that imported `images`. */
export async function importedProject(
  images: ProbedImage[],
): Promise<{ db: LabelLoopDatabase; projectId: ProjectId }> {
  const { db } = openTestDatabase();
  const project = await createProject(db, 'Old');
  await addImportedImages(db, project.id, images);
  return { db, projectId: project.id };
}
