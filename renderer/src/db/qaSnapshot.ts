/** Reads a project's QA data out of the database as one snapshot: what every QA view and the report compute from. */

import type { ImageId, ProjectId } from '../../../src/core/ids';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type QaSnapshot,
  type SnapshotVersion,
} from '../../../src/core/qa/snapshot';
import type { LabelLoopDatabase } from './database';
import { rejectionReasons } from './review';
import { currentSchema } from './schemas';

/**
 * Everything QA needs of a project, read in one transaction so the numbers agree with each other.
 * Version image lists are read from their chunks (ids only), for trends across versions.
 */
export async function loadQaSnapshot(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  now = Date.now(),
): Promise<QaSnapshot | undefined> {
  return db.transaction(
    'r',
    [
      db.projects,
      db.schemaVersions,
      db.users,
      db.images,
      db.annotations,
      db.labelSets,
      db.assignments,
      db.reviews,
      db.settings,
      db.audit,
      db.samplingBatches,
      db.versions,
      db.versionImages,
    ],
    async () => {
      const project = await db.projects.get(projectId);
      if (!project) return undefined;
      const [
        schema,
        users,
        images,
        labels,
        labelSets,
        assignments,
        reviews,
        reasons,
        audit,
        batches,
        versions,
      ] = await Promise.all([
        currentSchema(db, projectId),
        db.users.toArray(),
        db.images.where('projectId').equals(projectId).toArray(),
        db.annotations.where('projectId').equals(projectId).toArray(),
        db.labelSets.where('projectId').equals(projectId).toArray(),
        db.assignments.where('projectId').equals(projectId).toArray(),
        db.reviews.where('projectId').equals(projectId).toArray(),
        rejectionReasons(db, projectId),
        db.audit.where('[projectId+at]').between([projectId, -Infinity], [projectId, Infinity]).toArray(),
        db.samplingBatches.where('projectId').equals(projectId).toArray(),
        db.versions.where('projectId').equals(projectId).sortBy('number'),
      ]);
      const snapshotVersions: SnapshotVersion[] = [];
      for (const version of versions) {
        const chunks = await db.versionImages.where('versionId').equals(version.id).sortBy('chunk');
        snapshotVersions.push({
          number: version.number,
          message: version.message,
          createdAt: version.createdAt,
          imageIds: chunks.flatMap((chunk) => chunk.images.map((image) => image.imageId)),
        });
      }
      const gold = new Set<ImageId>(assignments.flatMap((assignment) => assignment.goldImageIds));
      return {
        format: SNAPSHOT_FORMAT,
        formatVersion: SNAPSHOT_FORMAT_VERSION,
        createdAt: now,
        project: { id: project.id, name: project.name },
        schema: schema ? { version: schema.version, schema: schema.schema } : null,
        users,
        images: images
          .map((image) => ({
            id: image.id,
            fileName: image.fileName,
            width: image.width,
            height: image.height,
            status: image.status,
            ...(image.dhash === undefined ? {} : { dhash: image.dhash }),
          }))
          .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0)),
        labels,
        labelSets: labelSets.map(({ projectId: _p, assignmentId: _a, ...set }) => set),
        goldImageIds: [...gold],
        reviews: reviews.map(({ projectId: _p, ...review }) => review),
        rejectionReasons: reasons,
        audit: audit.map(({ id: _id, ...entry }) => entry),
        samplingBatches: batches.map((batch) => ({
          name: batch.name,
          plan: batch.plan,
          sample: batch.sample,
          defects: batch.defects,
          ...(batch.verdict ? { verdict: batch.verdict } : {}),
        })),
        versions: snapshotVersions,
      };
    },
  );
}
