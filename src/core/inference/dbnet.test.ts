import { describe, expect, it } from 'vitest';
import {
  decodeTextRegions,
  detectorInputSize,
  detectorTensor,
  meanInsideQuad,
  regionHullPoints,
  type ProbabilityMap,
} from './dbnet';

/** A map of `background` with the pixels `inside(x, y)` says set to `value`. */
function map(
  width: number,
  height: number,
  paint: (x: number, y: number) => number | undefined,
  background = 0.01,
): ProbabilityMap {
  const data = new Float32Array(width * height).fill(background);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = paint(x, y) ?? background;
  return { data, width, height };
}

const rect = (x0: number, y0: number, x1: number, y1: number, value: number) => (x: number, y: number) =>
  x >= x0 && x <= x1 && y >= y0 && y <= y1 ? value : undefined;

describe('detectorInputSize (DetResizeForTest, limit_type max)', () => {
  it('keeps images under the limit and rounds each side to a multiple of 32', () => {
    expect(detectorInputSize(800, 600)).toEqual({ width: 800, height: 608 });
    expect(detectorInputSize(640, 480)).toEqual({ width: 640, height: 480 });
  });

  it('shrinks the longer side to 960 first, truncating before rounding', () => {
    // 1080 × 0.5 = 540 → 16.875 × 32 → 544.
    expect(detectorInputSize(1920, 1080)).toEqual({ width: 960, height: 544 });
    expect(detectorInputSize(1000, 3000)).toEqual({ width: 320, height: 960 });
  });

  it('never goes below 32 and rounds halves to even like Python', () => {
    expect(detectorInputSize(10, 10)).toEqual({ width: 32, height: 32 });
    expect(detectorInputSize(48, 80)).toEqual({ width: 64, height: 64 });
  });
});

describe('detectorTensor', () => {
  it('writes BGR planes normalized with the mean and std in channel order', () => {
    const rgba = new Uint8Array([255, 0, 51, 255, 0, 255, 102, 255]);
    const t = detectorTensor(rgba, 2, 1, 4);
    expect(t.length).toBe(6);
    // Channel 0 is blue with 0.485 / 0.229.
    expect(t[0]).toBeCloseTo((0.2 - 0.485) / 0.229, 5);
    expect(t[1]).toBeCloseTo((0.4 - 0.485) / 0.229, 5);
    expect(t[2]).toBeCloseTo((0 - 0.456) / 0.224, 5);
    expect(t[3]).toBeCloseTo((1 - 0.456) / 0.224, 5);
    expect(t[4]).toBeCloseTo((1 - 0.406) / 0.225, 5);
    expect(t[5]).toBeCloseTo((0 - 0.406) / 0.225, 5);
  });
});

describe('regionHullPoints', () => {
  it('finds 8-connected regions, diagonal neighbours joining', () => {
    const bitmap = new Uint8Array([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const regions = regionHullPoints(bitmap, 4, 4);
    expect(regions.length).toBe(2);
    expect(regions[0]).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ]);
    expect(regions[1]).toEqual([
      { x: 3, y: 1 },
      { x: 3, y: 2 },
      { x: 3, y: 3 },
    ]);
  });

  it('keeps only the leftmost and rightmost pixel of each row', () => {
    const bitmap = new Uint8Array(5 * 2).fill(1);
    expect(regionHullPoints(bitmap, 5, 2)).toEqual([
      [
        { x: 0, y: 0 },
        { x: 4, y: 0 },
        { x: 0, y: 1 },
        { x: 4, y: 1 },
      ],
    ]);
  });
});

describe('meanInsideQuad (box_score_fast)', () => {
  it('averages the pixels inside the quad, edges included', () => {
    const m = map(10, 10, (x) => x);
    const quad = [
      { x: 2, y: 2 },
      { x: 4, y: 2 },
      { x: 4, y: 5 },
      { x: 2, y: 5 },
    ] as const;
    expect(meanInsideQuad(m, quad as never)).toBeCloseTo(3, 6);
  });
});

describe('decodeTextRegions (DBPostProcess, PP-OCRv4 settings)', () => {
  it('grows an axis-aligned region by area × 1.5 / perimeter and scales it to the image', () => {
    // Pixels x 10…49, y 20…29: centres span 39 × 9 (what cv2.minAreaRect of the contour measures).
    const regions = decodeTextRegions(map(100, 60, rect(10, 20, 49, 29, 0.9)), 200, 120);
    expect(regions.length).toBe(1);
    const [region] = regions;
    const d = (39 * 9 * 1.5) / (2 * (39 + 9));
    expect(region!.score).toBeCloseTo(0.9, 5);
    expect(region!.box.cx).toBeCloseTo(60, 6);
    expect(region!.box.cy).toBeCloseTo(50, 6);
    expect(region!.box.width).toBeCloseTo((39 + 2 * d) * 2, 6);
    expect(region!.box.height).toBeCloseTo((9 + 2 * d) * 2, 6);
    expect(Math.abs(region!.box.angle) % 180).toBeCloseTo(0, 6);
    // Top-left first, clockwise on screen.
    const [tl, tr, br, bl] = region!.corners;
    expect(tl.x).toBeCloseTo((10 - d + 0.5) * 2, 6);
    expect(tl.y).toBeCloseTo((20 - d + 0.5) * 2, 6);
    expect(tr.x).toBeGreaterThan(tl.x);
    expect(br.y).toBeGreaterThan(tr.y);
    expect(bl.x).toBeCloseTo(tl.x, 6);
  });

  it('recovers the angle and size of a rotated region', () => {
    const angle = (25 * Math.PI) / 180;
    const [cx, cy, hw, hh] = [100, 80, 60, 12];
    const m = map(200, 160, (x, y) => {
      const u = (x - cx) * Math.cos(angle) + (y - cy) * Math.sin(angle);
      const v = -(x - cx) * Math.sin(angle) + (y - cy) * Math.cos(angle);
      return Math.abs(u) <= hw && Math.abs(v) <= hh ? 0.95 : undefined;
    });
    const [region, ...rest] = decodeTextRegions(m, 200, 160);
    expect(rest).toEqual([]);
    expect(region!.box.angle).toBeCloseTo(25, 0);
    // Pixel centres fall up to a pixel inside the drawn rectangle's edges.
    const w = region!.box.width;
    const h = region!.box.height;
    const d0 = (w - h) / 2; // both grew by 2d
    expect(d0).toBeGreaterThan(hw - hh - 2);
    expect(d0).toBeLessThan(hw - hh + 2);
    expect(region!.box.cx).toBeCloseTo(cx + 0.5, 0);
    expect(region!.box.cy).toBeCloseTo(cy + 0.5, 0);
  });

  it('drops regions whose mean probability is under box_thresh, though above thresh', () => {
    const m = map(60, 40, (x, y) => rect(5, 5, 40, 15, 0.5)(x, y) ?? rect(5, 25, 40, 35, 0.8)(x, y));
    const regions = decodeTextRegions(m, 60, 40);
    expect(regions.length).toBe(1);
    expect(regions[0]!.score).toBeCloseTo(0.8, 5);
    expect(regions[0]!.box.cy).toBeCloseTo(30.5, 6);
  });

  it('drops regions thinner than min_size', () => {
    // 3 pixels tall: centres span 2 < 3.
    expect(decodeTextRegions(map(60, 40, rect(5, 5, 40, 7, 0.9)), 60, 40)).toEqual([]);
    // 4 pixels tall spans 3: kept (and wide enough after unclipping).
    expect(decodeTextRegions(map(60, 40, rect(5, 5, 40, 8, 0.9)), 60, 40).length).toBe(1);
  });

  it('clips corners to the image', () => {
    const [region] = decodeTextRegions(map(50, 20, rect(0, 0, 30, 8, 0.9)), 50, 20);
    for (const p of region!.corners) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeGreaterThanOrEqual(0);
    }
    expect(region!.corners[0]).toEqual({ x: 0, y: 0 });
  });

  it('stops after max_candidates regions', () => {
    const m = map(100, 20, (x, y) => (y >= 2 && y <= 12 && x % 20 < 15 ? 0.9 : undefined));
    expect(decodeTextRegions(m, 100, 20).length).toBe(5);
    const options = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 2 };
    expect(decodeTextRegions(m, 100, 20, options).length).toBe(2);
  });
});

describe('meanInsideQuad on a rotated quad', () => {
  it('averages exactly the pixels whose centres are inside, as a brute-force test finds', () => {
    const m = map(40, 40, (x, y) => ((x * 7 + y * 13) % 10) / 10);
    const quad = [
      { x: 5.3, y: 12.1 },
      { x: 28.7, y: 3.9 },
      { x: 33.2, y: 17.4 },
      { x: 9.8, y: 25.6 },
    ] as const;
    let sum = 0;
    let count = 0;
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 40; x++) {
        const inside = quad.every((a, i) => {
          const b = quad[(i + 1) % 4]!;
          return (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) >= 0;
        });
        if (inside) {
          sum += m.data[y * 40 + x]!;
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(200);
    expect(meanInsideQuad(m, quad as never)).toBeCloseTo(sum / count, 6);
  });
});
