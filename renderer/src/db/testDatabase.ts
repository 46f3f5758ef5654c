/** Test support: an isolated in-memory project database per test, and probed-image fixtures. */

import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { ProbedImage } from '../../../src/core/images/types';
import type { ContentHash, RootId } from '../../../src/core/ids';
import { openDatabase, type LabelLoopDatabase } from './database';

export interface TestDatabase {
  readonly db: LabelLoopDatabase;
  /** Opens the same stored database again, as a page reload would. */
  reopen(): LabelLoopDatabase;
}

/** A fresh IndexedDB per call, so tests never see each other's rows. */
export function openTestDatabase(name = 'labelloop-test'): TestDatabase {
  const options = { indexedDB: new IDBFactory(), IDBKeyRange };
  return { db: openDatabase(name, options), reopen: () => openDatabase(name, options) };
}

/** A deterministic 64-hex content hash for fixture number `n`. */
export const contentHash = (n: number): ContentHash => n.toString(16).padStart(64, '0') as ContentHash;

export const TEST_ROOT = 'root-1' as RootId;

/** A probed image at `relPath` under /data/photos, with the bytes identified by `hash`. */
export function probedImage(
  relPath: string,
  hash: number,
  overrides: Partial<ProbedImage> = {},
): ProbedImage {
  return {
    sha256: contentHash(hash),
    rootId: TEST_ROOT,
    relPath,
    path: `/data/photos/${relPath}`,
    fileName: relPath.slice(relPath.lastIndexOf('/') + 1),
    format: 'jpeg',
    width: 640,
    height: 480,
    orientation: 1,
    bytes: 1000 + hash,
    hasAlpha: false,
    bitDepth: 8,
    ...overrides,
  };
}
