/** Difference hashes for images imported before probing made them, computed from their cached thumbnails. */

import type { ContentHash } from '../../core/ids';
import { differenceHashOfFile } from './dhash';
import { thumbnailFile } from './thumbnails';

/** Thumbnails are small; four in flight keep both cores of a small machine busy (sharp runs on libuv). */
const IN_FLIGHT = 4;

/**
 * The dHash of each content hash whose thumbnail is in the cache. Hashes without a readable thumbnail
 * (cache cleared, never imported here) are left out, so the caller can tell "no hash" from a hash.
 */
export async function perceptualHashes(
  dataDir: string,
  hashes: readonly ContentHash[],
): Promise<Record<string, string>> {
  const unique = [...new Set(hashes)];
  const found: [string, string][] = [];
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const hash = unique[next++]!;
      const dhash = await differenceHashOfFile(thumbnailFile(dataDir, hash)).catch(() => undefined);
      if (dhash !== undefined) found.push([hash, dhash]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, unique.length) }, worker));
  return Object.fromEntries(found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
