/**
 * What an export of a dataset version contains: the version's images that pass the filters, their labels
 * named by the schema's class names (formats name classes, not ids), where each image goes in the export,
 * and the counts the manifest states. Pure: the renderer plans, the host writes.
 */

import type { AttributeValues } from '../annotations/types';
import type { ImageStatus } from '../images/types';
import type { AnnotationSchema } from '../schema/types';
import { type DatasetVersion, type PerSplit, type Split } from '../versions/types';
import type { FormatAnnotation, FormatImage } from '../formats/types';
import type { DatasetManifest, ExportFormat } from './manifest';

export interface ExportFilters {
  /** Only images with these statuses (e.g. only `done`); all when absent. */
  readonly statuses?: readonly ImageStatus[];
  /** Only objects and tags of these class ids; images keep their place as background. All when absent. */
  readonly classes?: readonly string[];
  /** Only images of these splits; all when absent. */
  readonly splits?: readonly Split[];
}

/** One image of the export: its labels as the writers take them, its split, and which project image it is. */
export interface ExportImage extends FormatImage {
  readonly imageId: string;
  readonly split: Split;
}

export interface VersionExportPlan {
  /** In path order (code points), so the files list the images in the same order every time. */
  readonly images: readonly ExportImage[];
  /** Class names in schema order: YOLO indices and COCO category ids follow it. */
  readonly labels: readonly string[];
  readonly skeletons: Readonly<Record<string, readonly string[]>>;
  readonly counts: DatasetManifest['counts'];
  readonly splits: PerSplit<number>;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `a/b.jpg` → `a/b~1f2e3d4c.jpg`: a second image at the same path keeps its file name, made unique by its hash. */
function disambiguate(path: string, sha256: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const cut = dot > slash + 1 ? dot : path.length;
  return `${path.slice(0, cut)}~${sha256.slice(0, 8)}${path.slice(cut)}`;
}

/**
 * Plans the export of `version` under `schema` (the schema version the version was cut with). Classes
 * that are pure groups (no geometry) or image tags only are never object labels. Attributes keep their ids as keys, as stored.
 * Images from different folders with the same relative path get their hash in the file name.
 */
export function planVersionExport(
  version: DatasetVersion,
  schema: AnnotationSchema,
  filters: ExportFilters = {},
): VersionExportPlan {
  const wantedClasses = filters.classes && new Set(filters.classes);
  const wanted = schema.classes.filter((c) => wantedClasses === undefined || wantedClasses.has(c.id));
  // Object classes number the format's classes; tag-only classes name image tags and nothing else.
  const classes = wanted.filter((c) => c.geometries.some((g) => g !== 'tag'));
  const nameOf = new Map(classes.map((c) => [c.id, c.name]));
  const tagNameOf = new Map(wanted.filter((c) => c.geometries.includes('tag')).map((c) => [c.id, c.name]));
  const statuses = filters.statuses && new Set(filters.statuses);
  const splits = filters.splits && new Set(filters.splits);

  const perClass: Record<string, number> = {};
  const perSplit: Record<Split, number> = { train: 0, val: 0, test: 0 };
  let annotations = 0;
  const taken = new Set<string>();
  const chosen = version.images
    .filter((image) => (statuses?.has(image.status) ?? true) && (splits?.has(image.split) ?? true))
    // Equal paths resolve the same way every time: the image with the smaller hash keeps the plain name.
    .sort((a, b) => byCodePoint(a.path, b.path) || byCodePoint(a.sha256, b.sha256));

  const images = chosen.map((image): ExportImage => {
    let path = image.path;
    // Per export, not per split: VOC, CVAT, CSV and JSONL keep every image in one folder.
    if (taken.has(path)) path = disambiguate(path, image.sha256);
    taken.add(path);
    const objects: FormatAnnotation[] = [];
    for (const annotation of image.annotations) {
      const label = nameOf.get(annotation.classId);
      if (label === undefined) continue;
      perClass[annotation.classId] = (perClass[annotation.classId] ?? 0) + 1;
      objects.push({
        label,
        geometry: annotation.geometry,
        ...(Object.keys(annotation.attributes).length > 0 && { attributes: annotation.attributes }),
        sourceId: annotation.id,
      });
    }
    annotations += objects.length;
    perSplit[image.split]++;
    const tags = image.tags.flatMap((id) => tagNameOf.get(id) ?? []);
    return {
      imageId: image.imageId,
      split: image.split,
      path,
      width: image.width,
      height: image.height,
      annotations: objects,
      ...(tags.length > 0 && { tags }),
      ...(hasValues(image.attributes) && { attributes: image.attributes }),
    };
  });

  const skeletons = Object.fromEntries(
    classes.flatMap((c) => (c.skeleton ? [[c.name, c.skeleton.keypoints] as const] : [])),
  );
  return {
    images: images.sort((a, b) => byCodePoint(a.path, b.path)),
    labels: classes.map((c) => c.name),
    skeletons,
    counts: { images: images.length, annotations, perClass },
    splits: perSplit,
  };
}

const hasValues = (values: AttributeValues): boolean => Object.keys(values).length > 0;

/** A folder name for an export of version `number` of `project` in `format`: `street-scenes-v3-yolo`. */
export function defaultExportName(project: string, number: number, format: ExportFormat): string {
  const slug = project
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'dataset'}-v${number}-${format}`;
}
