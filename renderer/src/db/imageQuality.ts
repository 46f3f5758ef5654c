/**
 * Fills in brightness, contrast and sharpness of images imported before the import measured them, so the
 * data-quality page can sort and filter every image. Runs outside any Dexie transaction: a transaction
 * must not wait on the host.
 */

import type { ApiClient } from '../../../src/core/api/contract';
import type { ContentHash, ImageId, ProjectId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from './database';

/** The host's limit per call; one batch is several seconds of decoding originals. */
export const QUALITY_BATCH = 1000;

export interface QualityFillResult {
  /** Images that had no quality before. */
  readonly missing: number;
  /** Of those, images given one now. */
  readonly filled: number;
}

/**
 * Asks the host to measure every image of the project that has no quality, in batches, and stores each
 * answer on its image record. Images whose file is gone or changed stay without one. Throws an Error with
 * the host's message when a call fails; batches already stored stay.
 */
export async function fillMissingImageQuality(
  db: LabelLoopDatabase,
  api: Pick<ApiClient, 'call'>,
  projectId: ProjectId,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<QualityFillResult> {
  const missing = (await db.images.where('projectId').equals(projectId).toArray())
    .filter((image) => image.quality === undefined)
    .map(({ id, rootId, relPath, sha256 }) => ({ id, rootId, relPath, sha256 }));
  let filled = 0;
  onProgress(0, missing.length);
  for (let start = 0; start < missing.length; start += QUALITY_BATCH) {
    const batch = missing.slice(start, start + QUALITY_BATCH);
    const result = await api.call('images.quality', {
      images: batch.map(({ rootId, relPath, sha256 }) => ({ rootId, relPath, sha256 })),
    });
    if (!result.ok) throw new Error(`Could not measure image quality: ${result.error.message}`);
    const updates = batch.flatMap((image) => {
      const quality = result.value[image.sha256 as ContentHash];
      return quality === undefined ? [] : [{ key: image.id as ImageId, changes: { quality } }];
    });
    if (updates.length > 0) await db.images.bulkUpdate(updates);
    filled += updates.length;
    onProgress(Math.min(start + QUALITY_BATCH, missing.length), missing.length);
  }
  return { missing: missing.length, filled };
}
