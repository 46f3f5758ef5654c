/** Project rows: create, rename, delete with everything that belongs to them, list with counts. */

import { deleteProjectPredictions } from './predictions';
import { deleteProjectVersions } from './versions';
import type { ProjectId, RootId } from '../../../src/core/ids';
import { FINISHED_STATUSES } from '../../../src/core/images/types';
import { newId, type LabelLoopDatabase, type ProjectRecord } from './database';

export interface ProjectSummary extends ProjectRecord {
  readonly imageCount: number;
  readonly doneCount: number;
}

export const normalizeProjectName = (name: string): string => name.trim().replace(/\s+/g, ' ');

export function validateProjectName(name: string): string | null {
  const clean = normalizeProjectName(name);
  if (clean.length === 0) return 'A project needs a name.';
  if (clean.length > 120) return 'Project names are at most 120 characters.';
  return null;
}

export async function createProject(
  db: LabelLoopDatabase,
  name: string,
  now = Date.now(),
): Promise<ProjectRecord> {
  const problem = validateProjectName(name);
  if (problem) throw new Error(problem);
  const project: ProjectRecord = {
    id: newId<ProjectId>(),
    name: normalizeProjectName(name),
    createdAt: now,
    updatedAt: now,
    lastOpenedAt: null,
    roots: [],
    schemaVersion: null,
  };
  await db.transaction('rw', db.projects, () => db.projects.add(project));
  return project;
}

export async function renameProject(db: LabelLoopDatabase, id: ProjectId, name: string): Promise<void> {
  const problem = validateProjectName(name);
  if (problem) throw new Error(problem);
  await db.transaction('rw', db.projects, async () => {
    const updated = await db.projects.update(id, { name: normalizeProjectName(name), updatedAt: Date.now() });
    if (updated === 0) throw new Error('That project no longer exists.');
  });
}

export async function markProjectOpened(
  db: LabelLoopDatabase,
  id: ProjectId,
  now = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.projects, () => db.projects.update(id, { lastOpenedAt: now }));
}

export async function addProjectRoots(
  db: LabelLoopDatabase,
  id: ProjectId,
  roots: readonly { rootId: RootId; path: string }[],
): Promise<void> {
  if (roots.length === 0) return;
  await db.transaction('rw', db.projects, async () => {
    const project = await db.projects.get(id);
    if (!project) return;
    const known = new Set(project.roots.map((r) => r.rootId));
    const fresh = roots.filter((r) => !known.has(r.rootId));
    if (fresh.length > 0) await db.projects.update(id, { roots: [...project.roots, ...fresh] });
  });
}

/** What deleting a project removes from LabelLoop (files on disk are never touched). */
export async function deletionImpact(db: LabelLoopDatabase, id: ProjectId) {
  const [images, imports, annotatedImages, schemaVersions, datasetVersions] = await Promise.all([
    db.images.where('projectId').equals(id).count(),
    db.imports.where('projectId').equals(id).count(),
    db.annotations.where('projectId').equals(id).count(),
    db.schemaVersions.where('projectId').equals(id).count(),
    db.versions.where('projectId').equals(id).count(),
  ]);
  return { images, imports, annotatedImages, schemaVersions, datasetVersions };
}

export async function deleteProject(db: LabelLoopDatabase, id: ProjectId): Promise<void> {
  const tables = [
    db.projects,
    db.images,
    db.imports,
    db.annotations,
    db.schemaVersions,
    db.schemaChanges,
    db.predictionRuns,
    db.predictions,
    db.decisions,
    db.runImages,
    db.runPlans,
    db.evaluations,
    db.objectTags,
    db.versions,
    db.versionImages,
    db.versionLabels,
    db.audit,
    db.reviews,
    db.comments,
    db.assignments,
    db.labelSets,
    db.samplingBatches,
    db.settings,
  ];
  await db.transaction('rw', tables, async () => {
    await deleteProjectPredictions(db, id);
    await deleteProjectVersions(db, id);
    await db.images.where('projectId').equals(id).delete();
    await db.imports.where('projectId').equals(id).delete();
    await db.annotations.where('projectId').equals(id).delete();
    await db.schemaVersions.where('projectId').equals(id).delete();
    await db.schemaChanges.where('projectId').equals(id).delete();
    // Review and QA: its trail, reviews, comments, hand-outs, returned labels, batches and reasons.
    for (const table of [db.audit, db.reviews, db.comments, db.assignments, db.labelSets, db.samplingBatches])
      await table.where('projectId').equals(id).delete();
    await db.settings.delete(`rejectionReasons:${id}`);
    await db.projects.delete(id);
  });
}

export async function listProjects(db: LabelLoopDatabase): Promise<ProjectSummary[]> {
  const projects = await db.projects.toArray();
  const summaries = await Promise.all(
    projects.map(async (project) => ({
      ...project,
      imageCount: await db.images.where('projectId').equals(project.id).count(),
      doneCount: await db.images
        .where('[projectId+status]')
        .anyOf([...FINISHED_STATUSES].map((status) => [project.id, status]))
        .count(),
    })),
  );
  // Most recently opened first, then newest.
  return summaries.sort((a, b) => (b.lastOpenedAt ?? 0) - (a.lastOpenedAt ?? 0) || b.createdAt - a.createdAt);
}
