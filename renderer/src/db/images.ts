/** Image rows: adding an import's results (deduplicated by content hash), and the gallery's queries. */

import Dexie from 'dexie';
import type { ImageRecord, ImageStatus, ImportProblem, ProbedImage } from '../../../src/core/images/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { newId, type LabelLoopDatabase } from './database';

export interface AddResult {
  readonly added: number;
  readonly duplicates: ImportProblem[];
}

/**
 * Adds probed images to a project in one transaction. A file whose bytes are already in the project is
 * stored once: it is reported as a duplicate naming the image that holds it.
 */
export async function addImportedImages(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  probed: readonly ProbedImage[],
  now = Date.now(),
): Promise<AddResult> {
  if (probed.length === 0) return { added: 0, duplicates: [] };
  return db.transaction('rw', db.images, async () => {
    const existing = await db.images
      .where('[projectId+sha256]')
      .anyOf(probed.map((p) => [projectId, p.sha256]))
      .toArray();
    const byHash = new Map(existing.map((image) => [image.sha256, image.path]));
    const fresh: ImageRecord[] = [];
    const duplicates: ImportProblem[] = [];
    for (const image of probed) {
      const holder = byHash.get(image.sha256);
      if (holder !== undefined) {
        duplicates.push({
          path: image.path,
          code: 'duplicate',
          message:
            holder === image.path
              ? 'already in this project'
              : `same content as ${holder}, already in this project`,
        });
        continue;
      }
      byHash.set(image.sha256, image.path);
      fresh.push({ ...image, id: newId<ImageId>(), projectId, status: 'new', importedAt: now });
    }
    await db.images.bulkAdd(fresh);
    return { added: fresh.length, duplicates };
  });
}

export type GallerySort = 'name-asc' | 'name-desc' | 'imported-desc' | 'imported-asc';

export interface GalleryQuery {
  readonly sort: GallerySort;
  readonly nameFilter: string;
  readonly status: ImageStatus | 'all';
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: ImageRecord, b: ImageRecord) =>
  compareText(a.fileName, b.fileName) || compareText(a.relPath, b.relPath) || compareText(a.path, b.path);

/** The gallery's rows, from an index when one fits (status; name order), filtered by name in memory. */
export async function queryImages(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  query: GalleryQuery,
): Promise<ImageRecord[]> {
  let rows =
    query.status === 'all'
      ? await db.images
          .where('[projectId+fileName]')
          .between([projectId, Dexie.minKey], [projectId, Dexie.maxKey])
          .toArray()
          // The index orders equal file names by random id; sorting the nearly sorted rows is cheap.
          .then((sorted) => sorted.sort(byName))
      : (await db.images.where('[projectId+status]').equals([projectId, query.status]).toArray()).sort(
          byName,
        );
  const needle = query.nameFilter.trim().toLowerCase();
  if (needle) rows = rows.filter((image) => image.relPath.toLowerCase().includes(needle));
  switch (query.sort) {
    case 'name-asc':
      return rows;
    case 'name-desc':
      return rows.reverse();
    case 'imported-desc':
      return rows.sort((a, b) => b.importedAt - a.importedAt || byName(a, b));
    case 'imported-asc':
      return rows.sort((a, b) => a.importedAt - b.importedAt || byName(a, b));
  }
}

export const isDefaultView = (query: GalleryQuery): boolean =>
  query.sort === 'name-asc' && query.status === 'all' && query.nameFilter.trim() === '';

/** The first `limit` images of the default view (by file name), straight from the index. */
export const firstImages = (db: LabelLoopDatabase, projectId: ProjectId, limit: number) =>
  db.images
    .where('[projectId+fileName]')
    .between([projectId, Dexie.minKey], [projectId, Dexie.maxKey])
    .limit(limit)
    .toArray();

export const getImage = (db: LabelLoopDatabase, id: ImageId) => db.images.get(id);

export const countImages = (db: LabelLoopDatabase, projectId: ProjectId) =>
  db.images.where('projectId').equals(projectId).count();
