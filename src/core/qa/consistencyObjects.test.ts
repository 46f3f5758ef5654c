/** Object measures for the consistency checks agree with the data-quality page's, and class fences behave. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { objectQuality } from '../quality/objectStats';
import { classOutliers, measureObject } from './consistencyObjects';

describe('measureObject', () => {
  it('gives the same relative area, aspect ratio and border contact for boxes as objectQuality', () => {
    const size = fc.double({ min: -300, max: 300, noNaN: true });
    fc.assert(
      fc.property(
        size,
        size,
        size,
        size,
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, y, w, h, margin) => {
          const box: Geometry = { kind: 'box', x: x + 300, y: y + 300, width: w, height: h };
          const out = new Float64Array(3);
          expect(measureObject(box, 640, 480, margin, out)).toBe(true);
          const quality = objectQuality(box, 640, 480, margin)!;
          expect([...out]).toEqual([
            quality.relativeArea,
            quality.aspectRatio,
            quality.touchesBorder ? 1 : 0,
          ]);
        },
      ),
    );
  });

  it('has nothing to say about a point, which has no area', () => {
    expect(measureObject({ kind: 'point', x: 1, y: 1 }, 640, 480, 1, new Float64Array(3))).toBe(false);
  });
});

describe('classOutliers', () => {
  it('fences each class separately and skips NaN values and small classes', () => {
    const log = Math.log;
    // Class 0: eight at log 1 and one at log 50; class 1: five values only.
    const values = Float64Array.from([
      ...Array(8).fill(log(1)),
      log(50),
      NaN,
      ...Array(4).fill(log(1)),
      log(50),
    ]);
    const classes = Int32Array.from([...Array(10).fill(0), ...Array(5).fill(1)]);
    const found = classOutliers(values, classes, 2, 1.5);
    expect(found.map((f) => f.object)).toEqual([8]);
    expect(found[0]!.ratio).toBeCloseTo(50, 9);
  });
});
