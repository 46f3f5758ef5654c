/** Reads a COCO file from disk in pieces, so a file of any size is never held as one string. */

import { createReadStream } from 'node:fs';
import type { AnnotationSink } from '../../core/formats/coco/assemble';
import { createCocoStreamReader } from '../../core/formats/coco/stream';
import type { FormatDataset } from '../../core/formats/types';
import { DatasetReadError } from './onDisk';

export interface CocoFileOptions {
  /** Takes each object instead of its image (see createAssembler). */
  readonly sink?: AnnotationSink;
  /**
   * Awaited after each piece of the file, so a sink that writes to disk can hold the reading back; its
   * rejection (the sink cannot go on) ends the reading with that error.
   */
  readonly sinkReady?: () => Promise<void> | undefined;
  /**
   * Keeps the annotations that come before the categories or images (as in COCO's own files) out of
   * memory: `hold` takes each as it is read (its JSON text), `replay` gives them back parsed, in order, once
   * the file has been read.
   */
  readonly early?: {
    hold(json: string): void;
    replay(): AsyncIterable<unknown>;
  };
}

/**
 * The COCO file at `path` as readCoco reads it, its problems named by `name`; unreadable JSON is a
 * problem in the dataset, an unreadable file a DatasetReadError.
 */
export async function readCocoFile(
  path: string,
  name = 'annotations.json',
  { sink, sinkReady, early }: CocoFileOptions = {},
): Promise<FormatDataset> {
  const reader = createCocoStreamReader(name, {
    ...(sink && { sink }),
    ...(early && { defer: (_: unknown, json: string) => early.hold(json) }),
  });
  // utf8 decoding in the stream keeps a character cut between two reads whole.
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let sinkFailure: { error: unknown } | undefined;
  try {
    for await (const chunk of stream) {
      if (!reader.push(chunk as string)) break;
      const waiting = sinkReady?.();
      if (waiting)
        await waiting.catch((error: unknown) => {
          sinkFailure = { error };
          throw error;
        });
    }
  } catch (error) {
    if (sinkFailure) throw sinkFailure.error;
    throw new DatasetReadError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  } finally {
    stream.destroy();
  }
  if (early) {
    let count = 0;
    for await (const entry of early.replay()) {
      reader.replay(entry);
      if (++count % 10_000 === 0) await sinkReady?.();
    }
  }
  return reader.end();
}
