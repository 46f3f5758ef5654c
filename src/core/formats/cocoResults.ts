/**
 * COCO results files (`[{image_id, category_id, bbox, score, segmentation?}]`, what detectors and
 * pycocotools' loadRes read) turned into predictions on the project's images, with every item that cannot
 * be used listed by its index and the reason.
 */

import type { Geometry, ImagePoint } from '../annotations/types';
import type { ImageId } from '../ids';
import type { Prediction } from '../predictions/types';
import type { LabelClass } from '../schema/types';

/** A project image as matching needs it. */
export interface ResultsImage {
  readonly id: ImageId;
  readonly fileName: string;
  /** Path under its root with forward slashes; matched before the bare file name when given. */
  readonly relPath?: string;
  readonly width: number;
  readonly height: number;
}

/** A COCO category: from the ground-truth file the model was evaluated on, or typed by the user. */
export interface CocoCategory {
  readonly id: number | string;
  readonly name: string;
}

/** A COCO image entry: how a numeric `image_id` names a file. */
export interface CocoImageRef {
  readonly id: number | string;
  readonly file_name: string;
}

export interface CocoResultsInput {
  /** The parsed JSON of the results file. */
  readonly results: unknown;
  readonly images: readonly ResultsImage[];
  /** The schema's classes. */
  readonly classes: readonly LabelClass[];
  readonly categories?: readonly CocoCategory[];
  readonly cocoImages?: readonly CocoImageRef[];
  /** The user's choices, by label (category name, or id without a name): a class id, or null for unmapped. */
  readonly classMap?: Readonly<Record<string, string | null>>;
}

export interface CocoResultsProblem {
  /** The item's index in the results array. */
  readonly index: number;
  readonly reason: string;
}

export interface LabelMapping {
  /** The category name, or its id when there is no name for it. */
  readonly label: string;
  readonly classId: string | null;
  /** Predictions with this label. */
  readonly count: number;
}

export interface CocoResults {
  readonly ok: true;
  /** Images with at least one prediction, in the order of `images`. */
  readonly images: readonly { readonly imageId: ImageId; readonly predictions: readonly Prediction[] }[];
  /** The first `MAX_LISTED_PROBLEMS` skipped items; `counts.skipped` counts them all. */
  readonly problems: readonly CocoResultsProblem[];
  readonly labels: readonly LabelMapping[];
  readonly counts: {
    readonly items: number;
    readonly predictions: number;
    readonly images: number;
    readonly skipped: number;
    /** Predictions whose label maps to no schema class: shown, never accepted. */
    readonly unmapped: number;
  };
}

export interface CocoResultsError {
  readonly ok: false;
  readonly reason: string;
}

export const MAX_LISTED_PROBLEMS = 1000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isId = (value: unknown): value is number | string =>
  (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && value !== '');

/** A value as a message quotes it: short, JSON-like. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const stemOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
};
const baseName = (path: string): string =>
  path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

function indexBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
  return map;
}

type Resolved = { image: ResultsImage } | { reason: string };

/** Finds project images by path, file name or stem; numeric ids go through the COCO images list first. */
function imageResolver(
  images: readonly ResultsImage[],
  cocoImages: readonly CocoImageRef[] | undefined,
): (imageId: number | string) => Resolved {
  const byPath = indexBy(images, (image) => image.relPath);
  const byName = indexBy(images, (image) => image.fileName);
  const byNameFolded = indexBy(images, (image) => image.fileName.toLowerCase());
  const byStem = indexBy(images, (image) => stemOf(image.fileName).toLowerCase());
  // COCO's own files are named by zero-padded id (000000397133.jpg is image 397133).
  const byNumber = indexBy(images, (image) => {
    const stem = stemOf(image.fileName);
    return /^\d+$/.test(stem) ? String(Number(stem)) : undefined;
  });
  const fileOf = new Map((cocoImages ?? []).map((ref) => [String(ref.id), ref.file_name]));

  const one = (found: ResultsImage[] | undefined, what: string): Resolved | undefined => {
    if (found === undefined || found.length === 0) return undefined;
    if (found.length === 1) return { image: found[0]! };
    const paths = found.map((image) => image.relPath ?? image.fileName).slice(0, 3);
    return { reason: `${what} matches ${found.length} images (${paths.join(', ')}); give its folder too` };
  };
  const byFile = (name: string, what: string): Resolved | undefined =>
    one(byPath.get(name.replaceAll('\\', '/')), what) ??
    one(byName.get(baseName(name)), what) ??
    one(byNameFolded.get(baseName(name).toLowerCase()), what);

  return (imageId) => {
    const what = `image_id ${shown(imageId)}`;
    const file = fileOf.get(String(imageId));
    if (file !== undefined) {
      return byFile(file, what) ?? { reason: `${what} is ${file}, which is not in this project` };
    }
    if (typeof imageId === 'string') {
      const found = byFile(imageId, what) ?? one(byStem.get(stemOf(baseName(imageId)).toLowerCase()), what);
      if (found) return found;
      if (!/^\d+$/.test(imageId)) return { reason: `${what} matches no image in this project` };
    }
    const numbered = one(byNumber.get(String(Number(imageId))), what);
    if (numbered) return numbered;
    return {
      reason:
        cocoImages === undefined
          ? `${what} matches no image in this project; give the ground-truth file's images list to match numeric ids`
          : `${what} matches no image in this project or in the images list`,
    };
  };
}

/** Maps a category to a schema class: the user's choice, then class id, then class name (any case). */
function classResolver(input: CocoResultsInput): (categoryId: number | string) => LabelMapping {
  const nameOf = new Map((input.categories ?? []).map((c) => [String(c.id), c.name]));
  const byId = new Map(input.classes.map((c) => [c.id, c]));
  const byName = new Map(input.classes.map((c) => [c.name.toLowerCase(), c]));
  const cache = new Map<string, LabelMapping>();
  return (categoryId) => {
    const key = String(categoryId);
    const cached = cache.get(key);
    if (cached) return cached;
    const name = nameOf.get(key);
    const label = name ?? key;
    let classId: string | null;
    if (input.classMap !== undefined && Object.hasOwn(input.classMap, label)) {
      const chosen = input.classMap[label] ?? null;
      classId = chosen !== null && byId.has(chosen) ? chosen : null;
    } else {
      classId = (byId.get(label) ?? byName.get(label.toLowerCase()) ?? byId.get(key))?.id ?? null;
    }
    const mapping = { label, classId, count: 0 };
    cache.set(key, mapping);
    return mapping;
  };
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function readBox(value: unknown): Geometry | string {
  if (!Array.isArray(value) || value.length !== 4 || !value.every(finite)) {
    return `bbox must be [x, y, width, height] with 4 numbers, not ${shown(value)}`;
  }
  const [x, y, width, height] = value as number[];
  if (width! <= 0 || height! <= 0) return `bbox ${width}×${height} has no area`;
  return { kind: 'box', x: x!, y: y!, width: width!, height: height! };
}

const area = (points: readonly ImagePoint[]): number => {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
};

/** The largest polygon of a COCO polygon segmentation; null for RLE or none; a string when malformed. */
function readSegmentation(value: unknown): ImagePoint[] | null | string {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return null;
  if (isRecord(value) && 'counts' in value && 'size' in value) return null;
  const valid =
    Array.isArray(value) &&
    value.every(
      (ring) => Array.isArray(ring) && ring.length >= 6 && ring.length % 2 === 0 && ring.every(finite),
    );
  if (!valid) {
    return `segmentation must be polygons ([[x1, y1, x2, y2, …]], at least 3 points) or RLE, not ${shown(value)}`;
  }
  const polygons = (value as number[][]).map((ring) =>
    Array.from({ length: ring.length / 2 }, (_, i) => ({ x: ring[2 * i]!, y: ring[2 * i + 1]! })),
  );
  return polygons.reduce((best, polygon) => (area(polygon) > area(best) ? polygon : best));
}

/**
 * Predictions per project image from a parsed COCO results file. Items that cannot be used (not an
 * object, malformed bbox or segmentation, score outside 0–1, unknown image) are skipped and listed.
 * Boxes are used unless the mapped class cannot be a box but can be a polygon and a polygon is given.
 */
export function parseCocoResults(input: CocoResultsInput): CocoResults | CocoResultsError {
  const { results } = input;
  if (!Array.isArray(results)) {
    const hint =
      isRecord(results) && Array.isArray(results.annotations)
        ? ': this looks like a COCO ground-truth file; choose the detections (results) file'
        : '';
    return { ok: false, reason: `A COCO results file is a JSON array of detections${hint}` };
  }
  const resolveImage = imageResolver(input.images, input.cocoImages);
  const resolveClass = classResolver(input);
  const classes = new Map(input.classes.map((c) => [c.id, c]));
  const perImage = new Map<ImageId, Prediction[]>();
  const problems: CocoResultsProblem[] = [];
  const mappings = new Map<string, { label: string; classId: string | null; count: number }>();
  let skipped = 0;
  let unmapped = 0;
  const skip = (index: number, reason: string) => {
    skipped++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ index, reason });
  };

  results.forEach((item: unknown, index) => {
    if (!isRecord(item)) return skip(index, `item is ${shown(item)}, not an object`);
    if (!isId(item.image_id)) {
      return skip(index, `image_id must be an integer or a file name, not ${shown(item.image_id)}`);
    }
    if (!isId(item.category_id)) {
      return skip(index, `category_id must be an integer or a name, not ${shown(item.category_id)}`);
    }
    const box = readBox(item.bbox);
    if (typeof box === 'string') return skip(index, box);
    if (!finite(item.score)) return skip(index, `score must be a number, not ${shown(item.score)}`);
    if (item.score < 0 || item.score > 1) return skip(index, `score ${item.score} is outside 0–1`);
    const polygon = readSegmentation(item.segmentation);
    if (typeof polygon === 'string') return skip(index, polygon);
    const found = resolveImage(item.image_id);
    if ('reason' in found) return skip(index, found.reason);

    const mapping = resolveClass(item.category_id);
    const entry = mappings.get(mapping.label) ?? { ...mapping };
    entry.count++;
    mappings.set(mapping.label, entry);
    if (mapping.classId === null) unmapped++;
    const geometries = mapping.classId === null ? undefined : classes.get(mapping.classId)?.geometries;
    const asPolygon =
      polygon !== null &&
      geometries !== undefined &&
      !geometries.includes('box') &&
      geometries.includes('polygon');
    const list = perImage.get(found.image.id) ?? [];
    list.push({
      id: `p${list.length + 1}`,
      classId: mapping.classId,
      label: mapping.label,
      score: item.score,
      geometry: asPolygon ? { kind: 'polygon', points: polygon } : box,
    });
    perImage.set(found.image.id, list);
  });

  const images = input.images
    .filter((image) => perImage.has(image.id))
    .map((image) => ({ imageId: image.id, predictions: perImage.get(image.id)! }));
  return {
    ok: true,
    images,
    problems,
    labels: [...mappings.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
    counts: {
      items: results.length,
      predictions: results.length - skipped,
      images: images.length,
      skipped,
      unmapped,
    },
  };
}

/**
 * The `images` and `categories` of a COCO ground-truth file, for matching numeric ids and naming
 * categories. Entries without a usable id and name are left out.
 */
export function cocoReferences(
  groundTruth: unknown,
): { ok: true; images: CocoImageRef[]; categories: CocoCategory[] } | CocoResultsError {
  if (!isRecord(groundTruth) || !Array.isArray(groundTruth.categories)) {
    return { ok: false, reason: 'A COCO ground-truth file is a JSON object with a "categories" list' };
  }
  const images = (Array.isArray(groundTruth.images) ? groundTruth.images : []).flatMap((image: unknown) =>
    isRecord(image) && isId(image.id) && typeof image.file_name === 'string' && image.file_name !== ''
      ? [{ id: image.id, file_name: image.file_name }]
      : [],
  );
  const categories = groundTruth.categories.flatMap((category: unknown) =>
    isRecord(category) && isId(category.id) && typeof category.name === 'string' && category.name !== ''
      ? [{ id: category.id, name: category.name }]
      : [],
  );
  return { ok: true, images, categories };
}

/**
 * Categories typed by the user, one per line: `1 person`, `2: bicycle`, `3, traffic light`. Blank lines
 * are ignored; a line without an id and a name is reported by its number (1-based).
 */
export function parseCategoryText(text: string): { categories: CocoCategory[]; problems: string[] } {
  const categories: CocoCategory[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^\s*(\d+)\s*[:,=\t ]\s*(\S.*?)\s*$/.exec(line);
    if (match) categories.push({ id: Number(match[1]), name: match[2]! });
    else problems.push(`line ${i + 1}: expected "id name", e.g. "1 person", not "${line.trim()}"`);
  });
  return { categories, problems };
}
