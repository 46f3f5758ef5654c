/**
 * The part of reading a COCO file that turns its entries into images with labeled objects, fed one
 * `categories`, `images` or `annotations` entry at a time: readCoco feeds it a parsed object's lists,
 * the stream reader each entry as it is parsed. Every entry that cannot be used is listed by its place
 * in the file and the reason.
 */

import type { FormatAnnotation, FormatDataset, FormatImage, FormatProblem } from '../types';
import {
  isId,
  isRecord,
  MAX_COORDINATE,
  readAttributes,
  readGeometries,
  shown,
  type Category,
  type Id,
  type ImageEntry,
  type Report,
} from './objects';

export type CocoSection = 'images' | 'categories' | 'annotations';

/** A dataset that is only one problem, for a file that cannot be read at all. */
export const onlyProblem = (file: string, item: string, reason: string): FormatDataset => ({
  images: [],
  labels: [],
  problems: [{ file, item, reason }],
});

/** The image's path as a dataset-relative path with forward slashes, or why it cannot be one. */
function imagePath(fileName: unknown): string | { reason: string } {
  if (typeof fileName !== 'string' || fileName.trim() === '') {
    return { reason: `file_name must be a file name, not ${shown(fileName)}` };
  }
  const path = fileName.replaceAll('\\', '/').replace(/^(\.\/)+/, '');
  // A label file must not name files outside the dataset (path traversal).
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split('/').includes('..')) {
    return { reason: `file_name ${shown(fileName)} points outside the image folder` };
  }
  return path;
}

function readSize(entry: Record<string, unknown>, item: string, report: Report): [number, number] {
  const { width, height } = entry;
  if (width === undefined && height === undefined) {
    report(item, 'has no width and height; the image file will give its size');
    return [0, 0];
  }
  const valid = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_COORDINATE;
  if (valid(width) && valid(height)) return [width as number, height as number];
  report(
    item,
    `size ${shown(width)}×${shown(height)} is not two positive integers; the image file will give it`,
  );
  return [0, 0];
}

/** Where objects go instead of their image, so a large file's objects need not all be held at once. */
export interface AnnotationSink {
  /** One object of the image at `imagePath`, in file order (images merged by file_name share a path). */
  onAnnotation(imagePath: string, annotation: FormatAnnotation): void;
}

export interface AssemblerOptions {
  /** Given a sink, each object is handed to it and every image keeps `annotations: []`. */
  readonly sink?: AnnotationSink;
}

/**
 * Builds a FormatDataset from entries of the file named `file`. Categories and images may come in any
 * order; an annotation needs every image and category given first. `finish` lists the problems of the
 * categories, then the images, then the annotations, each in the order they were found.
 */
export function createAssembler(file: string, { sink }: AssemblerOptions = {}) {
  const sectionProblems: Record<CocoSection, FormatProblem[]> = {
    categories: [],
    images: [],
    annotations: [],
  };
  const reporter =
    (section: CocoSection): Report =>
    (item, reason) =>
      sectionProblems[section].push({ file, item, reason });
  const reportCategory = reporter('categories');
  const reportImage = reporter('images');
  const reportAnnotation = reporter('annotations');

  /** Categories by id (COCO's own ids are not contiguous). */
  const categories = new Map<Id, Category>();
  const skeletons: Record<string, readonly string[]> = {};
  const named = new Map<string, Id>();
  const images: ImageEntry[] = [];
  /** Images by id; ids of skipped images map to the reason, so their objects say why they have no image. */
  const imagesById = new Map<Id, ImageEntry | string>();
  const imagesByPath = new Map<string, { entry: ImageEntry; item: string }>();
  let droppedSegmentations = 0;

  function category(entry: unknown, i: number): void {
    const item = `categories[${i}]`;
    const report = reportCategory;
    if (!isRecord(entry)) return report(item, `must be an object, not ${shown(entry)}`);
    if (!isId(entry.id)) return report(item, `id must be an integer, not ${shown(entry.id)}`);
    if (categories.has(entry.id)) return report(item, `id ${shown(entry.id)} is used by an earlier category`);
    let label: string;
    if (typeof entry.name === 'string' && entry.name.trim() !== '') {
      label = entry.name;
    } else {
      label = String(entry.id);
      report(item, `has no name (${shown(entry.name)}); its objects are labeled "${label}"`);
    }
    const earlier = named.get(label);
    if (earlier !== undefined) {
      report(
        item,
        `repeats the name "${label}" of category ${shown(earlier)}; their objects share the label`,
      );
    } else {
      named.set(label, entry.id);
    }
    let keypoints: string[] | undefined;
    if (entry.keypoints !== undefined) {
      if (Array.isArray(entry.keypoints) && entry.keypoints.every((k) => typeof k === 'string')) {
        keypoints = entry.keypoints as string[];
        skeletons[label] = keypoints;
      } else {
        report(item, `keypoints must be a list of names, not ${shown(entry.keypoints)}`);
      }
    }
    categories.set(entry.id, keypoints ? { label, keypoints } : { label });
  }

  function image(entry: unknown, i: number): void {
    const item = `images[${i}]`;
    const report = reportImage;
    if (!isRecord(entry)) return report(item, `must be an object, not ${shown(entry)}`);
    if (!isId(entry.id)) return report(item, `id must be an integer, not ${shown(entry.id)}`);
    if (imagesById.has(entry.id))
      return report(item, `id ${shown(entry.id)} is used by an earlier image; skipped`);
    const path = imagePath(entry.file_name);
    if (typeof path !== 'string') {
      imagesById.set(entry.id, `image_id ${shown(entry.id)} is ${item}, which was skipped: ${path.reason}`);
      return report(item, path.reason);
    }
    const same = imagesByPath.get(path);
    if (same) {
      imagesById.set(entry.id, same.entry);
      return report(item, `file_name "${path}" is also ${same.item}; their objects are merged`);
    }
    const [width, height] = readSize(entry, item, report);
    const read: ImageEntry = { path, width, height, annotations: [] };
    images.push(read);
    imagesById.set(entry.id, read);
    imagesByPath.set(path, { entry: read, item });
  }

  function annotation(ann: unknown, i: number): void {
    const item = `annotations[${i}]`;
    const report = reportAnnotation;
    if (!isRecord(ann)) return report(item, `must be an object, not ${shown(ann)}`);
    const image = isId(ann.image_id) ? imagesById.get(ann.image_id) : undefined;
    if (image === undefined) return report(item, `image_id ${shown(ann.image_id)} is not in "images"`);
    if (typeof image === 'string') return report(item, image);
    const category = isId(ann.category_id) ? categories.get(ann.category_id) : undefined;
    if (category === undefined)
      return report(item, `category_id ${shown(ann.category_id)} is not in "categories"`);
    const { iscrowd } = ann;
    if (iscrowd !== undefined && iscrowd !== 0 && iscrowd !== 1 && typeof iscrowd !== 'boolean') {
      return report(item, `iscrowd must be 0 or 1, not ${shown(iscrowd)}`);
    }

    const attributes = readAttributes(ann.attributes, item, report);
    const read = readGeometries(ann, { image, category, item, report }, attributes);
    if (typeof read === 'string') return report(item, read);
    if (read.droppedSegmentation) droppedSegmentations++;

    const crowd = iscrowd === 1 || iscrowd === true;
    const score = typeof ann.score === 'number' && Number.isFinite(ann.score) ? ann.score : undefined;
    const sourceId = isId(ann.id) ? String(ann.id) : undefined;
    const hasAttributes = attributes !== undefined && Object.keys(attributes).length > 0;
    for (const geometry of read.geometries) {
      const object: FormatAnnotation = {
        label: category.label,
        geometry,
        ...(hasAttributes ? { attributes } : {}),
        ...(crowd ? { crowd } : {}),
        ...(score !== undefined ? { score } : {}),
        ...(sourceId !== undefined ? { sourceId } : {}),
      };
      if (sink) sink.onAnnotation(image.path, object);
      else image.annotations.push(object);
    }
  }

  /** The images with objects, labels in category-id order, keypoint names per label, and the problems. */
  function finish(): FormatDataset {
    if (droppedSegmentations > 0) {
      reportAnnotation(
        'annotations',
        `${droppedSegmentations} keypoint object${droppedSegmentations > 1 ? 's' : ''} also have a segmentation; kept their keypoints and boxes only`,
      );
    }
    const ids = [...categories.keys()].sort((a, b) =>
      typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1,
    );
    const labels = [...new Set(ids.map((id) => categories.get(id)!.label))];
    const out: FormatImage[] = images;
    return {
      images: out,
      labels,
      ...(Object.keys(skeletons).length > 0 ? { skeletons } : {}),
      problems: [...sectionProblems.categories, ...sectionProblems.images, ...sectionProblems.annotations],
    };
  }

  return { category, image, annotation, report: reporter, finish };
}

export type CocoAssembler = ReturnType<typeof createAssembler>;
