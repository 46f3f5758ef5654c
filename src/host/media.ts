/** Resolves media requests (originals, display copies, thumbnails, tiles) to files, for both transports. */

import { createHash } from 'node:crypto';
import { access, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import type { MediaRequest } from '../core/api/media';
import { writeFileAtomic } from './atomicWrite';
import { thumbnailFile } from './images/thumbnails';
import type { RootRegistry } from './roots';
import { serveTile } from './tiles/pyramid';

export type MediaFile =
  { ok: true; path: string; contentType: string } | { ok: false; status: 403 | 404 | 415; reason: string };

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.jpe': 'image/jpeg',
  '.jfif': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

export const contentTypeOf = (path: string): string =>
  CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

export async function resolveMedia(
  request: MediaRequest,
  roots: RootRegistry,
  dataDir: string,
  maxInputPixels: number,
): Promise<MediaFile> {
  if (request.kind === 'thumbnail') {
    const path = thumbnailFile(dataDir, request.hash);
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    return exists
      ? { ok: true, path, contentType: 'image/webp' }
      : { ok: false, status: 404, reason: 'no thumbnail' };
  }
  const resolved = await roots.resolve(request.rootId, request.segments);
  if (!resolved.ok) return resolved;
  const info = await stat(resolved.path);
  if (!info.isFile()) return { ok: false, status: 404, reason: 'not a file' };
  const contentType = contentTypeOf(resolved.path);
  if (!contentType.startsWith('image/')) return { ok: false, status: 415, reason: 'not an image file' };
  if (request.kind === 'original') return { ok: true, path: resolved.path, contentType };
  if (request.kind === 'tile')
    return serveTile(
      { path: resolved.path, size: info.size, mtimeMs: info.mtimeMs },
      { level: request.level, column: request.column, row: request.row },
      request.format,
      { dataDir, maxInputPixels },
    );

  // Display copy: an upright PNG, cached by path, size and modification time.
  const key = createHash('sha256').update(`${resolved.path}\0${info.size}\0${info.mtimeMs}`).digest('hex');
  const path = join(dataDir, 'cache', 'display', `${key}.png`);
  const cached = await access(path).then(
    () => true,
    () => false,
  );
  if (!cached) {
    let png: Buffer;
    try {
      png = await sharp(resolved.path, { limitInputPixels: maxInputPixels }).rotate().png().toBuffer();
    } catch (error) {
      return { ok: false, status: 415, reason: `cannot convert for display: ${(error as Error).message}` };
    }
    await writeFileAtomic(path, png);
  }
  return { ok: true, path, contentType: 'image/png' };
}
