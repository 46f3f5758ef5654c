/**
 * Reads a dataset folder or file as another tool wrote it (COCO, YOLO, Pascal VOC, labelme, CVAT) into a
 * FormatDataset with the pure readers of src/core/formats, finds each image on disk, and fills in sizes the
 * files leave out. Every problem of the readers is kept, and images missing from disk are added to them.
 */

import { basename, dirname, join, resolve } from 'node:path';
import { CVAT_FILE, readCvat } from '../../core/formats/cvat';
import { readLabelme } from '../../core/formats/labelme';
import { resolveDatasetPath } from '../../core/formats/paths';
import type { FormatDataset, FormatImage, FormatProblem } from '../../core/formats/types';
import { readVoc } from '../../core/formats/voc';
import { byCodePoint, isInside, kindOf, mapLimit, uprightImageSize, walkFiles } from './files';
import {
  DatasetReadError,
  MISSING_IMAGE,
  readText,
  type DatasetFormat,
  type DatasetOnDisk,
  type ReadDatasetOptions,
} from './onDisk';
import { readCocoFile, type CocoFileOptions } from './readCocoStream';
import { readYoloFromDisk } from './readYolo';

export {
  DATASET_FORMATS,
  DatasetReadError,
  MISSING_IMAGE,
  type DatasetFormat,
  type DatasetOnDisk,
  type ReadDatasetOptions,
} from './onDisk';

const describeProblems = (problems: readonly FormatProblem[]): string =>
  problems
    .slice(0, 5)
    .map((p) => `\n  ${p.file} ${p.item}: ${p.reason}`)
    .join('');

/** A file that yields no image and only problems was not this format, or is broken beyond use. */
function requireUsable(dataset: FormatDataset, path: string, format: DatasetFormat): void {
  if (dataset.images.length === 0 && dataset.problems.length > 0) {
    throw new DatasetReadError(`${path} cannot be read as ${format}:${describeProblems(dataset.problems)}`);
  }
}

/**
 * Finds each image under `imageRoot` (refusing paths and links that lead out of it), reports the missing
 * ones, and reads the size of those the labels give none for. `listedIn` names the label file of an image.
 */
export async function locateImages(
  dataset: FormatDataset,
  imageRoot: string,
  listedIn: (path: string) => string,
): Promise<{ dataset: FormatDataset; sources: Map<string, string> }> {
  const problems: FormatProblem[] = [...dataset.problems];
  const sources = new Map<string, string>();
  const rootKind = await kindOf(imageRoot);
  const images = await mapLimit(dataset.images, 8, async (image): Promise<FormatImage> => {
    const resolved = resolveDatasetPath('', image.path);
    if ('reason' in resolved) {
      problems.push({ file: listedIn(image.path), item: image.path, reason: resolved.reason });
      return image;
    }
    const file = join(imageRoot, ...resolved.path.split('/'));
    if (rootKind !== 'folder' || (await kindOf(file)) !== 'file') {
      problems.push({ file: listedIn(image.path), item: image.path, reason: MISSING_IMAGE });
      return image;
    }
    if (!(await isInside(imageRoot, file))) {
      problems.push({
        file: listedIn(image.path),
        item: image.path,
        reason: 'the image is a link that leads outside the dataset folder; not read',
      });
      return image;
    }
    sources.set(image.path, file);
    if (image.width > 0 && image.height > 0) return image;
    const size = await uprightImageSize(file);
    if ('reason' in size) {
      problems.push({ file: listedIn(image.path), item: image.path, reason: size.reason });
      return image;
    }
    return { ...image, ...size };
  });
  return { dataset: { ...dataset, images, problems }, sources };
}

/** Labels in code-point order, for formats without a class list (VOC, labelme): the same files give the same order. */
const labelsUsed = (images: readonly FormatImage[]): string[] =>
  [...new Set(images.flatMap((image) => image.annotations.map((a) => a.label)))].sort(byCodePoint);

/** The COCO file of a path: the file itself, or in a folder `annotations.json` or the one JSON in it or in `annotations/`. */
async function cocoFile(path: string): Promise<string> {
  if ((await kindOf(path)) !== 'folder') return path;
  if ((await kindOf(join(path, 'annotations.json'))) === 'file') return join(path, 'annotations.json');
  for (const folder of [path, join(path, 'annotations')]) {
    const jsons = (await walkFiles(folder, (name) => name.endsWith('.json')).catch(() => [])).filter(
      (file) => !file.includes('/'),
    );
    if (jsons.length === 1) return join(folder, jsons[0]!);
  }
  throw new DatasetReadError(`${path} holds no COCO file: expected annotations.json or a single .json file`);
}

/** The image folder of COCO and CVAT: `--images`, else `images/` beside the file, else the file's folder. */
async function imageFolderBeside(file: string, options: ReadDatasetOptions): Promise<string> {
  if (options.images !== undefined) return resolve(options.images);
  const beside = join(dirname(file), 'images');
  return (await kindOf(beside)) === 'folder' ? beside : dirname(file);
}

async function readCocoFromDisk(
  path: string,
  options: ReadDatasetOptions,
  cocoOptions: CocoFileOptions,
): Promise<DatasetOnDisk> {
  const file = await cocoFile(path);
  const name = basename(file);
  const dataset = await readCocoFile(file, name, cocoOptions);
  requireUsable(dataset, file, 'coco');
  const imageRoot = await imageFolderBeside(file, options);
  return { format: 'coco', imageRoot, ...(await locateImages(dataset, imageRoot, () => name)) };
}

async function readCvatFromDisk(path: string, options: ReadDatasetOptions): Promise<DatasetOnDisk> {
  const file = (await kindOf(path)) === 'folder' ? join(path, CVAT_FILE) : path;
  const name = basename(file);
  const dataset = readCvat(await readText(file), name);
  requireUsable(dataset, file, 'cvat');
  const imageRoot = await imageFolderBeside(file, options);
  return { format: 'cvat', imageRoot, ...(await locateImages(dataset, imageRoot, () => name)) };
}

/** One image per file (VOC, labelme): merged into a dataset; a second file naming an image already read is skipped. */
function collectImages(
  read: readonly { file: string; image: FormatImage | null; problems: readonly FormatProblem[] }[],
): { dataset: FormatDataset; listedIn: Map<string, string> } {
  const problems: FormatProblem[] = [];
  const images: FormatImage[] = [];
  const listedIn = new Map<string, string>();
  for (const { file, image, problems: found } of read) {
    problems.push(...found);
    if (image === null) continue;
    const first = listedIn.get(image.path);
    if (first !== undefined) {
      problems.push({
        file,
        item: 'image',
        reason: `${image.path} is already described by ${first}; skipped`,
      });
      continue;
    }
    listedIn.set(image.path, file);
    images.push(image);
  }
  return { dataset: { images, labels: labelsUsed(images), problems }, listedIn };
}

async function readVocFromDisk(path: string, options: ReadDatasetOptions): Promise<DatasetOnDisk> {
  let root = path;
  if ((await kindOf(join(root, 'Annotations'))) !== 'folder') {
    if (basename(path) === 'Annotations' && (await kindOf(path)) === 'folder') root = dirname(path);
    else throw new DatasetReadError(`${path} is not a Pascal VOC folder: it has no Annotations/ folder`);
  }
  const xmls = await walkFiles(join(root, 'Annotations'), (name) => name.toLowerCase().endsWith('.xml'));
  if (xmls.length === 0) throw new DatasetReadError(`${join(root, 'Annotations')} holds no .xml files`);
  const read = await mapLimit(xmls, 8, async (xml) => {
    const file = `Annotations/${xml}`;
    return { file, ...readVoc(await readText(join(root, 'Annotations', xml)), file) };
  });
  const { dataset, listedIn } = collectImages(read);
  const jpegImages = join(root, 'JPEGImages');
  const imageRoot =
    options.images !== undefined
      ? resolve(options.images)
      : (await kindOf(jpegImages)) === 'folder'
        ? jpegImages
        : root;
  const located = await locateImages(dataset, imageRoot, (p) => listedIn.get(p) ?? 'Annotations');
  return { format: 'voc', imageRoot, ...located };
}

async function readLabelmeFromDisk(path: string): Promise<DatasetOnDisk> {
  if ((await kindOf(path)) !== 'folder') {
    throw new DatasetReadError(`${path} is not a folder; a labelme dataset is a folder of JSON files`);
  }
  const jsons = await walkFiles(path, (name) => name.toLowerCase().endsWith('.json'));
  if (jsons.length === 0) throw new DatasetReadError(`${path} holds no labelme .json files`);
  const read = await mapLimit(jsons, 8, async (file) => ({
    file,
    ...readLabelme(await readText(join(path, file)), file),
  }));
  const { dataset, listedIn } = collectImages(read);
  requireUsable(dataset, path, 'labelme');
  const located = await locateImages(dataset, path, (p) => listedIn.get(p) ?? '');
  return { format: 'labelme', imageRoot: path, ...located };
}

/**
 * Reads the dataset at `path` in `format`, where each tool puts its files:
 * - coco: a JSON file (or a folder with annotations.json); images under `options.images`, `images/`
 *   beside the JSON, or the JSON's folder;
 * - yolo: a folder with data.yaml (or classes.txt), or the data.yaml itself; splits from its folders;
 * - voc: a folder with Annotations/*.xml and JPEGImages/;
 * - labelme: a folder of labelme JSON files (searched recursively), each next to its image;
 * - cvat: annotations.xml (or its folder), images in `images/` beside it.
 * Throws DatasetReadError when nothing can be read; problems in single items are in `dataset.problems`.
 * `cocoOptions` (COCO only) can send the objects to a sink instead of their images.
 */
export async function readDatasetFromDisk(
  path: string,
  format: DatasetFormat,
  options: ReadDatasetOptions = {},
  cocoOptions: CocoFileOptions = {},
): Promise<DatasetOnDisk> {
  if ((await kindOf(path)) === undefined) throw new DatasetReadError(`cannot read ${path}: ENOENT`);
  switch (format) {
    case 'coco':
      return readCocoFromDisk(path, options, cocoOptions);
    case 'yolo':
      return readYoloFromDisk(path);
    case 'voc':
      return readVocFromDisk(path, options);
    case 'labelme':
      return readLabelmeFromDisk(path);
    case 'cvat':
      return readCvatFromDisk(path, options);
  }
}
