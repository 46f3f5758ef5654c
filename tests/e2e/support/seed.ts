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

/** Saves `schema` as version 1 of the project's annotation schema, as the schema screen would. */
export async function seedSchema(page: Page, projectId: string, schema: unknown): Promise<void> {
  await page.evaluate(
    async ({ projectId, schema }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open('labelloop');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(['schemaVersions', 'projects'], 'readwrite');
        tx.objectStore('schemaVersions').put({
          projectId,
          version: 1,
          schema,
          createdAt: Date.now(),
          author: 'seed',
          message: 'Seeded schema',
          change: null,
        });
        const projects = tx.objectStore('projects');
        const get = projects.get(projectId);
        get.onsuccess = () => projects.put({ ...get.result, schemaVersion: 1 });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { projectId, schema },
  );
}

/** The stored annotation record and status of one image, as the app saved them. */
export async function storedImage(
  page: Page,
  imageId: string,
): Promise<{
  annotations: {
    id: string;
    classId: string;
    geometry: Record<string, unknown>;
    attributes: Record<string, unknown>;
  }[];
  tags: string[];
  attributes: Record<string, unknown>;
  status: string;
}> {
  return page.evaluate(async (imageId) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('labelloop');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = <T>(store: string): Promise<T> =>
      new Promise((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).get(imageId);
        request.onsuccess = () => resolve(request.result as T);
        request.onerror = () => reject(request.error);
      });
    const record = await read<
      { annotations: never[]; tags: string[]; attributes: Record<string, unknown> } | undefined
    >('annotations');
    const image = await read<{ status: string }>('images');
    db.close();
    return {
      annotations: record?.annotations ?? [],
      tags: record?.tags ?? [],
      attributes: record?.attributes ?? {},
      status: image.status,
    };
  }, imageId);
}
