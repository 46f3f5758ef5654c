/**
 * Gallery benchmark: 100,000 image records in a project, in real Chromium through browser mode.
 * Measures the time to show the gallery, DOM cells kept alive, and frame times while scrolling.
 */

import { openNewProject, printMetric as print } from './support/appInChromium';

const COUNT = Number(process.argv.find((a) => a.startsWith('--images='))?.split('=')[1] ?? 100_000);

const { page, projectId, close } = await openNewProject('Gallery bench');
try {
  // Seed rows straight into the app's database (the shape the importer writes), in chunks.
  const seedStart = Date.now();
  await page.evaluate(
    async ({ projectId, count }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open('labelloop');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const chunk = 5000;
      for (let start = 0; start < count; start += chunk) {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('images', 'readwrite');
          const store = tx.objectStore('images');
          for (let i = start; i < Math.min(count, start + chunk); i++) {
            const name = `frame_${String(i).padStart(6, '0')}.jpg`;
            store.put({
              id: `bench-${i}`,
              projectId,
              sha256: i.toString(16).padStart(64, '0'),
              rootId: 'bench',
              relPath: name,
              path: `/bench/${name}`,
              fileName: name,
              format: 'jpeg',
              width: 1920,
              height: 1080,
              orientation: 1,
              bytes: 400_000,
              hasAlpha: false,
              bitDepth: 8,
              status: i % 3 === 0 ? 'done' : 'new',
              importedAt: 1_700_000_000_000 + i,
            });
          }
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
      }
      db.close();
    },
    { projectId, count: COUNT },
  );
  console.error(`seeded ${COUNT} rows in ${Date.now() - seedStart} ms`);

  if (process.argv.includes('--profile-query')) {
    const ms = await page.evaluate(async (projectId) => {
      const db: IDBDatabase = await new Promise((resolve) => {
        const request = indexedDB.open('labelloop');
        request.onsuccess = () => resolve(request.result);
      });
      const t0 = performance.now();
      const rows = await new Promise<unknown[]>((resolve) => {
        const index = db.transaction('images').objectStore('images').index('[projectId+fileName]');
        const request = index.getAll(IDBKeyRange.bound([projectId, ''], [projectId, '\uffff']));
        request.onsuccess = () => resolve(request.result);
      });
      db.close();
      return { getAll: performance.now() - t0, n: rows.length };
    }, projectId);
    console.error('raw getAll', ms);
  }
  const openStart = Date.now();
  await page.reload();
  await page.locator(`[role="grid"][data-count="${COUNT}"]`).waitFor({ timeout: 120_000 });
  await page.locator('[role="grid"] [data-file]').first().waitFor();
  const openMs = Date.now() - openStart;
  // Fully loaded: the last image of the view can be scrolled to.
  const lastName = `frame_${String(COUNT - 1).padStart(6, '0')}.jpg`;
  await page.waitForFunction(
    (name) => {
      const grid = document.querySelector('[role="grid"]') as HTMLElement;
      grid.scrollTop = grid.scrollHeight;
      return grid.querySelector(`[data-file="${name}"]`) !== null;
    },
    lastName,
    { timeout: 120_000, polling: 100 },
  );
  const fullMs = Date.now() - openStart;
  await page.evaluate(() => {
    (document.querySelector('[role="grid"]') as HTMLElement).scrollTop = 0;
  });

  // Scroll continuously for ~4 s, sampling frame intervals with requestAnimationFrame.
  const frames = await page.evaluate(async () => {
    const grid = document.querySelector('[role="grid"]') as HTMLElement;
    const intervals: number[] = [];
    let last = performance.now();
    const end = last + 4000;
    let maxCells = 0;
    await new Promise<void>((resolve) => {
      const step = (now: number) => {
        intervals.push(now - last);
        last = now;
        grid.scrollTop += 180; // about one row per frame: fast fling
        maxCells = Math.max(maxCells, grid.querySelectorAll('[data-file]').length);
        if (now < end) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    intervals.sort((a, b) => a - b);
    const p = (q: number) => intervals[Math.floor(q * (intervals.length - 1))] ?? 0;
    return { count: intervals.length, median: p(0.5), p95: p(0.95), maxCells };
  });

  print('gallery_first_view_100k', openMs, 'ms', 1000);
  print('gallery_full_list_100k', fullMs, 'ms', 5000);
  print('gallery_scroll_frame_median', frames.median, 'ms', 1000 / 60);
  print('gallery_scroll_frame_p95', frames.p95, 'ms', 1000 / 30);
  print('gallery_dom_cells', frames.maxCells, 'cells', 200);
} finally {
  await close();
}
