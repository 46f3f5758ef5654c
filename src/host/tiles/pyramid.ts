/**
 * Tile pyramids of huge images, made with sharp (libvips dzsave, which streams the image) on first request
 * and cached under `<dataDir>/cache/tiles/<key>/`, keyed by the file's real path, size and mtime.
 *
 * Two builds per image, so the first view comes fast and memory stays bounded:
 * - `overview/`: the levels up to OVERVIEW_MAX_SIDE px, from one shrink-on-load resize of the whole image,
 *   upright (EXIF orientation applied after the resize, on the small image);
 * - `full/`: every level, from the stored pixels, without turning them: rotating a 30,000 px image would
 *   make libvips hold all of it in memory. Upright tiles of oriented images are cut from these on demand.
 * Each build writes into a temporary folder that is renamed into place when libvips is done, so a
 * pyramid folder is either complete or absent.
 */

import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import {
  isTileInRange,
  pyramidLevels,
  TILE_EXTENSIONS,
  TILE_SIZE,
  type PyramidLevel,
  type TileCoord,
  type TileFormat,
} from '../../core/tiles/grid';
import { swapsSides } from '../../core/tiles/orientation';
import type { MediaFile } from '../media';
import { createBuildQueue, SupersededError } from './buildQueue';
import { cutUprightTile } from './upright';

/** Levels whose longer side is at most this come from the fast overview build. */
export const OVERVIEW_MAX_SIDE = 2048;
/** Bump when the on-disk layout or the encoding changes, so old caches are not served. */
const LAYOUT_VERSION = 1;

export interface TileSource {
  /** Real path (symlinks resolved), with the size and mtime that key its cache. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface TileOptions {
  readonly dataDir: string;
  readonly maxInputPixels: number;
  /** For tests: a smaller overview, so small images exercise both builds. */
  readonly overviewMaxSide?: number;
}

interface SourceImage {
  /** Upright size. */
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly levels: readonly PyramidLevel[];
  /** First level of the overview build; `levels.length` when there is none. */
  readonly overviewStart: number;
}

// Process-wide: builds compete for the same two cores whichever host or data dir asked for them.
const overviewQueue = createBuildQueue(1);
const fullQueue = createBuildQueue(1);
const sources = new Map<string, Promise<SourceImage>>();
const SOURCE_MEMORY = 64;
const builds = { overview: 0, full: 0 };

/** How many builds of each kind this process has started (tests check that the cache is used). */
export const tileBuildCounts = (): Readonly<typeof builds> => ({ ...builds });

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const encode = (pipeline: Sharp, format: TileFormat): Sharp =>
  format === 'jpeg'
    ? pipeline.jpeg({ quality: 85 })
    : // effort 2: WebP at the default effort took ~2.7× longer than this for the same tiles.
      pipeline.webp({ quality: 85, effort: 2 });

/** libvips names dz levels from the one-tile level up, and JPEG tiles `.jpeg`. */
const dzTileName = (levels: readonly PyramidLevel[], tile: TileCoord, format: TileFormat) =>
  join(
    String(levels.length - 1 - tile.level),
    `${tile.column}_${tile.row}.${format === 'jpeg' ? 'jpeg' : 'webp'}`,
  );

async function describe(source: TileSource, key: string, options: TileOptions): Promise<SourceImage> {
  let cached = sources.get(key);
  if (!cached) {
    cached = sharp(source.path, { limitInputPixels: options.maxInputPixels })
      .metadata()
      .then((metadata) => {
        const orientation = metadata.orientation ?? 1;
        const stored = { width: metadata.width ?? 0, height: metadata.height ?? 0 };
        const upright = swapsSides(orientation) ? { width: stored.height, height: stored.width } : stored;
        if (upright.width * upright.height > options.maxInputPixels)
          throw new Error(
            `${upright.width} × ${upright.height} is over the ${options.maxInputPixels} pixel limit`,
          );
        const levels = pyramidLevels(upright);
        const maxSide = options.overviewMaxSide ?? OVERVIEW_MAX_SIDE;
        const first = levels.findIndex((l) => Math.max(l.width, l.height) <= maxSide);
        return { ...upright, orientation, levels, overviewStart: first < 0 ? levels.length : first };
      });
    sources.set(key, cached);
    cached.catch(() => sources.delete(key));
    if (sources.size > SOURCE_MEMORY) sources.delete(sources.keys().next().value as string);
  }
  return cached;
}

/** Runs one dzsave into a temporary folder, checks its level count, then renames it to `target`. */
async function buildPyramid(pipeline: Sharp, format: TileFormat, target: string, expectedLevels: number) {
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  await mkdir(temp, { recursive: true });
  try {
    await encode(pipeline, format)
      .tile({ size: TILE_SIZE, layout: 'dz', depth: 'onetile' })
      .toFile(join(temp, 'pyramid'));
    const made = (await readdir(join(temp, 'pyramid_files'))).filter((name) => /^\d+$/.test(name)).length;
    if (made !== expectedLevels) throw new Error(`libvips made ${made} levels, expected ${expectedLevels}`);
    try {
      await rename(join(temp, 'pyramid_files'), target);
    } catch (error) {
      // Another process finished the same pyramid first: theirs is as good as ours.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function ensureOverview(
  source: TileSource,
  image: SourceImage,
  dir: string,
  format: TileFormat,
  options: TileOptions,
) {
  // Built pyramids are served without queueing behind another image's build.
  if (await exists(dir)) return;
  return overviewQueue.run(dir, async () => {
    if (await exists(dir)) return;
    builds.overview++;
    const top = image.levels[image.overviewStart];
    if (!top) throw new Error('this image has no overview levels');
    let pipeline = sharp(source.path, { limitInputPixels: options.maxInputPixels }).rotate();
    // JPEG and WebP decode straight at 1/2, 1/4 or 1/8 scale here (shrink-on-load), so this is quick.
    if (image.overviewStart > 0) pipeline = pipeline.resize(top.width, top.height, { fit: 'fill' });
    await buildPyramid(pipeline, format, dir, image.levels.length - image.overviewStart);
  });
}

async function ensureFull(
  source: TileSource,
  image: SourceImage,
  dir: string,
  format: TileFormat,
  options: TileOptions,
  speculative = false,
) {
  // Checked before queueing, also so that a finished pyramid never displaces another's speculative build.
  if (await exists(dir)) return;
  return fullQueue.run(
    dir,
    async () => {
      if (await exists(dir)) return;
      builds.full++;
      const pipeline = sharp(source.path, { limitInputPixels: options.maxInputPixels });
      await buildPyramid(pipeline, format, dir, image.levels.length);
    },
    { speculative },
  );
}

const CONTENT_TYPES: Record<TileFormat, string> = { jpeg: 'image/jpeg', webp: 'image/webp' };

/** The file holding one upright tile, building what it needs first; 404 for tiles outside the pyramid. */
export async function serveTile(
  source: TileSource,
  tile: TileCoord,
  format: TileFormat,
  options: TileOptions,
): Promise<MediaFile> {
  const key = createHash('sha256')
    .update(
      [
        source.path,
        source.size,
        source.mtimeMs,
        format,
        TILE_SIZE,
        options.overviewMaxSide ?? OVERVIEW_MAX_SIDE,
        LAYOUT_VERSION,
      ].join('\0'),
    )
    .digest('hex');
  const root = join(options.dataDir, 'cache', 'tiles', key);
  const contentType = CONTENT_TYPES[format];
  try {
    const image = await describe(source, key, options);
    if (!isTileInRange(image.levels, tile)) return { ok: false, status: 404, reason: 'no such tile' };

    if (tile.level >= image.overviewStart) {
      const dir = join(root, 'overview');
      await ensureOverview(source, image, dir, format, options);
      // Most who look at a huge image zoom in next: start the full pyramid without waiting for it.
      if (image.overviewStart > 0)
        ensureFull(source, image, join(root, 'full'), format, options, true).catch((error: unknown) => {
          if (!(error instanceof SupersededError)) console.warn(`tiles: ${(error as Error).message}`);
        });
      return { ok: true, path: join(dir, dzTileName(image.levels, tile, format)), contentType };
    }

    const full = join(root, 'full');
    await ensureFull(source, image, full, format, options);
    if (image.orientation <= 1 || image.orientation > 8)
      return { ok: true, path: join(full, dzTileName(image.levels, tile, format)), contentType };
    const path = join(
      root,
      'upright',
      String(tile.level),
      `${tile.column}_${tile.row}.${TILE_EXTENSIONS[format]}`,
    );
    await cutUprightTile({
      levels: image.levels,
      orientation: image.orientation,
      tile,
      format,
      storedTile: (stored) => join(full, dzTileName(image.levels, stored, format)),
      target: path,
      encode,
    });
    return { ok: true, path, contentType };
  } catch (error) {
    return { ok: false, status: 415, reason: `cannot make tiles: ${(error as Error).message}` };
  }
}
