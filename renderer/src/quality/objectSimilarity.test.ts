/** "More like this" for objects: crop hashes asked of the host once, then ranked by Hamming distance. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/core/api/contract';
import { fail, ok, type Result } from '../../../src/core/api/errors';
import type { ImageId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from '../db/database';
import { probedImage } from '../db/testDatabase';
import { annotation, box, imageLabels, importedProject } from '../db/testFixtures';
import { CROP_HASH_BATCH, clearCropHashes, similarObjects } from './objectSimilarity';
import type { ObjectRow } from './qualityRows';

const open: LabelLoopDatabase[] = [];
beforeEach(() => clearCropHashes());
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

type Item = { rootId: string; relPath: string; sha256: string; box: [number, number, number, number] };

/** A host whose crop hash is `hashOf(box x)`; null where that gives null. */
function fakeHost(hashOf: (x: number) => string | null, failing = false) {
  const calls: Item[][] = [];
  const api: Pick<ApiClient, 'call'> = {
    call: (async (name: string, args: { items: Item[] }): Promise<Result<unknown>> => {
      expect(name).toBe('images.cropHashes');
      calls.push(args.items);
      if (failing) return fail('io', 'disk unplugged');
      return ok(args.items.map((item) => hashOf(item.box[0])));
    }) as ApiClient['call'],
  };
  return { api, calls };
}

/** A project of `images` images with `perImage` boxes each, box n at x = n; its object rows in order. */
async function projectWith(images: number, perImage: number) {
  const { db, projectId } = await importedProject(
    Array.from({ length: images }, (_, i) => probedImage(`img${i}.jpg`, i + 1)),
  );
  open.push(db);
  const records = (await db.images.where('projectId').equals(projectId).toArray()).sort((a, b) =>
    a.relPath.localeCompare(b.relPath, 'en', { numeric: true }),
  );
  const rows: ObjectRow[] = [];
  await db.annotations.bulkPut(
    records.map((image, i) => {
      const annotations = Array.from({ length: perImage }, (_, j) => {
        const n = i * perImage + j;
        rows.push(objectRow(image.id, image.fileName, `a${n}`));
        return annotation(`a${n}`, 'c-car', box(n, 5, 30, 20));
      });
      return imageLabels(projectId, image.id, annotations);
    }),
  );
  return { db, rows };
}

const objectRow = (imageId: ImageId, fileName: string, annotationId: string): ObjectRow => ({
  imageId,
  fileName,
  annotationId,
  classId: 'c-car',
  className: 'car',
  area: 600,
  relativeArea: 600 / (640 * 480),
  width: 30,
  height: 20,
  aspectRatio: 1.5,
  touchesBorder: false,
  sizeOutlier: false,
  aspectOutlier: false,
});

/** 16 hex digits with the low `bits` bits set. */
const withBits = (bits: number) => (2n ** BigInt(bits) - 1n).toString(16).padStart(16, '0');

describe('similarObjects', () => {
  it('ranks the other objects by bits apart, skipping objects without a hash', async () => {
    const { db, rows } = await projectWith(2, 3);
    // a0 = 0 bits set; a1 = 5; a2 none; a3 = 1; a4 = 9; a5 = 3.
    const bits = [0, 5, null, 1, 9, 3];
    const host = fakeHost((x) => (bits[x] === null ? null : withBits(bits[x]!)));

    const result = await similarObjects(db, host.api, rows, 'a0', 3);

    expect(result.method).toBe('crop hash');
    expect(result.rows.map((r) => [r.annotationId, r.distance])).toEqual([
      ['a3', 1],
      ['a5', 3],
      ['a1', 5],
    ]);
    expect(result.rows[0]).toMatchObject({ fileName: 'img1.jpg', className: 'car', box: [3, 5, 30, 20] });
    // Each item names its image's file and the object's box.
    expect(host.calls[0]![1]).toMatchObject({ rootId: 'root-1', relPath: 'img0.jpg', box: [1, 5, 30, 20] });
  });

  it('asks the host in batches of 2000, and not at all the second time', async () => {
    const { db, rows } = await projectWith(5, 500);
    const host = fakeHost((x) => withBits(x % 60));
    const hashing: number[] = [];

    const first = await similarObjects(db, host.api, rows, 'a7', 2, (n) => hashing.push(n));
    expect(host.calls.map((items) => items.length)).toEqual([CROP_HASH_BATCH, 500]);
    expect(hashing).toEqual([2500]);
    expect(first.rows.map((r) => r.distance)).toEqual([0, 0]); // a67, a127: 7 bits too

    const again = await similarObjects(db, host.api, rows, 'a8', 2, (n) => hashing.push(n));
    expect(host.calls).toHaveLength(2);
    expect(hashing).toEqual([2500]);
    expect(again.rows.map((r) => r.annotationId)).toEqual(['a68', 'a128']);
  });

  it('asks again only for an object whose box moved', async () => {
    const { db, rows } = await projectWith(1, 3);
    const host = fakeHost((x) => withBits(x));
    await similarObjects(db, host.api, rows, 'a0', 2);
    const labels = (await db.annotations.get(rows[0]!.imageId))!;
    await db.annotations.put({
      ...labels,
      annotations: labels.annotations.map((a) =>
        a.id === 'a2' ? { ...a, geometry: box(40, 5, 30, 20) } : a,
      ),
    });
    await similarObjects(db, host.api, rows, 'a0', 2);
    expect(host.calls.map((items) => items.map((item) => item.box[0]))).toEqual([[0, 1, 2], [40]]);
  });

  it('says why when the object itself has no hash, and passes on the host’s message', async () => {
    const { db, rows } = await projectWith(1, 2);
    await expect(similarObjects(db, fakeHost(() => null).api, rows, 'a0', 2)).rejects.toThrow(/no crop hash/);
    clearCropHashes();
    await expect(similarObjects(db, fakeHost(() => null, true).api, rows, 'a0', 2)).rejects.toThrow(
      /Could not hash object crops: disk unplugged/,
    );
  });
});
