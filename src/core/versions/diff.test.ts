import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { diffVersions, isEmptyDiff } from './diff';
import { maxDisplacement } from './geometryChange';
import { annotation, box, hashOf, versionImage, versionOf } from './testFixtures';

const polygon = (...xy: number[]): Geometry => ({
  kind: 'polygon',
  points: Array.from({ length: xy.length / 2 }, (_, i) => ({ x: xy[2 * i]!, y: xy[2 * i + 1]! })),
});

describe('diffVersions', () => {
  const v1 = versionOf(1, [
    versionImage('a', [annotation('a1', 'car')]),
    versionImage('b', [
      annotation('b1', 'car', box(0, 0)),
      annotation('b2', 'car', box(0, 0)),
      annotation('b3', 'car', box(0, 0)),
      annotation('b4', 'car', box(0, 0), { occlusion: 'none', occluder: ['tree', 'person'] }),
      annotation('b5', 'person'),
    ]),
    versionImage('c', [], 'train', { tags: ['rain'], attributes: { weather: 'wet' } }),
    versionImage('d', [annotation('d1', 'person')], 'test'),
  ]);
  const v2 = versionOf(
    2,
    [
      versionImage('b', [
        annotation('b6', 'person'),
        annotation('b1', 'car', box(3, 4)),
        annotation('b2', 'car', box(0.5, 0)),
        annotation('b3', 'truck', box(0, 0)),
        // Same options in another order: not a change. A new key is.
        annotation('b4', 'car', box(0, 0), { occlusion: 'none', occluder: ['person', 'tree'], parked: true }),
      ]),
      versionImage('c', [], 'val', {
        tags: ['night'],
        attributes: { weather: 'dry' },
        status: 'in-progress',
        sha256: hashOf('c-retouched'),
        path: 'cam/c.jpg',
      }),
      versionImage('d', [annotation('d1', 'person')], 'test'),
      versionImage('e', [annotation('e1', 'car'), annotation('e2', 'bus')], 'val'),
    ],
    2,
  );
  const diff = diffVersions(v1, v2);

  it('counts every kind of change once', () => {
    expect(diff.totals).toEqual({
      imagesAdded: 1,
      imagesRemoved: 1,
      imagesChanged: 2,
      contentChanged: 1,
      pathChanged: 1,
      splitChanged: 1,
      statusChanged: 1,
      tagsChanged: 1,
      imageAttributesChanged: 1,
      annotationsAdded: 3,
      annotationsRemoved: 2,
      annotationsChanged: 3,
      geometryChanged: 1,
      classChanged: 1,
      attributesChanged: 1,
    });
    expect(diff.schemaVersion).toEqual({ from: 1, to: 2, changed: true });
    expect(diff.from).toEqual({ id: 'v1', number: 1 });
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it('lists added and removed images and annotations in id order, with class and split', () => {
    expect(diff.imagesAdded).toEqual([{ imageId: 'e', path: 'e.jpg', split: 'val' }]);
    expect(diff.imagesRemoved).toEqual([{ imageId: 'a', path: 'a.jpg', split: 'train' }]);
    expect(diff.annotationsAdded.map((r) => [r.imageId, r.annotationId, r.classId, r.split])).toEqual([
      ['b', 'b6', 'person', 'train'],
      ['e', 'e1', 'car', 'val'],
      ['e', 'e2', 'bus', 'val'],
    ]);
    expect(diff.annotationsRemoved.map((r) => [r.imageId, r.annotationId, r.classId])).toEqual([
      ['a', 'a1', 'car'],
      ['b', 'b5', 'person'],
    ]);
  });

  it('says how each changed annotation changed: a 5 px move, a new class, which attributes', () => {
    expect(diff.annotationsChanged).toEqual([
      { imageId: 'b', annotationId: 'b1', classId: 'car', split: 'train', geometry: { maxDisplacement: 5 } },
      {
        imageId: 'b',
        annotationId: 'b3',
        classId: 'truck',
        split: 'train',
        classChanged: { from: 'car', to: 'truck' },
      },
      { imageId: 'b', annotationId: 'b4', classId: 'car', split: 'train', attributes: ['parked'] },
    ]);
  });

  it('says how each changed image changed, with its annotation counts for drill-down', () => {
    expect(diff.imagesChanged).toEqual([
      {
        imageId: 'b',
        path: 'b.jpg',
        split: 'train',
        annotations: { added: 1, removed: 1, changed: 3 },
      },
      {
        imageId: 'c',
        path: 'cam/c.jpg',
        split: 'val',
        content: { from: hashOf('c'), to: hashOf('c-retouched') },
        pathChanged: { from: 'c.jpg', to: 'cam/c.jpg' },
        splitChanged: { from: 'train', to: 'val' },
        status: { from: 'submitted', to: 'in-progress' },
        tags: { added: ['night'], removed: ['rain'] },
        attributes: ['weather'],
      },
    ]);
  });

  it('counts per class, with relabeling as out of the old class and into the new one', () => {
    const zero = {
      added: 0,
      removed: 0,
      changed: 0,
      geometryChanged: 0,
      attributesChanged: 0,
      reclassifiedIn: 0,
      reclassifiedOut: 0,
      tagged: 0,
      untagged: 0,
    };
    expect(diff.perClass).toEqual({
      bus: { ...zero, added: 1 },
      car: {
        ...zero,
        added: 1,
        removed: 1,
        changed: 2,
        geometryChanged: 1,
        attributesChanged: 1,
        reclassifiedOut: 1,
      },
      night: { ...zero, tagged: 1 },
      person: { ...zero, added: 1, removed: 1 },
      rain: { ...zero, untagged: 1 },
      truck: { ...zero, changed: 1, reclassifiedIn: 1 },
    });
    // Net change per class matches the two versions' counts.
    for (const classId of ['bus', 'car', 'person', 'truck']) {
      const c = diff.perClass[classId]!;
      expect(
        (v1.counts.perClass[classId] ?? 0) + c.added - c.removed + c.reclassifiedIn - c.reclassifiedOut,
      ).toBe(v2.counts.perClass[classId] ?? 0);
    }
  });

  it('counts per split, including images moving between splits', () => {
    expect(diff.perSplit).toEqual({
      train: {
        imagesAdded: 0,
        imagesRemoved: 1,
        movedIn: 0,
        movedOut: 1,
        annotationsAdded: 1,
        annotationsRemoved: 2,
        annotationsChanged: 3,
      },
      val: {
        imagesAdded: 1,
        imagesRemoved: 0,
        movedIn: 1,
        movedOut: 0,
        annotationsAdded: 2,
        annotationsRemoved: 0,
        annotationsChanged: 0,
      },
      test: {
        imagesAdded: 0,
        imagesRemoved: 0,
        movedIn: 0,
        movedOut: 0,
        annotationsAdded: 0,
        annotationsRemoved: 0,
        annotationsChanged: 0,
      },
    });
  });

  it('survives a JSON round trip unchanged, and gives the same JSON every time', () => {
    const json = JSON.stringify(diff);
    expect(JSON.parse(json)).toStrictEqual(diff);
    expect(JSON.stringify(diffVersions(v1, v2))).toBe(json);
  });

  it('finds nothing between a version and an equal copy of it', () => {
    const copy = versionOf(
      9,
      v1.images.map((image) => structuredClone(image)),
      v1.schemaVersion,
    );
    const same = diffVersions(v1, copy);
    expect(isEmptyDiff(same)).toBe(true);
    expect(Object.values(same.totals).every((n) => n === 0)).toBe(true);
    expect(same.perClass).toEqual({});
    expect(diffVersions(v1, v1).annotationsChanged).toEqual([]);
  });

  it('ignores moves up to the threshold and reports moves beyond it', () => {
    const before = versionOf(1, [
      versionImage('x', [annotation('x1', 'car', box(0, 0)), annotation('x2', 'car')]),
    ]);
    const after = versionOf(2, [
      versionImage('x', [annotation('x1', 'car', box(6, 8)), annotation('x2', 'car', box(1, 0))]),
    ]);
    expect(diffVersions(before, after).annotationsChanged.map((c) => c.annotationId)).toEqual(['x1']);
    expect(diffVersions(before, after, { moveThresholdPx: 10 }).totals.annotationsChanged).toBe(0);
    expect(diffVersions(before, after, { moveThresholdPx: 0 }).totals.geometryChanged).toBe(2);
  });

  it('with an IoU threshold, ignores a small shift of a big box but not the same shift of a small one', () => {
    const before = versionOf(1, [
      versionImage('x', [
        annotation('big', 'car', box(0, 0, 500, 500)),
        annotation('small', 'car', box(0, 0, 10, 10)),
      ]),
    ]);
    const after = versionOf(2, [
      versionImage('x', [
        annotation('big', 'car', box(3, 0, 500, 500)),
        annotation('small', 'car', box(3, 0, 10, 10)),
      ]),
    ]);
    const changed = diffVersions(before, after, { iouThreshold: 0.9 }).annotationsChanged;
    expect(
      changed.map((c) => [c.annotationId, c.geometry?.maxDisplacement, c.geometry?.iou?.toFixed(3)]),
    ).toEqual([['small', 3, (70 / 130).toFixed(3)]]);
  });

  it('reports a reshaped polygon (vertex added) as changed with no displacement', () => {
    const before = versionOf(1, [versionImage('x', [annotation('p', 'car', polygon(0, 0, 10, 0, 10, 10))])]);
    const after = versionOf(2, [
      versionImage('x', [annotation('p', 'car', polygon(0, 0, 10, 0, 10, 10, 0, 10))]),
    ]);
    expect(diffVersions(before, after).annotationsChanged[0]?.geometry).toEqual({ maxDisplacement: null });
  });
});

describe('maxDisplacement', () => {
  it('measures the farthest corner of a box, so a box grown on one side moves by that side', () => {
    expect(maxDisplacement(box(0, 0, 10, 10), box(0, 0, 13, 14))).toBe(5);
    expect(maxDisplacement(box(0, 0, 10, 10), box(-3, 0, 16, 10))).toBe(3);
  });

  it('turns a rotated box about its centre: a 90° turn of a 20×10 box moves each corner by √(15²+5²)', () => {
    const a: Geometry = { kind: 'rotated-box', cx: 0, cy: 0, width: 20, height: 10, angle: 0 };
    expect(maxDisplacement(a, { ...a, angle: 90 })).toBeCloseTo(Math.hypot(15, 5), 9);
    expect(maxDisplacement(a, { ...a, cx: 2 })).toBeCloseTo(2, 9);
  });

  it('ignores unlabeled keypoints and calls a visibility change a reshape', () => {
    const kp = (x: number, visibility: 0 | 1 | 2): Geometry => ({
      kind: 'keypoints',
      points: [
        { x: 0, y: 0, visibility: 2 },
        { x, y: 0, visibility },
      ],
    });
    expect(maxDisplacement(kp(0, 0), kp(50, 0))).toBe(0);
    expect(maxDisplacement(kp(0, 2), kp(4, 2))).toBe(4);
    expect(maxDisplacement(kp(0, 0), kp(0, 2))).toBeNull();
  });

  it('calls a change of kind a reshape', () => {
    expect(maxDisplacement(box(0, 0), { kind: 'point', x: 0, y: 0 })).toBeNull();
  });
});
