/**
 * Objects of a large dataset kept on disk between inspect and import: written as JSON lines to one of 64
 * bucket files by a hash of the image path while the file is read, and read back one bucket at a time, so
 * the host never holds more than about a 64th of the objects.
 */

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FormatAnnotation } from '../../core/formats/types';

export const SPILL_BUCKETS = 64;
/** A bucket's lines are gathered up to this many characters before one write. */
const WRITE_CHARS = 1 << 16;
/** Each bucket file's stream buffers this much before it asks the reader to wait. */
const STREAM_BYTES = 1 << 18;

/** The folder under the host's data dir that holds one folder of bucket files per inspection. */
export const spillRoot = (dataDir: string): string => join(dataDir, 'cache', 'dataset-import');

/** FNV-1a (32-bit) over the path's UTF-16 code units: the same bucket in every run and process. */
export function spillBucket(imagePath: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < imagePath.length; i++) {
    hash ^= imagePath.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SPILL_BUCKETS;
}

const bucketFile = (folder: string, bucket: number) =>
  join(folder, `bucket-${String(bucket).padStart(2, '0')}.jsonl`);
/** Annotations that came before the categories, as parsed, until the file has been read (see stream.ts). */
const earlyFile = (folder: string) => join(folder, 'early.jsonl');

/** Settles when the stream has room again, or can take nothing more. */
const drained = (stream: WriteStream) =>
  new Promise<void>((done) => {
    if (stream.destroyed) return done();
    const settle = () => {
      stream.off('drain', settle).off('close', settle);
      done();
    };
    stream.on('drain', settle).on('close', settle);
  });

const closed = (stream: WriteStream) =>
  new Promise<void>((done) => {
    if (stream.closed) return done();
    stream.once('close', () => done());
    stream.end();
  });

/** Files of JSON lines written in pieces of WRITE_CHARS; a file is made at its first line. */
function createLineFiles(pathOf: (n: number) => string, count: number) {
  const streams: (WriteStream | undefined)[] = Array.from({ length: count }, () => undefined);
  const queued: string[] = Array.from({ length: count }, () => '');
  let failure: Error | undefined;

  const write = (n: number) => {
    let stream = streams[n];
    if (stream === undefined) {
      stream = createWriteStream(pathOf(n), { highWaterMark: STREAM_BYTES });
      stream.on('error', (error) => (failure ??= error));
      streams[n] = stream;
    }
    stream.write(queued[n]!);
    queued[n] = '';
  };

  return {
    append(n: number, line: string): void {
      queued[n] += `${line}\n`;
      if (queued[n]!.length >= WRITE_CHARS) write(n);
    },
    ready(): Promise<void> | undefined {
      if (failure) return Promise.reject(failure);
      const behind = streams.filter((s): s is WriteStream => s !== undefined && s.writableNeedDrain);
      if (behind.length === 0) return undefined;
      return Promise.all(behind.map(drained)).then(() => {
        if (failure) throw failure;
      });
    },
    async close(): Promise<void> {
      for (let n = 0; n < count; n++) if (queued[n] !== '') write(n);
      await Promise.all(streams.map((stream) => stream && closed(stream)));
      if (failure) throw failure;
    },
  };
}

/** The lines of a file of JSON lines, parsed; nothing when the file was never made. */
async function* readLines(path: string): AsyncGenerator<unknown> {
  let rest = '';
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        if (end > start) yield JSON.parse(text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  } finally {
    stream.destroy();
  }
  if (rest !== '') yield JSON.parse(rest);
}

export interface SpillWriter {
  /** Queues one object of the image at `imagePath` for its bucket file. */
  append(imagePath: string, annotation: FormatAnnotation): void;
  /** Keeps the JSON text of an annotation entry the COCO reader cannot use yet, until `replayEarly`. */
  holdEarly(json: string): void;
  /** The entries given to `holdEarly`, in order. */
  replayEarly(): AsyncGenerator<unknown>;
  /** While a file is behind, a promise that settles when it has caught up; rejects once a write failed. */
  ready(): Promise<void> | undefined;
  /** Writes what is queued and closes the files; throws the first write error. */
  close(): Promise<void>;
}

/** Writes bucket files into `folder`, which must exist. */
export function createSpillWriter(folder: string): SpillWriter {
  const buckets = createLineFiles((bucket) => bucketFile(folder, bucket), SPILL_BUCKETS);
  const early = createLineFiles(() => earlyFile(folder), 1);
  let earlyClosed: Promise<void> | undefined;
  // An image's objects mostly come one after another: its bucket and quoted path are kept.
  let lastPath: string | undefined;
  let lastBucket = 0;
  let lastStart = '';
  return {
    append(imagePath, annotation) {
      if (imagePath !== lastPath) {
        lastPath = imagePath;
        lastBucket = spillBucket(imagePath);
        lastStart = `{"p":${JSON.stringify(imagePath)},"a":`;
      }
      buckets.append(lastBucket, `${lastStart}${JSON.stringify(annotation)}}`);
    },
    holdEarly(json) {
      // Valid JSON has line breaks only between tokens, where a space means the same.
      early.append(0, /[\n\r]/.test(json) ? json.replace(/[\n\r]/g, ' ') : json);
    },
    async *replayEarly() {
      await (earlyClosed ??= early.close());
      yield* readLines(earlyFile(folder));
      await rm(earlyFile(folder), { force: true });
    },
    ready() {
      const waits = [buckets.ready(), early.ready()].filter((w) => w !== undefined);
      return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
    },
    async close() {
      await Promise.all([buckets.close(), (earlyClosed ??= early.close())]);
    },
  };
}

/** The objects in one bucket file by image path, each image's in the order they were written. */
export async function readSpillBucket(
  folder: string,
  bucket: number,
): Promise<Map<string, FormatAnnotation[]>> {
  const objects = new Map<string, FormatAnnotation[]>();
  for await (const line of readLines(bucketFile(folder, bucket))) {
    const { p, a } = line as { p: string; a: FormatAnnotation };
    const list = objects.get(p);
    if (list) list.push(a);
    else objects.set(p, [a]);
  }
  return objects;
}

/** Makes the folder of one inspection's buckets. */
export const makeSpillFolder = (folder: string) => mkdir(folder, { recursive: true });

/** Deletes the folder of one inspection's buckets. */
export const removeSpillFolder = (folder: string) => rm(folder, { recursive: true, force: true });

/** Deletes every spill folder under `root` but the `live` ones: those left by a process that ended early. */
export async function removeStaleSpills(root: string, live: ReadonlySet<string>): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    names
      .map((name) => join(root, name))
      .flatMap((path) => (live.has(path) ? [] : [removeSpillFolder(path)])),
  );
}
