/**
 * Data-quality rows: one per image and one per object, with every measured field, and the sorting and
 * range filtering the Data quality screen offers on any of them.
 */

import type { ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageRecord } from '../../../src/core/images/types';
import type { ImageId } from '../../../src/core/ids';
import { imageObjectSummary, objectQuality, outliers } from '../../../src/core/quality/objectStats';

export interface ImageRow {
  readonly imageId: ImageId;
  readonly fileName: string;
  readonly width: number;
  readonly height: number;
  readonly aspectRatio: number;
  readonly brightness: number | null;
  readonly contrast: number | null;
  readonly sharpness: number | null;
  readonly objects: number;
  readonly density: number;
  readonly smallestRelativeArea: number | null;
  readonly touchingBorder: number;
  readonly classes: number;
  /** Other images in its near-duplicate group (0 when alone or without a hash). */
  readonly nearDuplicates: number;
  /** Other images whose embeddings (newest embedding run) are within a few degrees; null when not embedded. */
  readonly embeddingNearDuplicates: number | null;
  /** From the latest evaluation of the chosen run; null when none. */
  readonly mistakenness: number | null;
}

export interface ObjectRow {
  readonly imageId: ImageId;
  readonly fileName: string;
  readonly annotationId: string;
  readonly classId: string;
  readonly className: string;
  readonly area: number;
  readonly relativeArea: number;
  readonly width: number;
  readonly height: number;
  readonly aspectRatio: number;
  readonly touchesBorder: boolean;
  /** Size or aspect ratio outside Tukey's fences for its class (1.5 × the interquartile range). */
  readonly sizeOutlier: boolean;
  readonly aspectOutlier: boolean;
}

export type ImageField = Exclude<keyof ImageRow, 'imageId' | 'fileName'>;
export type ObjectField = Exclude<
  keyof ObjectRow,
  'imageId' | 'fileName' | 'annotationId' | 'classId' | 'className'
>;

/** Column names, units and what a person reads from them. */
export const IMAGE_FIELDS: readonly {
  key: ImageField | 'fileName';
  label: string;
  digits: number;
  hint: string;
}[] = [
  { key: 'fileName', label: 'Image', digits: 0, hint: 'file name' },
  { key: 'width', label: 'Width', digits: 0, hint: 'pixels' },
  { key: 'height', label: 'Height', digits: 0, hint: 'pixels' },
  { key: 'aspectRatio', label: 'Aspect', digits: 2, hint: 'width / height' },
  { key: 'brightness', label: 'Brightness', digits: 2, hint: 'mean luma, 0 black – 1 white' },
  { key: 'contrast', label: 'Contrast', digits: 3, hint: 'RMS contrast: standard deviation of luma, 0–1' },
  {
    key: 'sharpness',
    label: 'Sharpness',
    digits: 1,
    hint: 'variance of the Laplacian at 512 px; low = blurry',
  },
  { key: 'objects', label: 'Objects', digits: 0, hint: 'labelled objects' },
  { key: 'density', label: 'Density', digits: 1, hint: 'objects per megapixel' },
  {
    key: 'smallestRelativeArea',
    label: 'Smallest',
    digits: 4,
    hint: 'smallest object as a share of the image',
  },
  { key: 'touchingBorder', label: 'At border', digits: 0, hint: 'objects touching the image border' },
  { key: 'classes', label: 'Classes', digits: 0, hint: 'distinct classes' },
  { key: 'nearDuplicates', label: 'Near-dups', digits: 0, hint: 'other images with a near-identical dHash' },
  {
    key: 'embeddingNearDuplicates',
    label: 'Near-dups (embedding)',
    digits: 0,
    hint: 'other images whose embeddings are within ~11° (newest embedding run)',
  },
  {
    key: 'mistakenness',
    label: 'Mistakenness',
    digits: 2,
    hint: 'largest label-error score of the last evaluation',
  },
];

export const OBJECT_FIELDS: readonly {
  key: ObjectField | 'className' | 'fileName';
  label: string;
  digits: number;
  hint: string;
}[] = [
  { key: 'fileName', label: 'Image', digits: 0, hint: 'file name' },
  { key: 'className', label: 'Class', digits: 0, hint: 'schema class' },
  { key: 'area', label: 'Area', digits: 0, hint: 'pixels²' },
  { key: 'relativeArea', label: 'Relative size', digits: 4, hint: 'share of the image' },
  { key: 'width', label: 'Width', digits: 0, hint: 'pixels' },
  { key: 'height', label: 'Height', digits: 0, hint: 'pixels' },
  { key: 'aspectRatio', label: 'Aspect', digits: 2, hint: 'width / height' },
  { key: 'touchesBorder', label: 'At border', digits: 0, hint: 'touches the image border' },
  { key: 'sizeOutlier', label: 'Size outlier', digits: 0, hint: 'size unusual for its class' },
  { key: 'aspectOutlier', label: 'Aspect outlier', digits: 0, hint: 'aspect ratio unusual for its class' },
];

export function imageRows(
  images: readonly ImageRecord[],
  labels: ReadonlyMap<ImageId, ImageAnnotations>,
  nearDuplicateGroups: ReadonlyMap<ImageId, string>,
  mistakenness: ReadonlyMap<ImageId, number> | undefined,
  embeddingGroups: ReadonlyMap<ImageId, string> = new Map(),
  /** The images the evaluation covered; others get no mistakenness (null), not 0. */
  evaluated?: ReadonlySet<ImageId>,
): ImageRow[] {
  const sizes = (groups: ReadonlyMap<ImageId, string>) => {
    const counts = new Map<string, number>();
    for (const group of groups.values()) counts.set(group, (counts.get(group) ?? 0) + 1);
    return counts;
  };
  const groupSizes = sizes(nearDuplicateGroups);
  const embeddingSizes = sizes(embeddingGroups);
  return images.map((image) => {
    const summary = imageObjectSummary(labels.get(image.id)?.annotations ?? [], image.width, image.height);
    const group = nearDuplicateGroups.get(image.id);
    return {
      imageId: image.id,
      fileName: image.fileName,
      width: image.width,
      height: image.height,
      aspectRatio: image.width / Math.max(1, image.height),
      brightness: image.quality?.brightness ?? null,
      contrast: image.quality?.contrast ?? null,
      sharpness: image.quality?.sharpness ?? null,
      objects: summary.objects,
      density: summary.density,
      smallestRelativeArea: summary.smallestRelativeArea,
      touchingBorder: summary.touchingBorder,
      classes: summary.classes,
      nearDuplicates: group === undefined ? 0 : groupSizes.get(group)! - 1,
      embeddingNearDuplicates: embeddingGroups.has(image.id)
        ? embeddingSizes.get(embeddingGroups.get(image.id)!)! - 1
        : null,
      mistakenness:
        mistakenness && (!evaluated || evaluated.has(image.id)) ? (mistakenness.get(image.id) ?? 0) : null,
    };
  });
}

export function objectRows(
  images: readonly ImageRecord[],
  labels: ReadonlyMap<ImageId, ImageAnnotations>,
  classNames: ReadonlyMap<string, string>,
): ObjectRow[] {
  const measured: Omit<ObjectRow, 'sizeOutlier' | 'aspectOutlier'>[] = [];
  for (const image of images)
    for (const annotation of labels.get(image.id)?.annotations ?? []) {
      const quality = objectQuality(annotation.geometry, image.width, image.height);
      if (!quality) continue;
      measured.push({
        imageId: image.id,
        fileName: image.fileName,
        annotationId: annotation.id,
        classId: annotation.classId,
        className: classNames.get(annotation.classId) ?? annotation.classId,
        ...quality,
      });
    }
  // Outliers for their own class, on a log scale: sizes spread over orders of magnitude.
  const fences = new Map<
    string,
    { size: { low: number; high: number }; aspect: { low: number; high: number } }
  >();
  const byClass = new Map<string, (typeof measured)[number][]>();
  for (const row of measured) {
    const list = byClass.get(row.classId);
    if (list) list.push(row);
    else byClass.set(row.classId, [row]);
  }
  for (const [classId, rows] of byClass)
    fences.set(classId, {
      size: outliers(rows.map((r) => Math.log(Math.max(r.relativeArea, 1e-12)))),
      // A zero-height box has an infinite aspect ratio: left out of the fences, and flagged below.
      aspect: outliers(
        rows.flatMap((r) =>
          Number.isFinite(r.aspectRatio) ? [Math.log(Math.max(r.aspectRatio, 1e-12))] : [],
        ),
      ),
    });
  return measured.map((row) => {
    const fence = fences.get(row.classId)!;
    const size = Math.log(Math.max(row.relativeArea, 1e-12));
    const aspect = Math.log(Math.max(row.aspectRatio, 1e-12));
    return {
      ...row,
      sizeOutlier: size < fence.size.low || size > fence.size.high,
      aspectOutlier: !Number.isFinite(aspect) || aspect < fence.aspect.low || aspect > fence.aspect.high,
    };
  });
}

export interface RangeFilter<Key extends string> {
  readonly key: Key;
  readonly min?: number;
  readonly max?: number;
}

export interface RowQuery<Key extends string> {
  readonly sort: Key;
  readonly descending: boolean;
  readonly filters: readonly RangeFilter<Key>[];
  /** Only rows whose text (file name, class) contains this, ignoring case. */
  readonly text?: string;
  readonly offset: number;
  readonly limit: number;
}

const numeric = (value: unknown): number | null =>
  typeof value === 'number' ? value : typeof value === 'boolean' ? (value ? 1 : 0) : null;

/** Sorted (missing values last, either way), range-filtered (booleans are 0/1) and paged rows. */
export function queryRows<Row extends object, Key extends string>(
  rows: readonly Row[],
  query: RowQuery<Key>,
): { rows: Row[]; total: number } {
  const value = (row: Row, key: Key) => (row as Record<string, unknown>)[key];
  const needle = query.text?.trim().toLowerCase();
  const kept = rows.filter((row) => {
    if (needle) {
      // Ids (imageId, annotationId, classId) are hidden UUIDs: matching them would keep rows for "a" or "2024".
      const text = Object.entries(row)
        .filter(([k, v]) => typeof v === 'string' && !k.endsWith('Id'))
        .map(([, v]) => v as string)
        .join(' ')
        .toLowerCase();
      if (!text.includes(needle)) return false;
    }
    return query.filters.every((f) => {
      const v = numeric(value(row, f.key));
      if (v === null) return f.min === undefined && f.max === undefined;
      return (f.min === undefined || v >= f.min) && (f.max === undefined || v <= f.max);
    });
  });
  const direction = query.descending ? -1 : 1;
  const sorted = kept
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      const x = value(a.row, query.sort);
      const y = value(b.row, query.sort);
      if (x === null || x === undefined) return y === null || y === undefined ? a.i - b.i : 1;
      if (y === null || y === undefined) return -1;
      if (typeof x === 'string' && typeof y === 'string') return direction * x.localeCompare(y) || a.i - b.i;
      return direction * ((numeric(x) ?? 0) - (numeric(y) ?? 0)) || a.i - b.i;
    })
    .map(({ row }) => row);
  return { rows: sorted.slice(query.offset, query.offset + query.limit), total: sorted.length };
}
