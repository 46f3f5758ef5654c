/**
 * Fills in the perceptual hashes (dHash) of images imported before the import computed them, so a
 * version grouped by near-duplicates sees every image. Runs before the version's transaction: a Dexie
 * transaction must not wait on the host.
 */

import type { ApiClient } from '../../../src/core/api/contract';
import type { ContentHash, ImageId, ProjectId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from './database';

/** The host's limit per call; one batch is a few seconds of thumbnail decoding. */
export const HASH_BATCH = 1000;

export interface HashFillResult {
  /** Images that had no hash before. */
  readonly missing: number;
  /** Of those, images given one now. */
  readonly filled: number;
}

/**
 * Asks the host for the hash of every image of the project that has none, in batches, and stores each
 * on its image record. Images whose thumbnail is gone stay without one (they join no near-duplicate
 * group). Throws an Error with the host's message when a call fails; batches already stored stay.
 */
export async function fillMissingPerceptualHashes(
  db: LabelLoopDatabase,
  api: Pick<ApiClient, 'call'>,
  projectId: ProjectId,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<HashFillResult> {
  const missing = (await db.images.where('projectId').equals(projectId).toArray())
    .filter((image) => image.dhash === undefined)
    .map((image) => ({ id: image.id, sha256: image.sha256 }));
  let filled = 0;
  onProgress(0, missing.length);
  for (let start = 0; start < missing.length; start += HASH_BATCH) {
    const batch = missing.slice(start, start + HASH_BATCH);
    const result = await api.call('images.perceptualHashes', {
      hashes: [...new Set(batch.map((image) => image.sha256))],
    });
    if (!result.ok)
      throw new Error(`Could not hash images for near-duplicate grouping: ${result.error.message}`);
    const updates = batch.flatMap((image) => {
      const dhash = result.value[image.sha256 as ContentHash];
      return dhash === undefined ? [] : [{ key: image.id as ImageId, changes: { dhash } }];
    });
    if (updates.length > 0) await db.images.bulkUpdate(updates);
    filled += updates.length;
    onProgress(Math.min(start + HASH_BATCH, missing.length), missing.length);
  }
  return { missing: missing.length, filled };
}
