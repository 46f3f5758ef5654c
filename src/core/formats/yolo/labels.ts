/** Reading one YOLO label file (detect, segment, pose or OBB lines in normalized coordinates) into pixel annotations of its image. */

import type { Geometry, ImagePoint, KeypointVisibility } from '../../annotations/types';
import { polygonArea } from '../../geometry/polygons';
import type { FormatAnnotation, FormatImage, FormatProblem } from '../types';
import { isRectangle, minimumAreaBox, rotatedBoxFromCorners } from './geometry';

export type YoloTask = 'detect' | 'segment' | 'pose' | 'obb';

export interface YoloLabelsContext {
  /** The label file, relative to the dataset root, for problems. */
  readonly file: string;
  /** The image the labels belong to, as the returned FormatImage names it. */
  readonly imagePath: string;
  /** The image's size in pixels, read from the image: YOLO coordinates are fractions of it. */
  readonly width: number;
  readonly height: number;
  /** Class names in index order (readYoloConfig). */
  readonly labels: readonly string[];
  /** `kpt_shape` of data.yaml; given, the lines are pose lines. */
  readonly kptShape?: readonly [number, number];
  /** What the lines are; detected from the lines when not given (see detectTask). */
  readonly task?: YoloTask;
}

export interface YoloLabels {
  readonly image: FormatImage;
  readonly problems: FormatProblem[];
  /** The task the lines were read as: pass it on to the dataset's other files to read them alike. */
  readonly task: YoloTask;
}

/**
 * Ultralytics accepts coordinates up to 1% outside 0–1 (verify_image_label: `points.max() <= 1.01`,
 * `lb.min() >= -0.01`); such values are clamped quietly, values further out are clamped and reported.
 */
export const YOLO_TOLERANCE = 0.01;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

interface Row {
  readonly line: number;
  readonly tokens: readonly string[];
}

const quoted = (token: string): string =>
  JSON.stringify(token.length > 30 ? `${token.slice(0, 29)}…` : token);

/**
 * The task of a file whose task is not given, from its lines as Ultralytics' verify_image_label sees them:
 * kpt_shape means pose; a file whose every line has 9 tokens is OBB (4 corners; a 4-point polygon looks
 * the same, so pass `task: 'segment'` for those); any other line longer than 6 tokens means polygons
 * (segment); otherwise boxes (detect).
 */
function detectTask(rows: readonly Row[], context: YoloLabelsContext): YoloTask {
  if (context.kptShape) return 'pose';
  if (rows.length > 0 && rows.every((row) => row.tokens.length === 9)) return 'obb';
  return rows.some((row) => row.tokens.length > 6) ? 'segment' : 'detect';
}

/** 1% of the longest side: files round to a few decimals, which bends a rectangle slightly. */
function rectangleTolerance(corners: readonly ImagePoint[]): number {
  let longest = 0;
  for (let i = 0; i < 4; i++) {
    const a = corners[i]!;
    const b = corners[(i + 1) % 4]!;
    longest = Math.max(longest, Math.hypot(b.x - a.x, b.y - a.y));
  }
  return 0.01 * longest + 1e-9;
}

/** A line's first value beyond the tolerance, to report it once. A record, not closures: this runs per value. */
interface Clamp {
  worst: number | undefined;
}

/** The value clamped to 0–1, noting it in `clamp` when it lies beyond the tolerance. */
function unit(clamp: Clamp, v: number): number {
  if (clamp.worst === undefined && (v < -YOLO_TOLERANCE || v > 1 + YOLO_TOLERANCE)) clamp.worst = v;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

const expectedShape: Record<YoloTask, string> = {
  detect: 'class cx cy w h',
  segment: 'class x1 y1 x2 y2 x3 y3 … (at least 3 points)',
  obb: 'class x1 y1 x2 y2 x3 y3 x4 y4',
  pose: 'class cx cy w h and the keypoints of kpt_shape',
};

/**
 * One label file as the annotations of its image, in pixels. Each line is checked (token count for the
 * task, numbers, class index, coordinates within 0–1, non-zero area, duplicates) and a line that fails is
 * skipped and reported by its number. An empty file is an image with no objects (a background image).
 * Boxes and polygons are clamped to the image; OBB corners are not (clamping a corner bends the rectangle).
 */
export function readYoloLabels(text: string, context: YoloLabelsContext): YoloLabels {
  const { file, width, height, labels, kptShape } = context;
  const problems: FormatProblem[] = [];
  const annotations: FormatAnnotation[] = [];
  const result = (task: YoloTask): YoloLabels => ({
    image: { path: context.imagePath, width, height, annotations },
    problems,
    task,
  });
  const report = (line: number, reason: string) => problems.push({ file, item: `line ${line}`, reason });

  if (!(Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0)) {
    problems.push({
      file,
      item: 'image',
      reason: `the image size ${width}×${height} is unknown; YOLO coordinates are fractions of it, so no labels were read`,
    });
    return result(context.task ?? (kptShape ? 'pose' : 'detect'));
  }

  const rows: Row[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const trimmed = (i === 0 && lines[0]!.charCodeAt(0) === 0xfeff ? lines[0]!.slice(1) : lines[i]!).trim();
    if (trimmed !== '') rows.push({ line: i + 1, tokens: trimmed.split(/\s+/) });
  }
  const task = context.task ?? detectTask(rows, context);
  if (task === 'pose' && !kptShape) {
    if (rows.length > 0) {
      problems.push({
        file,
        item: 'file',
        reason: 'pose labels need kpt_shape from data.yaml; no labels were read',
      });
    }
    return result(task);
  }
  const [keypointCount, dims] = kptShape ?? [0, 0];
  const poseLength = 5 + keypointCount * dims;

  const seen = new Map<string, number>();
  for (const { line, tokens } of rows) {
    const count = tokens.length;
    const shapeOk =
      task === 'detect'
        ? count === 5 || (count >= 7 && count % 2 === 1)
        : task === 'segment'
          ? count === 5 || (count >= 7 && count % 2 === 1)
          : task === 'obb'
            ? count === 9
            : count === poseLength;
    if (!shapeOk) {
      const wanted = task === 'pose' ? `${poseLength} values (${expectedShape.pose})` : expectedShape[task];
      report(line, `${count} values where a ${task} line has ${wanted}`);
      continue;
    }

    const classValue = Number(tokens[0]);
    if (!NUMBER.test(tokens[0]!) || !Number.isInteger(classValue) || classValue < 0) {
      report(line, `class ${quoted(tokens[0]!)} is not a class index (a whole number ≥ 0)`);
      continue;
    }
    if (classValue >= labels.length) {
      report(
        line,
        `class ${classValue} is out of range: the dataset has ${labels.length} classes (0–${labels.length - 1})`,
      );
      continue;
    }
    const values = new Array<number>(count - 1);
    let bad: string | undefined;
    for (let t = 1; t < count; t++) {
      const token = tokens[t]!;
      const value = NUMBER.test(token) ? Number(token) : NaN;
      if (!Number.isFinite(value)) {
        bad = token;
        break;
      }
      values[t - 1] = value;
    }
    if (bad !== undefined) {
      report(line, `${quoted(bad)} is not a number`);
      continue;
    }
    // verify_image_label drops duplicate rows; so do we, so the counts match what training sees.
    const key = tokens.join(' ');
    const first = seen.get(key);
    if (first !== undefined) {
      report(line, `duplicate of line ${first}; skipped (Ultralytics drops duplicate labels)`);
      continue;
    }
    seen.set(key, line);

    const clamp: Clamp = { worst: undefined };
    const read = readGeometry(task, values, clamp, width, height, keypointCount, dims);
    if (typeof read === 'string') {
      report(line, read);
      continue;
    }
    const worst = clamp.worst;
    if (worst !== undefined) {
      const what =
        read.kind === 'rotated-box'
          ? 'kept as written (clamping would bend the box)'
          : 'clamped to the image';
      report(line, `coordinate ${worst} is outside 0–1; ${what}`);
    }
    annotations.push({ label: labels[classValue]!, geometry: read.geometry });
  }
  return result(task);
}

type Read = { kind: Geometry['kind']; geometry: Geometry };

/** The geometry of one line's numbers (class removed), or why it has none. */
function readGeometry(
  task: YoloTask,
  values: readonly number[],
  clamp: Clamp,
  width: number,
  height: number,
  keypointCount: number,
  dims: number,
): Read | string {
  if (task === 'obb') return readObb(values, clamp, width, height);
  if (values.length === 4 || task === 'pose') {
    const box = readBox(values, clamp, width, height);
    if (typeof box === 'string') return box;
    if (task !== 'pose') return { kind: 'box', geometry: { kind: 'box', ...box } };
    const points = readKeypoints(values, clamp, width, height, keypointCount, dims);
    if (typeof points === 'string') return points;
    return { kind: 'keypoints', geometry: { kind: 'keypoints', points, box } };
  }
  const points: ImagePoint[] = [];
  for (let i = 0; i < values.length; i += 2) {
    points.push({ x: unit(clamp, values[i]!) * width, y: unit(clamp, values[i + 1]!) * height });
  }
  if (polygonArea(points) <= 0)
    return 'the polygon has no area (its points are on one line or outside the image)';
  if (task === 'segment') return { kind: 'polygon', geometry: { kind: 'polygon', points } };
  // Detect training turns polygons into their boxes (verify_image_label → segments2boxes).
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return {
    kind: 'box',
    geometry: { kind: 'box', x: minX, y: minY, width: maxX - minX, height: maxY - minY },
  };
}

/** `cx cy w h` (normalized centre and size) as a pixel box by its corner, clamped to the image. */
function readBox(
  values: readonly number[],
  clamp: Clamp,
  width: number,
  height: number,
): { x: number; y: number; width: number; height: number } | string {
  const [cx, cy, w, h] = values as [number, number, number, number];
  if (w <= 0 || h <= 0) return `the box has no area (width ${w}, height ${h})`;
  unit(clamp, cx);
  unit(clamp, cy);
  const x1 = unit(clamp, cx - w / 2);
  const y1 = unit(clamp, cy - h / 2);
  const x2 = unit(clamp, cx + w / 2);
  const y2 = unit(clamp, cy + h / 2);
  if (x2 <= x1 || y2 <= y1) return 'the box lies outside the image';
  return { x: x1 * width, y: y1 * height, width: (x2 - x1) * width, height: (y2 - y1) * height };
}

/**
 * The keypoints after a pose line's box. With 3 values per keypoint the third is COCO visibility (0 absent,
 * 1 occluded, 2 visible); with 2 there is none, so a point at 0,0 (what converters write for a missing
 * one) or at a negative position (Ultralytics' own mask, verify_image_label) is absent, any other visible.
 * Absent keypoints are stored at 0,0.
 */
function readKeypoints(
  values: readonly number[],
  clamp: Clamp,
  width: number,
  height: number,
  count: number,
  dims: number,
): (ImagePoint & { visibility: KeypointVisibility })[] | string {
  const points: (ImagePoint & { visibility: KeypointVisibility })[] = [];
  for (let k = 0; k < count; k++) {
    const at = 4 + k * dims;
    const x = values[at]!;
    const y = values[at + 1]!;
    let visibility: KeypointVisibility;
    if (dims === 3) {
      const v = values[at + 2]!;
      if (v !== 0 && v !== 1 && v !== 2) return `keypoint ${k + 1} has visibility ${v}; it must be 0, 1 or 2`;
      visibility = v;
    } else {
      visibility = (x === 0 && y === 0) || x < 0 || y < 0 ? 0 : 2;
    }
    points.push(
      visibility === 0
        ? { x: 0, y: 0, visibility }
        : { x: unit(clamp, x) * width, y: unit(clamp, y) * height, visibility },
    );
  }
  return points;
}

/**
 * Four normalized corners as a rotated box in pixels. Corners of a rectangle keep their order (the first
 * edge is the width); other quadrilaterals, common in OBB files (DOTA's annotations are free quadrilaterals,
 * converted as they are), become the smallest rotated box around them, as Ultralytics trains on them
 * (cv2.minAreaRect in ops.xyxyxyxy2xywhr).
 */
function readObb(values: readonly number[], clamp: Clamp, width: number, height: number): Read | string {
  const corners = [0, 2, 4, 6].map((i) => {
    unit(clamp, values[i]!);
    unit(clamp, values[i + 1]!);
    return { x: values[i]! * width, y: values[i + 1]! * height };
  }) as [ImagePoint, ImagePoint, ImagePoint, ImagePoint];
  const box = isRectangle(corners, rectangleTolerance(corners))
    ? rotatedBoxFromCorners(corners)
    : minimumAreaBox(corners);
  if (!(box.width > 1e-9 && box.height > 1e-9)) return 'the oriented box has no area';
  return { kind: 'rotated-box', geometry: { kind: 'rotated-box', ...box } };
}
