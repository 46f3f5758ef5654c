/** COCO's evaluation parameters (cocoeval.py Params.setDetParams) and parsing of the user's IoU choice. */

import type { AreaRange, EvaluationParams } from './types';

/** numpy.linspace exactly: `i * step + start`, the last value set to `stop` (so thresholds compare bit for bit). */
export function linspace(start: number, stop: number, count: number): number[] {
  if (count === 1) return [start];
  const step = (stop - start) / (count - 1);
  const values = Array.from({ length: count }, (_, i) => i * step + start);
  values[count - 1] = stop;
  return values;
}

/** 0.50:0.05:0.95, as `np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1)`. */
export const COCO_IOU_THRESHOLDS: readonly number[] = linspace(
  0.5,
  0.95,
  Math.round((0.95 - 0.5) / 0.05) + 1,
);

/** The 101 recall points precision is interpolated at (COCO's 101-point interpolated AP). */
export const RECALL_THRESHOLDS: readonly number[] = linspace(0, 1, Math.round((1 - 0) / 0.01) + 1);

/** COCO's object sizes in pixels of area: small < 32², medium 32²–96², large > 96² (bounds inclusive as in cocoeval.py). */
export const COCO_AREA_RANGES: readonly AreaRange[] = [
  { label: 'all', min: 0, max: 1e10 },
  { label: 'small', min: 0, max: 32 ** 2 },
  { label: 'medium', min: 32 ** 2, max: 96 ** 2 },
  { label: 'large', min: 96 ** 2, max: 1e10 },
];

/** A relative size bucket people ask for beside COCO's pixel areas: objects under 5 % of their image. */
export const TINY_RELATIVE_RANGE: AreaRange = {
  label: 'under 5% of image',
  min: 0,
  max: 0.05,
  relative: true,
};

export const COCO_PARAMS: EvaluationParams = {
  iouType: 'bbox',
  iouThresholds: COCO_IOU_THRESHOLDS,
  maxDets: [1, 10, 100],
  areaRanges: COCO_AREA_RANGES,
};

export function evaluationParams(overrides: Partial<EvaluationParams> = {}): EvaluationParams {
  const params = { ...COCO_PARAMS, ...overrides };
  const problems = checkParams(params);
  if (problems.length > 0) throw new RangeError(`invalid evaluation parameters: ${problems.join('; ')}`);
  return params;
}

function ascending(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]!);
}

export function checkParams(params: EvaluationParams): string[] {
  const problems: string[] = [];
  const { iouThresholds, maxDets, areaRanges } = params;
  if (
    iouThresholds.length === 0 ||
    !ascending(iouThresholds) ||
    iouThresholds.some((t) => !(t > 0 && t <= 1))
  )
    problems.push('IoU thresholds must be ascending numbers in (0, 1]');
  if (maxDets.length === 0 || !ascending(maxDets) || maxDets.some((m) => !Number.isInteger(m) || m < 1))
    problems.push('max detections must be ascending positive integers');
  if (areaRanges.length === 0)
    problems.push('at least one area range (the first covers all objects) is needed');
  for (const range of areaRanges)
    if (!(range.min <= range.max)) problems.push(`area range "${range.label}" has min above max`);
  return problems;
}

/**
 * The IoU thresholds a user typed: `0.5`, `0.5,0.75`, or `start:stop` / `start:stop:step` (step 0.05 by
 * default, so `0.5:0.95` is COCO's ten thresholds, computed as numpy would).
 */
export function parseIouThresholds(text: string): number[] | { reason: string } {
  const trimmed = text.trim();
  const bad = { reason: `"${text}" is not an IoU threshold list: use 0.5, 0.5,0.75 or 0.5:0.95[:0.05]` };
  let values: number[];
  if (trimmed.includes(':')) {
    const parts = trimmed.split(':').map(Number);
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => !Number.isFinite(p))) return bad;
    const [start, stop, step = 0.05] = parts as [number, number, number?];
    if (!(step > 0) || stop < start) return bad;
    values = linspace(start, stop, Math.round((stop - start) / step) + 1);
  } else {
    values = trimmed.split(',').map((part) => Number(part.trim()));
    if (values.some((v) => !Number.isFinite(v))) return bad;
    values.sort((a, b) => a - b);
  }
  if (values.some((v) => !(v > 0 && v <= 1)))
    return { reason: `IoU thresholds must lie in (0, 1]: "${text}"` };
  return [...new Set(values)];
}
