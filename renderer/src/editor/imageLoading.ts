/** Decoding images for the editor, with a small cache so the next image is ready before the user asks. */

import type { ApiClient } from '../../../src/core/api/contract';
import { displayPath, originalPath } from '../../../src/core/api/media';
import { NEEDS_DISPLAY_CONVERSION, type ImageRecord } from '../../../src/core/images/types';
import { needsTiles } from '../../../src/core/tiles/grid';

/** Decoded images kept: the current one, the previous and the next two. */
const CACHE_SIZE = 4;
const cache = new Map<string, Promise<HTMLImageElement>>();

export const MOVED_MESSAGE = (image: ImageRecord) =>
  `The file cannot be shown: it was moved, deleted or changed since import (${image.path}).`;

/** The decoded image, or a rejection with a message naming the file; tiled images are never decoded whole. */
export function loadImageElement(api: ApiClient, image: ImageRecord): Promise<HTMLImageElement> {
  const key = `${image.id}:${image.sha256}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const loading = new Promise<HTMLImageElement>((resolve, reject) => {
    const element = new window.Image();
    element.decoding = 'async';
    element.onload = () => {
      // Decode off the main thread before the first paint needs it.
      element.decode().then(
        () => resolve(element),
        () => resolve(element),
      );
    };
    element.onerror = () => {
      cache.delete(key);
      reject(new Error(MOVED_MESSAGE(image)));
    };
    const path = NEEDS_DISPLAY_CONVERSION.has(image.format)
      ? displayPath(image.rootId, image.relPath)
      : originalPath(image.rootId, image.relPath);
    element.src = api.mediaUrl(path);
  });
  cache.set(key, loading);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return loading;
}

/** Starts decoding an image the user is likely to open next; tiled images need nothing ahead. */
export function prefetchImage(api: ApiClient, image: ImageRecord | undefined): void {
  if (image && !needsTiles(image)) void loadImageElement(api, image).catch(() => undefined);
}
