/** The import job, driven through the host as the UI drives it: what it finds, what it refuses, how it ends. */

import { createHash } from 'node:crypto';
import {
  access,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobEvent } from '../../core/api/contract';
import type { ImportProblem, ImportSummary, ProbedImage } from '../../core/images/types';
import { makeImageFolder, type FixtureFolder } from '../../../tests/fixtures/imageFolder';
import { createHost, type Host } from '../host';
import { thumbnailFile } from './thumbnails';

let tmp: string;
let fixture: FixtureFolder;
/** The fixture folder as the host reports it (symlinks in the temp path resolved). */
let fixtureDir: string;
let hostCount = 0;

const newHost = () =>
  createHost({ dataDir: join(tmp, `data-${++hostCount}`), transport: 'browser', version: 'test' });

interface ImportRun {
  readonly jobId: string;
  readonly events: ImportJobEvent[];
  readonly images: ProbedImage[];
  readonly problems: ImportProblem[];
  readonly roots: { rootId: string; path: string }[];
  /** The summary of the ending event, when it was done or cancelled. */
  readonly summary: ImportSummary | undefined;
  readonly ending: ImportJobEvent | undefined;
}

const summaryOf = (event: ImportJobEvent): ImportSummary | undefined =>
  event.type === 'done' || event.type === 'cancelled' ? event.summary : undefined;

/** Starts an import through the contract handler and collects its events until the job has ended. */
async function importThroughHost(
  host: Host,
  sources: Parameters<Host['handlers']['images.startImport']>[0]['sources'],
  onEvent: (event: ImportJobEvent) => void = () => {},
): Promise<ImportRun> {
  const events: ImportJobEvent[] = [];
  let jobId = '';
  // This host runs only image imports here.
  const unsubscribe = host.jobs.subscribe((event) => {
    events.push(event as ImportJobEvent);
    onEvent(event as ImportJobEvent);
  });
  try {
    ({ jobId } = await host.handlers['images.startImport']({ projectId: 'project-1', sources }));
    await host.jobs.idle();
  } finally {
    unsubscribe();
  }
  const own = events.filter((event) => event.jobId === jobId);
  const outputs = own.flatMap((event) => (event.type === 'output' ? [event.output] : []));
  const ending = own.find((e) => e.type === 'done' || e.type === 'cancelled' || e.type === 'failed');
  return {
    jobId,
    events: own,
    images: outputs.flatMap((output) => output.images),
    problems: outputs.flatMap((output) => output.problems),
    roots: outputs.flatMap((output) => output.roots),
    summary: ending && summaryOf(ending),
    ending,
  };
}

const relativeTo = (dir: string, path: string) => relative(dir, path).split(sep).join('/');

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'labelloop-import-'));
  fixture = await makeImageFolder(join(tmp, 'photos'));
  fixtureDir = await realpath(fixture.dir);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('importing the fixture folder', () => {
  let run: ImportRun;
  let host: Host;
  const image = (relPath: string) => {
    const found = run.images.find((i) => i.relPath === relPath);
    if (!found) throw new Error(`${relPath} was not imported`);
    return found;
  };

  beforeAll(async () => {
    host = await newHost();
    run = await importThroughHost(host, [{ kind: 'folder', path: fixture.dir }]);
  });

  it('ends with done, after every progress and output event', () => {
    expect(run.events.at(-1)?.type).toBe('done');
    expect(run.events.filter((e) => e.type === 'done')).toHaveLength(1);
  });

  it('yields exactly the 9 good images, by relative path', () => {
    expect(run.images.map((i) => i.relPath).sort()).toEqual([...fixture.good].sort());
  });

  it('reports each bad file with the expected problem code', () => {
    const byFile = Object.fromEntries(run.problems.map((p) => [relativeTo(fixtureDir, p.path), p.code]));
    expect(byFile).toEqual(fixture.bad);
  });

  it('names the first copy when it refuses a duplicate', () => {
    const duplicate = run.problems.find((p) => p.code === 'duplicate');
    expect(duplicate?.message).toContain(join(fixtureDir, 'alpha.jpg'));
  });

  it('counts README.txt in ignoredFiles and sums the rest in the summary', () => {
    expect(run.summary).toMatchObject({
      candidates: 13,
      readable: 9,
      problems: 4,
      ignoredFiles: 1,
      cancelled: false,
    });
  });

  it('reports the folder as one root, registered for serving', () => {
    expect(run.roots).toEqual([{ rootId: expect.any(String), path: fixtureDir }]);
    expect(host.roots.get(run.roots[0]!.rootId)).toEqual(run.roots[0]);
    expect(new Set(run.images.map((i) => i.rootId))).toEqual(new Set([run.roots[0]!.rootId]));
  });

  it('reports the EXIF-6 JPEG upright: 200 wide, 320 tall, orientation 6', () => {
    expect(image(fixture.rotated.file)).toMatchObject({
      format: 'jpeg',
      width: fixture.rotated.width,
      height: fixture.rotated.height,
      orientation: 6,
    });
    expect(fixture.rotated).toMatchObject({ width: 200, height: 320 });
  });

  it('measures each format: 16-bit PNG, PNG alpha, AVIF, TIFF, GIF, WebP', () => {
    expect(image('nested/deep16.png')).toMatchObject({
      format: 'png',
      bitDepth: 16,
      width: 300,
      height: 200,
    });
    expect(image('transparent.png')).toMatchObject({ format: 'png', hasAlpha: true, bitDepth: 8 });
    expect(image('alpha.jpg')).toMatchObject({ format: 'jpeg', hasAlpha: false, width: 640, height: 480 });
    expect(image('nested/photo.avif')).toMatchObject({ format: 'avif', width: 256, height: 192 });
    expect(image('nested/deeper/scan.tiff')).toMatchObject({ format: 'tiff', width: 400, height: 300 });
    expect(image('nested/deeper/anim.gif')).toMatchObject({ format: 'gif', width: 120, height: 90 });
    expect(image('nested/gamma.webp')).toMatchObject({ format: 'webp', width: 300, height: 300 });
  });

  it('records the file name, absolute path and byte size of each image', async () => {
    for (const relPath of fixture.good) {
      const { fileName, path, bytes } = image(relPath);
      expect(fileName).toBe(relPath.split('/').at(-1));
      expect(path).toBe(join(fixtureDir, ...relPath.split('/')));
      expect(bytes).toBe((await stat(path)).size);
    }
  });

  it('writes one webp thumbnail per good image, at most 256 px on its long side', async () => {
    for (const relPath of fixture.good) {
      const meta = await sharp(thumbnailFile(host.dataDir, image(relPath).sha256)).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(256);
    }
    const alpha = await sharp(thumbnailFile(host.dataDir, image('alpha.jpg').sha256)).metadata();
    expect([alpha.width, alpha.height]).toEqual([256, 192]);
    const gif = await sharp(thumbnailFile(host.dataDir, image('nested/deeper/anim.gif').sha256)).metadata();
    expect([gif.width, gif.height]).toEqual([120, 90]);
  });

  it('writes the rotated JPEG thumbnail upright: taller than wide, with the marker square top-right', async () => {
    const thumb = sharp(thumbnailFile(host.dataDir, image(fixture.rotated.file).sha256));
    const { data, info } = await thumb.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([160, 256]);
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
    ];
    // The marker is the stored image's top-left corner; orientation 6 turns it clockwise to the top-right.
    const [red, green] = pixel(info.width - 10, 10);
    expect(red).toBeGreaterThan(200);
    expect(green).toBeLessThan(100);
    const [redTopLeft] = pixel(10, 10);
    expect(redTopLeft).toBeLessThan(150);
  });

  it('measures each image’s quality, with the numbers `images.quality` gives later from the file', async () => {
    for (const { quality } of run.images) {
      expect(quality?.brightness).toBeGreaterThanOrEqual(0);
      expect(quality?.brightness).toBeLessThanOrEqual(1);
      expect(quality?.contrast).toBeGreaterThan(0);
      expect(quality?.sharpness).toBeGreaterThanOrEqual(0);
    }
    const later = await host.handlers['images.quality']({
      images: run.images.map(({ rootId, relPath, sha256 }) => ({ rootId, relPath, sha256 })),
    });
    expect(later).toEqual(Object.fromEntries(run.images.map((i) => [i.sha256, i.quality])));
  });

  it('measures quality again when the thumbnail is cached already (the same files imported again)', async () => {
    const again = await importThroughHost(host, [{ kind: 'folder', path: fixture.dir }]);
    const before = new Map(run.images.map((i) => [i.relPath, i.quality]));
    expect(again.images).toHaveLength(run.images.length);
    for (const { relPath, quality } of again.images) expect(quality).toEqual(before.get(relPath));
  });

  it('writes no thumbnail for the refused files, so the cache holds exactly 9', async () => {
    for (const file of ['broken.jpg', 'bomb.png', 'notes-not-an-image.jpg']) {
      const sha256 = createHash('sha256')
        .update(await readFile(join(fixture.dir, file)))
        .digest('hex');
      await expect(access(thumbnailFile(host.dataDir, sha256))).rejects.toMatchObject({ code: 'ENOENT' });
    }
    const cached = await readdir(join(host.dataDir, 'cache', 'thumbs'), { recursive: true });
    expect(cached.filter((name) => name.endsWith('.webp'))).toHaveLength(9);
  });
});

describe('importing chosen files', () => {
  it('imports the files that exist and reports a missing path as not-found', async () => {
    const host = await newHost();
    const missing = join(fixture.dir, 'gone.jpg');
    const run = await importThroughHost(host, [
      {
        kind: 'files',
        paths: [join(fixture.dir, 'alpha.jpg'), join(fixture.dir, 'nested', 'gamma.webp'), missing],
      },
    ]);
    expect(run.ending?.type).toBe('done');
    expect(run.images.map((i) => i.relPath).sort()).toEqual(['alpha.jpg', 'gamma.webp']);
    expect(run.problems).toEqual([
      { path: missing, code: 'not-found', message: 'the file does not exist or cannot be read' },
    ]);
    expect(run.roots.map((r) => r.path).sort()).toEqual([fixtureDir, join(fixtureDir, 'nested')]);
    expect(run.summary).toMatchObject({ candidates: 2, readable: 2, problems: 1, ignoredFiles: 0 });
  });

  it('reports a folder passed as a file as unreadable', async () => {
    const host = await newHost();
    const run = await importThroughHost(host, [{ kind: 'files', paths: [join(fixture.dir, 'nested')] }]);
    expect(run.problems).toMatchObject([{ path: join(fixture.dir, 'nested'), code: 'unreadable' }]);
    expect(run.images).toEqual([]);
  });

  it('imports a file chosen twice, or chosen and inside a chosen folder, once', async () => {
    const host = await newHost();
    const alpha = join(fixture.dir, 'alpha.jpg');
    const run = await importThroughHost(host, [
      { kind: 'folder', path: fixture.dir },
      { kind: 'files', paths: [alpha, alpha] },
    ]);
    expect(run.images.filter((i) => i.relPath === 'alpha.jpg')).toHaveLength(1);
    expect(run.summary?.candidates).toBe(13);
  });
});

describe('hidden files', () => {
  it('skips hidden files and folders without counting them as ignored', async () => {
    const dir = join(tmp, 'with-hidden');
    await mkdir(join(dir, '.git'), { recursive: true });
    const jpeg = (shade: number) =>
      sharp({ create: { width: 16, height: 16, channels: 3, background: { r: shade, g: 0, b: 0 } } })
        .jpeg()
        .toBuffer();
    await writeFile(join(dir, 'visible.jpg'), await jpeg(10));
    await writeFile(join(dir, '.hidden.jpg'), await jpeg(20));
    await writeFile(join(dir, '.git', 'object.jpg'), await jpeg(30));
    await writeFile(join(dir, '.DS_Store'), 'finder junk');
    const run = await importThroughHost(await newHost(), [{ kind: 'folder', path: dir }]);
    expect(run.images.map((i) => i.relPath)).toEqual(['visible.jpg']);
    expect(run.summary).toMatchObject({ candidates: 1, ignoredFiles: 0 });
  });
});

describe('cancelling an import', () => {
  const count = 200;
  let manyDir: string;

  beforeAll(async () => {
    manyDir = join(tmp, 'many');
    await mkdir(manyDir, { recursive: true });
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const background = { r: i, g: 255 - i, b: (i * 37) % 256 };
        const jpeg = await sharp({ create: { width: 48, height: 32, channels: 3, background } })
          .jpeg()
          .toBuffer();
        await writeFile(join(manyDir, `frame-${String(i).padStart(3, '0')}.jpg`), jpeg);
      }),
    );
  });

  it('stops mid-way when cancelled after the first batch: cancelled, fewer images than candidates', async () => {
    const host = await newHost();
    let cancelAnswer: unknown;
    const run = await importThroughHost(host, [{ kind: 'folder', path: manyDir }], (event) => {
      if (event.type === 'output' && event.output.images.length > 0 && cancelAnswer === undefined)
        cancelAnswer = host.jobs.cancel(event.jobId);
    });
    expect(cancelAnswer).toBe(true);
    expect(run.ending?.type).toBe('cancelled');
    expect(run.events.at(-1)).toBe(run.ending);
    expect(run.events.some((e) => e.type === 'done')).toBe(false);
    expect(run.summary).toMatchObject({ cancelled: true, candidates: count });
    expect(run.images.length).toBeGreaterThan(0);
    expect(run.images.length).toBeLessThan(count);
    expect(run.summary?.readable).toBe(run.images.length);
  });

  it('outputs only complete image records before the cancel, each with its thumbnail', async () => {
    const host = await newHost();
    const run = await importThroughHost(host, [{ kind: 'folder', path: manyDir }], (event) => {
      if (event.type === 'output' && event.output.images.length > 0) host.jobs.cancel(event.jobId);
    });
    expect(run.ending?.type).toBe('cancelled');
    for (const image of run.images) {
      expect(image).toMatchObject({ format: 'jpeg', width: 48, height: 32, orientation: 1, bitDepth: 8 });
      expect(image.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(image.bytes).toBe((await stat(image.path)).size);
      await expect(access(thumbnailFile(host.dataDir, image.sha256))).resolves.toBeUndefined();
    }
  });

  it('imports nothing when cancelled right after start, and a second cancel answers false', async () => {
    const host = await newHost();
    const events: ImportJobEvent[] = [];
    host.jobs.subscribe((event) => events.push(event as ImportJobEvent));
    const { jobId } = await host.handlers['images.startImport']({
      projectId: 'project-1',
      sources: [{ kind: 'folder', path: manyDir }],
    });
    expect(await host.handlers['jobs.cancel']({ jobId })).toEqual({ cancelled: true });
    await host.jobs.idle();
    const ending = events.at(-1);
    expect(ending?.type).toBe('cancelled');
    expect(ending && summaryOf(ending)).toMatchObject({ cancelled: true, readable: 0 });
    expect(events.flatMap((e) => (e.type === 'output' ? e.output.images : []))).toEqual([]);
    expect(await host.handlers['jobs.cancel']({ jobId })).toEqual({ cancelled: false });
  });
});

describe('a failing import', () => {
  it('emits failed, with the reason, when the data folder cannot be written', async () => {
    const host = await newHost();
    // The data folder turns into a file after start-up, so registering the root cannot be saved.
    await rm(host.dataDir, { recursive: true, force: true });
    await writeFile(host.dataDir, 'not a folder');
    const run = await importThroughHost(host, [{ kind: 'folder', path: fixture.dir }]);
    expect(run.ending).toMatchObject({ type: 'failed', error: { code: 'internal' } });
    expect(run.ending?.type === 'failed' ? run.ending.error.message : '').toMatch(/EEXIST|ENOTDIR/);
    expect(run.events.at(-1)).toBe(run.ending);
    expect(run.images).toEqual([]);
  });

  it('refuses to start for a missing folder, with not-found naming it', async () => {
    const host = await newHost();
    const missing = join(tmp, 'deleted-folder');
    await expect(
      host.handlers['images.startImport']({ projectId: 'p', sources: [{ kind: 'folder', path: missing }] }),
    ).rejects.toMatchObject({ code: 'not-found', message: `folder "${missing}" does not exist` });
  });
});

describe('symbolic links in an imported folder', () => {
  it('imports a link to an image inside the folder, and reports links that leave it or are broken', async () => {
    const folder = join(tmp, 'links');
    const outside = join(tmp, 'outside-links');
    await mkdir(folder, { recursive: true });
    await mkdir(outside, { recursive: true });
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    await writeFile(join(folder, 'real.jpg'), jpeg);
    await writeFile(join(outside, 'secret.jpg'), Buffer.concat([jpeg, Buffer.from('outside')]));
    await symlink(join(folder, 'real.jpg'), join(folder, 'inside-link.jpg'));
    await symlink(join(outside, 'secret.jpg'), join(folder, 'escape-link.jpg'));
    await symlink(join(folder, 'missing.jpg'), join(folder, 'broken-link.jpg'));

    const run = await importThroughHost(await newHost(), [{ kind: 'folder', path: folder }]);

    expect(run.images.map((image) => image.relPath)).toEqual(['inside-link.jpg']);
    const byFile = Object.fromEntries(run.problems.map((p) => [p.path.split(sep).pop(), p]));
    expect(byFile['real.jpg']).toMatchObject({ code: 'duplicate' });
    expect(byFile['escape-link.jpg']).toMatchObject({ code: 'unreadable' });
    expect(byFile['escape-link.jpg']?.message).toContain('outside the imported folder');
    expect(byFile['broken-link.jpg']).toMatchObject({
      code: 'unreadable',
      message: 'a broken symbolic link',
    });
  });
});
