import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iou, nonMaxSuppression, type NmsOptions, type Scored } from './nms';

const det = (
  id: string,
  classIndex: number,
  score: number,
  x: number,
  y: number,
  width: number,
  height: number,
) => ({
  id,
  classIndex,
  score,
  box: { x, y, width, height },
});
const ids = (kept: readonly { id: string }[]) => kept.map((d) => d.id);

describe('iou', () => {
  it('is intersection over union, 0 for disjoint, touching or empty boxes', () => {
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(
      50 / 150,
      12,
    );
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 10, y: 0, width: 10, height: 10 })).toBe(0);
    expect(iou({ x: 0, y: 0, width: 0, height: 0 }, { x: 0, y: 0, width: 0, height: 0 })).toBe(0);
    expect(iou({ x: 1, y: 1, width: 4, height: 4 }, { x: 1, y: 1, width: 4, height: 4 })).toBe(1);
  });
});

describe('nonMaxSuppression', () => {
  const options: NmsOptions = { iouThreshold: 0.45, classAware: true };

  it('keeps the higher-scoring of two overlapping boxes of a class, in descending score', () => {
    const kept = nonMaxSuppression(
      [
        det('low', 0, 0.8, 1, 1, 10, 10),
        det('far', 0, 0.5, 50, 50, 10, 10),
        det('high', 0, 0.9, 0, 0, 10, 10),
      ],
      options,
    );
    expect(ids(kept)).toEqual(['high', 'far']);
  });

  it('lets boxes of different classes overlap when class-aware, not when class-agnostic', () => {
    const input = [det('person', 0, 0.9, 0, 0, 10, 10), det('bike', 1, 0.8, 1, 1, 10, 10)];
    expect(ids(nonMaxSuppression(input, options))).toEqual(['person', 'bike']);
    expect(ids(nonMaxSuppression(input, { ...options, classAware: false }))).toEqual(['person']);
  });

  it('suppresses only above the threshold: IoU exactly at it keeps both', () => {
    const input = [det('a', 0, 0.9, 0, 0, 10, 10), det('b', 0, 0.8, 0, 0, 10, 5)];
    expect(ids(nonMaxSuppression(input, { ...options, iouThreshold: 0.5 }))).toEqual(['a', 'b']);
    expect(ids(nonMaxSuppression(input, { ...options, iouThreshold: 0.49 }))).toEqual(['a']);
  });

  it('breaks score ties by input order, so the earlier candidate wins', () => {
    const a = det('a', 0, 0.7, 0, 0, 10, 10);
    const b = det('b', 0, 0.7, 1, 0, 10, 10);
    expect(ids(nonMaxSuppression([a, b], options))).toEqual(['a']);
    expect(ids(nonMaxSuppression([b, a], options))).toEqual(['b']);
  });

  it('stops at the maximum number of detections, keeping the best', () => {
    const input = Array.from({ length: 10 }, (_, i) => det(`d${i}`, 0, i / 10, i * 20, 0, 10, 10));
    expect(ids(nonMaxSuppression(input, { ...options, maxDetections: 3 }))).toEqual(['d9', 'd8', 'd7']);
    expect(nonMaxSuppression([], options)).toEqual([]);
  });

  /** The textbook O(n²) version: the fast one must agree with it exactly. */
  const reference = <T extends Scored>(detections: readonly T[], o: NmsOptions): T[] => {
    const sorted = detections.map((d, i) => ({ d, i })).sort((p, q) => q.d.score - p.d.score || p.i - q.i);
    const kept: T[] = [];
    for (const { d } of sorted) {
      if (kept.length >= (o.maxDetections ?? Infinity)) break;
      if (
        kept.some(
          (k) => (!o.classAware || k.classIndex === d.classIndex) && iou(k.box, d.box) > o.iouThreshold,
        )
      )
        continue;
      kept.push(d);
    }
    return kept;
  };

  it('agrees with the textbook quadratic NMS on random candidates', () => {
    const candidate = fc.record({
      classIndex: fc.integer({ min: 0, max: 3 }),
      score: fc.constantFrom(0.3, 0.5, 0.5, 0.7, 0.9, 0.95),
      box: fc.record({
        x: fc.integer({ min: 0, max: 60 }),
        y: fc.integer({ min: 0, max: 60 }),
        width: fc.integer({ min: 0, max: 40 }),
        height: fc.integer({ min: 0, max: 40 }),
      }),
    });
    fc.assert(
      fc.property(
        fc.array(candidate, { maxLength: 60 }),
        fc.record({
          iouThreshold: fc.constantFrom(0, 0.3, 0.45, 0.7),
          classAware: fc.boolean(),
          maxDetections: fc.constantFrom(undefined, 1, 5, 300),
        }),
        (candidates, o) => {
          expect(nonMaxSuppression(candidates, o)).toEqual(reference(candidates, o));
        },
      ),
    );
  });

  it('handles 8,400 candidates (one per YOLOv8 anchor at 640²) the same as the textbook version', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const candidates = Array.from({ length: 8400 }, (_, i) =>
      det(
        `a${i}`,
        Math.floor(random() * 80),
        random(),
        random() * 600,
        random() * 600,
        10 + random() * 100,
        10 + random() * 100,
      ),
    );
    const o = { iouThreshold: 0.45, classAware: true, maxDetections: 300 };
    const kept = nonMaxSuppression(candidates, o);
    expect(kept).toHaveLength(300);
    expect(ids(kept)).toEqual(ids(reference(candidates, o)));
  });
});
