/** Tile pyramids through the host's media resolver: counts, edge sizes, upright tiles, caching, refusals. */

import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tilePath } from '../../core/api/media';
import type { RootId } from '../../core/ids';
import { pyramidLevels, tileBounds, type PyramidLevel, type TileFormat } from '../../core/tiles/grid';
import { writeLargeJpeg } from '../../../tests/fixtures/largeImage';
import { createHost, type Host } from '../host';
import { tileBuildCounts } from './pyramid';

let tmp: string;
let photos: string;
let host: Host;
let rootId: RootId;

// Odd sides, so every level rounds: 12,001 → 6,001 → 3,001 → 1,501 → 751 → 376.
const LARGE = { width: 12_001, height: 8_999 };
/** Stored 2,600 × 1,400 with each EXIF orientation: level 0 comes from the full build, level 1 from the overview. */
const ORIENTED = { width: 2600, height: 1400 };

const media = async (path: string) => {
  const answer = await host.media(path);
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${answer.reason}`);
  return answer;
};

const tile = (relPath: string, level: number, column: number, row: number, format: TileFormat = 'jpeg') =>
  tilePath(rootId, relPath, { level, column, row }, format);

/** Smooth in both directions and different in each channel, so any wrong turn or mirror shows. */
async function writeOriented(path: string, orientation: number) {
  const { width, height } = ORIENTED;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((x / width) * 255);
      pixels[i + 1] = Math.round((y / height) * 255);
      pixels[i + 2] = x < width / 3 && y < height / 3 ? 255 : 0;
    }
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .withMetadata({ orientation })
    .jpeg({ quality: 95 })
    .toFile(path);
}

const meanDifference = (a: Buffer, b: Buffer) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
};

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), 'labelloop-tiles-')));
  photos = join(tmp, 'photos');
  await mkdir(join(photos, 'oriented'), { recursive: true });
  await mkdir(join(tmp, 'outside'));
  await writeLargeJpeg(join(photos, 'large.jpg'), LARGE.width, LARGE.height);
  for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8])
    await writeOriented(join(photos, 'oriented', `o${orientation}.jpg`), orientation);
  await writeOriented(join(tmp, 'outside', 'secret.jpg'), 1);
  await symlink(join(tmp, 'outside', 'secret.jpg'), join(photos, 'escape.jpg'));
  host = await createHost({ dataDir: join(tmp, 'data'), transport: 'browser', version: 'test' });
  rootId = (await host.roots.register('p1', photos)).rootId;
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('a 12,001 × 8,999 JPEG', () => {
  const levels = pyramidLevels(LARGE);

  it('shows its one-tile level first, from the quick overview build, without the full pyramid', async () => {
    const before = tileBuildCounts();
    const top = await media(tile('large.jpg', levels.length - 1, 0, 0));
    expect(top.contentType).toBe('image/jpeg');
    expect(await sharp(top.path).metadata()).toMatchObject({ format: 'jpeg', width: 376, height: 282 });
    expect(tileBuildCounts().overview).toBe(before.overview + 1);
    // The overview holds the levels up to 2,048 px: 1,501 × 1,125 and smaller.
    const overview = dirname(dirname(top.path));
    expect((await readdir(overview)).filter((name) => /^\d+$/.test(name)).sort()).toEqual(['0', '1', '2']);
  });

  it('has every tile of every level, with edge tiles cut to the level size', async () => {
    const full = await media(tile('large.jpg', 0, 0, 0));
    const pyramid = dirname(dirname(full.path));
    expect(levels.map((l) => [l.width, l.height])).toEqual([
      [12_001, 8_999],
      [6_001, 4_500],
      [3_001, 2_250],
      [1_501, 1_125],
      [751, 563],
      [376, 282],
    ]);
    for (const level of levels) {
      const files = await readdir(join(pyramid, String(levels.length - 1 - level.level)));
      expect(files).toHaveLength(level.columns * level.rows);
    }
    const expectSize = async (level: PyramidLevel, column: number, row: number) => {
      const answer = await media(tile('large.jpg', level.level, column, row));
      const { width, height } = await sharp(answer.path).metadata();
      const bounds = tileBounds(levels, { level: level.level, column, row });
      expect([width, height]).toEqual([bounds.width, bounds.height]);
      return [width, height];
    };
    const [l0, l1, l2, l3] = levels as [PyramidLevel, PyramidLevel, PyramidLevel, PyramidLevel];
    expect(await expectSize(l0, 0, 0)).toEqual([512, 512]);
    expect(await expectSize(l0, 23, 17)).toEqual([225, 295]); // 12,001 - 23·512; 8,999 - 17·512
    expect(await expectSize(l1, 11, 0)).toEqual([369, 512]);
    expect(await expectSize(l2, 5, 4)).toEqual([441, 202]);
    expect(await expectSize(l3, 2, 2)).toEqual([477, 101]);
  });

  it('answers again from the cache: no build runs twice, not even for a host started later', async () => {
    const first = await media(tile('large.jpg', 2, 1, 1));
    const counts = tileBuildCounts();
    expect(await media(tile('large.jpg', 2, 1, 1))).toEqual(first);
    expect(await media(tile('large.jpg', 0, 3, 3))).toMatchObject({ contentType: 'image/jpeg' });
    const restarted = await createHost({ dataDir: host.dataDir, transport: 'browser', version: 'test' });
    expect(await restarted.media(tile('large.jpg', 2, 1, 1))).toEqual(first);
    expect(await restarted.media(tile('large.jpg', 0, 5, 5))).toMatchObject({ ok: true });
    expect(tileBuildCounts()).toEqual(counts);
    const cacheRoot = dirname(dirname(dirname(first.path)));
    expect((await readdir(cacheRoot)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('answers 404 for tiles outside the pyramid', async () => {
    const [l0] = levels as [PyramidLevel];
    for (const path of [
      tile('large.jpg', 0, l0.columns, 0),
      tile('large.jpg', 0, 0, l0.rows),
      tile('large.jpg', levels.length, 0, 0),
      tile('large.jpg', 99, 0, 0),
    ])
      expect(await host.media(path)).toMatchObject({ ok: false, status: 404 });
  });
});

describe('upright tiles of EXIF-oriented images', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'orientation %i: every tile shows what the upright image shows',
    async (o) => {
      const file = join(photos, 'oriented', `o${o}.jpg`);
      const upright = await sharp(file).rotate().raw().toBuffer({ resolveWithObject: true });
      const size = { width: upright.info.width, height: upright.info.height };
      expect(o >= 5 ? [size.height, size.width] : [size.width, size.height]).toEqual([2600, 1400]);
      const levels = pyramidLevels(size);
      for (const level of levels.slice(0, 2)) {
        const reference =
          level.level === 0
            ? sharp(upright.data, { raw: upright.info })
            : sharp(upright.data, { raw: upright.info }).resize(level.width, level.height, { fit: 'fill' });
        const referencePixels = await reference.raw().toBuffer();
        for (let row = 0; row < level.rows; row++)
          for (let column = 0; column < level.columns; column++) {
            const answer = await media(tile(`oriented/o${o}.jpg`, level.level, column, row));
            const bounds = tileBounds(levels, { level: level.level, column, row });
            const got = await sharp(answer.path).raw().toBuffer({ resolveWithObject: true });
            expect([got.info.width, got.info.height]).toEqual([bounds.width, bounds.height]);
            const want = await sharp(referencePixels, {
              raw: { width: level.width, height: level.height, channels: 3 },
            })
              .extract({ left: bounds.x, top: bounds.y, width: bounds.width, height: bounds.height })
              .raw()
              .toBuffer();
            // JPEG twice over and a different downscaling filter: a few levels of difference, against ~100
            // for a tile turned or mirrored the wrong way.
            expect(meanDifference(got.data, want), `level ${level.level} tile ${column},${row}`).toBeLessThan(
              6,
            );
          }
      }
    },
  );
});

describe('refusals', () => {
  it('refuses traversal in a tile path before touching the disk', async () => {
    expect(await host.media(`cache/tiles/${rootId}/0/0_0.jpg/../outside/secret.jpg`)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await host.media(`cache/tiles/${rootId}/0/0_0.jpg/%2e%2e/outside/secret.jpg`)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('refuses a symlink that leads out of the root, and an unknown root', async () => {
    expect(await host.media(tile('escape.jpg', 0, 0, 0))).toMatchObject({ ok: false, status: 403 });
    expect(
      await host.media(
        tilePath('f'.repeat(24) as RootId, 'large.jpg', { level: 0, column: 0, row: 0 }, 'jpeg'),
      ),
    ).toMatchObject({ ok: false, status: 404 });
  });

  it('answers 404 for a missing file and 415 for a file that cannot be decoded', async () => {
    expect(await host.media(tile('missing.jpg', 0, 0, 0))).toMatchObject({ ok: false, status: 404 });
    await writeFile(join(photos, 'damaged.jpg'), Buffer.from('not really a JPEG at all'));
    expect(await host.media(tile('damaged.jpg', 0, 0, 0))).toMatchObject({ ok: false, status: 415 });
  });

  it('writes WebP tiles with alpha when asked for them', async () => {
    const path = join(photos, 'alpha.png');
    await sharp({
      create: { width: 900, height: 600, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 0.5 } },
    })
      .png()
      .toFile(path);
    const answer = await media(tile('alpha.png', 0, 1, 1, 'webp'));
    expect(answer.contentType).toBe('image/webp');
    expect(await sharp(answer.path).metadata()).toMatchObject({
      format: 'webp',
      hasAlpha: true,
      width: 388,
      height: 88,
    });
  });
});
