/** The `images.quality` call: quality of imported images measured from their originals under registered roots. */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ImageQuality } from '../../core/quality/imageStats';
import type { RootRegistry } from '../roots';
import { decodeForQuality, qualityOfPixels } from './quality';

/** Originals up to this size are read once and shared by the content check and the decode (as at import). */
const IN_MEMORY_LIMIT = 256 * 1024 * 1024;
/** Four in flight keep both cores of a small machine busy (sharp runs on libuv's pool). */
const IN_FLIGHT = 4;

export interface ImageFileRef {
  readonly rootId: string;
  readonly relPath: string;
  readonly sha256: string;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The file's bytes (or its path, when too large to hold) for decoding, when it still has the content hash
 * the project knows it by; undefined when it changed.
 */
export async function readIfUnchanged(path: string, sha256: string): Promise<string | Buffer | undefined> {
  const { size } = await stat(path);
  const input = size <= IN_MEMORY_LIMIT ? await readFile(path) : path;
  const actual =
    typeof input === 'string' ? await hashFile(path) : createHash('sha256').update(input).digest('hex');
  // A file edited since import is another image; its numbers must not be stored on the old record.
  return actual === sha256 ? input : undefined;
}

/** Reads the file and measures it when it still has the content hash the project knows it by. */
async function measureIfUnchanged(
  path: string,
  sha256: string,
  maxInputPixels: number,
): Promise<ImageQuality | undefined> {
  const input = await readIfUnchanged(path, sha256);
  return input === undefined ? undefined : qualityOfPixels(await decodeForQuality(input, { maxInputPixels }));
}

/**
 * The paths under their roots of each content hash's files. Paths that resolve outside their root (a
 * link changed to lead out since import) and unknown roots are left out, so they are never read.
 */
export async function locateImages(
  roots: RootRegistry,
  images: readonly ImageFileRef[],
): Promise<{ sha256: string; paths: string[] }[]> {
  const byHash = new Map<string, ImageFileRef[]>();
  for (const image of images) {
    const refs = byHash.get(image.sha256);
    if (refs) refs.push(image);
    else byHash.set(image.sha256, [image]);
  }
  const located: { sha256: string; paths: string[] }[] = [];
  for (const [sha256, refs] of byHash) {
    const paths: string[] = [];
    for (const ref of refs) {
      const resolved = await roots.resolve(ref.rootId, ref.relPath.split('/'));
      if (resolved.ok && !paths.includes(resolved.path)) paths.push(resolved.path);
    }
    if (paths.length > 0) located.push({ sha256, paths });
  }
  return located;
}

/**
 * Quality of each image, keyed by content hash, measured once per hash. Paths that resolve outside
 * their root (a link changed to lead out since import) are never read; like unknown roots and missing,
 * unreadable, undecodable or changed files they are left out, so one bad file cannot block the rest.
 */
export async function qualityOfImages(
  roots: RootRegistry,
  images: readonly ImageFileRef[],
  maxInputPixels: number,
): Promise<Record<string, ImageQuality>> {
  // Resolved before any decoding, so a refused call has done no work.
  const located = await locateImages(roots, images);

  const found: [string, ImageQuality][] = [];
  let next = 0;
  const worker = async () => {
    while (next < located.length) {
      const { sha256, paths } = located[next++]!;
      for (const path of paths) {
        const quality = await measureIfUnchanged(path, sha256, maxInputPixels).catch(() => undefined);
        if (quality === undefined) continue;
        found.push([sha256, quality]);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, located.length) }, worker));
  return Object.fromEntries(found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
