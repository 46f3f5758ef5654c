/**
 * Hit-testing benchmark (`npx tsx bench/hitTest.ts [--quick]`): the spatial index of src/core/geometry
 * against a brute-force scan, on 10,000 and 100,000 random annotations (half boxes, half 8-point
 * polygons, 6–60 px) in one 4000 × 3000 image, so the larger set is ten times as crowded.
 *
 * Prints one JSON line per metric on stdout, `{"metric", "value", "unit", "baseline", "ratio"}`; notes go
 * to stderr. The brute force is the strong one: bounds precomputed into a flat array, scanned from the top
 * down, exact shape test on a bounds hit (what the canvas would do without an index).
 * - hit_test_query_N: median time of one hitTest over 10,000 random points (4 px tolerance, scale 1), each
 *   timed alone after a warm-up; baseline the brute-force scan on the same points. Results are checked equal.
 * - hit_test_build_N: median of 7 runs of geometryBounds for every annotation plus buildSpatialIndex;
 *   baseline the bounds alone (all the brute force needs), so the ratio is what indexing adds.
 * - rubber_band_N: median rubberBand('intersecting') over 200 random 100–400 px rectangles; baseline a scan.
 */

import type { Geometry } from '../src/core/annotations/types';
import { geometryIntersectsRect, hitsGeometry } from '../src/core/geometry/hits';
import { geometryBounds, type Bounds } from '../src/core/geometry/shapes';
import { imagePoint, type ImagePoint } from '../src/core/geometry/spaces';
import { buildSpatialIndex, hitTest, rubberBand } from '../src/core/geometry/spatialIndex';
import { note, prng } from './support/common';

const QUICK = process.argv.includes('--quick');
const COUNTS = QUICK ? [10_000] : [10_000, 100_000];
const QUERIES = QUICK ? 1_000 : 10_000;
const WARMUP = 1_000;
const BUILD_RUNS = 7;
const BANDS = 200;
const WIDTH = 4000;
const HEIGHT = 3000;
const TOLERANCE_PX = 4;
const SCALE = 1;

function annotations(count: number, rand: () => number): Geometry[] {
  const out: Geometry[] = [];
  for (let i = 0; i < count; i++) {
    const size = 6 + rand() * 54;
    const x = rand() * (WIDTH - size);
    const y = rand() * (HEIGHT - size);
    if (i % 2 === 0) {
      out.push({ kind: 'box', x, y, width: size * (0.5 + rand() / 2), height: size * (0.5 + rand() / 2) });
    } else {
      // Star-shaped, so concave but simple.
      const r = size / 2;
      const points = Array.from({ length: 8 }, (_, k) => {
        const angle = (2 * Math.PI * k) / 8;
        const length = r * (0.4 + 0.6 * rand());
        return { x: x + r + length * Math.cos(angle), y: y + r + length * Math.sin(angle) };
      });
      out.push({ kind: 'polygon', points });
    }
  }
  return out;
}

/** Bounds of every geometry, flat: what a brute-force scan precomputes. */
function flatBounds(geometries: readonly Geometry[]): Float64Array {
  const flat = new Float64Array(geometries.length * 4);
  geometries.forEach((g, i) => {
    const b = geometryBounds(g);
    flat.set([b.minX, b.minY, b.maxX, b.maxY], i * 4);
  });
  return flat;
}

function bruteHitTest(
  geometries: readonly Geometry[],
  flat: Float64Array,
  p: ImagePoint,
): number | undefined {
  const tolerance = TOLERANCE_PX / SCALE;
  for (let i = geometries.length - 1; i >= 0; i--) {
    const at = i * 4;
    if (
      p.x + tolerance < (flat[at] as number) ||
      p.y + tolerance < (flat[at + 1] as number) ||
      p.x - tolerance > (flat[at + 2] as number) ||
      p.y - tolerance > (flat[at + 3] as number)
    ) {
      continue;
    }
    if (hitsGeometry(geometries[i] as Geometry, p, tolerance)) return i;
  }
  return undefined;
}

function bruteRubberBand(geometries: readonly Geometry[], flat: Float64Array, r: Bounds): number[] {
  const out: number[] = [];
  for (let i = 0; i < geometries.length; i++) {
    const at = i * 4;
    if (
      r.maxX < (flat[at] as number) ||
      r.maxY < (flat[at + 1] as number) ||
      r.minX > (flat[at + 2] as number) ||
      r.minY > (flat[at + 3] as number)
    ) {
      continue;
    }
    if (geometryIntersectsRect(geometries[i] as Geometry, r)) out.push(i);
  }
  return out;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const round = (value: number, digits: number) => Number(value.toFixed(digits));

function metric(name: string, value: number, unit: string, baseline: number): void {
  const digits = value < 10 ? 3 : 1;
  const fields = {
    metric: name,
    value: round(value, digits),
    unit,
    baseline: round(baseline, digits),
    ratio: round(value / baseline, 4),
  };
  process.stdout.write(`${JSON.stringify(fields)}\n`);
}

/** Median time in µs of `run` on each input, each call timed alone. */
function perCall<T, R>(inputs: readonly T[], run: (input: T) => R, results: R[]): number {
  const times = new Array<number>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const start = performance.now();
    results[i] = run(inputs[i] as T);
    times[i] = (performance.now() - start) * 1000;
  }
  return median(times);
}

const label = (count: number) => `${count / 1000}k`;

for (const count of COUNTS) {
  const rand = prng(count);
  const geometries = annotations(count, rand);

  const buildTimes: number[] = [];
  const boundsTimes: number[] = [];
  let index = buildSpatialIndex([]);
  let flat: Float64Array = new Float64Array(0);
  for (let run = 0; run < BUILD_RUNS; run++) {
    let start = performance.now();
    flat = flatBounds(geometries);
    boundsTimes.push(performance.now() - start);
    start = performance.now();
    index = buildSpatialIndex(geometries.map(geometryBounds));
    buildTimes.push(performance.now() - start);
  }

  const points = Array.from({ length: QUERIES }, () => imagePoint(rand() * WIDTH, rand() * HEIGHT));
  const warm = points.slice(0, WARMUP);
  perCall(warm, (p) => hitTest(index, geometries, p, TOLERANCE_PX, SCALE), []);
  perCall(warm, (p) => bruteHitTest(geometries, flat, p), []);
  const indexed: (number | undefined)[] = [];
  const brute: (number | undefined)[] = [];
  const queryTime = perCall(points, (p) => hitTest(index, geometries, p, TOLERANCE_PX, SCALE), indexed);
  const bruteTime = perCall(points, (p) => bruteHitTest(geometries, flat, p), brute);
  const mismatches = indexed.filter((id, i) => id !== brute[i]).length;
  const hits = indexed.filter((id) => id !== undefined).length;
  note(
    `${label(count)}: ${hits} of ${points.length} points hit an annotation; ${mismatches} differ from brute force`,
  );
  if (mismatches > 0) process.exitCode = 1;

  const bands: Bounds[] = Array.from({ length: BANDS }, () => {
    const w = 100 + rand() * 300;
    const h = 100 + rand() * 300;
    const x = rand() * (WIDTH - w);
    const y = rand() * (HEIGHT - h);
    return { minX: x, minY: y, maxX: x + w, maxY: y + h };
  });
  const selected: number[][] = [];
  const bruteSelected: number[][] = [];
  perCall(bands.slice(0, 20), (r) => rubberBand(index, geometries, r, 'intersecting'), []);
  perCall(bands.slice(0, 20), (r) => bruteRubberBand(geometries, flat, r), []);
  const bandTime = perCall(bands, (r) => rubberBand(index, geometries, r, 'intersecting'), selected);
  const bruteBandTime = perCall(bands, (r) => bruteRubberBand(geometries, flat, r), bruteSelected);
  if (selected.some((ids, i) => ids.join() !== (bruteSelected[i] as number[]).join())) {
    note(`${label(count)}: rubber band differs from brute force`);
    process.exitCode = 1;
  }
  note(
    `${label(count)}: a rubber band selects ${median(selected.map((s) => s.length))} annotations (median)`,
  );

  // Build time counts the bounds too, as the canvas pays for both when an image's annotations change.
  const boundsMs = median(boundsTimes);
  metric(`hit_test_build_${label(count)}`, boundsMs + median(buildTimes), 'ms', boundsMs);
  metric(`hit_test_query_${label(count)}`, queryTime, 'us', bruteTime);
  metric(`rubber_band_${label(count)}`, bandTime, 'us', bruteBandTime);
}
