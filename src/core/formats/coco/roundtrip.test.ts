import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../annotations/types';
import { rotatedBoxCorners } from '../../geometry/shapes';
import type { FormatAnnotation, FormatImage } from '../types';
import { readCoco, readCocoText } from './read';
import { writeCoco } from './write';

/** Geometry with coordinates snapped to 1/100 px (what COCO keeps) and absent keypoints at 0, 0. */
function comparable(g: Geometry): unknown {
  const r = (v: number) => Math.round(v * 100) / 100;
  switch (g.kind) {
    case 'box':
      return { ...g, x: r(g.x), y: r(g.y), width: r(g.width), height: r(g.height) };
    case 'polygon':
      return { kind: 'polygon', points: g.points.map((p) => ({ x: r(p.x), y: r(p.y) })) };
    case 'keypoints':
      return {
        kind: 'keypoints',
        points: g.points.map((p) =>
          p.visibility > 0
            ? { x: r(p.x), y: r(p.y), visibility: p.visibility }
            : { x: 0, y: 0, visibility: 0 },
        ),
        ...(g.box ? { box: comparable({ kind: 'box', ...g.box }) } : {}),
      };
    // COCO has no rotated box: it comes back as the polygon of its corners.
    case 'rotated-box':
      return comparable({ kind: 'polygon', points: rotatedBoxCorners(g) });
    default:
      return g;
  }
}

/** What a user would compare: per image path, each object's label, geometry, crowd, attributes, score. */
const summary = (images: readonly FormatImage[]) =>
  Object.fromEntries(
    images.map((image) => [
      image.path,
      {
        size: [image.width, image.height],
        objects: image.annotations.map(({ sourceId: _, geometry, ...rest }: FormatAnnotation) => ({
          ...rest,
          geometry: comparable(geometry),
        })),
      },
    ]),
  );

const square = (x: number, y: number, size: number) => [
  { x, y },
  { x: x + size, y },
  { x: x + size, y: y + size },
  { x, y: y + size },
];

const dataset: FormatImage[] = [
  {
    path: 'zebra/ünïcode 画像.jpg',
    width: 1920,
    height: 1080,
    annotations: [
      { label: '🚗 car', geometry: { kind: 'box', x: 0.004, y: 1 / 3, width: 100.126, height: 50.5 } },
      {
        label: 'pedestrian',
        crowd: true,
        geometry: {
          kind: 'polygon',
          points: [
            { x: 10.1, y: 10.2 },
            { x: 80.33, y: 12 },
            { x: 40, y: 90.999 },
          ],
        },
        attributes: { occluded: false, count: 12, kind: 'group', tags: ['blurred', 'far'] },
      },
      { label: '🚗 car', sourceId: 'a', geometry: { kind: 'polygon', points: square(200, 200, 20) } },
      { label: '🚗 car', sourceId: 'a', geometry: { kind: 'polygon', points: square(240, 200, 10) } },
      {
        label: 'pedestrian',
        geometry: {
          kind: 'keypoints',
          points: [
            { x: 500.5, y: 300.25, visibility: 2 },
            { x: 12, y: 34, visibility: 0 },
            { x: 510, y: 320, visibility: 1 },
          ],
          box: { x: 480, y: 280, width: 60, height: 120 },
        },
        score: 0.75,
      },
      {
        label: '🚗 car',
        geometry: { kind: 'rotated-box', cx: 700, cy: 400, width: 80, height: 30, angle: 17.5 },
      },
    ],
  },
  { path: 'empty.jpg', width: 640, height: 480, annotations: [] },
  {
    path: 'a/b/c.png',
    width: 10,
    height: 10,
    annotations: [{ label: 'pedestrian', geometry: { kind: 'box', x: 1, y: 2, width: 3, height: 4 } }],
  },
];

const options = {
  labels: ['🚗 car', 'pedestrian'],
  skeletons: { pedestrian: ['head', 'left hand', 'right hand'] },
};

describe('COCO round trip', () => {
  it('reads back what it wrote: same images, labels, geometry within 0.01 px, crowd, attributes, scores', () => {
    const written = writeCoco(dataset, options);
    expect(written.problems).toEqual([]);
    const read = readCocoText(written.file.text);
    expect(read.problems).toEqual([]);
    expect(read.labels).toEqual(options.labels);
    expect(read.skeletons).toEqual(options.skeletons);
    expect(summary(read.images)).toEqual(summary(dataset));
  });

  it('keeps the parts of a several-polygon object together through the round trip', () => {
    const read = readCocoText(writeCoco(dataset, options).file.text);
    const parts = read.images
      .find((i) => i.path === 'zebra/ünïcode 画像.jpg')!
      .annotations.filter((a) => a.geometry.kind === 'polygon' && a.label === '🚗 car' && !a.crowd);
    // The two squares share one COCO object; the rotated box is an object of its own.
    expect(parts.map((a) => a.sourceId)).toEqual(['4', '4', '6']);
  });

  it('writes the same bytes after a read of its own output (a stable fixed point)', () => {
    const first = writeCoco(dataset, options).file.text;
    const again = readCoco(JSON.parse(first));
    const second = writeCoco(again.images, { labels: again.labels, skeletons: again.skeletons });
    expect(second.file.text).toBe(first);
  });

  it('round-trips a 1000-image dataset and writes it identically twice', () => {
    const big: FormatImage[] = Array.from({ length: 1000 }, (_, i) => ({
      path: `img_${String(i).padStart(5, '0')}.jpg`,
      width: 640,
      height: 480,
      annotations: Array.from({ length: 5 }, (_, k) => ({
        label: k % 2 === 0 ? '🚗 car' : 'pedestrian',
        geometry: {
          kind: 'box' as const,
          x: (i * 7 + k * 13) % 600,
          y: (k * 31) % 400,
          width: 10 + k,
          height: 20.25,
        },
      })),
    }));
    const text = writeCoco(big, { labels: options.labels }).file.text;
    expect(writeCoco(big, { labels: options.labels }).file.text).toBe(text);
    const read = readCocoText(text);
    expect(read.images).toHaveLength(1000);
    expect(read.images.reduce((n, i) => n + i.annotations.length, 0)).toBe(5000);
    expect(summary(read.images)).toEqual(summary(big));
  });
});
