/**
 * Schema validation benchmark: 100,000 images with 1,000,000 annotations, validated in the app's Web
 * Worker in real Chromium. Measures the worker's time and the UI thread's frame times meanwhile.
 */

import { PRESETS } from '../src/core/schema/presets';
import { openNewProject, printMetric as print } from './support/appInChromium';

const IMAGES = Number(process.argv.find((a) => a.startsWith('--images='))?.split('=')[1] ?? 100_000);
const PER_IMAGE = 10;

const preset = PRESETS.find((p) => p.id === 'driving') ?? PRESETS[0]!;
const { page, projectId, close } = await openNewProject('Validation bench');
try {
  const seedStart = Date.now();
  await page.evaluate(
    async ({ projectId, images, perImage, schema }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open('labelloop');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const write = (stores: string[], fill: (tx: IDBTransaction) => void) =>
        new Promise<void>((resolve, reject) => {
          const tx = db.transaction(stores, 'readwrite');
          fill(tx);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      const drawable = schema.classes.filter((c) => c.geometries.includes('box'));
      await write(['schemaVersions', 'projects'], (tx) => {
        tx.objectStore('schemaVersions').put({
          projectId,
          version: 1,
          schema,
          createdAt: Date.now(),
          author: 'bench',
          message: 'bench',
          change: null,
        });
        const projects = tx.objectStore('projects');
        const get = projects.get(projectId);
        get.onsuccess = () => projects.put({ ...get.result, schemaVersion: 1 });
      });
      const chunk = 2000;
      for (let start = 0; start < images; start += chunk) {
        await write(['images', 'annotations'], (tx) => {
          for (let i = start; i < Math.min(images, start + chunk); i++) {
            const imageId = `bench-${i}`;
            tx.objectStore('images').put({
              id: imageId,
              projectId,
              sha256: i.toString(16).padStart(64, '0'),
              rootId: 'bench',
              relPath: `${i}.jpg`,
              path: `/bench/${i}.jpg`,
              fileName: `${i}.jpg`,
              format: 'jpeg',
              width: 1920,
              height: 1080,
              orientation: 1,
              bytes: 1,
              hasAlpha: false,
              bitDepth: 8,
              status: 'new',
              importedAt: i,
            });
            const annotations = [];
            for (let k = 0; k < perImage; k++) {
              const labelClass = drawable[(i + k) % drawable.length]!;
              const attributes: Record<string, unknown> = {};
              for (const attribute of labelClass.attributes) {
                if (attribute.default !== undefined) attributes[attribute.id] = attribute.default;
                else if (attribute.type === 'single-choice')
                  attributes[attribute.id] = attribute.options[0]!.id;
                else if (attribute.type === 'number') attributes[attribute.id] = attribute.min ?? 0;
              }
              // About 1 % break a rule: a box sticking out of the image.
              const outside = (i * perImage + k) % 97 === 0;
              annotations.push({
                id: `${imageId}-${k}`,
                classId: labelClass.id,
                geometry: { kind: 'box', x: outside ? 1900 : 10 + k * 50, y: 20, width: 60, height: 40 },
                attributes,
                schemaVersion: 1,
                createdBy: 'bench',
                createdAt: 0,
                updatedBy: 'bench',
                updatedAt: 0,
              });
            }
            tx.objectStore('annotations').put({
              imageId,
              projectId,
              annotations,
              tags: [],
              attributes: {},
              classIds: [...new Set(annotations.map((a) => a.classId))],
              updatedAt: 0,
            });
          }
        });
      }
      db.close();
    },
    { projectId, images: IMAGES, perImage: PER_IMAGE, schema: preset.schema },
  );
  console.error(`seeded ${IMAGES} images × ${PER_IMAGE} annotations in ${Date.now() - seedStart} ms`);

  // Open the schema page: it validates the project in the worker. Sample UI frames meanwhile.
  await page.evaluate(() => {
    const w = window as unknown as { frames_: number[] };
    w.frames_ = [];
    let last = performance.now();
    const tick = (now: number) => {
      w.frames_.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const started = Date.now();
  await page.evaluate((id) => (window.location.hash = `#/projects/${id}/schema`), projectId);
  await page.getByTestId('schema-validation').waitFor({ timeout: 600_000 });
  const validateMs = Date.now() - started;
  const text = await page.getByTestId('schema-validation').textContent();
  const frames = await page.evaluate(() => {
    const intervals = [...(window as unknown as { frames_: number[] }).frames_].sort((a, b) => a - b);
    const p = (q: number) => intervals[Math.floor(q * (intervals.length - 1))] ?? 0;
    return { median: p(0.5), p95: p(0.95), max: intervals.at(-1) ?? 0, count: intervals.length };
  });
  console.error(`validation: ${text}`);
  print('schema_validate_1m_annotations_worker', validateMs, 'ms', 30_000);
  print('ui_frame_p95_during_validation', frames.p95, 'ms', 1000 / 30);
  print('ui_frame_max_during_validation', frames.max, 'ms', 200);
} finally {
  await close();
}
