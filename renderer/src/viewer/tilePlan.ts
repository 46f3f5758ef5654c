/** Which tiles of a huge image to fetch, in what order, and which to paint, for one viewport. Pure. */

import {
  levelForScale,
  TILE_SIZE,
  tilesCovering,
  visibleImageRect,
  type PyramidLevel,
  type Size,
  type TileCoord,
} from '../../../src/core/tiles/grid';
import type { Viewport } from './viewport';

export interface TilePlan {
  /** The level this zoom wants: the coarsest with a pixel per device pixel. */
  readonly level: number;
  /** Fetch order: the one-tile level, the level below the target, then the target from the centre out, then overscan. */
  readonly wanted: readonly TileCoord[];
  /** Visible tiles per level, coarsest first, down to the target: painted in this order when loaded. */
  readonly layers: readonly (readonly TileCoord[])[];
}

export const tileKey = (tile: TileCoord): string => `${tile.level}/${tile.column}_${tile.row}`;

export function planTiles(
  levels: readonly PyramidLevel[],
  viewport: Viewport,
  view: Size,
  pixelRatio = 1,
  overscan = 1,
): TilePlan {
  const top = levels.length - 1;
  const level = levelForScale(levels, viewport.scale * pixelRatio);
  const rect = visibleImageRect(viewport, view);
  const layers: TileCoord[][] = [];
  for (let l = top; l >= level; l--) layers.push(tilesCovering(levels, l, rect));

  const target = layers.at(-1) ?? [];
  const centre = { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
  const full = levels[0];
  const at = levels[level];
  const distance = (tile: TileCoord) => {
    if (!full || !at) return 0;
    const x = ((tile.column + 0.5) * TILE_SIZE * full.width) / at.width;
    const y = ((tile.row + 0.5) * TILE_SIZE * full.height) / at.height;
    return Math.hypot(x - centre.x, y - centre.y);
  };
  const byDistance = (tiles: readonly TileCoord[]) => [...tiles].sort((a, b) => distance(a) - distance(b));

  const wanted: TileCoord[] = [];
  const seen = new Set<string>();
  const add = (tiles: readonly TileCoord[]) => {
    for (const tile of tiles) {
      const key = tileKey(tile);
      if (seen.has(key)) continue;
      seen.add(key);
      wanted.push(tile);
    }
  };
  add([{ level: top, column: 0, row: 0 }]);
  if (level + 1 < top) add(layers.at(-2) ?? []);
  add(byDistance(target));
  add(byDistance(tilesCovering(levels, level, rect, overscan)));
  return { level, wanted, layers };
}
