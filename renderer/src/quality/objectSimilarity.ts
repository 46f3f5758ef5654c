/**
 * "More like this" for objects: the perceptual hash (dHash) of each object's crop, asked of the host once
 * per object and box and kept in memory, ranked by Hamming distance. Runs on the page, not in the quality
 * worker: only the page holds the host client.
 */

import type { ApiClient } from '../../../src/core/api/contract';
import type { Annotation } from '../../../src/core/annotations/types';
import { geometryBounds, isEmptyBounds } from '../../../src/core/geometry/shapes';
import type { ImageId } from '../../../src/core/ids';
import { nearestByHash } from '../../../src/core/mining/similarity';
import type { LabelLoopDatabase } from '../db/database';
import type { ObjectRow } from './qualityRows';

/** The host's limit per `images.cropHashes` call. */
export const CROP_HASH_BATCH = 2000;

export type Box = readonly [x: number, y: number, width: number, height: number];

export interface SimilarObjects {
  readonly method: 'crop hash';
  readonly rows: readonly {
    annotationId: string;
    imageId: ImageId;
    fileName: string;
    className: string;
    /** Bits of 64 that differ. */
    distance: number;
    /** Where the object is, in upright image pixels, for showing its crop. */
    box: Box;
  }[];
}

/**
 * Crop hashes by annotation id, box and file content: a moved box or an edited file is another crop.
 * `null` is an answer too (file missing or changed, box under 2 × 2 px), so it is not asked again.
 */
const cropHashCache = new Map<string, string | null>();
const cacheKey = (annotationId: string, sha256: string, box: Box) =>
  `${annotationId}|${sha256}|${box.join(',')}`;

/** Forgets every crop hash (tests; a project reloaded after its files changed on disk). */
export function clearCropHashes(): void {
  cropHashCache.clear();
}

/** Each object row's box and file, read from the database (object rows carry sizes, not positions). */
async function locateObjects(db: LabelLoopDatabase, rows: readonly ObjectRow[]) {
  const imageIds = [...new Set(rows.map((r) => r.imageId))];
  const [images, labels] = await Promise.all([db.images.bulkGet(imageIds), db.annotations.bulkGet(imageIds)]);
  const imageById = new Map(images.flatMap((i) => (i ? [[i.id, i] as const] : [])));
  const annotationById = new Map<string, Annotation>();
  for (const record of labels) for (const a of record?.annotations ?? []) annotationById.set(a.id, a);
  return rows.map((row) => {
    const image = imageById.get(row.imageId);
    const annotation = annotationById.get(row.annotationId);
    if (!image || !annotation) return undefined;
    const b = geometryBounds(annotation.geometry);
    if (isEmptyBounds(b)) return undefined;
    const box: Box = [b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY];
    return {
      key: cacheKey(row.annotationId, image.sha256, box),
      item: { rootId: image.rootId, relPath: image.relPath, sha256: image.sha256, box },
    };
  });
}

/**
 * The `k` objects whose crops look most like object `annotationId`'s, nearest first. Hashes every object
 * of `rows` not hashed before (reporting `onHashing(count)` first when any are missing), in batches of
 * CROP_HASH_BATCH. Objects without a hash are skipped; throws when the query object has none.
 */
export async function similarObjects(
  db: LabelLoopDatabase,
  api: Pick<ApiClient, 'call'>,
  rows: readonly ObjectRow[],
  annotationId: string,
  k: number,
  onHashing: (count: number) => void = () => {},
): Promise<SimilarObjects> {
  const at = rows.findIndex((r) => r.annotationId === annotationId);
  if (at < 0) throw new Error('That object is not in the project.');
  const located = await locateObjects(db, rows);
  const missing = new Map<string, NonNullable<(typeof located)[number]>['item']>();
  for (const object of located)
    if (object && !cropHashCache.has(object.key)) missing.set(object.key, object.item);
  if (missing.size > 0) {
    onHashing(missing.size);
    const entries = [...missing];
    for (let start = 0; start < entries.length; start += CROP_HASH_BATCH) {
      const batch = entries.slice(start, start + CROP_HASH_BATCH);
      const result = await api.call('images.cropHashes', {
        items: batch.map(([, { box, ...file }]) => ({ ...file, box: [box[0], box[1], box[2], box[3]] })),
      });
      if (!result.ok) throw new Error(`Could not hash object crops: ${result.error.message}`);
      batch.forEach(([key], i) => cropHashCache.set(key, result.value[i] ?? null));
    }
  }
  const hashes = located.map((object) => (object ? (cropHashCache.get(object.key) ?? undefined) : undefined));
  if (hashes[at] === undefined)
    throw new Error(
      'This object has no crop hash: its image file is missing or changed, or it is smaller than 2 × 2 pixels.',
    );
  return {
    method: 'crop hash',
    rows: nearestByHash(hashes, at, k).map(({ index, distance }) => {
      const row = rows[index]!;
      return {
        annotationId: row.annotationId,
        imageId: row.imageId,
        fileName: row.fileName,
        className: row.className,
        distance,
        box: located[index]!.item.box,
      };
    }),
  };
}
