/**
 * Tile pyramid benchmark (`npx tsx bench/tiles.ts`): a 30,000 × 30,000 JPEG through the host's media
 * resolver, as the viewer asks for it.
 *
 * Prints one JSON line per metric on stdout, `{"metric", "value", "unit", "baseline", "ratio"}`; progress
 * goes to stderr.
 * - tiles_first_view: the one-tile level, which waits for the overview build (shrink-on-load resize of
 *   the whole image, then the levels up to 2,048 px), against a bare sharp resize of the file to that size.
 * - tiles_fit_view: every tile of the level a fitted 1,400 × 900 view wants (from the first request on).
 * - tiles_full_pyramid: a level-0 tile, which waits for the full pyramid (from the first request on),
 *   against a bare sharp dzsave of the same file with the same tile settings.
 * - tiles_cached_tile: a tile asked for again, from the disk cache, against a 5 ms budget.
 * - tiles_peak_rss / tiles_peak_rss_anon: the host process's peak RSS (`process.resourceUsage().maxRSS`)
 *   and the peak of its anonymous (non-file) memory, against the 2,700 MB the decoded image would take.
 *   libvips maps the input file, so maxRSS counts the file's pages, which the kernel can drop at will.
 * The host and the bare baselines each run in a child process of their own, on a fresh data dir.
 * The image is generated once into .bench/ (about two minutes) and reused while its marker is present.
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { tilePath } from '../src/core/api/media';
import {
  levelForScale,
  pyramidLevels,
  TILE_SIZE,
  tilesCovering,
  visibleImageRect,
} from '../src/core/tiles/grid';
import { createHost } from '../src/host/host';
import { OVERVIEW_MAX_SIDE } from '../src/host/tiles/pyramid';
import { writeLargeJpeg } from '../tests/fixtures/largeImage';
import { fitViewport } from '../renderer/src/viewer/viewport';

const SIDE = 30_000;
const GENERATOR_VERSION = 2;
const BENCH_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)), '.bench', 'tiles');
const IMAGE_DIR = join(BENCH_DIR, `images-v${GENERATOR_VERSION}`);
const FILE_NAME = `huge-${SIDE}.jpg`;
const IMAGE = join(IMAGE_DIR, FILE_NAME);
const MARKER = join(IMAGE_DIR, 'complete');
const SCRIPT = fileURLToPath(import.meta.url);
const DECODED_MB = (SIDE * SIDE * 3) / 1024 / 1024;

const note = (message: string) => process.stderr.write(`${message}\n`);
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Samples RssAnon from /proc (Linux) until stopped; returns the peak in MB, or NaN elsewhere. */
function anonymousPeak(): () => number {
  let peak = Number.NaN;
  const sample = () => {
    try {
      const match = /RssAnon:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
      if (match?.[1]) peak = Math.max(Number.isNaN(peak) ? 0 : peak, Number(match[1]) / 1024);
    } catch {
      // not Linux: no anonymous-memory figure
    }
  };
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

interface HostResult {
  firstViewMs: number;
  fitViewMs: number;
  fullPyramidMs: number;
  cachedTileMs: number;
  tileFiles: number;
  maxRssMb: number;
  anonPeakMb: number;
}

async function runHost(): Promise<HostResult> {
  const stopSampling = anonymousPeak();
  const dataDir = await mkdtemp(join(tmpdir(), 'labelloop-bench-tiles-'));
  try {
    const host = await createHost({ dataDir, transport: 'browser', version: 'bench' });
    const { rootId } = await host.roots.register('bench', IMAGE_DIR);
    const levels = pyramidLevels({ width: SIDE, height: SIDE });
    const get = async (level: number, column: number, row: number) => {
      const answer = await host.media(tilePath(rootId, FILE_NAME, { level, column, row }, 'jpeg'));
      if (!answer.ok) throw new Error(`tile ${level}/${column}_${row}: ${answer.status} ${answer.reason}`);
      return answer.path;
    };

    const start = process.hrtime.bigint();
    await get(levels.length - 1, 0, 0);
    const firstViewMs = ms(start);
    note(`first view (level ${levels.length - 1}) after ${firstViewMs.toFixed(0)} ms`);

    const view = { width: 1400, height: 900 };
    const viewport = fitViewport({ width: SIDE, height: SIDE }, view);
    const fitLevel = levelForScale(levels, viewport.scale);
    for (const tile of tilesCovering(levels, fitLevel, visibleImageRect(viewport, view)))
      await get(tile.level, tile.column, tile.row);
    const fitViewMs = ms(start);
    note(`fit view (level ${fitLevel}) after ${fitViewMs.toFixed(0)} ms`);

    await get(0, 29, 29);
    const fullPyramidMs = ms(start);
    note(`full pyramid ready after ${fullPyramidMs.toFixed(0)} ms`);

    const cachedStart = process.hrtime.bigint();
    await get(0, 29, 29);
    const cachedTileMs = ms(cachedStart);

    let tileFiles = 0;
    const tilesDir = join(dataDir, 'cache', 'tiles');
    for (const key of await readdir(tilesDir))
      for (const build of ['full', 'overview'])
        for (const level of await readdir(join(tilesDir, key, build)).catch(() => []))
          if (/^\d+$/.test(level)) tileFiles += (await readdir(join(tilesDir, key, build, level))).length;

    return {
      firstViewMs,
      fitViewMs,
      fullPyramidMs,
      cachedTileMs,
      tileFiles,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      anonPeakMb: stopSampling(),
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface BareResult {
  resizeMs: number;
  dzsaveMs: number;
}

/** The same work with sharp alone: one resize to the overview's top level, one dzsave of the whole file. */
async function runBare(): Promise<BareResult> {
  const levels = pyramidLevels({ width: SIDE, height: SIDE });
  const top = levels.find((l) => Math.max(l.width, l.height) <= OVERVIEW_MAX_SIDE) ?? levels[0];
  if (!top) throw new Error('no levels');
  const out = await mkdtemp(join(tmpdir(), 'labelloop-bench-dz-'));
  try {
    const resizeStart = process.hrtime.bigint();
    await sharp(IMAGE, { limitInputPixels: false })
      .resize(top.width, top.height, { fit: 'fill' })
      .raw()
      .toBuffer();
    const resizeMs = ms(resizeStart);
    const dzStart = process.hrtime.bigint();
    await sharp(IMAGE, { limitInputPixels: false })
      .jpeg({ quality: 85 })
      .tile({ size: TILE_SIZE, layout: 'dz', depth: 'onetile' })
      .toFile(join(out, 'pyramid'));
    return { resizeMs, dzsaveMs: ms(dzStart) };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function child<T>(mode: string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, SCRIPT, `--child=${mode}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.on('exit', (code) =>
      code === 0
        ? resolvePromise(JSON.parse(stdout) as T)
        : reject(new Error(`${mode} child exited with ${code}`)),
    );
  });
}

const print = (metric: string, value: number, unit: string, baseline: number) =>
  console.log(
    JSON.stringify({
      metric,
      value: Number(value.toFixed(2)),
      unit,
      baseline: Number(baseline.toFixed(2)),
      ratio: Number((value / baseline).toFixed(3)),
    }),
  );

const mode = process.argv.find((a) => a.startsWith('--child='))?.split('=')[1];
if (mode === 'host') process.stdout.write(JSON.stringify(await runHost()));
else if (mode === 'bare') process.stdout.write(JSON.stringify(await runBare()));
else {
  if (!existsSync(MARKER)) {
    note(`generating ${SIDE} × ${SIDE} JPEG into ${IMAGE_DIR} (once, about two minutes)…`);
    await mkdir(IMAGE_DIR, { recursive: true });
    const start = process.hrtime.bigint();
    await writeLargeJpeg(IMAGE, SIDE, SIDE);
    await writeFile(MARKER, new Date().toISOString());
    note(`generated in ${(ms(start) / 1000).toFixed(1)} s`);
  }
  note(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const host = await child<HostResult>('host');
  note(`${host.tileFiles} tile files`);
  const bare = await child<BareResult>('bare');
  note(`bare sharp: resize ${bare.resizeMs.toFixed(0)} ms, dzsave ${bare.dzsaveMs.toFixed(0)} ms`);
  note(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  print('tiles_first_view', host.firstViewMs, 'ms', bare.resizeMs);
  print('tiles_fit_view', host.fitViewMs, 'ms', bare.resizeMs);
  print('tiles_full_pyramid', host.fullPyramidMs, 'ms', bare.dzsaveMs);
  print('tiles_cached_tile', host.cachedTileMs, 'ms', 5);
  print('tiles_peak_rss', host.maxRssMb, 'MB', DECODED_MB);
  print('tiles_peak_rss_anon', host.anonPeakMb, 'MB', DECODED_MB);
}
