/**
 * Dataset versions in the app (`npx tsx bench/versionsApp.ts [--quick] [--images=N]`), issue 5: a project of
 * 100,000 images with 10 boxes each (1,000,000 annotations) in real Chromium's IndexedDB through browser
 * mode; then, through the Versions page as a user does it:
 * - versions_app_create_v1: "Create version" until version 1 is listed (read every image and label record
 *   in one transaction, split, snapshot and store it, in the page's worker);
 * - versions_app_create_v2: the same after 2 % of the images were edited (a box moved, one relabeled);
 * - versions_app_diff: the Compare tab from clicking it until the diff of v1 → v2 is shown;
 * - versions_app_export_open / _export_yolo: "Export…" on version 2 until the dialog shows its plan, and
 *   a YOLO export of it, labels only, into a temporary folder until the result is shown.
 * Also the renderer's JS heap after each step (CDP Performance.getMetrics, the page's own heap; the worker's
 * heap is not included). Targets: the diff ≤ 5 s; creation has none and is held to 20 s.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNewProject, printMetric } from './support/appInChromium';

const QUICK = process.argv.includes('--quick');
const IMAGES = Number(
  process.argv.find((a) => a.startsWith('--images='))?.split('=')[1] ?? (QUICK ? 10_000 : 100_000),
);
const PER_IMAGE = 10;
const CHANGED = 0.02;
const size = IMAGES === 100_000 ? '' : `_${IMAGES / 1000}k`;

const { page, projectId, close } = await openNewProject('Versions bench');
try {
  const seedStart = Date.now();
  await page.evaluate(
    async ({ projectId, count, perImage }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open('labelloop');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const done = (tx: IDBTransaction) =>
        new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      const classes = ['car', 'person', 'bicycle', 'truck', 'sign'];
      const schema = {
        format: 'labelloop.annotation-schema/1',
        name: 'Bench',
        classes: classes.map((id, i) => ({
          id,
          name: id,
          color: ['#ff0000', '#00ff00', '#0000ff', '#ffff00', '#00ffff'][i],
          geometries: ['box'],
          attributes: [],
        })),
        imageAttributes: [],
        tagging: { requireAtLeastOne: false, multiLabel: true },
      };
      let tx = db.transaction(['schemaVersions', 'projects'], 'readwrite');
      tx.objectStore('schemaVersions').put({
        projectId,
        version: 1,
        schema,
        createdAt: 0,
        author: 'bench',
        message: 'bench schema',
      });
      const projects = tx.objectStore('projects');
      const get = projects.get(projectId);
      get.onsuccess = () => projects.put({ ...get.result, schemaVersion: 1 });
      await done(tx);
      const chunk = 2000;
      for (let start = 0; start < count; start += chunk) {
        tx = db.transaction(['images', 'annotations'], 'readwrite');
        const images = tx.objectStore('images');
        const labels = tx.objectStore('annotations');
        for (let i = start; i < Math.min(count, start + chunk); i++) {
          const id = `bench-${String(i).padStart(7, '0')}`;
          const relPath = `seq-${Math.floor(i / 1000)}/frame_${String(i).padStart(6, '0')}.jpg`;
          images.put({
            id,
            projectId,
            sha256: i.toString(16).padStart(64, '0'),
            rootId: 'bench',
            relPath,
            path: `/bench/${relPath}`,
            fileName: relPath.slice(relPath.lastIndexOf('/') + 1),
            format: 'jpeg',
            width: 1920,
            height: 1080,
            orientation: 1,
            bytes: 400_000,
            hasAlpha: false,
            bitDepth: 8,
            status: 'done',
            importedAt: i,
          });
          const annotations = Array.from({ length: perImage }, (_, j) => ({
            id: `${id}-a${j}`,
            classId: classes[(i + j) % classes.length],
            geometry: { kind: 'box', x: 10 + j * 100, y: 20 + (i % 500), width: 80, height: 60 },
            attributes: {},
            schemaVersion: 1,
            createdBy: 'bench',
            createdAt: 0,
            updatedBy: 'bench',
            updatedAt: 0,
          }));
          labels.put({
            imageId: id,
            projectId,
            annotations,
            tags: [],
            attributes: {},
            classIds: [...new Set(annotations.map((a) => a.classId))].sort(),
            updatedAt: 0,
          });
        }
        await done(tx);
      }
      db.close();
    },
    { projectId, count: IMAGES, perImage: PER_IMAGE },
  );
  console.error(`seeded ${IMAGES} images × ${PER_IMAGE} boxes in ${(Date.now() - seedStart) / 1000} s`);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heapMb = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
  };

  await page.goto(`${page.url().split('#')[0]}#/projects/${projectId}/versions`);
  await page.locator('[data-page="versions"]').waitFor();

  const create = async (message: string, number: number): Promise<number> => {
    await page.getByRole('button', { name: 'Create version', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Create version' });
    await dialog.getByLabel('Message').fill(message);
    await dialog.getByLabel('Author').fill('bench');
    const start = Date.now();
    await dialog.getByRole('button', { name: `Create version ${number}` }).click();
    const listed = page.locator(`.versions-table tr[data-version="${number}"]`);
    const refused = dialog.getByRole('alert');
    await listed.or(refused).first().waitFor({ timeout: 600_000 });
    if (await refused.isVisible())
      throw new Error(`version ${number} was refused: ${await refused.innerText()}`);
    return (Date.now() - start) / 1000;
  };

  // While a step runs, a screenshot a minute shows where it is (`/tmp/versions-app-bench.png`).
  const watch = setInterval(() => {
    void page.screenshot({ path: '/tmp/versions-app-bench.png' }).catch(() => undefined);
  }, 60_000);
  const v1 = await create('bench v1', 1);
  printMetric(`versions_app_create_v1${size}`, v1, 's', 20);
  printMetric(`versions_app_heap_after_v1${size}`, await heapMb(), 'MB', 2048);

  // Edit 2 % of the images: move the first box by 7 px and relabel the second.
  await page.evaluate(
    async ({ count, changed }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open('labelloop');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const step = Math.round(1 / changed);
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('annotations', 'readwrite');
        const store = tx.objectStore('annotations');
        for (let i = 0; i < count; i += step) {
          const request = store.get(`bench-${String(i).padStart(7, '0')}`);
          request.onsuccess = () => {
            const record = request.result;
            record.annotations[0].geometry.x += 7;
            record.annotations[1].classId = record.annotations[1].classId === 'car' ? 'truck' : 'car';
            store.put(record);
          };
        }
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { count: IMAGES, changed: CHANGED },
  );

  const v2 = await create('bench v2', 2);
  printMetric(`versions_app_create_v2${size}`, v2, 's', 20);

  const start = Date.now();
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByTestId('version-compare').and(page.locator('[data-state="ready"]')).waitFor({
    timeout: 600_000,
  });
  const diff = (Date.now() - start) / 1000;
  printMetric(`versions_app_diff${size}`, diff, 's', 5);
  printMetric(`versions_app_heap_after_diff${size}`, await heapMb(), 'MB', 2048);

  // Export version 2 as YOLO, labels only, into a fresh folder: open the dialog, then export.
  const out = mkdtempSync(join(tmpdir(), 'labelloop-bench-export-'));
  try {
    let begin = Date.now();
    await page
      .locator('.versions-table tr[data-version="2"]')
      .getByRole('button', { name: 'Export…' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Export version 2' });
    await dialog.getByTestId('export-plan').waitFor({ timeout: 600_000 });
    printMetric(`versions_app_export_open${size}`, (Date.now() - begin) / 1000, 's', 5);
    await dialog.getByRole('radio', { name: /YOLO/ }).check();
    await dialog.getByRole('radio', { name: 'Labels only' }).check();
    await dialog.getByLabel('Save in').fill(out);
    begin = Date.now();
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const result = page.getByRole('status', { name: 'Export result' });
    await result.waitFor({ timeout: 600_000 });
    printMetric(`versions_app_export_yolo${size}`, (Date.now() - begin) / 1000, 's', 20);
    printMetric(`versions_app_heap_after_export${size}`, await heapMb(), 'MB', 2048);
    console.error(`export: ${(await result.innerText()).slice(0, 200)}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  clearInterval(watch);
  console.error(
    `compare: ${await page
      .getByTestId('version-compare')
      .innerText()
      .then((t) => t.slice(0, 300))}`,
  );
} finally {
  await close();
}
