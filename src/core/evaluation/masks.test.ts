import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { countsFromString, countsToString } from '../formats/rle';
import {
  maskArea,
  maskIous,
  maskToBox,
  readSegmentation,
  rleFromBox,
  rleFromPolygons,
  segmentationToRle,
} from './masks';
import type { Box, RleMask } from './types';

const rle = (height: number, width: number, counts: number[]): RleMask => ({ height, width, counts });

describe('rasterising polygons and boxes', () => {
  // Columns 1–2, rows 1–2 of a 4×4 image, column by column: 5 off, 2 on, 2 off, 2 on, 5 off
  // (pycocotools: frPyObjects(np.array([[1, 1, 2, 2]]), 4, 4) gives counts '52203').
  it('gives a box exactly the pixels it covers', () => {
    expect(rleFromBox([1, 1, 2, 2], 4, 4).counts).toEqual([5, 2, 2, 2, 5]);
  });

  it('gives the polygon of a box the same mask as the box', () => {
    expect(rleFromPolygons([[1, 1, 1, 3, 3, 3, 3, 1]], 4, 4)).toEqual(rleFromBox([1, 1, 2, 2], 4, 4));
  });

  it('unites the rings of one object into one mask', () => {
    const union = rleFromPolygons(
      [
        [0, 0, 0, 2, 2, 2, 2, 0],
        [2, 2, 2, 4, 4, 4, 4, 2],
      ],
      4,
      4,
    );
    // Column 0 rows 0–1, column 1 rows 0–1, column 2 rows 2–3, column 3 rows 2–3.
    expect(union.counts).toEqual([0, 2, 2, 2, 4, 2, 2, 2]);
    expect(maskArea(union)).toBe(8);
  });

  it('rasterises a polygon given as an RLE-less segmentation at the image size', () => {
    const mask = segmentationToRle({ kind: 'polygons', rings: [[1, 1, 1, 3, 3, 3, 3, 1]] }, 4, 5);
    expect(mask).toEqual({ height: 4, width: 5, counts: [5, 2, 2, 2, 9] });
  });

  it('keeps an RLE segmentation at its own size, whatever the image size', () => {
    const own = rle(2, 2, [1, 3]);
    expect(segmentationToRle({ kind: 'rle', rle: own }, 10, 10)).toBe(own);
  });
});

describe('mask boxes', () => {
  it('boxes a mask by its first and last object pixels', () => {
    expect(maskToBox(rleFromBox([1, 1, 2, 2], 4, 4))).toEqual([1, 1, 2, 2]);
  });

  // maskApi.c rleToBbox: a run that continues into the next column makes the box full height.
  it('gives an object whose run wraps into the next column the full height', () => {
    // 4 rows: pixels 3 and 4 (column 0 row 3, column 1 row 0) are on.
    expect(maskToBox(rle(4, 2, [3, 2, 3]))).toEqual([0, 0, 2, 4]);
  });

  it('gives an empty mask a zero box', () => {
    expect(maskToBox(rle(4, 4, [16]))).toEqual([0, 0, 0, 0]);
  });

  // maskApi.c rleToBbox reads an explicit empty object run as the pixel before its start.
  it('boxes an empty mask written with a trailing empty run at the far corner, as pycocotools does', () => {
    expect(maskToBox(rle(4, 3, [12, 0]))).toEqual([2, 0, 2, 4]);
  });
});

describe('mask IoU', () => {
  const big = rleFromBox([0, 0, 4, 4], 4, 4);
  const small = rleFromBox([1, 1, 2, 2], 4, 4);

  it('is intersection over union for an ordinary ground truth', () => {
    expect([...maskIous([small], [big], [false])]).toEqual([4 / 16]);
  });

  it('divides by the prediction area for a crowd ground truth', () => {
    expect([...maskIous([small, big], [big], [true])]).toEqual([1, 1]);
  });

  it('lays the matrix out row by row, one row per prediction', () => {
    const left = rleFromBox([0, 0, 2, 4], 4, 4);
    const ious = maskIous([left, big], [small, left, big], [false, false, false]);
    expect([...ious]).toEqual([2 / 10, 1, 8 / 16, 4 / 16, 8 / 16, 1]);
  });

  it('gives -1 for masks of different sizes whose boxes overlap, and 0 when they do not', () => {
    const other = rleFromBox([1, 1, 2, 2], 5, 5);
    const far = rleFromBox([3, 3, 2, 2], 5, 5);
    expect([...maskIous([other, far], [small], [false])]).toEqual([-1, 0]);
  });

  it('is an empty matrix when either side is empty', () => {
    expect(maskIous([], [big], [false]).length).toBe(0);
    expect(maskIous([big], [], []).length).toBe(0);
  });
});

describe('reading a COCO segmentation', () => {
  it('reads a polygon list, keeping rings pycocotools accepts after the first', () => {
    expect(readSegmentation([[0, 0, 0, 2, 2, 2, 2, 0], [1, 1, 3, 3, 1], []])).toEqual({
      kind: 'polygons',
      rings: [[0, 0, 0, 2, 2, 2, 2, 0], [1, 1, 3, 3, 1], []],
    });
  });

  it('reads uncompressed and compressed RLE to the same runs', () => {
    const plain = readSegmentation({ size: [4, 4], counts: [5, 2, 2, 2, 5] });
    const compressed = readSegmentation({ size: [4, 4], counts: '52203' });
    expect(plain).toEqual({ kind: 'rle', rle: rle(4, 4, [5, 2, 2, 2, 5]) });
    expect(compressed).toEqual(plain);
  });

  it.each([
    ['a string', 'abc', /list of polygons or an RLE/],
    ['null', null, /not null/],
    ['an empty list', [], /empty polygon list/],
    [
      'a first ring of 4 numbers (pycocotools takes it for a box and fails)',
      [[1, 2, 3, 4]],
      /polygon 1 has 4 numbers/,
    ],
    [
      'a first ring of 2 numbers',
      [
        [1, 2],
        [0, 0, 0, 2, 2, 2],
      ],
      /polygon 1 has 2 numbers/,
    ],
    ['a ring that is not a list', [[0, 0, 0, 2, 2, 2], 7], /polygon 2 must be a list/],
    ['a coordinate that is not a number', [[0, 0, '1', 2, 2, 2]], /polygon 1 has "1" at position 3/],
    ['a coordinate beyond the int range of pycocotools', [[0, 0, 0, 2, 1e12, 2]], /beyond/],
    [
      'polygons whose outline is too long to rasterise',
      Array.from({ length: 3 }, () => [0, 0, 9e6, 0, 9e6, 9e6, 0, 9e6]),
      /px of outline, over/,
    ],
    ['RLE counts that do not cover the mask', { size: [2, 2], counts: [1, 2] }, /cover 3 pixels/],
    ['a broken compressed counts string', { size: [2, 2], counts: '5' }, /RLE counts cover/],
    ['an RLE without a size', { counts: [4] }, /size must be/],
  ])('refuses %s with a reason', (_name, value, reason) => {
    const read = readSegmentation(value);
    expect('reason' in read ? read.reason : 'accepted').toMatch(reason);
  });
});

// ---------------------------------------------------------------------------------------------------
// The oracle: upstream pycocotools (../shared/tools/cocoeval), fed one batch of cases on stdin.

/** Builds pycocotools' `_mask` once (build.sh is idempotent) and returns the folder that holds the package. */
function buildPycocotools(): string {
  ensureCocoevalBuilt();
  return COCOEVAL_BUILD_DIR;
}

const ORACLE = String.raw`
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from pycocotools import mask as M

def text(r): return r['counts'].decode('ascii')
def uncompressed(x): return M.frPyObjects({'size': [x['height'], x['width']], 'counts': x['counts']}, 0, 0)
batch = json.load(sys.stdin)
out = {'polygons': [], 'boxes': [], 'rles': [], 'ious': []}
for c in batch['polygons']:
    parts = M.frPyObjects(c['rings'], c['height'], c['width'])
    merged = M.merge(parts)
    out['polygons'].append({'rings': [text(r) for r in parts], 'merged': text(merged),
                            'area': int(M.area(merged)), 'bbox': M.toBbox(merged).tolist()})
for c in batch['boxes']:
    out['boxes'].append(text(M.frPyObjects(np.array([c['bbox']], dtype=np.double), c['height'], c['width'])[0]))
for c in batch['rles']:
    r = uncompressed(c)
    out['rles'].append({'counts': text(r), 'area': int(M.area(r)), 'bbox': M.toBbox(r).tolist()})
for c in batch['ious']:
    ious = M.iou([uncompressed(x) for x in c['dts']], [uncompressed(x) for x in c['gts']], c['iscrowd'])
    out['ious'].append(np.asarray(ious, dtype=np.double).reshape(len(c['dts']), len(c['gts'])).tolist())
print(json.dumps(out))
`;
import {
  COCOEVAL_BUILD_DIR,
  cocoevalAvailable,
  ensureCocoevalBuilt,
  MUST_HAVE_COCOEVAL,
  PYTHON,
} from '../../../tests/support/cocoeval';
import { mulberry32 } from '../versions/random';

interface PolygonCase {
  readonly rings: number[][];
  readonly height: number;
  readonly width: number;
}
interface IouCase {
  readonly dts: RleMask[];
  readonly gts: RleMask[];
  readonly iscrowd: boolean[];
}
interface Batch {
  readonly polygons: PolygonCase[];
  readonly boxes: { bbox: Box; height: number; width: number }[];
  readonly rles: RleMask[];
  readonly ious: IouCase[];
}
interface OracleAnswer {
  readonly polygons: { rings: string[]; merged: string; area: number; bbox: number[] }[];
  readonly boxes: string[];
  readonly rles: { counts: string; area: number; bbox: number[] }[];
  readonly ious: number[][][];
}

function askPycocotools(buildDir: string, batch: Batch): OracleAnswer {
  const run = spawnSync(PYTHON, ['-c', ORACLE, buildDir], {
    input: JSON.stringify(batch),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`pycocotools oracle exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as OracleAnswer;
}

const random = mulberry32(20240611);
const between = (lo: number, hi: number) => lo + random() * (hi - lo);
const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
/** A coordinate on a grid of 0.1 px (5× upsampling rounds ties there), or free sub-pixel. */
const coordinate = (lo: number, hi: number) =>
  random() < 0.4
    ? Math.round(between(lo, hi) * 10) / 10
    : random() < 0.3
      ? Math.round(between(lo, hi))
      : between(lo, hi);

/** A star-shaped (simple) ring around a centre. */
function starRing(width: number, height: number): number[] {
  const cx = between(-0.1, 1.1) * width;
  const cy = between(-0.1, 1.1) * height;
  const n = int(3, 14);
  const r = between(0.3, 0.6) * Math.max(width, height);
  const angles = Array.from({ length: n }, () => between(0, 2 * Math.PI)).sort((p, q) => p - q);
  return angles.flatMap((t) => {
    const radius = r * between(0.2, 1);
    return [cx + radius * Math.cos(t), cy + radius * Math.sin(t)];
  });
}

/** Points in random order, often crossing itself, some outside the image. */
function tangledRing(width: number, height: number): number[] {
  return Array.from({ length: int(3, 10) }, () => [
    coordinate(-0.3 * width, 1.3 * width),
    coordinate(-0.3 * height, 1.3 * height),
  ]).flat();
}

/** Rings that make little or nothing: one point repeated, collinear points, a sub-pixel triangle. */
function degenerateRing(width: number, height: number): number[] {
  const x = coordinate(-2, width + 2);
  const y = coordinate(-2, height + 2);
  switch (int(0, 5)) {
    case 0:
      return [x, y, x, y, x, y];
    case 1:
      return [x, y, x + 3, y + 1.5, x + 6, y + 3, x + 3, y + 1.5];
    case 2:
      return [x, y, x + 0.3, y, x, y + 0.3];
    case 3:
      return [x, y, x + int(1, 6), y, x + int(1, 6), y, x, y];
    case 4:
      return [x, y, x, y + between(0, 5), x + 0.2, y + 0.1];
    default:
      return [-0.1, -0.3, -0.25, coordinate(0, height), coordinate(0, width), -0.2];
  }
}

function polygonCase(): PolygonCase {
  const width = pick([1, 2, 5, 7, 16, 33, 64, 640]);
  const height = pick([1, 3, 5, 8, 21, 48, 480]);
  const makers = [starRing, tangledRing, tangledRing, starRing, degenerateRing];
  const rings = Array.from({ length: pick([1, 1, 1, 2, 3, 4]) }, () => pick(makers)(width, height));
  // Later rings may be what pycocotools still accepts: shorter, odd-length or empty.
  if (rings.length > 1 && random() < 0.3) {
    rings[rings.length - 1] = pick([[], [1.5, 2], [0, 0, 3, 3], [0, 0, 3, 0, 3, 3, 7]]);
  }
  if (random() < 0.1) rings[0]!.push(coordinate(0, width)); // an odd trailing number is dropped
  return { rings, height, width };
}

function boxCase() {
  const width = pick([3, 10, 37, 640]);
  const height = pick([4, 9, 41, 480]);
  const bbox: Box = [
    coordinate(-0.2 * width, 1.1 * width),
    coordinate(-0.2 * height, 1.1 * height),
    pick([0, 0.2, between(0, width), coordinate(0, width), -2]),
    pick([0.4, between(0, height), coordinate(0, height)]),
  ];
  return { bbox, height, width };
}

/** Random run lists, including what pycocotools accepts but never writes: empty runs inside and at the end. */
function runsCase(): RleMask {
  const height = int(1, 9);
  const width = int(1, 9);
  let left = height * width;
  const counts: number[] = [];
  while (left > 0) {
    const run = random() < 0.15 ? 0 : Math.min(left, int(1, 2 * height));
    counts.push(run);
    left -= run;
  }
  if (random() < 0.3) counts.push(0);
  return rle(height, width, counts);
}

function iouCase(height: number, width: number, count: () => number): IouCase {
  const mask = (): RleMask => {
    const roll = random();
    if (roll < 0.5) return rleFromPolygons([starRing(width, height)], height, width);
    if (roll < 0.8) {
      const x = between(-0.1, 0.9) * width;
      const y = between(-0.1, 0.9) * height;
      return rleFromBox([x, y, between(1, 0.4 * width), between(1, 0.4 * height)], height, width);
    }
    if (roll < 0.9)
      return rleFromPolygons([tangledRing(width, height), starRing(width, height)], height, width);
    return rle(height, width, [height * width]);
  };
  const dts = Array.from({ length: count() }, mask);
  const gts = Array.from({ length: count() }, mask);
  // Some predictions copy a ground truth (IoU exactly 1).
  for (let d = 0; d < dts.length && gts.length > 0; d++) if (random() < 0.15) dts[d] = pick(gts);
  return { dts, gts, iscrowd: gts.map(() => random() < 0.3) };
}

const batch: Batch = {
  polygons: Array.from({ length: 800 }, polygonCase),
  boxes: Array.from({ length: 300 }, boxCase),
  rles: Array.from({ length: 300 }, runsCase),
  ious: [
    ...Array.from({ length: 40 }, () => iouCase(int(5, 60), int(5, 60), () => int(0, 12))),
    iouCase(480, 640, () => 60),
    // Masks of another size than the ground truth's, and run lists with empty runs inside.
    {
      dts: [rleFromBox([0, 0, 3, 3], 6, 6), rle(4, 4, [3, 0, 2, 4, 7]), rle(4, 4, [3, 2, 0, 4, 7])],
      gts: [rleFromBox([1, 1, 3, 3], 4, 4), rle(4, 4, [3, 0, 1, 5, 7]), rle(4, 4, [5, 4, 7])],
      iscrowd: [false, true, false],
    },
  ],
};

// Skips only where the oracle cannot run (no ../shared beside the checkout, or no /usr/bin/python3); under
// CI=true it runs and fails loudly if pycocotools is missing (tests/support/cocoeval.ts).
describe.skipIf(!cocoevalAvailable() && !MUST_HAVE_COCOEVAL)('agreement with pycocotools', () => {
  let oracle: OracleAnswer;
  beforeAll(() => {
    oracle = askPycocotools(buildPycocotools(), batch);
  });

  const runs = (text: string) => countsFromString(text) as number[];

  it('rasterises every ring to the runs frPyObjects gives', () => {
    const wrong = batch.polygons.flatMap((c, i) =>
      c.rings.flatMap((ring, r) => {
        const mine = rleFromPolygons([ring], c.height, c.width).counts;
        const theirs = runs(oracle.polygons[i]!.rings[r]!);
        return JSON.stringify(mine) === JSON.stringify(theirs) ? [] : [{ case: i, ring, mine, theirs }];
      }),
    );
    expect(wrong).toEqual([]);
  });

  it('unites each object’s rings into the runs mask.merge gives', () => {
    const wrong = batch.polygons.flatMap((c, i) => {
      const mine = rleFromPolygons(c.rings, c.height, c.width).counts;
      const theirs = runs(oracle.polygons[i]!.merged);
      return JSON.stringify(mine) === JSON.stringify(theirs)
        ? []
        : [{ case: i, rings: c.rings, mine, theirs }];
    });
    expect(wrong).toEqual([]);
  });

  it('covers enough non-trivial polygons for the comparison to mean something', () => {
    const areas = oracle.polygons.map((p) => p.area);
    expect(areas.filter((a) => a === 0).length).toBeGreaterThan(20);
    expect(areas.filter((a) => a > 0).length).toBeGreaterThan(500);
    expect(areas.filter((a) => a > 10_000).length).toBeGreaterThan(15);
  });

  it('gives merged polygons the area and box pycocotools gives', () => {
    batch.polygons.forEach((c, i) => {
      const mask = rleFromPolygons(c.rings, c.height, c.width);
      expect([maskArea(mask), ...maskToBox(mask)]).toEqual([
        oracle.polygons[i]!.area,
        ...oracle.polygons[i]!.bbox,
      ]);
    });
  });

  it('writes the compressed counts strings pycocotools writes, and reads them back', () => {
    batch.polygons.forEach((c, i) => {
      const text = oracle.polygons[i]!.merged;
      expect(countsToString(rleFromPolygons(c.rings, c.height, c.width).counts)).toBe(text);
      const read = readSegmentation({ size: [c.height, c.width], counts: text });
      expect(read).toEqual({ kind: 'rle', rle: rleFromPolygons(c.rings, c.height, c.width) });
    });
  });

  it('rasterises boxes to the runs frPyObjects gives for an array of boxes', () => {
    batch.boxes.forEach((c, i) => {
      expect(rleFromBox(c.bbox, c.height, c.width).counts, JSON.stringify(c)).toEqual(runs(oracle.boxes[i]!));
    });
  });

  it('gives uncompressed run lists, empty runs included, the area, box and string pycocotools gives', () => {
    batch.rles.forEach((mask, i) => {
      const theirs = oracle.rles[i]!;
      expect([maskArea(mask), ...maskToBox(mask)], JSON.stringify(mask)).toEqual([
        theirs.area,
        ...theirs.bbox,
      ]);
      expect(countsToString(mask.counts)).toBe(theirs.counts);
    });
  });

  it('computes the IoU matrices mask.iou computes, crowd and non-crowd, to 1e-12', () => {
    let compared = 0;
    const seen = { crowdPartial: 0, partial: 0, one: 0, minusOne: 0 };
    batch.ious.forEach((c, i) => {
      const mine = maskIous(c.dts, c.gts, c.iscrowd);
      const theirs = oracle.ious[i]!;
      expect(mine.length).toBe(c.dts.length * c.gts.length);
      c.dts.forEach((_, d) =>
        c.gts.forEach((_, g) => {
          const value = theirs[d]![g]!;
          expect(
            Math.abs(mine[d * c.gts.length + g]! - value),
            `case ${i} dt ${d} gt ${g}`,
          ).toBeLessThanOrEqual(1e-12);
          compared++;
          if (value === 1) seen.one++;
          else if (value === -1) seen.minusOne++;
          else if (value > 0) seen[c.iscrowd[g] ? 'crowdPartial' : 'partial']++;
        }),
      );
    });
    expect(compared).toBeGreaterThan(4000);
    expect(seen.partial).toBeGreaterThan(100);
    expect(seen.crowdPartial).toBeGreaterThan(30);
    expect(seen.one).toBeGreaterThan(20);
    expect(seen.minusOne).toBeGreaterThan(0);
  });
});
