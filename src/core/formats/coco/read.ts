/**
 * Reading a COCO instances or keypoints file (cocodataset.org/#format-data) into images with labeled
 * objects, listing every entry that cannot be used by its place in the file and the reason.
 */

import type { FormatDataset, FormatImage, FormatProblem } from '../types';
import {
  isId,
  isRecord,
  MAX_COORDINATE,
  kindOf,
  readAttributes,
  readGeometries,
  shown,
  type Category,
  type Id,
  type ImageEntry,
  type Report,
} from './objects';

const onlyProblem = (file: string, item: string, reason: string): FormatDataset => ({
  images: [],
  labels: [],
  problems: [{ file, item, reason }],
});

/** Parses the file's text first, so a cut-short or broken file is a problem, not a throw. */
export function readCocoText(text: string, file = 'annotations.json'): FormatDataset {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return onlyProblem(file, 'file', `not valid JSON (${message})`);
  }
  return readCoco(json, file);
}

/** Categories by id, and the labels in id order (COCO's own ids are not contiguous). */
function readCategories(value: unknown, report: Report) {
  const byId = new Map<Id, Category>();
  const skeletons: Record<string, readonly string[]> = {};
  const named = new Map<string, Id>();
  if (value === undefined) return { byId, labels: [], skeletons };
  if (!Array.isArray(value)) {
    report('categories', `must be a list, not ${kindOf(value)}`);
    return { byId, labels: [], skeletons };
  }
  value.forEach((entry: unknown, i) => {
    const item = `categories[${i}]`;
    if (!isRecord(entry)) return report(item, `must be an object, not ${shown(entry)}`);
    if (!isId(entry.id)) return report(item, `id must be an integer, not ${shown(entry.id)}`);
    if (byId.has(entry.id)) return report(item, `id ${shown(entry.id)} is used by an earlier category`);
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
    byId.set(entry.id, keypoints ? { label, keypoints } : { label });
  });
  const ids = [...byId.keys()].sort((a, b) =>
    typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1,
  );
  const labels = [...new Set(ids.map((id) => byId.get(id)!.label))];
  return { byId, labels, skeletons };
}

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

/** Images by id; ids of skipped images map to the reason, so their objects say why they have no image. */
function readImages(value: unknown[], report: Report) {
  const entries: ImageEntry[] = [];
  const byId = new Map<Id, ImageEntry | string>();
  const byPath = new Map<string, { entry: ImageEntry; item: string }>();
  value.forEach((entry: unknown, i) => {
    const item = `images[${i}]`;
    if (!isRecord(entry)) return report(item, `must be an object, not ${shown(entry)}`);
    if (!isId(entry.id)) return report(item, `id must be an integer, not ${shown(entry.id)}`);
    if (byId.has(entry.id)) return report(item, `id ${shown(entry.id)} is used by an earlier image; skipped`);
    const path = imagePath(entry.file_name);
    if (typeof path !== 'string') {
      byId.set(entry.id, `image_id ${shown(entry.id)} is ${item}, which was skipped: ${path.reason}`);
      return report(item, path.reason);
    }
    const same = byPath.get(path);
    if (same) {
      byId.set(entry.id, same.entry);
      return report(item, `file_name "${path}" is also ${same.item}; their objects are merged`);
    }
    const [width, height] = readSize(entry, item, report);
    const image: ImageEntry = { path, width, height, annotations: [] };
    entries.push(image);
    byId.set(entry.id, image);
    byPath.set(path, { entry: image, item });
  });
  return { entries, byId };
}

/**
 * A parsed COCO file as images with objects (class names as the file has them, pixel geometry), labels
 * in category-id order, keypoint names per label, and every entry that was skipped or changed, with
 * its place (`annotations[12]`) and the reason. Never throws.
 */
export function readCoco(json: unknown, file = 'annotations.json'): FormatDataset {
  if (!isRecord(json)) {
    const hint = Array.isArray(json)
      ? '; a list of detections is a COCO results file, imported as predictions'
      : '';
    return onlyProblem(
      file,
      'file',
      `a COCO file is a JSON object with "images", "annotations" and "categories", not ${kindOf(json)}${hint}`,
    );
  }
  if (!Array.isArray(json.images)) {
    return onlyProblem(file, 'images', `a COCO file needs an "images" list; found ${shown(json.images)}`);
  }
  const problems: FormatProblem[] = [];
  const report: Report = (item, reason) => problems.push({ file, item, reason });
  const categories = readCategories(json.categories, report);
  const images = readImages(json.images, report);

  const annotations = json.annotations ?? [];
  if (!Array.isArray(annotations)) report('annotations', `must be a list, not ${kindOf(annotations)}`);
  let droppedSegmentations = 0;
  (Array.isArray(annotations) ? annotations : []).forEach((ann: unknown, i) => {
    const item = `annotations[${i}]`;
    if (!isRecord(ann)) return report(item, `must be an object, not ${shown(ann)}`);
    const image = isId(ann.image_id) ? images.byId.get(ann.image_id) : undefined;
    if (image === undefined) return report(item, `image_id ${shown(ann.image_id)} is not in "images"`);
    if (typeof image === 'string') return report(item, image);
    const category = isId(ann.category_id) ? categories.byId.get(ann.category_id) : undefined;
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
      image.annotations.push({
        label: category.label,
        geometry,
        ...(hasAttributes ? { attributes } : {}),
        ...(crowd ? { crowd } : {}),
        ...(score !== undefined ? { score } : {}),
        ...(sourceId !== undefined ? { sourceId } : {}),
      });
    }
  });
  if (droppedSegmentations > 0) {
    report(
      'annotations',
      `${droppedSegmentations} keypoint object${droppedSegmentations > 1 ? 's' : ''} also have a segmentation; kept their keypoints and boxes only`,
    );
  }

  const out: FormatImage[] = images.entries;
  const hasSkeletons = Object.keys(categories.skeletons).length > 0;
  return {
    images: out,
    labels: categories.labels,
    ...(hasSkeletons ? { skeletons: categories.skeletons } : {}),
    problems,
  };
}
