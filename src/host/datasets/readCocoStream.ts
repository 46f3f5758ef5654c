/** Reads a COCO file from disk in pieces, so a file of any size is never held as one string. */

import { createReadStream } from 'node:fs';
import { createCocoStreamReader } from '../../core/formats/coco/stream';
import type { FormatDataset } from '../../core/formats/types';
import { DatasetReadError } from './onDisk';

/**
 * The COCO file at `path` as readCoco reads it, its problems named by `name`; unreadable JSON is a
 * problem in the dataset, an unreadable file a DatasetReadError.
 */
export async function readCocoFile(path: string, name = 'annotations.json'): Promise<FormatDataset> {
  const reader = createCocoStreamReader(name);
  // utf8 decoding in the stream keeps a character cut between two reads whole.
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      if (!reader.push(chunk as string)) break;
    }
  } catch (error) {
    throw new DatasetReadError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  } finally {
    stream.destroy();
  }
  return reader.end();
}
