/** Writes annotation records straight into the app's database, as an importer would, for flows that need labels. */

import type { Page } from '@playwright/test';

export interface SeedBox {
  readonly classId: string;
  readonly attributes?: Record<string, unknown>;
}

/** One record per image id: boxes of the given classes, made under schema version 1. */
export async function seedAnnotations(
  page: Page,
  projectId: string,
  images: Readonly<Record<string, readonly SeedBox[]>>,
  imageAttributes: Record<string, unknown> = {},
): Promise<void> {
  await page.evaluate(
    async ({ projectId, images, imageAttributes }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open('labelloop');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('annotations', 'readwrite');
        for (const [imageId, boxes] of Object.entries(images)) {
          const annotations = boxes.map((box, index) => ({
            id: `${imageId}-a${index}`,
            classId: box.classId,
            geometry: { kind: 'box', x: 10 + index * 40, y: 10, width: 30, height: 20 },
            attributes: box.attributes ?? {},
            schemaVersion: 1,
            createdBy: 'seed',
            createdAt: 0,
            updatedBy: 'seed',
            updatedAt: 0,
          }));
          tx.objectStore('annotations').put({
            imageId,
            projectId,
            annotations,
            tags: [],
            attributes: imageAttributes,
            classIds: [...new Set(annotations.map((a) => a.classId))].sort(),
            updatedAt: 0,
          });
        }
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { projectId, images, imageAttributes },
  );
}

/** Class ids per image, read back from the database. */
export async function storedClassIds(page: Page, projectId: string): Promise<Record<string, string[]>> {
  return page.evaluate(async (projectId) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('labelloop');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const rows: { imageId: string; projectId: string; annotations: { classId: string }[] }[] =
      await new Promise((resolve, reject) => {
        const request = db.transaction('annotations').objectStore('annotations').getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    db.close();
    return Object.fromEntries(
      rows
        .filter((r) => r.projectId === projectId)
        .map((r) => [r.imageId, r.annotations.map((a) => a.classId)]),
    );
  }, projectId);
}
