/** Difference hashes: made at import from the thumbnail, and later on demand for older images. */

import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobEvent } from '../../core/api/contract';
import type { ContentHash } from '../../core/ids';
import type { ProbedImage } from '../../core/images/types';
import { hammingDistance } from '../../core/versions/groups';
import { dispatch } from '../dispatch';
import { createHost, type Host } from '../host';
import { thumbnailFile } from './thumbnails';

let tmp: string;
let host: Host;
let images: Map<string, ProbedImage>;

/** A street-like scene: sky gradient, buildings and a few shapes, seeded so two seeds look unrelated. */
function scene(seed: number): Buffer {
  let state = seed;
  const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const shapes = Array.from({ length: 14 }, () => {
    const x = Math.round(rand() * 1400);
    const y = Math.round(rand() * 1000);
    const w = Math.round(100 + rand() * 400);
    const h = Math.round(80 + rand() * 500);
    const grey = Math.round(rand() * 255);
    return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="rgb(${grey},${255 - grey},${(grey * 3) % 256})"/>`;
  }).join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
      <defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#${seed % 2 ? '203060' : 'e0c080'}"/>
      <stop offset="1" stop-color="#${seed % 2 ? 'f0f0ff' : '102010'}"/></linearGradient></defs>
      <rect width="1600" height="1200" fill="url(#g)"/>${shapes}</svg>`,
  );
}

async function importFolder(dir: string): Promise<ProbedImage[]> {
  const events: ImportJobEvent[] = [];
  const unsubscribe = host.jobs.subscribe((event) => events.push(event as ImportJobEvent));
  try {
    await host.handlers['images.startImport']({
      projectId: 'project-1',
      sources: [{ kind: 'folder', path: dir }],
    });
    await host.jobs.idle();
  } finally {
    unsubscribe();
  }
  return events.flatMap((event) => (event.type === 'output' ? event.output.images : []));
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'labelloop-dhash-'));
  const dir = join(tmp, 'photos');
  await mkdir(dir);
  const original = await sharp(scene(1)).jpeg({ quality: 92 }).toBuffer();
  await writeFile(join(dir, 'original.jpg'), original);
  // The same picture as a dataset would hold it again: downscaled and recompressed, and as a PNG.
  await writeFile(join(dir, 'small.jpg'), await sharp(original).resize(640).jpeg({ quality: 45 }).toBuffer());
  await writeFile(join(dir, 'copy.png'), await sharp(original).resize(1000).png().toBuffer());
  await writeFile(join(dir, 'other.jpg'), await sharp(scene(2)).jpeg({ quality: 92 }).toBuffer());
  await writeFile(join(dir, 'third.jpg'), await sharp(scene(7)).jpeg({ quality: 92 }).toBuffer());
  host = await createHost({ dataDir: join(tmp, 'data'), transport: 'browser', version: 'test' });
  images = new Map((await importFolder(dir)).map((image) => [image.relPath, image]));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const dhashOf = (relPath: string): string => {
  const dhash = images.get(relPath)?.dhash;
  if (dhash === undefined) throw new Error(`${relPath} has no dhash`);
  return dhash;
};

describe('dHash at import', () => {
  it('gives every imported image a 16-hex-digit hash', () => {
    expect(images.size).toBe(5);
    for (const image of images.values()) expect(image.dhash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('puts resized and recompressed copies of one picture within a few bits', () => {
    expect(hammingDistance(dhashOf('original.jpg'), dhashOf('small.jpg'))).toBeLessThanOrEqual(4);
    expect(hammingDistance(dhashOf('original.jpg'), dhashOf('copy.png'))).toBeLessThanOrEqual(4);
  });

  it('puts different pictures far apart', () => {
    expect(hammingDistance(dhashOf('original.jpg'), dhashOf('other.jpg'))).toBeGreaterThan(16);
    expect(hammingDistance(dhashOf('original.jpg'), dhashOf('third.jpg'))).toBeGreaterThan(16);
    expect(hammingDistance(dhashOf('other.jpg'), dhashOf('third.jpg'))).toBeGreaterThan(16);
  });
});

describe('images.perceptualHashes', () => {
  it('answers, for each cached thumbnail, the import’s hash give or take webp’s loss; leaves out the rest', async () => {
    const known = [...images.values()].map((image) => image.sha256);
    const missing = 'f'.repeat(64) as ContentHash;
    const result = await dispatch(host.handlers, 'images.perceptualHashes', { hashes: [...known, missing] });
    if (!result.ok) throw new Error(result.error.message);
    const answered = result.value as Record<string, string>;
    expect(Object.keys(answered).sort()).toEqual([...known].sort());
    // At import the hash is made from the thumbnail's pixels; later from its lossy webp.
    for (const image of images.values())
      expect(hammingDistance(answered[image.sha256]!, image.dhash!)).toBeLessThanOrEqual(2);
  });

  it('leaves out an image whose thumbnail was removed from the cache', async () => {
    const image = images.get('third.jpg')!;
    await unlink(thumbnailFile(host.dataDir, image.sha256));
    const result = await host.handlers['images.perceptualHashes']({ hashes: [image.sha256] });
    expect(result).toEqual({});
  });

  it('refuses anything but content hashes, so no path can be smuggled into the cache lookup', async () => {
    for (const hashes of [['../../etc/passwd'], ['A'.repeat(64)], [], Array(5001).fill('0'.repeat(64))]) {
      const result = await dispatch(host.handlers, 'images.perceptualHashes', { hashes });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
  });
});
