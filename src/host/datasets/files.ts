/** File-system helpers the dataset readers share: walking a folder, image sizes, and staying inside the dataset. */

import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import sharp from 'sharp';
import { uprightSize } from '../../core/images/types';

/** The image files Ultralytics trains on (data/utils.py IMG_FORMATS); the other formats name their images. */
export const IMAGE_EXTENSIONS = new Set([
  'bmp',
  'dng',
  'jpeg',
  'jpg',
  'mpo',
  'png',
  'tif',
  'tiff',
  'webp',
  'pfm',
  'heic',
  'avif',
  'gif',
]);

export const isImageFile = (name: string): boolean => {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
};

export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const kindOf = (path: string): Promise<'file' | 'folder' | undefined> =>
  stat(path).then(
    (s) => (s.isDirectory() ? 'folder' : s.isFile() ? 'file' : undefined),
    () => undefined,
  );

/**
 * Files under `folder` whose name passes `keep`, as paths relative to it with forward slashes, sorted.
 * Hidden entries are skipped and symbolic links to folders are not entered, so a walk stays in the dataset.
 */
export async function walkFiles(folder: string, keep: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const visit = async (relativeFolder: string): Promise<void> => {
    const entries = await readdir(join(folder, relativeFolder), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => byCodePoint(a.name, b.name))) {
      if (entry.name.startsWith('.')) continue;
      const path = relativeFolder === '' ? entry.name : `${relativeFolder}/${entry.name}`;
      if (entry.isDirectory()) await visit(path);
      else if ((entry.isFile() || entry.isSymbolicLink()) && keep(entry.name)) out.push(path);
    }
  };
  await visit('');
  return out;
}

/** Whether `path`, with links resolved, lies inside `root` (itself resolved): a link may not lead out of the dataset. */
export async function isInside(root: string, path: string): Promise<boolean> {
  const [realRoot, real] = await Promise.all([realpath(root), realpath(path)]);
  const rel = relative(realRoot, real);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The upright size of an image (EXIF orientations 5–8 swap width and height, as probe.ts and Ultralytics' exif_size do), from its header only. */
export async function uprightImageSize(
  path: string,
): Promise<{ width: number; height: number } | { reason: string }> {
  try {
    const metadata = await sharp(path, { limitInputPixels: false }).metadata();
    const { width = 0, height = 0 } = metadata;
    if (width <= 0 || height <= 0) return { reason: 'the image declares no size' };
    return uprightSize(width, height, metadata.orientation ?? 1);
  } catch (error) {
    return { reason: `the image cannot be read: ${(error as Error).message.trim()}` };
  }
}

/** `fn` over `items` with at most `limit` running at once, results in the items' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
