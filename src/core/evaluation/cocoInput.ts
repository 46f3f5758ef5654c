/**
 * Reads a COCO ground-truth file and a COCO results list into an evaluation input, the way pycocotools'
 * COCO and loadRes see them, and names every problem that would make the numbers wrong.
 */

import { maskArea, maskToBox, readSegmentation, segmentationToRle } from './masks';
import type {
  Box,
  EvalCategory,
  EvalId,
  EvalImage,
  EvaluationInput,
  GroundTruthObject,
  PredictedObject,
  Segmentation,
} from './types';

export type CocoInputResult =
  | { readonly ok: true; readonly input: EvaluationInput; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

const MAX_PROBLEMS = 20;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is EvalId =>
  (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string';

function readBox(value: unknown): Box | undefined {
  if (!Array.isArray(value) || value.length !== 4) return undefined;
  if (!value.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  const [x, y, w, h] = value as number[];
  return w! < 0 || h! < 0 ? undefined : [x!, y!, w!, h!];
}

/** pycocotools sorts image and category ids (`sorted(getImgIds())`); mixed number/string ids cannot be sorted there. */
function byId<T extends { readonly id: EvalId }>(items: T[]): T[] {
  return items.sort((a, b) =>
    typeof a.id === 'number' && typeof b.id === 'number' ? a.id - b.id : String(a.id) < String(b.id) ? -1 : 1,
  );
}

export function readCocoEvaluationInput(
  gt: unknown,
  preds: unknown,
  options: { readonly iouType?: 'bbox' | 'segm' } = {},
): CocoInputResult {
  const iouType = options.iouType ?? 'bbox';
  const problems: string[] = [];
  const warnings: string[] = [];
  const problem = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  if (!isRecord(gt) || !Array.isArray(gt.images) || !Array.isArray(gt.categories))
    return {
      ok: false,
      problems: ['ground truth must be a COCO object with "images", "categories" and "annotations" lists'],
    };
  if (!Array.isArray(preds))
    return {
      ok: false,
      problems: ['predictions must be a COCO results list: [{image_id, category_id, bbox, score}, …]'],
    };

  const images: EvalImage[] = [];
  const imageById = new Map<EvalId, EvalImage>();
  gt.images.forEach((raw, i) => {
    if (!isRecord(raw) || !isId(raw.id)) return problem(`images[${i}] has no id`);
    const width = Number(raw.width);
    const height = Number(raw.height);
    if (imageById.has(raw.id)) return problem(`image id ${JSON.stringify(raw.id)} appears twice`);
    const image = {
      id: raw.id,
      width: Number.isFinite(width) ? width : 0,
      height: Number.isFinite(height) ? height : 0,
    };
    if (!(image.width > 0 && image.height > 0) && iouType === 'segm')
      problem(`image ${JSON.stringify(raw.id)} needs width and height to rasterise its masks`);
    imageById.set(raw.id, image);
    images.push(image);
  });
  const categories: EvalCategory[] = [];
  const categoryIds = new Set<EvalId>();
  gt.categories.forEach((raw, i) => {
    if (!isRecord(raw) || !isId(raw.id)) return problem(`categories[${i}] has no id`);
    if (categoryIds.has(raw.id)) return problem(`category id ${JSON.stringify(raw.id)} appears twice`);
    categoryIds.add(raw.id);
    categories.push({ id: raw.id, name: typeof raw.name === 'string' ? raw.name : String(raw.id) });
  });
  if (new Set(images.map((im) => typeof im.id)).size > 1)
    problem('image ids mix numbers and strings; COCO tools cannot order them');

  let unreadableMasks = 0;
  const segmentationOf = (raw: Record<string, unknown>, where: string): Segmentation | undefined => {
    // Box datasets often write `"segmentation": []` (our own COCO export does): no mask, not an error.
    if (raw.segmentation === undefined || (Array.isArray(raw.segmentation) && raw.segmentation.length === 0))
      return undefined;
    const read = readSegmentation(raw.segmentation);
    if ('reason' in read) {
      // Box evaluation never needs the mask: note it and go on; mask evaluation cannot.
      if (iouType === 'segm') problem(`${where}: segmentation ${read.reason}`);
      else unreadableMasks++;
      return undefined;
    }
    return read;
  };

  const groundTruth: GroundTruthObject[] = [];
  const annotationIds = new Set<EvalId>();
  let zeroIds = 0;
  let missingArea = 0;
  let missingMasks = 0;
  const annotations = Array.isArray(gt.annotations) ? gt.annotations : [];
  annotations.forEach((raw, i) => {
    const where = `annotations[${i}]`;
    if (!isRecord(raw)) return problem(`${where} is not an object`);
    if (!isId(raw.id)) return problem(`${where} has no id`);
    if (annotationIds.has(raw.id))
      return problem(
        `annotation id ${JSON.stringify(raw.id)} appears twice (COCO indexes annotations by id)`,
      );
    annotationIds.add(raw.id);
    if (raw.id === 0) zeroIds++;
    if (!isId(raw.image_id) || !imageById.has(raw.image_id))
      return problem(
        `${where} (id ${JSON.stringify(raw.id)}) names image ${JSON.stringify(raw.image_id)}, which is not in "images"`,
      );
    if (!isId(raw.category_id)) return problem(`${where} has no category_id`);
    const segmentation = segmentationOf(raw, where);
    let bbox = readBox(raw.bbox);
    const image = imageById.get(raw.image_id)!;
    if (!bbox && segmentation) bbox = maskToBox(segmentationToRle(segmentation, image.height, image.width));
    if (!bbox)
      return problem(`${where} (id ${JSON.stringify(raw.id)}) has no valid bbox [x, y, width, height]`);
    let area = typeof raw.area === 'number' && Number.isFinite(raw.area) ? raw.area : undefined;
    if (area === undefined) {
      missingArea++;
      area = segmentation
        ? maskArea(segmentationToRle(segmentation, image.height, image.width))
        : bbox[2] * bbox[3];
    }
    if (iouType === 'segm' && !segmentation) missingMasks++;
    groundTruth.push({
      id: raw.id,
      imageId: raw.image_id,
      categoryId: raw.category_id,
      bbox,
      area,
      iscrowd: raw.iscrowd === 1 || raw.iscrowd === true,
      ...(segmentation ? { segmentation } : {}),
    });
  });
  if (zeroIds > 0)
    warnings.push(
      'an annotation has id 0; pycocotools cannot match it (it stores matched ids and 0 means none), LabelLoop can, so the two differ',
    );
  if (missingArea > 0)
    warnings.push(
      `${missingArea} annotation(s) have no "area"; used the mask area, or width × height of the box`,
    );
  if (unreadableMasks > 0)
    warnings.push(
      `${unreadableMasks} segmentation(s) could not be read; boxes are evaluated, so they were not needed`,
    );
  if (missingMasks > 0)
    warnings.push(`${missingMasks} annotation(s) have no segmentation; their boxes stand in for masks`);

  const predictions: PredictedObject[] = [];
  const firstBox = isRecord(preds[0]) ? preds[0].bbox : undefined;
  const boxResults = Array.isArray(firstBox) && firstBox.length > 0;
  const unknownCategories = new Set<string>();
  preds.forEach((raw, i) => {
    const where = `predictions[${i}]`;
    if (!isRecord(raw)) return problem(`${where} is not an object`);
    if (!isId(raw.image_id) || !imageById.has(raw.image_id))
      return problem(
        `${where} names image ${JSON.stringify(raw.image_id)}, which is not a ground-truth image (ids must match in value and type)`,
      );
    if (!isId(raw.category_id)) return problem(`${where} has no category_id`);
    if (typeof raw.score !== 'number' || !Number.isFinite(raw.score))
      return problem(`${where} has no numeric score`);
    if (!categoryIds.has(raw.category_id)) unknownCategories.add(JSON.stringify(raw.category_id));
    const segmentation = segmentationOf(raw, where);
    const image = imageById.get(raw.image_id)!;
    const box = readBox(raw.bbox);
    // coco.py loadRes decides by the first result: when it has a box, every result's area is its box's
    // w × h (even with a mask); otherwise each area is its mask's, and a missing box is the mask's box.
    let bbox = box;
    let area: number;
    // The mask is rasterised only when the box or the area needs it (box results with masks skip it).
    const rle =
      segmentation && (!bbox || !boxResults)
        ? segmentationToRle(segmentation, image.height, image.width)
        : undefined;
    if (!bbox && rle) bbox = maskToBox(rle);
    if (!bbox) return problem(`${where} has neither a bbox nor a segmentation`);
    if (boxResults || !rle) area = bbox[2] * bbox[3];
    else area = maskArea(rle);
    if (iouType === 'segm' && !segmentation && i === 0)
      warnings.push('predictions without a segmentation are evaluated as their box polygons');
    predictions.push({
      id: typeof raw.id === 'number' || typeof raw.id === 'string' ? raw.id : i + 1,
      imageId: raw.image_id,
      categoryId: raw.category_id,
      bbox,
      area,
      score: raw.score,
      ...(segmentation ? { segmentation } : {}),
    });
  });
  if (unknownCategories.size > 0)
    warnings.push(
      `predictions use category ids that are not ground-truth categories, and are ignored: ${[...unknownCategories].slice(0, 10).join(', ')}`,
    );
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    input: { images: byId(images), categories: byId(categories), groundTruth, predictions },
    warnings,
  };
}
