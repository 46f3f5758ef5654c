/** The on-disk thumbnail cache, keyed by content hash so a file imported twice is thumbnailed once. */

import { join } from 'node:path';
import type { ContentHash } from '../../core/ids';

export const THUMBNAIL_SIZE = 256;

export const thumbnailFile = (dataDir: string, hash: ContentHash | string): string =>
  join(dataDir, 'cache', 'thumbs', hash.slice(0, 2), `${hash}.webp`);
