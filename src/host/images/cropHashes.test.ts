/** Crop hashes on the host, served by `images.cropHashes`: objects drawn with sharp and pasted into images. */

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../dispatch';
import { createHost, type Host } from '../host';

let tmp: string;
let photos: string;
let host: Host;
let rootId: string;

/** A sign: dark bars of different widths on a light plate, which a dHash reads as a clear edge pattern. */
const sign = (size: number) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
      <rect width="100%" height="100%" fill="#eee"/>
      <rect x="${size * 0.1}" y="0" width="${size * 0.08}" height="${size}" fill="#111"/>
      <rect x="${size * 0.35}" y="0" width="${size * 0.2}" height="${size}" fill="#333"/>
      <rect x="${size * 0.75}" y="0" width="${size * 0.05}" height="${size}" fill="#000"/>
      <circle cx="${size / 2}" cy="${size / 2}" r="${size / 5}" fill="#777"/>
    </svg>`,
  );
/** Another object: a light-to-dark diagonal gradient, whose edges run the other way. */
const ramp = (size: number) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
      <defs><linearGradient id="g" x1="1" y1="1" x2="0" y2="0">
        <stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#000"/></linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
    </svg>`,
  );

/** A mid-grey scene of the given size with objects pasted at their places. */
const scene = async (width: number, height: number, objects: { svg: Buffer; left: number; top: number }[]) =>
  sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .composite(objects.map(({ svg, left, top }) => ({ input: svg, left, top })))
    .png()
    .toBuffer();

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const ref = async (relPath: string) => ({
  rootId,
  relPath,
  sha256: sha256Of(await readFile(join(photos, relPath))),
});
const bitsApart = (a: string, b: string) => {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  for (; x > 0n; x >>= 1n) n += Number(x & 1n);
  return n;
};

const hashes = async (items: unknown[]) => {
  const result = await dispatch(host.handlers, 'images.cropHashes', { items });
  if (!result.ok) throw new Error(result.error.message);
  return result.value as (string | null)[];
};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'labelloop-crops-'));
  photos = join(tmp, 'photos');
  await mkdir(photos);
  await writeFile(
    join(photos, 'street.png'),
    await scene(640, 480, [
      { svg: sign(120), left: 40, top: 60 },
      { svg: ramp(120), left: 400, top: 300 },
    ]),
  );
  // The same sign elsewhere in a bigger image, stored sideways with an EXIF orientation to undo.
  const park = await scene(900, 700, [{ svg: sign(120), left: 700, top: 500 }]);
  await writeFile(
    join(photos, 'park.jpg'),
    await sharp(park).rotate(-90).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer(),
  );
  host = await createHost({ dataDir: join(tmp, 'data'), transport: 'browser', version: 'test' });
  ({ rootId } = await host.roots.register('project-1', photos));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('images.cropHashes', () => {
  it('hashes the same object pasted at two places in two images within a few bits, and another object far off', async () => {
    const street = await ref('street.png');
    const park = await ref('park.jpg');
    const [signInStreet, rampInStreet, signInPark] = await hashes([
      { ...street, box: [40, 60, 120, 120] },
      { ...street, box: [400, 300, 120, 120] },
      { ...park, box: [700, 500, 120, 120] },
    ]);
    expect(signInStreet).toMatch(/^[0-9a-f]{16}$/);
    expect(bitsApart(signInStreet!, signInPark!)).toBeLessThanOrEqual(4);
    expect(bitsApart(signInStreet!, rampInStreet!)).toBeGreaterThanOrEqual(16);
  });

  it('answers in the order asked, null for boxes under 2 × 2 px and for missing or changed files', async () => {
    const street = await ref('street.png');
    const answer = await hashes([
      { ...street, box: [400, 300, 120, 120] },
      { ...street, box: [10, 10, 1.5, 40] },
      { rootId, relPath: 'gone.png', sha256: 'a'.repeat(64), box: [0, 0, 10, 10] },
      { ...street, sha256: 'b'.repeat(64), box: [40, 60, 120, 120] }, // no longer this content
      { ...street, box: [40, 60, 120, 120] },
      { ...street, box: [639, 10, 50, 50] }, // clamped to the image: 1 px wide
    ]);
    const [ramp, sign] = await hashes([
      { ...street, box: [400, 300, 120, 120] },
      { ...street, box: [40, 60, 120, 120] },
    ]);
    expect(answer).toEqual([ramp, null, null, null, sign, null]);
  });

  it('clamps a box that runs off the image to the part inside it', async () => {
    const street = await ref('street.png');
    expect(await hashes([{ ...street, box: [400, 300, 400, 400] }])).toEqual(
      await hashes([{ ...street, box: [400, 300, 240, 180] }]),
    );
  });

  it('never reads a link that leads outside the project folder, nor paths that climb out of it', async () => {
    const outside = join(tmp, 'secret.png');
    await writeFile(outside, await scene(64, 64, []));
    await symlink(outside, join(photos, 'link.png'));
    const street = await ref('street.png');
    expect(
      await hashes([
        { rootId, relPath: 'link.png', sha256: sha256Of(await readFile(outside)), box: [0, 0, 32, 32] },
        { ...street, box: [40, 60, 120, 120] },
      ]),
    ).toEqual([null, expect.stringMatching(/^[0-9a-f]{16}$/)]);
    for (const items of [
      [{ rootId, relPath: '../secret.png', sha256: 'c'.repeat(64), box: [0, 0, 8, 8] }],
      [{ ...street, box: [0, 0, -1, 8] }],
      [],
      Array(2001).fill({ ...street, box: [0, 0, 8, 8] }),
    ]) {
      const result = await dispatch(host.handlers, 'images.cropHashes', { items });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
  });
});
