/**
 * Reading a COCO instances or keypoints file (cocodataset.org/#format-data) into images with labeled
 * objects, listing every entry that cannot be used by its place in the file and the reason.
 */

import type { FormatDataset } from '../types';
import { createAssembler, onlyProblem } from './assemble';
import { isRecord, kindOf, shown } from './objects';

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
  const assembler = createAssembler(file);
  const { categories } = json;
  if (Array.isArray(categories)) {
    categories.forEach((entry: unknown, i) => assembler.category(entry, i));
  } else if (categories !== undefined) {
    assembler.report('categories')('categories', `must be a list, not ${kindOf(categories)}`);
  }
  json.images.forEach((entry: unknown, i) => assembler.image(entry, i));

  const annotations = json.annotations ?? [];
  if (Array.isArray(annotations)) {
    annotations.forEach((ann: unknown, i) => assembler.annotation(ann, i));
  } else {
    assembler.report('annotations')('annotations', `must be a list, not ${kindOf(annotations)}`);
  }
  return assembler.finish();
}
