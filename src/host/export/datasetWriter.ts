/**
 * Writes an exported dataset so that the target folder holds either the whole dataset or nothing: every
 * file goes into a hidden temporary folder beside the target, is fsynced and hashed as it is written, the
 * manifest comes last, then the folder is fsynced and renamed onto the target in one step. A crash, a kill
 * or a cancel leaves no partial dataset at the target (at worst a `.labelloop-export-*` folder beside it,
 * which the next export there removes).
 */

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  buildManifest,
  isSafeRelativePath,
  MANIFEST_FILE,
  manifestText,
  type DatasetManifest,
  type ManifestFile,
} from '../../core/export/manifest';

/** One file of the dataset: text or bytes to write, or an image to copy or hard-link from its place. */
export type DatasetEntry =
  | { readonly path: string; readonly data: string | Uint8Array }
  | {
      readonly path: string;
      readonly source: string;
      readonly mode: 'copy' | 'hardlink';
      /** The bytes the file must have (a version froze them): a file changed since is refused. */
      readonly sha256?: string;
    };

export interface WriteDatasetOptions {
  readonly signal?: AbortSignal;
  /** Called after each file with how many were written so far. */
  readonly onProgress?: (written: number) => void;
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled; nothing was written to the target');
  }
}

/** An image whose bytes are no longer those the version froze: exporting it would not reproduce the version. */
export class ChangedSourceError extends Error {
  constructor(
    readonly source: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `${source} has changed since the version was made (sha256 ${actual.slice(0, 12)}…, the version has ${expected.slice(0, 12)}…); restore the original file or cut a new version`,
    );
  }
}

const TEMP_PREFIX = '.labelloop-export-';
/** Files written at once; see writeDataset. */
const WRITE_CONCURRENCY = 32;

async function fsyncPath(path: string, flags: 'r' | 'r+' = 'r'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes bytes to `path` and returns their size and SHA-256; the file is fsynced before it counts. */
async function writeHashed(path: string, data: string | Uint8Array): Promise<Omit<ManifestFile, 'path'>> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

async function hashFile(path: string): Promise<Omit<ManifestFile, 'path'>> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Copies `source` to `path` (streamed, fsynced) and hashes it on the way. */
async function copyHashed(source: string, path: string): Promise<Omit<ManifestFile, 'path'>> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(path, 'wx');
  try {
    for await (const chunk of createReadStream(source)) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      bytes += buffer.byteLength;
      await handle.write(buffer);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Removes temporary folders earlier exports to this target left behind when they were killed. */
async function removeLeftovers(parent: string, target: string): Promise<void> {
  const prefix = `${TEMP_PREFIX}${basename(target)}-`;
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    if (entry.startsWith(prefix)) await rm(join(parent, entry), { recursive: true, force: true });
  }
}

/**
 * Writes `entries` and then `manifest.json` (from `manifest` with the files filled in) into `target`,
 * which must not exist yet. Returns the manifest as written.
 */
export async function writeDataset(
  target: string,
  entries: AsyncIterable<DatasetEntry> | Iterable<DatasetEntry>,
  manifest: Omit<DatasetManifest, 'files'>,
  options?: WriteDatasetOptions,
): Promise<DatasetManifest>;
/**
 * With `manifest: null` no manifest.json is written (a converted dataset is not a LabelLoop version), with
 * the same atomicity; returns the files written.
 */
export async function writeDataset(
  target: string,
  entries: AsyncIterable<DatasetEntry> | Iterable<DatasetEntry>,
  manifest: null,
  options?: WriteDatasetOptions,
): Promise<readonly ManifestFile[]>;
export async function writeDataset(
  target: string,
  entries: AsyncIterable<DatasetEntry> | Iterable<DatasetEntry>,
  manifest: Omit<DatasetManifest, 'files'> | null,
  options: WriteDatasetOptions = {},
): Promise<DatasetManifest | readonly ManifestFile[]> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  if (
    await stat(target).then(
      () => true,
      () => false,
    )
  ) {
    throw new Error(`${target} already exists; choose a new folder for this export`);
  }
  await removeLeftovers(parent, target);
  const temp = join(parent, `${TEMP_PREFIX}${basename(target)}-${randomBytes(6).toString('hex')}`);
  await mkdir(temp);
  const files: ManifestFile[] = [];
  const folders = new Set<string>([temp]);
  // Files are written a few at a time: each one is fsynced, and concurrent fsyncs share the file system's
  // journal commits where one at a time each waits for its own (docs/benchmarks.md, dataset export). The
  // first failed write is thrown once the others have settled.
  const inFlight = new Set<Promise<void>>();
  const failures: unknown[] = [];
  let slotFreed: (() => void) | undefined;
  let completed = 0;
  /** Kept in entry order whatever order the writes finish in. */
  const writeOne = async (entry: DatasetEntry, path: string, index: number): Promise<void> => {
    let written: Omit<ManifestFile, 'path'>;
    if ('data' in entry) written = await writeHashed(path, entry.data);
    else if (entry.mode === 'hardlink') {
      // A hard link shares the image's bytes: nothing to copy, but they are hashed for the manifest.
      await link(entry.source, path);
      written = await hashFile(path);
    } else written = await copyHashed(entry.source, path);
    if ('source' in entry && entry.sha256 !== undefined && written.sha256 !== entry.sha256) {
      throw new ChangedSourceError(entry.source, entry.sha256, written.sha256);
    }
    files[index] = { path: entry.path, ...written };
    options.onProgress?.(++completed);
  };
  const settle = async () => {
    await Promise.all(inFlight);
    if (failures.length > 0) throw failures[0];
  };
  try {
    for await (const entry of entries) {
      if (failures.length > 0) throw failures[0];
      if (options.signal?.aborted) throw new ExportCancelled();
      if (!isSafeRelativePath(entry.path) || (manifest !== null && entry.path === MANIFEST_FILE)) {
        throw new Error(
          `refusing to write ${JSON.stringify(entry.path)}: not a plain relative path in the export`,
        );
      }
      const path = join(temp, ...entry.path.split('/'));
      const folder = dirname(path);
      if (!folders.has(folder)) {
        await mkdir(folder, { recursive: true });
        folders.add(folder);
      }
      const task: Promise<void> = writeOne(entry, path, files.length++)
        .catch((error: unknown) => {
          failures.push(error);
        })
        .finally(() => {
          inFlight.delete(task);
          slotFreed?.();
        });
      inFlight.add(task);
      // Wait for a free slot (not Promise.race, which would add a reaction to every write in flight each time).
      while (inFlight.size >= WRITE_CONCURRENCY) await new Promise<void>((resolve) => (slotFreed = resolve));
    }
    await settle();
    if (options.signal?.aborted) throw new ExportCancelled();
    const complete = manifest === null ? null : buildManifest({ ...manifest, files });
    if (complete !== null) await writeHashed(join(temp, MANIFEST_FILE), manifestText(complete));
    // Directory entries must be durable before the rename publishes them.
    for (const folder of [...folders].sort((a, b) => b.length - a.length)) await fsyncPath(folder);
    await rename(temp, target);
    await fsyncPath(parent);
    return complete ?? files;
  } catch (error) {
    // No write may still be running when the folder is removed.
    await Promise.all(inFlight);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
