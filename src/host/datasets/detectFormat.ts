/** Guesses a dataset's format from the files each tool writes, for `--from auto`. */

import { open, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { kindOf, walkFiles } from './files';
import type { DatasetFormat } from './onDisk';

/** Enough of a JSON file to see its top-level keys: COCO puts `images` first or second, labelme `shapes`. */
const HEAD_BYTES = 64 * 1024;

async function head(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** What a JSON file looks like from its first bytes. */
async function jsonKind(path: string): Promise<'coco' | 'labelme' | undefined> {
  const text = await head(path).catch(() => '');
  if (/"shapes"\s*:/.test(text) && /"imagePath"\s*:/.test(text)) return 'labelme';
  if (/"images"\s*:\s*\[/.test(text) || /"annotations"\s*:\s*\[/.test(text)) return 'coco';
  return undefined;
}

/**
 * The format of the dataset at `path`, or undefined when it looks like none: a data.yaml or classes.txt
 * means YOLO, an Annotations/ folder VOC, an .xml file (annotations.xml) CVAT, a JSON with `images` and
 * `annotations` COCO, a folder of JSON files with `shapes` labelme.
 */
export async function detectFormat(path: string): Promise<DatasetFormat | undefined> {
  const kind = await kindOf(path);
  if (kind === 'file') {
    const extension = extname(path).toLowerCase();
    if (extension === '.yaml' || extension === '.yml' || extension === '.txt') return 'yolo';
    if (extension === '.xml') return 'cvat';
    if (extension === '.json') return (await jsonKind(path)) === 'coco' ? 'coco' : undefined;
    return undefined;
  }
  if (kind !== 'folder') return undefined;
  const top = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  if (top.some((file) => /\.ya?ml$/i.test(file) || file === 'classes.txt')) return 'yolo';
  if ((await kindOf(join(path, 'Annotations'))) === 'folder') return 'voc';
  if (top.includes('annotations.xml')) return 'cvat';
  const jsons = top.filter((file) => file.toLowerCase().endsWith('.json'));
  for (const file of jsons) {
    const found = await jsonKind(join(path, file));
    if (found !== undefined) return found;
  }
  if ((await kindOf(join(path, 'annotations'))) === 'folder') {
    for (const file of await walkFiles(join(path, 'annotations'), (name) => name.endsWith('.json'))) {
      if ((await jsonKind(join(path, 'annotations', file))) === 'coco') return 'coco';
    }
  }
  // labelme keeps each JSON next to its image, possibly in subfolders.
  const nested = await walkFiles(path, (name) => name.toLowerCase().endsWith('.json'));
  for (const file of nested.slice(0, 50)) {
    if ((await jsonKind(join(path, file))) === 'labelme') return 'labelme';
  }
  return undefined;
}
