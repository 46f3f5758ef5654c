import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { CIRCLE_CORNERS, readLabelme, writeLabelme } from './labelme';
import type { FormatImage } from './types';

const shape = (label: string, shape_type: string, points: number[][], extra: object = {}) => ({
  label,
  points,
  group_id: null,
  description: '',
  shape_type,
  flags: {},
  mask: null,
  ...extra,
});

// As labelme 5 saves it, with the JSON in a folder beside the images (imagePath relative to the JSON,
// written by labelme on Windows with backslashes).
const LABELME_5 = JSON.stringify(
  {
    version: '5.5.0',
    flags: { __ignore__: false, outdoor: true, night: false },
    shapes: [
      shape('cat', 'rectangle', [
        [132.0, 135.0],
        [32.0, 35.0],
      ]),
      shape(
        'road',
        'polygon',
        [
          [69, 318],
          [45, 403],
          [173, 406],
          [198, 321],
        ],
        { group_id: 3, description: 'wet', flags: { occluded: true } },
      ),
      shape('lane', 'linestrip', [
        [440.5, 181.4],
        [402.5, 274.4],
        [544.5, 275.4],
      ]),
      shape('edge', 'line', [
        [188, 178],
        [160, 224],
      ]),
      shape('nose', 'point', [[345, 174]]),
      shape('coin', 'circle', [
        [100, 100],
        [110, 100],
      ]),
      shape('ship', 'oriented_rectangle', [
        [40, 40],
        [60, 60],
        [50, 70],
        [30, 50],
      ]),
      shape('blob', 'mask', [
        [0, 0],
        [5, 5],
      ]),
      shape('flat', 'rectangle', [
        [5, 5],
        [5, 9],
      ]),
    ],
    imagePath: '..\\images\\2011_000003.jpg',
    imageData: null,
    imageHeight: 338,
    imageWidth: 500,
  },
  null,
  2,
);

const close = (actual: Geometry, expected: Geometry) => {
  expect(actual.kind).toBe(expected.kind);
  const numbers = (g: Geometry) =>
    JSON.stringify(g)
      .match(/-?\d+(\.\d+)?(e-?\d+)?/g)!
      .map(Number);
  const [a, b] = [numbers(actual), numbers(expected)];
  expect(a.length).toBe(b.length);
  a.forEach((value, i) => expect(Math.abs(value - b[i]!)).toBeLessThan(0.01));
};

describe('readLabelme', () => {
  it('reads every labelme shape type, resolving imagePath against the JSON folder', () => {
    const { image, problems } = readLabelme(LABELME_5, 'annotations/2011_000003.json');
    expect(image).toMatchObject({
      path: 'images/2011_000003.jpg',
      width: 500,
      height: 338,
      tags: ['outdoor'],
    });
    const [cat, road, lane, edge, nose, coin, ship] = image!.annotations;
    expect(cat).toEqual({ label: 'cat', geometry: { kind: 'box', x: 32, y: 35, width: 100, height: 100 } });
    expect(road).toEqual({
      label: 'road',
      geometry: {
        kind: 'polygon',
        points: [
          { x: 69, y: 318 },
          { x: 45, y: 403 },
          { x: 173, y: 406 },
          { x: 198, y: 321 },
        ],
      },
      attributes: { occluded: true, description: 'wet' },
      sourceId: '3',
    });
    expect(lane?.geometry).toMatchObject({
      kind: 'polyline',
      points: [{ x: 440.5 }, { x: 402.5 }, { x: 544.5 }],
    });
    expect(edge?.geometry).toEqual({
      kind: 'polyline',
      points: [
        { x: 188, y: 178 },
        { x: 160, y: 224 },
      ],
    });
    expect(nose?.geometry).toEqual({ kind: 'point', x: 345, y: 174 });
    expect(coin?.geometry.kind).toBe('polygon');
    expect(coin?.geometry.kind === 'polygon' && coin.geometry.points.length).toBe(CIRCLE_CORNERS);
    close(ship!.geometry, {
      kind: 'rotated-box',
      cx: 45,
      cy: 55,
      width: Math.hypot(20, 20),
      height: Math.hypot(10, 10),
      angle: 45,
    });
    expect(image!.annotations).toHaveLength(7);
    expect(problems.map((p) => [p.item, p.reason])).toEqual([
      ['shapes[5]', `(coin) circle imported as a ${CIRCLE_CORNERS}-corner polygon`],
      ['shapes[7]', '(blob) masks (base64 PNG) are not imported; skipped'],
      ['shapes[8]', '(flat) the rectangle 0×4 has no area; skipped'],
    ]);
  });

  it('reads a classification file with flags and no shapes (labelme examples/classification)', () => {
    const { image, problems } = readLabelme(
      '{"version": "4.0.0", "flags": {"__ignore__": false, "cat": true, "dog": false}, "shapes": [], "imagePath": "0001.jpg", "imageData": null, "imageHeight": 480, "imageWidth": 640}',
      '0001.json',
    );
    expect(image).toEqual({ path: '0001.jpg', width: 640, height: 480, annotations: [], tags: ['cat'] });
    expect(problems).toEqual([]);
  });

  it.each(['../../etc/passwd', '/home/anna/a.jpg', 'C:\\Users\\anna\\a.jpg'])(
    'skips an image at %j',
    (imagePath) => {
      const { image, problems } = readLabelme(JSON.stringify({ imagePath, shapes: [] }), 'a.json');
      expect(image).toBeNull();
      expect(problems).toEqual([
        { file: 'a.json', item: 'imagePath', reason: expect.stringMatching(/skipped$/) },
      ]);
    },
  );

  it('says a truncated file is truncated', () => {
    const { image, problems } = readLabelme(LABELME_5.slice(0, 200), 'a.json');
    expect(image).toBeNull();
    expect(problems[0]?.reason).toMatch(/^not valid JSON \(is it truncated\?\)/);
  });

  it('reports wrong types, huge numbers and missing sizes without dropping the rest', () => {
    const { image, problems } = readLabelme(
      '{"imagePath": "a.jpg", "shapes": [{"label": "a", "points": [[1e999, 0], [1, 1]], "shape_type": "rectangle"}, {"label": 7, "points": []}, "x", {"label": "ok", "points": [[1, 2]], "shape_type": "point"}]}',
      'a.json',
    );
    expect(image).toEqual({
      path: 'a.jpg',
      width: 0,
      height: 0,
      annotations: [{ label: 'ok', geometry: { kind: 'point', x: 1, y: 2 } }],
    });
    expect(problems.map((p) => p.item)).toEqual(['imageWidth', 'shapes[0]', 'shapes[1]', 'shapes[2]']);
  });

  it('refuses JSON that is not a labelme file', () => {
    expect(readLabelme('[1, 2]', 'a.json').problems[0]?.reason).toMatch(/not a labelme file/);
  });
});

const image: FormatImage = {
  path: 'train/ship 1.png',
  width: 800,
  height: 600,
  tags: ['sunny', 'harbour'],
  annotations: [
    { label: 'boat', geometry: { kind: 'box', x: 10.25, y: 20.5, width: 100, height: 50.75 }, sourceId: '2' },
    { label: 'boat', geometry: { kind: 'rotated-box', cx: 300, cy: 200, width: 80, height: 30, angle: -30 } },
    {
      label: 'пирс',
      geometry: {
        kind: 'polygon',
        points: [
          { x: 1.123, y: 2 },
          { x: 50, y: 2 },
          { x: 25, y: 40.7 },
        ],
      },
      attributes: { occluded: true, description: 'long one', material: 'wood', planks: 12 },
    },
    {
      label: 'rope',
      geometry: {
        kind: 'polyline',
        points: [
          { x: 1, y: 1 },
          { x: 5, y: 5 },
          { x: 9, y: 1 },
        ],
      },
    },
    {
      label: 'rope',
      geometry: {
        kind: 'polyline',
        points: [
          { x: 1, y: 1 },
          { x: 5, y: 5 },
        ],
      },
    },
    { label: 'buoy', geometry: { kind: 'point', x: 700, y: 550 }, score: 0.75 },
  ],
};

describe('writeLabelme', () => {
  it('reads back what it writes, geometry within 0.01 px', () => {
    const { file, problems } = writeLabelme(image, { labels: [] });
    expect(problems).toEqual([]);
    expect(file?.path).toBe('train/ship 1.json');
    const read = readLabelme(file!.text, file!.path);
    expect(read.problems).toEqual([]);
    expect(read.image).toMatchObject({
      path: 'train/ship 1.png',
      width: 800,
      height: 600,
      tags: ['harbour', 'sunny'],
    });
    read.image!.annotations.forEach((annotation, i) => {
      const { geometry, ...rest } = image.annotations[i]!;
      expect(annotation).toMatchObject(rest);
      close(annotation.geometry, geometry);
    });
  });

  it("writes labelme's keys in labelme's order with imageData null", () => {
    const { file } = writeLabelme({
      path: 'a.jpg',
      width: 4,
      height: 3,
      annotations: [image.annotations[0]!],
    });
    expect(file?.text).toBe(`{
  "version": "5.5.0",
  "flags": {},
  "shapes": [
    {
      "label": "boat",
      "points": [
        [
          10.25,
          20.5
        ],
        [
          110.25,
          71.25
        ]
      ],
      "group_id": 2,
      "description": "",
      "shape_type": "rectangle",
      "flags": {},
      "mask": null
    }
  ],
  "imagePath": "a.jpg",
  "imageData": null,
  "imageHeight": 3,
  "imageWidth": 4
}
`);
  });

  it('marks files with rotated boxes as labelme 6.2, the first to read oriented_rectangle', () => {
    expect(JSON.parse(writeLabelme(image).file!.text).version).toBe('6.2.0');
  });

  it('is deterministic: the same image gives the same bytes', () => {
    expect(writeLabelme(image).file!.text).toBe(writeLabelme(structuredClone(image)).file!.text);
  });

  it('leaves out keypoints and reports an unknown size', () => {
    const { file, problems } = writeLabelme({
      path: 'a.jpg',
      width: 0,
      height: 0,
      annotations: [
        { label: 'body', geometry: { kind: 'keypoints', points: [{ x: 1, y: 1, visibility: 2 }] } },
      ],
    });
    expect(JSON.parse(file!.text)).toMatchObject({ shapes: [], imageWidth: null, imageHeight: null });
    expect(problems.map((p) => p.item)).toEqual(['annotations[0]', 'imageWidth']);
  });

  it('refuses to write an image whose path leaves the export folder', () => {
    expect(writeLabelme({ ...image, path: '/etc/passwd' }).file).toBeNull();
  });
});
