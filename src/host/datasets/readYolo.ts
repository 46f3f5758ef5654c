/**
 * Reads an Ultralytics YOLO dataset from disk: the class list (data.yaml or classes.txt), the images of each
 * split (folders or image list files), each image's size from its header, and its label file found the way
 * Ultralytics finds it (img2label_paths: the last `images` folder becomes `labels`, the extension `.txt`).
 */

import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { folderOf, resolveDatasetPath, withoutExtension } from '../../core/formats/paths';
import type { FormatImage, FormatProblem } from '../../core/formats/types';
import { readYoloConfig, readYoloLabels, type YoloSplit, type YoloTask } from '../../core/formats/yolo';
import { isImageFile, isInside, kindOf, mapLimit, uprightImageSize, walkFiles } from './files';
import { DatasetReadError, MISSING_IMAGE, readText, type DatasetOnDisk } from './onDisk';

const SPLITS: readonly YoloSplit[] = ['train', 'val', 'test'];

/** Roboflow names its validation folder `valid`. */
const splitOfFolder = (name: string | undefined): YoloSplit | undefined =>
  name === 'train' || name === 'val' || name === 'test' ? name : name === 'valid' ? 'val' : undefined;

/** One image found in a split: where it is in the dataset, and the path it gets in the FormatDataset. */
interface Found {
  readonly split: YoloSplit;
  /** Relative to the dataset folder. */
  readonly file: string;
  /** Relative to its split's image folder: what writers lay out again under images/<split>/. */
  readonly path: string;
}

/** The label file Ultralytics reads for an image (data/utils.py img2label_paths). */
export function labelFileOf(imageFile: string): string {
  const segments = imageFile.split('/');
  const at = segments.lastIndexOf('images', segments.length - 2);
  if (at !== -1) segments[at] = 'labels';
  return `${withoutExtension(segments.join('/'))}.txt`;
}

/** An image's path below its `images/<split>/` folder, for images named by an image list. */
function pathInSplit(file: string, split: YoloSplit): string {
  const segments = file.split('/');
  let rest = segments.slice(segments.lastIndexOf('images', segments.length - 2) + 1);
  if (rest.length > 1 && splitOfFolder(rest[0]) === split) rest = rest.slice(1);
  return rest.join('/');
}

async function configFileOf(path: string): Promise<string> {
  if ((await kindOf(path)) === 'file') return path;
  for (const name of ['data.yaml', 'data.yml', 'dataset.yaml']) {
    if ((await kindOf(join(path, name))) === 'file') return join(path, name);
  }
  const top = await walkFiles(path, (name) => /\.ya?ml$/i.test(name) || name === 'classes.txt');
  const yamls = top.filter((file) => !file.includes('/') && /\.ya?ml$/i.test(file));
  if (yamls.length === 1) return join(path, yamls[0]!);
  if (top.includes('classes.txt')) return join(path, 'classes.txt');
  throw new DatasetReadError(`${path} is not a YOLO dataset: it has no data.yaml or classes.txt`);
}

/** The split folders of data.yaml, resolved inside the dataset, with the images in them. */
async function imagesOfSplits(
  folder: string,
  configName: string,
  root: string,
  splits: Readonly<Record<YoloSplit, readonly string[]>>,
  problems: FormatProblem[],
): Promise<Found[]> {
  const found: Found[] = [];
  for (const split of SPLITS) {
    for (const entry of splits[split]) {
      // check_det_dataset retries `../x` as `x` inside the dataset: Roboflow writes `train: ../train/images`.
      const candidates = entry.startsWith('../') ? [entry, entry.slice(3)] : [entry];
      let source: { path: string; kind: 'file' | 'folder' } | undefined;
      for (const candidate of candidates) {
        const resolved = resolveDatasetPath(root, candidate);
        if ('reason' in resolved) continue;
        const kind = await kindOf(join(folder, resolved.path));
        if (kind !== undefined) {
          source = { path: resolved.path, kind };
          break;
        }
      }
      if (source === undefined) {
        problems.push({
          file: configName,
          item: split,
          reason: `${JSON.stringify(entry)} is not a folder or image list inside the dataset`,
        });
      } else if (source.kind === 'folder') {
        for (const file of await walkFiles(join(folder, source.path), isImageFile)) {
          found.push({ split, file: `${source.path}/${file}`, path: file });
        }
      } else {
        const list = await readText(join(folder, source.path));
        list.split('\n').forEach((line, i) => {
          const name = line.trim();
          if (name === '') return;
          const resolved = resolveDatasetPath(name.startsWith('./') ? folderOf(source.path) : root, name);
          if ('reason' in resolved) {
            problems.push({ file: source.path, item: `line ${i + 1}`, reason: resolved.reason });
          } else {
            found.push({ split, file: resolved.path, path: pathInSplit(resolved.path, split) });
          }
        });
      }
    }
  }
  return found;
}

/** Without splits (classes.txt): images under images/ (split by its first folder) or else anywhere. */
async function imagesWithoutSplits(folder: string): Promise<Found[]> {
  if ((await kindOf(join(folder, 'images'))) === 'folder') {
    return (await walkFiles(join(folder, 'images'), isImageFile)).map((file) => {
      const [first, ...rest] = file.split('/');
      const split = rest.length > 0 ? splitOfFolder(first) : undefined;
      return { split: split ?? 'train', file: `images/${file}`, path: split ? rest.join('/') : file };
    });
  }
  const files = await walkFiles(folder, isImageFile);
  return files
    .filter((file) => !file.startsWith('labels/'))
    .map((file) => ({ split: 'train', file, path: file }));
}

/** A folder with data.yaml (or classes.txt), or the file itself: images, labels, splits and sizes. */
export async function readYoloFromDisk(path: string): Promise<DatasetOnDisk> {
  const configFile = await configFileOf(path);
  const folder = dirname(configFile);
  const configName = basename(configFile);
  const config = readYoloConfig(await readText(configFile), configName);
  const problems: FormatProblem[] = [...config.problems];
  if (config.labels.length === 0) {
    const reasons = config.problems.map((p) => `\n  ${p.item}: ${p.reason}`).join('');
    throw new DatasetReadError(`${configFile} names no classes${reasons}`);
  }

  let root = '';
  if (config.root !== undefined && !/^\.\/?$/.test(config.root)) {
    const resolved = resolveDatasetPath('', config.root);
    if ('reason' in resolved || (await kindOf(join(folder, resolved.path))) !== 'folder') {
      problems.push({
        file: configName,
        item: 'path',
        reason: `path ${JSON.stringify(config.root)} is not a folder inside the dataset; the splits are read relative to ${configName}`,
      });
    } else root = resolved.path;
  }
  const configured = SPLITS.some((split) => config.splits[split].length > 0);
  const listed = configured
    ? await imagesOfSplits(folder, configName, root, config.splits, problems)
    : await imagesWithoutSplits(folder);

  // An image in two splits (Ultralytics' `val: images/train` when there is no val set) counts once, in the first.
  const byFile = new Set<string>();
  const byPath = new Set<string>();
  const found: Found[] = [];
  for (const image of listed) {
    if (byFile.has(image.file)) continue;
    byFile.add(image.file);
    let path = image.path;
    if (byPath.has(path)) {
      path = `${image.split}/${image.path}`;
      problems.push({
        file: image.file,
        item: 'image',
        reason: `another split has an image named ${image.path}; this one is named ${path}`,
      });
    }
    byPath.add(path);
    found.push({ ...image, path });
  }

  type Loaded =
    | { image: Found; reason: string }
    | { image: Found; file: string; size: { width: number; height: number }; labels: string | Error };
  const loaded = await mapLimit(found, 8, async (image): Promise<Loaded> => {
    const file = join(folder, ...image.file.split('/'));
    if ((await kindOf(file)) !== 'file') return { image, reason: MISSING_IMAGE };
    if (!(await isInside(folder, file))) {
      return { image, reason: 'the image is a link that leads outside the dataset folder; not read' };
    }
    const size = await uprightImageSize(file);
    if ('reason' in size) return { image, reason: size.reason };
    // No label file is a background image (Ultralytics counts it as such).
    const labels = await readFile(join(folder, ...labelFileOf(image.file).split('/')), 'utf8').catch(
      (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : error),
    );
    return { image, file, size, labels };
  });

  const images: FormatImage[] = [];
  const sources = new Map<string, string>();
  const splits = new Map<string, YoloSplit>();
  let task: YoloTask | undefined;
  for (const entry of loaded) {
    const { image } = entry;
    splits.set(image.path, image.split);
    if ('reason' in entry) {
      problems.push({ file: image.file, item: 'image', reason: entry.reason });
      images.push({ path: image.path, width: 0, height: 0, annotations: [] });
      continue;
    }
    sources.set(image.path, entry.file);
    const labelFile = labelFileOf(image.file);
    if (entry.labels instanceof Error) {
      problems.push({ file: labelFile, item: 'file', reason: `cannot read: ${entry.labels.message}` });
      images.push({ path: image.path, ...entry.size, annotations: [] });
      continue;
    }
    const read = readYoloLabels(entry.labels, {
      file: labelFile,
      imagePath: image.path,
      ...entry.size,
      labels: config.labels,
      ...(config.kptShape && { kptShape: config.kptShape }),
      ...(task && { task }),
    });
    // The first file with lines decides what the lines are, so every file is read alike.
    if (task === undefined && entry.labels.trim() !== '') task = read.task;
    problems.push(...read.problems);
    images.push(read.image);
  }
  return {
    format: 'yolo',
    dataset: {
      images,
      labels: config.labels,
      ...(config.skeletons && { skeletons: config.skeletons }),
      problems,
    },
    imageRoot: folder,
    sources,
    splits,
    task: task ?? (config.kptShape ? 'pose' : 'detect'),
  };
}
