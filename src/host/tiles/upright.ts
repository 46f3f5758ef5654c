/**
 * Cuts an upright tile of an EXIF-oriented image out of the stored-orientation pyramid: the stored pixels
 * it shows (at most four stored tiles), turned upright, written atomically next to the pyramid.
 */

import { access } from 'node:fs/promises';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import {
  pyramidLevels,
  tileBounds,
  TILE_SIZE,
  type PyramidLevel,
  type TileCoord,
  type TileFormat,
} from '../../core/tiles/grid';
import { storedRectOf, storedSize, uprightTurn } from '../../core/tiles/orientation';
import { writeFileAtomic } from '../atomicWrite';

export interface UprightTileJob {
  /** The upright pyramid's levels. */
  readonly levels: readonly PyramidLevel[];
  readonly orientation: number;
  readonly tile: TileCoord;
  readonly format: TileFormat;
  /** Where the stored pyramid keeps one of its tiles. */
  readonly storedTile: (tile: TileCoord) => string;
  readonly target: string;
  readonly encode: (pipeline: Sharp, format: TileFormat) => Sharp;
}

const cutting = new Map<string, Promise<void>>();

export function cutUprightTile(job: UprightTileJob): Promise<void> {
  let pending = cutting.get(job.target);
  if (!pending) {
    pending = cut(job).finally(() => cutting.delete(job.target));
    cutting.set(job.target, pending);
  }
  return pending;
}

async function cut(job: UprightTileJob): Promise<void> {
  const cached = await access(job.target).then(
    () => true,
    () => false,
  );
  if (cached) return;
  const { levels, orientation, tile, format } = job;
  const full = levels[0];
  const level = levels[tile.level];
  if (!full || !level) throw new RangeError(`level ${tile.level} is out of range`);
  const storedLevels = pyramidLevels(storedSize(full, orientation));
  const want = storedRectOf(tileBounds(levels, tile), storedSize(level, orientation), orientation);
  const channels = format === 'webp' ? 4 : 3;

  const overlays: OverlayOptions[] = [];
  const lastColumn = Math.floor((want.x + want.width - 1) / TILE_SIZE);
  const lastRow = Math.floor((want.y + want.height - 1) / TILE_SIZE);
  for (let row = Math.floor(want.y / TILE_SIZE); row <= lastRow; row++)
    for (let column = Math.floor(want.x / TILE_SIZE); column <= lastColumn; column++) {
      const stored = { level: tile.level, column, row };
      const bounds = tileBounds(storedLevels, stored);
      const left = Math.max(want.x, bounds.x);
      const top = Math.max(want.y, bounds.y);
      const width = Math.min(want.x + want.width, bounds.x + bounds.width) - left;
      const height = Math.min(want.y + want.height, bounds.y + bounds.height) - top;
      let part = sharp(job.storedTile(stored)).extract({
        left: left - bounds.x,
        top: top - bounds.y,
        width,
        height,
      });
      part = channels === 4 ? part.ensureAlpha() : part.removeAlpha();
      const input = await part.raw().toBuffer();
      overlays.push({ input, raw: { width, height, channels }, left: left - want.x, top: top - want.y });
    }

  // Compositing always adds an alpha channel; the info says how many channels came out.
  const stitched = await sharp({
    create: { width: want.width, height: want.height, channels, background: { r: 0, g: 0, b: 0, alpha: 0 } },
  })
    .composite(overlays)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { rotate, mirror } = uprightTurn(orientation);
  let upright = sharp(stitched.data, { raw: stitched.info });
  if (channels === 3) upright = upright.removeAlpha();
  if (rotate) {
    // Its own pass: within one pipeline sharp may mirror before it rotates, which turns 5 and 7 wrong.
    const turned = await upright.rotate(rotate).raw().toBuffer({ resolveWithObject: true });
    upright = sharp(turned.data, { raw: turned.info });
  }
  if (mirror === 'flop') upright = upright.flop();
  if (mirror === 'flip') upright = upright.flip();
  await writeFileAtomic(job.target, await job.encode(upright, format).toBuffer());
}
