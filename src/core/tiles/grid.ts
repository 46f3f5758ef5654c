/** The tile pyramid of a huge image: its levels, the tiles a viewport needs, and the level that suits a zoom. */

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** An axis-aligned rectangle in pixels of some level (level 0 = the upright image at full resolution). */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PyramidLevel {
  /** 0 is full resolution; each next level halves both sides (rounding up), down to one tile. */
  readonly level: number;
  readonly width: number;
  readonly height: number;
  readonly columns: number;
  readonly rows: number;
}

export interface TileCoord {
  readonly level: number;
  readonly column: number;
  readonly row: number;
}

/** Square tiles; edge tiles are smaller, never padded. */
export const TILE_SIZE = 512;

/** Above either limit the viewer draws tiles instead of decoding the whole file in the browser. */
export const TILED_MIN_SIDE = 8192;
export const TILED_MIN_PIXELS = 40_000_000;

export const needsTiles = (size: Size): boolean =>
  size.width > TILED_MIN_SIDE || size.height > TILED_MIN_SIDE || size.width * size.height > TILED_MIN_PIXELS;

/** Tile encoding: JPEG is 3–9× faster to write than WebP, so only images with alpha pay for WebP. */
export type TileFormat = 'jpeg' | 'webp';
export const tileFormatFor = (hasAlpha: boolean): TileFormat => (hasAlpha ? 'webp' : 'jpeg');
export const TILE_EXTENSIONS: Readonly<Record<TileFormat, string>> = { jpeg: 'jpg', webp: 'webp' };

/**
 * Levels from full resolution down to the first that fits one tile. Halving rounds up, as libvips' dzsave
 * does, so these sizes are exactly the host's tile files (a level's last pixel may cover less than 2^level).
 */
export function pyramidLevels(image: Size, tileSize = TILE_SIZE): PyramidLevel[] {
  if (!(image.width >= 1 && image.height >= 1 && tileSize >= 1))
    throw new RangeError(`no pyramid for ${image.width} × ${image.height} in tiles of ${tileSize}`);
  const levels: PyramidLevel[] = [];
  let width = Math.floor(image.width);
  let height = Math.floor(image.height);
  for (;;) {
    const level = levels.length;
    levels.push({
      level,
      width,
      height,
      columns: Math.ceil(width / tileSize),
      rows: Math.ceil(height / tileSize),
    });
    if (width <= tileSize && height <= tileSize) return levels;
    width = Math.ceil(width / 2);
    height = Math.ceil(height / 2);
  }
}

export const isTileInRange = (levels: readonly PyramidLevel[], tile: TileCoord): boolean => {
  const level = levels[tile.level];
  return (
    level !== undefined &&
    Number.isInteger(tile.column) &&
    Number.isInteger(tile.row) &&
    tile.column >= 0 &&
    tile.row >= 0 &&
    tile.column < level.columns &&
    tile.row < level.rows
  );
};

/** A tile's pixels within its level; edge tiles are cut at the level's size. */
export function tileBounds(levels: readonly PyramidLevel[], tile: TileCoord, tileSize = TILE_SIZE): Rect {
  const level = levels[tile.level];
  if (!level || !isTileInRange(levels, tile))
    throw new RangeError(`tile ${JSON.stringify(tile)} is out of range`);
  const x = tile.column * tileSize;
  const y = tile.row * tileSize;
  return { x, y, width: Math.min(tileSize, level.width - x), height: Math.min(tileSize, level.height - y) };
}

/**
 * Where a tile lands on the full-resolution image. Each level is stretched to exactly the image's size, so
 * neighbouring tiles share edges and a level never overhangs the image by its rounding.
 */
export function tileImageRect(levels: readonly PyramidLevel[], tile: TileCoord, tileSize = TILE_SIZE): Rect {
  const full = levels[0];
  const level = levels[tile.level];
  if (!full || !level) throw new RangeError(`level ${tile.level} is out of range`);
  const bounds = tileBounds(levels, tile, tileSize);
  const sx = full.width / level.width;
  const sy = full.height / level.height;
  return { x: bounds.x * sx, y: bounds.y * sy, width: bounds.width * sx, height: bounds.height * sy };
}

/**
 * The level to draw at `scale` (screen pixels per image pixel, device pixel ratio included): the coarsest
 * level that still has at least one pixel per screen pixel, so nothing is upscaled unless level 0 is.
 */
export function levelForScale(levels: readonly PyramidLevel[], scale: number): number {
  const full = levels[0];
  if (!full) throw new RangeError('a pyramid has at least one level');
  let chosen = 0;
  for (const level of levels) {
    // A little slack, so 50.0001 % of full size does not fetch four times the tiles of the next level.
    if (level.width / full.width >= scale * 0.999) chosen = level.level;
    else break;
  }
  return chosen;
}

/**
 * Tiles of `level` that overlap `rect` (in full-resolution image pixels), row by row, plus `margin` extra
 * tiles on each side (overscan), clipped to the level.
 */
export function tilesCovering(
  levels: readonly PyramidLevel[],
  level: number,
  rect: Rect,
  margin = 0,
  tileSize = TILE_SIZE,
): TileCoord[] {
  const full = levels[0];
  const at = levels[level];
  if (!full || !at) throw new RangeError(`level ${level} is out of range`);
  const sx = at.width / full.width;
  const sy = at.height / full.height;
  const left = Math.max(0, Math.floor((rect.x * sx) / tileSize) - margin);
  const top = Math.max(0, Math.floor((rect.y * sy) / tileSize) - margin);
  const right = Math.min(at.columns - 1, Math.ceil(((rect.x + rect.width) * sx) / tileSize) - 1 + margin);
  const bottom = Math.min(at.rows - 1, Math.ceil(((rect.y + rect.height) * sy) / tileSize) - 1 + margin);
  const tiles: TileCoord[] = [];
  for (let row = top; row <= bottom; row++)
    for (let column = left; column <= right; column++) tiles.push({ level, column, row });
  return tiles;
}

/** The part of the image a view shows, in full-resolution pixels, for a stage at `scale` offset by (x, y). */
export const visibleImageRect = (
  viewport: { readonly scale: number; readonly x: number; readonly y: number },
  view: Size,
): Rect => ({
  x: -viewport.x / viewport.scale,
  y: -viewport.y / viewport.scale,
  width: view.width / viewport.scale,
  height: view.height / viewport.scale,
});
