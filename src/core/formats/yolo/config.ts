/** Reading a YOLO dataset's class list: an Ultralytics `data.yaml` (names, splits, keypoint shape) or a darknet-style `classes.txt`. */

import { parseDocument } from 'yaml';
import type { FormatProblem } from '../types';

export type YoloSplit = 'train' | 'val' | 'test';

export interface YoloConfig {
  /** Class names in index order: the class of a label line is `labels[index]`. */
  readonly labels: readonly string[];
  /** `kpt_shape`: keypoints per object and values per keypoint (2: x y, 3: x y visibility). */
  readonly kptShape?: readonly [number, number];
  /** `flip_idx`: the keypoint each keypoint becomes when the image is mirrored. */
  readonly flipIdx?: readonly number[];
  /** Keypoint names per class name, from `kpt_names`. */
  readonly skeletons?: Readonly<Record<string, readonly string[]>>;
  /** `path`: the dataset root the split folders are relative to, as written (undefined when absent). */
  readonly root?: string;
  /** Image folders (or image list files) per split, as written, relative to `root`. */
  readonly splits: Readonly<Record<YoloSplit, readonly string[]>>;
  readonly problems: readonly FormatProblem[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIndex = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** Ultralytics' fallback name for a class it has no name for (check_det_dataset). */
const placeholder = (index: number): string => `class_${index}`;

const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** `classes.txt` (labelImg, darknet `obj.names`): line i names class i; a blank line keeps its index. */
function readClassList(text: string, file: string): YoloConfig {
  const problems: FormatProblem[] = [];
  const lines = stripBom(text).split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const labels = lines.map((line, i) => {
    const name = line.trim();
    if (name !== '') return name;
    problems.push({
      file,
      item: `line ${i + 1}`,
      reason: `blank line: class ${i} is named ${placeholder(i)} so the classes after it keep their indices`,
    });
    return placeholder(i);
  });
  if (labels.length === 0) problems.push({ file, item: 'names', reason: 'the class list is empty' });
  return { labels, splits: { train: [], val: [], test: [] }, problems };
}

/**
 * `names` as a list or as an {index: name} map. Ultralytics requires the map's keys to be 0…n−1
 * (check_class_names); gaps are filled with placeholders and reported so indices stay as the file meant.
 */
function readNames(value: unknown, problem: (item: string, reason: string) => void): string[] | undefined {
  const named = (name: unknown, item: string, index: number): string => {
    if (
      (typeof name === 'string' && name.trim() !== '') ||
      typeof name === 'number' ||
      typeof name === 'boolean'
    ) {
      return String(name).trim();
    }
    problem(item, `class ${index} has no name (${shown(name)}); it is named ${placeholder(index)}`);
    return placeholder(index);
  };
  if (Array.isArray(value)) return value.map((name, i) => named(name, `names[${i}]`, i));
  if (!isRecord(value)) {
    problem('names', `names must be a list or an {index: name} map, not ${shown(value)}`);
    return undefined;
  }
  const byIndex = new Map<number, string>();
  for (const [key, name] of Object.entries(value)) {
    const index = Number(key);
    if (!/^\d+$/.test(key.trim()) || !isIndex(index)) {
      problem(`names.${key}`, `class index ${shown(key)} is not a whole number ≥ 0; the entry is ignored`);
      continue;
    }
    byIndex.set(index, named(name, `names.${key}`, index));
  }
  const count = byIndex.size === 0 ? 0 : Math.max(...byIndex.keys()) + 1;
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = byIndex.get(i);
    if (name === undefined) {
      problem(
        'names',
        `class index ${i} is missing (indices must run 0–${count - 1}); it is named ${placeholder(i)}`,
      );
    }
    labels.push(name ?? placeholder(i));
  }
  return labels;
}

/** `train`/`val`/`test`: a folder, an image list file, or a list of either (Ultralytics data.yaml comments). */
function readSplit(value: unknown, key: string, problem: (item: string, reason: string) => void): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value as string[];
  problem(key, `${key} must be a folder or a list of folders, not ${shown(value)}`);
  return [];
}

/** `kpt_names`: an {index: [names]} map or a list of name lists, one per class. */
function readKeypointNames(
  value: unknown,
  labels: readonly string[],
  keypoints: number | undefined,
  problem: (item: string, reason: string) => void,
): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((names, i) => [String(i), names])
    : isRecord(value)
      ? Object.entries(value)
      : [];
  if (entries.length === 0) {
    problem('kpt_names', `kpt_names must map class indices to keypoint name lists, not ${shown(value)}`);
    return undefined;
  }
  const skeletons: Record<string, string[]> = {};
  for (const [key, names] of entries) {
    const label = /^\d+$/.test(key) ? labels[Number(key)] : undefined;
    if (label === undefined) {
      problem(`kpt_names.${key}`, `${shown(key)} is not the index of a class; the names are ignored`);
    } else if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
      problem(`kpt_names.${key}`, `keypoint names must be a list of strings, not ${shown(names)}`);
    } else if (keypoints !== undefined && names.length !== keypoints) {
      problem(
        `kpt_names.${key}`,
        `${names.length} names for ${keypoints} keypoints (kpt_shape); the names are ignored`,
      );
    } else {
      skeletons[label] = names as string[];
    }
  }
  return Object.keys(skeletons).length > 0 ? skeletons : undefined;
}

function readDataYaml(text: string, file: string): YoloConfig {
  const problems: FormatProblem[] = [];
  const problem = (item: string, reason: string) => problems.push({ file, item, reason });
  const empty = (): YoloConfig => ({ labels: [], splits: { train: [], val: [], test: [] }, problems });

  // The yaml package caps alias expansion (maxAliasCount), so a "billion laughs" file fails here, fast.
  const document = parseDocument(stripBom(text));
  const error = document.errors[0];
  if (error !== undefined) {
    const where = error.linePos?.[0];
    problem(where ? `line ${where.line}` : 'file', `not valid YAML: ${error.message.split('\n')[0]}`);
    return empty();
  }
  let data: unknown;
  try {
    data = document.toJS();
  } catch (thrown) {
    problem('file', `not valid YAML: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    return empty();
  }
  if (!isRecord(data)) {
    problem('file', `a data.yaml is a mapping of keys (path, train, val, names…), not ${shown(data)}`);
    return empty();
  }

  // check_det_dataset: names or nc is required; without names the classes are class_0…; both must agree.
  const nc = data.nc;
  if (nc !== undefined && !isIndex(nc)) problem('nc', `nc must be a whole number ≥ 0, not ${shown(nc)}`);
  let labels: string[];
  if (data.names === undefined || data.names === null) {
    const count = isIndex(nc) ? nc : 0;
    labels = Array.from({ length: count }, (_, i) => placeholder(i));
    problem(
      'names',
      count > 0
        ? `names is missing; the ${count} classes of nc are named class_0…class_${count - 1}`
        : 'names is missing',
    );
  } else {
    labels = readNames(data.names, problem) ?? [];
    if (isIndex(nc) && nc !== labels.length) {
      problem('nc', `nc is ${nc} but names lists ${labels.length} classes; the names are used`);
    }
  }

  let kptShape: [number, number] | undefined;
  if (data.kpt_shape !== undefined && data.kpt_shape !== null) {
    const shape = data.kpt_shape;
    if (
      Array.isArray(shape) &&
      shape.length === 2 &&
      isIndex(shape[0]) &&
      shape[0] > 0 &&
      (shape[1] === 2 || shape[1] === 3)
    ) {
      kptShape = [shape[0], shape[1]];
    } else {
      problem('kpt_shape', `kpt_shape must be [keypoints, 2 or 3], not ${shown(shape)}`);
    }
  }

  let flipIdx: number[] | undefined;
  if (data.flip_idx !== undefined && data.flip_idx !== null) {
    const flip = data.flip_idx;
    const count = kptShape?.[0];
    const valid =
      Array.isArray(flip) &&
      flip.every((i) => isIndex(i) && i < flip.length) &&
      new Set(flip).size === flip.length &&
      (count === undefined || flip.length === count);
    if (valid) flipIdx = flip as number[];
    else
      problem(
        'flip_idx',
        `flip_idx must reorder the ${count ?? 'N'} keypoints (a permutation of 0…), not ${shown(flip)}`,
      );
  }

  // Ultralytics renames a `validation` key to `val` and requires both train and val.
  const val = data.val ?? data.validation;
  const splits = {
    train: readSplit(data.train, 'train', problem),
    val: readSplit(val, 'val', problem),
    test: readSplit(data.test, 'test', problem),
  };
  if (data.train === undefined) problem('train', 'train is missing; Ultralytics requires train and val');
  if (val === undefined) problem('val', 'val is missing; Ultralytics requires train and val');

  const skeletons = readKeypointNames(data.kpt_names, labels, kptShape?.[0], problem);
  const root = typeof data.path === 'string' && data.path !== '' ? data.path : undefined;
  return {
    labels,
    ...(kptShape && { kptShape }),
    ...(flipIdx && { flipIdx }),
    ...(skeletons && { skeletons }),
    ...(root !== undefined && { root }),
    splits,
    problems,
  };
}

/**
 * The classes (and for data.yaml the splits and keypoint shape) of a YOLO dataset. A file whose name ends
 * in `.txt` is a class list, one name per line; anything else is read as an Ultralytics data.yaml.
 */
export function readYoloConfig(text: string, file: string): YoloConfig {
  return file.toLowerCase().endsWith('.txt') ? readClassList(text, file) : readDataYaml(text, file);
}
