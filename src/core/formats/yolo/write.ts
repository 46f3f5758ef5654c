/** Writing images' annotations as an Ultralytics YOLO dataset: one label file per image and a data.yaml ready for training. */

import { stringify } from 'yaml';
import type { Geometry } from '../../annotations/types';
import {
  geometryBounds,
  isEmptyBounds,
  isLabeledKeypoint,
  polygonArea,
  rotatedBoxCorners,
  type Bounds,
} from '../../geometry/shapes';
import type { FormatImage, FormatProblem, WriteOptions, WrittenFile } from '../types';
import type { YoloSplit } from './config';
import { minimumAreaBox } from './geometry';
import { YOLO_TOLERANCE, type YoloTask } from './labels';

export interface YoloWriteOptions extends WriteOptions {
  readonly task: YoloTask;
  /** Split per image path; images not listed go to train. */
  readonly splits?: Readonly<Record<string, YoloSplit>>;
  /** Decimals of every coordinate; the default 6 is a millionth of the image, far below a pixel. */
  readonly precision?: number;
}

export interface YoloExport {
  /** `data.yaml` first, then `labels/<split>/<image path without extension>.txt` in image order. */
  readonly files: WrittenFile[];
  readonly problems: FormatProblem[];
}

interface Xy {
  readonly x: number;
  readonly y: number;
}

/**
 * The label files and data.yaml of a YOLO export. Every image gets a label file, empty when it has no
 * objects, so training counts it as a background image. Lines keep the images' annotation order; numbers
 * are fixed-point, clamped to 0–1, separated by single spaces, lines end in LF: the same input gives the
 * same bytes.
 *
 * What each task writes, from each geometry:
 * - detect: the axis-aligned bounding box of boxes, rotated boxes, polygons and keypoints (their box, or
 *   the bounds of their labeled points);
 * - segment: polygons; boxes and rotated boxes as their 4 corners, keypoints as their box's corners;
 * - obb: rotated boxes; boxes at angle 0; polygons as their smallest rotated box (as Ultralytics does);
 *   keypoints as their box;
 * - pose: keypoints with their box, 3 values per keypoint (x y visibility), absent ones as `0 0 0`;
 *   other area geometries as their bounding box with every keypoint absent.
 * Points and polylines enclose no area, so no task can write them: they are skipped and reported.
 */
export function writeYolo(images: readonly FormatImage[], options: YoloWriteOptions): YoloExport {
  const problems: FormatProblem[] = [];
  const precision = Math.min(12, Math.max(1, Math.round(options.precision ?? 6)));
  const classIndex = new Map<string, number>();
  options.labels.forEach((label, i) => {
    if (classIndex.has(label)) {
      problems.push({
        file: 'data.yaml',
        item: `names[${i}]`,
        reason: `${JSON.stringify(label)} is listed twice; its lines use index ${classIndex.get(label)}`,
      });
    } else {
      classIndex.set(label, i);
    }
  });
  const keypointCount = options.task === 'pose' ? poseKeypointCount(images, options, problems) : 0;

  const labelFiles: WrittenFile[] = [];
  const used = new Map<string, string>();
  const splitSizes: Record<YoloSplit, number> = { train: 0, val: 0, test: 0 };
  for (const image of images) {
    const path = safeImagePath(image.path);
    if (path === undefined) {
      problems.push({
        file: image.path,
        item: 'image',
        reason: 'the image path leaves the dataset folder (absolute, or with ..); not exported',
      });
      continue;
    }
    const split = options.splits?.[image.path] ?? 'train';
    const labelPath = `labels/${split}/${stemOf(path)}.txt`;
    if (!(
      Number.isFinite(image.width) &&
      Number.isFinite(image.height) &&
      image.width > 0 &&
      image.height > 0
    )) {
      problems.push({
        file: labelPath,
        item: 'image',
        reason: `the image size ${image.width}×${image.height} is unknown; YOLO coordinates are fractions of it, so no label file was written`,
      });
      continue;
    }
    const clash = used.get(labelPath);
    if (clash !== undefined) {
      problems.push({
        file: labelPath,
        item: 'image',
        reason: `${image.path} and ${clash} share this label file (same name but the extension, same split); ${image.path} was not exported`,
      });
      continue;
    }
    used.set(labelPath, image.path);
    // img2label_paths swaps the last `/images/` of an image path for `/labels/`: a folder of that name inside
    // the image path would send Ultralytics to the wrong label file.
    if (`/${path}`.includes('/images/')) {
      problems.push({
        file: labelPath,
        item: 'image',
        reason: `a folder named "images" in ${path} makes Ultralytics look for its labels in the wrong place`,
      });
    }
    splitSizes[split]++;

    const lines: string[] = [];
    const lineAt = new Map<string, number>();
    for (let i = 0; i < image.annotations.length; i++) {
      const annotation = image.annotations[i]!;
      const item = `annotations[${i}]`;
      const index = classIndex.get(annotation.label);
      if (index === undefined) {
        const reason = `class ${JSON.stringify(annotation.label)} is not among the exported classes; skipped`;
        problems.push({ file: labelPath, item, reason });
        continue;
      }
      const line = lineOf(options.task, annotation.geometry, image, keypointCount, precision);
      if (line.skip !== undefined) {
        problems.push({ file: labelPath, item, reason: line.skip });
        continue;
      }
      if (line.clamped) {
        problems.push({
          file: labelPath,
          item,
          reason: 'the shape extends outside the image; clamped to it',
        });
      }
      if (line.note !== undefined) problems.push({ file: labelPath, item, reason: line.note });
      const text = `${index} ${line.text}`;
      // verify_image_label drops repeated rows, so training would see one object where the user drew two.
      const twin = lineAt.get(text);
      if (twin === undefined) lineAt.set(text, i);
      else {
        const reason = `the same line as annotations[${twin}]; Ultralytics keeps only one of them`;
        problems.push({ file: labelPath, item, reason });
      }
      lines.push(text);
    }
    labelFiles.push({ path: labelPath, text: lines.length === 0 ? '' : `${lines.join('\n')}\n` });
  }

  if (splitSizes.val === 0) {
    problems.push({
      file: 'data.yaml',
      item: 'val',
      reason: 'no image is in the val split; val points at the train images so training can start',
    });
  }
  const dataYaml = dataYamlText(options, splitSizes, keypointCount, problems);
  return { files: [{ path: 'data.yaml', text: dataYaml }, ...labelFiles], problems };
}

/** Forward slashes; undefined for paths that would escape the export folder. */
function safeImagePath(path: string): string | undefined {
  const normalized = path.replaceAll('\\', '/');
  const segments = normalized.split('/');
  if (normalized === '' || normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) return undefined;
  if (segments.some((segment) => segment === '..' || segment === '')) return undefined;
  return segments.filter((segment) => segment !== '.').join('/');
}

const stemOf = (path: string): string => {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') + 1 ? path.slice(0, dot) : path;
};

/** kpt_shape's keypoint count: the skeletons' length, or the first keypoints annotation's. All must agree. */
function poseKeypointCount(
  images: readonly FormatImage[],
  options: YoloWriteOptions,
  problems: FormatProblem[],
): number {
  const lengths = options.labels.flatMap((label) => {
    const names = options.skeletons?.[label];
    return names ? [names.length] : [];
  });
  if (lengths.length > 0) {
    const count = Math.max(...lengths);
    if (lengths.some((length) => length !== count)) {
      problems.push({
        file: 'data.yaml',
        item: 'kpt_shape',
        reason: `YOLO pose has one keypoint count for all classes; the skeletons have ${[...new Set(lengths)].join(', ')}, so ${count} are written and shorter ones padded with absent keypoints`,
      });
    }
    return count;
  }
  for (const image of images) {
    for (const annotation of image.annotations) {
      if (annotation.geometry.kind === 'keypoints') return annotation.geometry.points.length;
    }
  }
  problems.push({
    file: 'data.yaml',
    item: 'kpt_shape',
    reason: 'a pose export needs keypoints, but there are no skeletons and no keypoint annotations',
  });
  return 0;
}

interface Line {
  readonly text: string;
  readonly skip?: string;
  readonly clamped?: boolean;
  readonly note?: string;
}

const skipped = (reason: string): Line => ({ text: '', skip: reason });

/** Whether a fraction lies beyond Ultralytics' tolerance, where verify_image_label would reject it unclamped. */
const isOutside = (v: number): boolean => v < -YOLO_TOLERANCE || v > 1 + YOLO_TOLERANCE;

/**
 * `x y` of each point as fractions of the image, clamped to 0–1, noting in `outside` a point beyond the
 * tolerance. Plain loops and a record rather than closures: this runs for every point of an export.
 */
function pointsText(
  points: readonly Xy[],
  size: FormatImage,
  precision: number,
  outside: { found: boolean },
): string {
  let text = '';
  for (let i = 0; i < points.length; i++) {
    const x = points[i]!.x / size.width;
    const y = points[i]!.y / size.height;
    if (isOutside(x) || isOutside(y)) outside.found = true;
    if (i > 0) text += ' ';
    text += `${(x < 0 ? 0 : x > 1 ? 1 : x).toFixed(precision)} ${(y < 0 ? 0 : y > 1 ? 1 : y).toFixed(precision)}`;
  }
  return text;
}

/** The coordinates of one annotation's line (without its class index), or why it cannot be written. */
function lineOf(
  task: YoloTask,
  geometry: Geometry,
  size: FormatImage,
  keypointCount: number,
  precision: number,
): Line {
  if (geometry.kind === 'point' || geometry.kind === 'polyline') {
    return skipped(`a ${geometry.kind} encloses no area, so YOLO ${task} cannot hold it; skipped`);
  }
  const outside = { found: false };
  const box = boxOf(geometry);

  if (task === 'segment' || task === 'obb') {
    let outline: readonly Xy[];
    if (task === 'segment' && geometry.kind === 'polygon') outline = geometry.points;
    else if (geometry.kind === 'rotated-box') outline = rotatedBoxCorners(geometry);
    else if (task === 'obb' && geometry.kind === 'polygon')
      outline = rotatedBoxCorners(minimumAreaBox(geometry.points));
    else if (box !== undefined) outline = cornersOf(box);
    else return skipped('the keypoints have no box and fewer than two labeled points; skipped');
    // Area in the clamped unit square: what training will see.
    const clampedOutline = outline.map((p) => ({
      x: Math.min(1, Math.max(0, p.x / size.width)),
      y: Math.min(1, Math.max(0, p.y / size.height)),
    }));
    if (outline.length < 3 || polygonArea(clampedOutline) <= 0)
      return skipped('the shape has no area inside the image; skipped');
    return { text: pointsText(outline, size, precision, outside), clamped: outside.found };
  }

  if (box === undefined)
    return skipped('the keypoints have no box and fewer than two labeled points; skipped');
  const x1 = Math.max(0, box.minX / size.width);
  const y1 = Math.max(0, box.minY / size.height);
  const x2 = Math.min(1, box.maxX / size.width);
  const y2 = Math.min(1, box.maxY / size.height);
  if (!(x2 > x1 && y2 > y1)) return skipped('the box has no area inside the image; skipped');
  const clamped =
    isOutside(box.minX / size.width) ||
    isOutside(box.minY / size.height) ||
    isOutside(box.maxX / size.width) ||
    isOutside(box.maxY / size.height);
  let text = `${((x1 + x2) / 2).toFixed(precision)} ${((y1 + y2) / 2).toFixed(precision)} ${(x2 - x1).toFixed(precision)} ${(y2 - y1).toFixed(precision)}`;
  if (task === 'detect') return { text, clamped };

  const absent = ` ${(0).toFixed(precision)} ${(0).toFixed(precision)} 0`;
  const given = geometry.kind === 'keypoints' ? geometry.points : [];
  for (let k = 0; k < keypointCount; k++) {
    const p = given[k];
    text +=
      p === undefined || !isLabeledKeypoint(p)
        ? absent
        : ` ${pointsText([p], size, precision, outside)} ${p.visibility}`;
  }
  const note =
    geometry.kind === 'keypoints' && given.length !== keypointCount
      ? `${given.length} keypoints where kpt_shape has ${keypointCount}; ${given.length > keypointCount ? 'the extra ones were dropped' : 'the missing ones written as absent'}`
      : undefined;
  return { text, clamped: clamped || outside.found, ...(note !== undefined && { note }) };
}

/** The axis-aligned box a geometry stands for; keypoints without a box use their labeled points. */
function boxOf(geometry: Geometry): Bounds | undefined {
  if (geometry.kind === 'keypoints' && geometry.box) {
    const { x, y, width, height } = geometry.box;
    return { minX: x, minY: y, maxX: x + width, maxY: y + height };
  }
  const bounds = geometryBounds(geometry);
  return isEmptyBounds(bounds) || bounds.maxX <= bounds.minX || bounds.maxY <= bounds.minY
    ? undefined
    : bounds;
}

const cornersOf = (b: Bounds): Xy[] => [
  { x: b.minX, y: b.minY },
  { x: b.maxX, y: b.minY },
  { x: b.maxX, y: b.maxY },
  { x: b.minX, y: b.maxY },
];

/**
 * A class name as a YAML scalar that PyYAML (YAML 1.1, what Ultralytics loads with) reads back as the same
 * string: `yes`, `on`, `null`, `007` are quoted; a name with a line break is written JSON-style.
 */
function yamlString(name: string): string {
  const text = stringify(name, { version: '1.1' }).trimEnd();
  return text.includes('\n') ? JSON.stringify(name) : text;
}

/** flip_idx from keypoint names: `left_x` and `right_x` trade places when the image is mirrored. */
function flipIndex(names: readonly string[]): number[] | undefined {
  const swap = (word: string): string => {
    const other = /^l/i.test(word) ? 'right' : 'left';
    return word === word.toUpperCase()
      ? other.toUpperCase()
      : /^[A-Z]/.test(word)
        ? other[0]!.toUpperCase() + other.slice(1)
        : other;
  };
  const position = new Map(names.map((name, i) => [name, i]));
  const flip = names.map((name, i) => position.get(name.replace(/left|right/gi, swap)) ?? i);
  const isInvolution = flip.every((j, i) => flip[j] === i) && position.size === names.length;
  return isInvolution ? flip : undefined;
}

function dataYamlText(
  options: YoloWriteOptions,
  splitSizes: Readonly<Record<YoloSplit, number>>,
  keypointCount: number,
  problems: FormatProblem[],
): string {
  const lines = [
    `# Ultralytics YOLO ${options.task} dataset written by LabelLoop.`,
    "# No `path`: Ultralytics then resolves train/val/test against this file's folder (check_det_dataset).",
    'train: images/train',
    `val: ${splitSizes.val > 0 ? 'images/val' : 'images/train'}`,
  ];
  if (splitSizes.test > 0) lines.push('test: images/test');
  lines.push('', `nc: ${options.labels.length}`, 'names:');
  options.labels.forEach((label, i) => lines.push(`  ${i}: ${yamlString(label)}`));

  if (options.task === 'pose' && keypointCount > 0) {
    lines.push('', `kpt_shape: [${keypointCount}, 3]`);
    const skeletons = options.labels.flatMap((label, i) => {
      const names = options.skeletons?.[label];
      return names && names.length === keypointCount ? [{ i, names }] : [];
    });
    if (skeletons.length > 0) {
      const flip = flipIndex(skeletons[0]!.names);
      if (flip) lines.push(`flip_idx: [${flip.join(', ')}]`);
      else
        problems.push({
          file: 'data.yaml',
          item: 'flip_idx',
          reason:
            'keypoint names repeat, so left/right pairs cannot be found; flip_idx left out (Ultralytics then turns off flip augmentation)',
        });
      lines.push('kpt_names:');
      for (const { i, names } of skeletons) {
        lines.push(`  ${i}:`, ...names.map((name) => `    - ${yamlString(name)}`));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
