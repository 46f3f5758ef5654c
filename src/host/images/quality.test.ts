/** Image quality on the host: measured on images drawn with sharp, and served by `images.quality`. */

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageQuality } from '../../core/quality/imageStats';
import { dispatch } from '../dispatch';
import { createHost, type Host } from '../host';
import { decodeForQuality, measureQuality } from './quality';

let tmp: string;
let photos: string;

/** Black text and thin lines on white: lots of edges, as a sharp photo of a sign has. */
const pattern = (width: number, height: number): Buffer =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <rect width="100%" height="100%" fill="#fff"/>
      ${Array.from({ length: 30 }, (_, i) => `<line x1="${i * 37}" y1="0" x2="${i * 23}" y2="${height}" stroke="#000" stroke-width="2"/>`).join('')}
      <text x="40" y="${height / 2}" font-size="64" font-family="sans-serif">LabelLoop 0123456789</text>
    </svg>`,
  );

/** A grey level with grain, so neither a dark nor a bright image is flat. */
const grainy = async (width: number, height: number, level: number): Promise<Buffer> => {
  const data = Buffer.alloc(width * height);
  let state = level + 1;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = Math.max(0, Math.min(255, level + ((state >>> 24) % 21) - 10));
  }
  return sharp(data, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
};

const write = async (name: string, bytes: Buffer): Promise<string> => {
  const path = join(photos, name);
  await writeFile(path, bytes);
  return path;
};
const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'labelloop-quality-'));
  photos = join(tmp, 'photos');
  await mkdir(photos);
  const sharpPng = await sharp(pattern(1600, 1200)).png().toBuffer();
  await write('sharp.png', sharpPng);
  await write('blurred.png', await sharp(sharpPng).blur(3).png().toBuffer());
  await write('dark.png', await grainy(640, 480, 30));
  await write('bright.png', await grainy(640, 480, 225));
  // The same pixels stored sideways with EXIF orientation 6, and stored upright without a tag.
  const stored = await sharp(pattern(480, 320)).jpeg({ quality: 95 }).toBuffer();
  await write('upright-source.jpg', stored);
  await write(
    'sideways.jpg',
    await sharp(stored).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer(),
  );
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('measureQuality', () => {
  let sharpQ: ImageQuality;
  let blurredQ: ImageQuality;

  beforeAll(async () => {
    [sharpQ, blurredQ] = await Promise.all([
      measureQuality(join(photos, 'sharp.png')),
      measureQuality(join(photos, 'blurred.png')),
    ]);
  });

  it('scores a pattern blurred with sharp’s blur(3) at a small fraction of the original’s sharpness', () => {
    expect(sharpQ.sharpness).toBeGreaterThan(500);
    expect(blurredQ.sharpness).toBeLessThan(sharpQ.sharpness / 10);
  });

  it('keeps brightness about the same when blurring, and lowers contrast only a little', () => {
    expect(blurredQ.brightness).toBeCloseTo(sharpQ.brightness, 1);
    expect(blurredQ.contrast).toBeLessThan(sharpQ.contrast);
    expect(blurredQ.contrast).toBeGreaterThan(sharpQ.contrast / 2);
  });

  it('measures a dark image dark and a bright one bright, both with little contrast', async () => {
    const dark = await measureQuality(join(photos, 'dark.png'));
    const bright = await measureQuality(join(photos, 'bright.png'));
    expect(dark.brightness).toBeCloseTo(30 / 255, 2);
    expect(bright.brightness).toBeCloseTo(225 / 255, 2);
    expect(dark.contrast).toBeLessThan(0.03);
    expect(bright.contrast).toBeLessThan(0.03);
  });

  it('reads an EXIF-rotated JPEG upright, with about the numbers of the same picture stored without the tag', async () => {
    const decoded = await decodeForQuality(join(photos, 'sideways.jpg'));
    expect([decoded.info.width, decoded.info.height]).toEqual([320, 480]);
    // 90° turns keep the mean and the 4-neighbour Laplacian; only re-encoding the JPEG moves them a little.
    const sideways = await measureQuality(join(photos, 'sideways.jpg'));
    const upright = await measureQuality(join(photos, 'upright-source.jpg'));
    expect(sideways.sharpness).toBeGreaterThan(1000);
    expect(sideways.brightness).toBeCloseTo(upright.brightness, 3);
    expect(Math.abs(sideways.sharpness / upright.sharpness - 1)).toBeLessThan(0.02);
  });

  it('flattens transparency onto black and reads 16-bit PNGs at their level', async () => {
    const clear = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#ffffff00' } })
      .png()
      .toBuffer();
    expect((await measureQuality(await write('clear.png', clear))).brightness).toBe(0);
    const deep = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    expect((await measureQuality(await write('deep16.png', deep))).brightness).toBeCloseTo(128 / 255, 2);
  });

  it('rejects a file that is not an image', async () => {
    await expect(measureQuality(await write('notes.png', Buffer.from('not an image')))).rejects.toThrow();
  });
});

describe('images.quality', () => {
  let host: Host;
  let rootId: string;

  beforeAll(async () => {
    host = await createHost({ dataDir: join(tmp, 'data'), transport: 'browser', version: 'test' });
    ({ rootId } = await host.roots.register('project-1', photos));
  });

  const readBytes = (relPath: string) => readFile(join(photos, relPath));
  const ref = async (relPath: string) => ({ rootId, relPath, sha256: sha256Of(await readBytes(relPath)) });

  it('answers each readable image by content hash, with the same numbers as measureQuality', async () => {
    const images = [await ref('sharp.png'), await ref('dark.png')];
    const result = await dispatch(host.handlers, 'images.quality', { images });
    expect(result).toEqual({
      ok: true,
      value: {
        [images[0]!.sha256]: await measureQuality(join(photos, 'sharp.png')),
        [images[1]!.sha256]: await measureQuality(join(photos, 'dark.png')),
      },
    });
  });

  it('leaves out missing, undecodable and changed files, and unknown roots', async () => {
    const good = await ref('bright.png');
    const result = await dispatch(host.handlers, 'images.quality', {
      images: [
        good,
        { rootId, relPath: 'gone.png', sha256: 'a'.repeat(64) },
        await ref('notes.png'),
        { ...(await ref('dark.png')), sha256: 'b'.repeat(64) }, // the file no longer has this content
        { ...(await ref('sharp.png')), rootId: 'not-a-root' },
      ],
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(Object.keys(result.value as Record<string, ImageQuality>)).toEqual([good.sha256]);
  });

  it('never reads a link that leads outside the project folder, and still measures the other images', async () => {
    const outside = join(tmp, 'secret.png');
    await writeFile(outside, await grainy(32, 32, 100));
    await symlink(outside, join(photos, 'link.png'));
    const good = await ref('sharp.png');
    const result = await dispatch(host.handlers, 'images.quality', {
      images: [{ rootId, relPath: 'link.png', sha256: sha256Of(await readBytes('link.png')) }, good],
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(Object.keys(result.value as Record<string, ImageQuality>)).toEqual([good.sha256]);
  });

  it('refuses paths that climb out of the root, bad hashes and oversized batches before reading anything', async () => {
    const sha256 = 'c'.repeat(64);
    for (const images of [
      [{ rootId, relPath: '../secret.png', sha256 }],
      [{ rootId, relPath: 'a/../../secret.png', sha256 }],
      [{ rootId, relPath: '/etc/passwd/', sha256 }],
      [{ rootId, relPath: 'sharp.png', sha256: '../x' }],
      [],
      Array(1001).fill({ rootId, relPath: 'sharp.png', sha256 }),
    ]) {
      const result = await dispatch(host.handlers, 'images.quality', { images });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
  });
});
