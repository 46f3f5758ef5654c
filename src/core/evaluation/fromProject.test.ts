import { describe, expect, it } from 'vitest';
import type { Annotation, AnnotationId, AttributeValues, Geometry } from '../annotations/types';
import type { Prediction } from '../predictions/types';
import { groundTruthObject, isCrowd, predictedObject } from './fromProject';

const annotation = (geometry: Geometry, attributes: AttributeValues = {}): Annotation => ({
  id: 'ann-1' as AnnotationId,
  classId: 'c-car',
  geometry,
  attributes,
  schemaVersion: 1,
  createdBy: 'test',
  createdAt: 0,
  updatedBy: 'test',
  updatedAt: 0,
});

const prediction = (geometry: Geometry, classId: string | null = 'c-car'): Prediction => ({
  id: 'p1',
  classId,
  label: 'car',
  score: 0.8,
  geometry,
});

const box: Geometry = { kind: 'box', x: 10, y: 20, width: 30, height: 40 };
const triangle: Geometry = {
  kind: 'polygon',
  points: [
    { x: 0, y: 0 },
    { x: 100, y: 0 },
    { x: 0, y: 50 },
  ],
};
const rotated: Geometry = { kind: 'rotated-box', cx: 50, cy: 50, width: 40, height: 20, angle: 90 };

describe('groundTruthObject', () => {
  it('turns a box into its COCO box, area and a four-corner ring', () => {
    expect(groundTruthObject('img-1', annotation(box), true)).toEqual({
      id: 'ann-1',
      imageId: 'img-1',
      categoryId: 'c-car',
      bbox: [10, 20, 30, 40],
      area: 1200,
      iscrowd: false,
      segmentation: { kind: 'polygons', rings: [[10, 20, 10, 60, 40, 60, 40, 20]] },
    });
  });

  it("gives a polygon its bounding box, its own area (not the box's) and its ring", () => {
    const object = groundTruthObject('img-1', annotation(triangle), true)!;
    expect(object.bbox).toEqual([0, 0, 100, 50]);
    expect(object.area).toBe(2500);
    expect(object.segmentation).toEqual({ kind: 'polygons', rings: [[0, 0, 100, 0, 0, 50]] });
  });

  it('gives a rotated box the bounds of its turned corners and its corners as the ring', () => {
    const object = groundTruthObject('img-1', annotation(rotated), true)!;
    // 40 × 20 turned a quarter: 20 wide, 40 tall about (50, 50).
    object.bbox.forEach((v, i) => expect(v).toBeCloseTo([40, 30, 20, 40][i]!, 9));
    expect(object.area).toBeCloseTo(800, 9);
    const ring = object.segmentation!.kind === 'polygons' ? object.segmentation!.rings[0]! : [];
    expect(ring).toHaveLength(8);
    const xs = ring.filter((_, i) => i % 2 === 0);
    const ys = ring.filter((_, i) => i % 2 === 1);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)].map(Math.round)).toEqual([
      40, 60, 30, 70,
    ]);
  });

  it('uses the box of keypoints that have one, and leaves out keypoints without a box', () => {
    const points = [
      { x: 5, y: 5, visibility: 2 as const },
      { x: 9, y: 9, visibility: 1 as const },
    ];
    const withBox = groundTruthObject(
      'img-1',
      annotation({ kind: 'keypoints', points, box: { x: 1, y: 2, width: 20, height: 10 } }),
      true,
    )!;
    expect(withBox.bbox).toEqual([1, 2, 20, 10]);
    expect(withBox.area).toBe(200);
    expect(withBox.segmentation).toEqual({ kind: 'polygons', rings: [[1, 2, 1, 12, 21, 12, 21, 2]] });
    expect(groundTruthObject('img-1', annotation({ kind: 'keypoints', points }), true)).toBeUndefined();
  });

  it('leaves out points and polylines, which have no area', () => {
    expect(groundTruthObject('img-1', annotation({ kind: 'point', x: 3, y: 4 }), true)).toBeUndefined();
    const line: Geometry = {
      kind: 'polyline',
      points: [
        { x: 0, y: 0 },
        { x: 10, y: 10 },
      ],
    };
    expect(groundTruthObject('img-1', annotation(line), true)).toBeUndefined();
  });

  it('gives no segmentation when masks are off, but keeps the area COCO would store', () => {
    const object = groundTruthObject('img-1', annotation(triangle), false)!;
    expect(object.segmentation).toBeUndefined();
    expect('segmentation' in object).toBe(false);
    expect(object.area).toBe(2500);
  });

  it('marks crowd regions by the iscrowd, crowd or is_crowd attribute set to true or 1', () => {
    for (const name of ['iscrowd', 'crowd', 'is_crowd'])
      for (const value of [true, 1]) {
        expect(groundTruthObject('img-1', annotation(box, { [name]: value }), false)!.iscrowd).toBe(true);
      }
    const notCrowds: AttributeValues[] = [{ iscrowd: false }, { iscrowd: 0 }, { crowded: true }, {}];
    for (const attributes of notCrowds) expect(isCrowd(annotation(box, attributes))).toBe(false);
  });
});

describe('predictedObject', () => {
  it('keeps the score and names the prediction by its key', () => {
    expect(predictedObject('img-1', 'run-1/p1', prediction(box), false)).toEqual({
      id: 'run-1/p1',
      imageId: 'img-1',
      categoryId: 'c-car',
      bbox: [10, 20, 30, 40],
      score: 0.8,
      area: 1200,
    });
  });

  it("uses a polygon's ring and own area for mask IoU, and the box area for box IoU", () => {
    const masked = predictedObject('img-1', 'p1', prediction(triangle), true)!;
    expect(masked.area).toBe(2500);
    expect(masked.segmentation).toEqual({ kind: 'polygons', rings: [[0, 0, 100, 0, 0, 50]] });
    const boxed = predictedObject('img-1', 'p1', prediction(triangle), false)!;
    expect(boxed.area).toBe(5000);
    expect('segmentation' in boxed).toBe(false);
  });

  it('skips predictions of unmapped classes and shapes without area', () => {
    expect(predictedObject('img-1', 'p1', prediction(box, null), true)).toBeUndefined();
    expect(predictedObject('img-1', 'p1', prediction({ kind: 'point', x: 1, y: 1 }), true)).toBeUndefined();
  });
});
