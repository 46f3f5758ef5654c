/**
 * A seeded, COCO-val2017-shaped evaluation set (ground truth and detector results as plain COCO JSON), for
 * benchmarks and for comparing our evaluator with pycocotools on realistic data: skewed classes, crowds,
 * small to large boxes, duplicate and confused detections, background noise and tied scores.
 */

import { mulberry32 } from '../versions/random';

/** Re-exported: tests and benchmarks draw their own fixtures from the same generator. */
export { mulberry32 };

export interface SyntheticCocoOptions {
  readonly images?: number;
  /** Mean ground-truth objects per image (varies per image from 0 to about 3×). */
  readonly gtPerImage?: number;
  /** Detections per image (COCO's maxDets cap is 100). */
  readonly predsPerImage?: number;
  readonly categories?: number;
  readonly seed?: number;
}

export interface CocoGtImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

export interface CocoGtAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0 | 1;
}

export interface CocoGtCategory {
  id: number;
  name: string;
  supercategory: string;
}

export interface CocoDetection {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
}

export interface SyntheticCocoSet {
  readonly gt: { images: CocoGtImage[]; annotations: CocoGtAnnotation[]; categories: CocoGtCategory[] };
  readonly preds: CocoDetection[];
}

/** COCO's 80 detection categories with their (non-contiguous) ids, in id order. */
const COCO_CATEGORIES = (
  'person bicycle car motorcycle airplane bus train truck boat traffic_light fire_hydrant - stop_sign ' +
  'parking_meter bench bird cat dog horse sheep cow elephant bear zebra giraffe - backpack umbrella - - ' +
  'handbag tie suitcase frisbee skis snowboard sports_ball kite baseball_bat baseball_glove skateboard ' +
  'surfboard tennis_racket bottle - wine_glass cup fork knife spoon bowl banana apple sandwich orange ' +
  'broccoli carrot hot_dog pizza donut cake chair couch potted_plant bed - dining_table - - toilet - tv ' +
  'laptop mouse remote keyboard cell_phone microwave oven toaster sink refrigerator - book clock vase ' +
  'scissors teddy_bear hair_drier toothbrush'
)
  .split(' ')
  .map((name, index) => ({ id: index + 1, name: name.replace(/_/g, ' ') }))
  .filter((c) => c.name !== '-');

/** Image sizes seen most in val2017 (width × height), with rough weights. */
const IMAGE_SIZES: readonly (readonly [number, number, number])[] = [
  [640, 480, 30],
  [640, 427, 22],
  [480, 640, 10],
  [427, 640, 8],
  [640, 425, 5],
  [640, 424, 5],
  [640, 426, 4],
  [500, 375, 4],
  [640, 360, 4],
  [640, 512, 3],
  [612, 612, 3],
  [375, 500, 2],
];

const round2 = (v: number) => Math.round(v * 100) / 100;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Picks an index with probability proportional to its weight, given the weights' running sums. */
function pickWeighted(cumulative: readonly number[], u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const runningSums = (weights: readonly number[]) => {
  let sum = 0;
  return weights.map((w) => (sum += w));
};

/** Standard normal by Box–Muller. */
const gaussian = (random: () => number) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/**
 * Generates the set. Defaults are val2017's shape: 5,000 images, 7 objects per image on average, 80 classes,
 * 100 detections per image (500,000 results).
 */
export function syntheticCocoSet(options: SyntheticCocoOptions = {}): SyntheticCocoSet {
  const imageCount = options.images ?? 5000;
  const meanGt = options.gtPerImage ?? 7;
  const predsPerImage = options.predsPerImage ?? 100;
  const categoryCount = options.categories ?? 80;
  const random = mulberry32(options.seed ?? 1);
  const uniform = (min: number, max: number) => min + (max - min) * random();

  const categories: CocoGtCategory[] = Array.from({ length: categoryCount }, (_, i) => {
    const coco = COCO_CATEGORIES[i];
    return coco
      ? { id: coco.id, name: coco.name, supercategory: 'object' }
      : { id: 91 + i - COCO_CATEGORIES.length, name: `class ${i}`, supercategory: 'object' };
  });

  // Class frequencies skewed like COCO: person ~30% of objects, the rest Zipf-like in a seeded order.
  const ranks = categories.map((_, i) => i).slice(1);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
  }
  const weights = new Array<number>(categoryCount).fill(0);
  ranks.forEach((category, rank) => (weights[category] = 1 / (rank + 1) ** 0.8));
  const others = weights.reduce((a, b) => a + b, 0);
  weights[0] = categoryCount > 1 ? (others * 0.3) / 0.7 : 1;
  const classSums = runningSums(weights);
  const sizeSums = runningSums(IMAGE_SIZES.map((s) => s[2]));
  const pickCategory = () => categories[pickWeighted(classSums, random())]!.id;
  const anyCategory = () => categories[Math.floor(random() * categoryCount)]!.id;

  /** A box in the image: area bucket like COCO (~41% small, 34% medium, 25% large), aspect 1:3 to 3:1. */
  const randomBox = (width: number, height: number, large = false): [number, number, number, number] => {
    const bucket = large ? 0.9 : random();
    const [minArea, maxArea] =
      bucket < 0.41 ? [6, 32 * 32] : bucket < 0.75 ? [32 * 32, 96 * 96] : [96 * 96, width * height * 0.8];
    const area = Math.exp(uniform(Math.log(minArea), Math.log(maxArea)));
    const aspect = Math.exp(uniform(Math.log(1 / 3), Math.log(3)));
    const w = Math.min(width, Math.max(1, Math.sqrt(area * aspect)));
    const h = Math.min(height, Math.max(1, area / w));
    const x = uniform(0, width - w);
    const y = uniform(0, height - h);
    return [round2(x), round2(y), round2(w), round2(h)];
  };

  /** A detection of a GT box: jittered by `spread` of its size, clipped to the image. */
  const jitter = (
    [x, y, w, h]: readonly number[],
    spread: number,
    width: number,
    height: number,
  ): [number, number, number, number] => {
    const cx = x! + w! / 2 + gaussian(random) * spread * w!;
    const cy = y! + h! / 2 + gaussian(random) * spread * h!;
    const nw = w! * Math.exp(gaussian(random) * spread);
    const nh = h! * Math.exp(gaussian(random) * spread);
    const x0 = Math.min(Math.max(0, cx - nw / 2), width - 1);
    const y0 = Math.min(Math.max(0, cy - nh / 2), height - 1);
    const x1 = Math.min(width, Math.max(x0 + 1, cx + nw / 2));
    const y1 = Math.min(height, Math.max(y0 + 1, cy + nh / 2));
    return [round2(x0), round2(y0), round2(x1 - x0), round2(y1 - y0)];
  };

  const images: CocoGtImage[] = [];
  const annotations: CocoGtAnnotation[] = [];
  const preds: CocoDetection[] = [];
  for (let imageId = 1; imageId <= imageCount; imageId++) {
    const [width, height] = IMAGE_SIZES[pickWeighted(sizeSums, random())]!;
    images.push({ id: imageId, file_name: `${String(imageId).padStart(12, '0')}.jpg`, width, height });

    // Objects per image: ~1% empty, otherwise 1 + an exponential draw, capped at 3× the mean.
    const gtCount =
      random() < 0.01
        ? 0
        : Math.min(Math.round(meanGt * 3), 1 + Math.floor(-Math.log(1 - random()) * (meanGt - 0.1)));
    const detections: CocoDetection[] = [];
    for (let k = 0; k < gtCount; k++) {
      const crowd = random() < 0.01;
      const category = pickCategory();
      const bbox = randomBox(width, height, crowd);
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: category,
        bbox,
        area: bbox[2] * bbox[3],
        iscrowd: crowd ? 1 : 0,
      });
      // Detections of this object: missed ~15%, else one, sometimes duplicates (NMS leftovers).
      const found = random();
      const copies = found < 0.15 ? 0 : found < 0.7 ? 1 : found < 0.92 ? 2 : 3;
      for (let c = 0; c < copies; c++) {
        const quality = random();
        // Good boxes score high, poor ones low; duplicates score lower than the first copy.
        const [spread, scoreMin, scoreMax] =
          quality < 0.6 ? [0.04, 0.4, 1] : quality < 0.85 ? [0.12, 0.2, 0.8] : [0.35, 0.02, 0.5];
        const confused = random() < 0.08;
        detections.push({
          image_id: imageId,
          category_id: confused ? anyCategory() : category,
          bbox: jitter(bbox, spread, width, height),
          score: round3(Math.max(0.001, uniform(scoreMin, scoreMax) * (c === 0 ? 1 : 0.6))),
        });
      }
    }
    // Background: boxes on nothing, skewed classes, low scores, to fill the image up to the cap.
    while (detections.length < predsPerImage) {
      detections.push({
        image_id: imageId,
        category_id: random() < 0.5 ? pickCategory() : anyCategory(),
        bbox: randomBox(width, height),
        score: round3(Math.max(0.001, 0.3 * random() ** 2)),
      });
    }
    // Results-file order within an image decides ties (pycocotools sorts stably), so do not leave it sorted.
    detections.length = Math.min(detections.length, predsPerImage);
    for (let i = detections.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [detections[i], detections[j]] = [detections[j]!, detections[i]!];
    }
    for (const detection of detections) preds.push(detection);
  }
  return { gt: { images, annotations, categories }, preds };
}
