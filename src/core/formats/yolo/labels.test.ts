import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../annotations/types';
import { rotatedBoxCorners } from '../../geometry/shapes';
import { readYoloConfig } from './config';
import { readYoloLabels, type YoloLabelsContext } from './labels';

const context = (extra: Partial<YoloLabelsContext> = {}): YoloLabelsContext => ({
  file: 'labels/train/street.txt',
  imagePath: 'street.jpg',
  width: 640,
  height: 480,
  labels: ['person', 'car', 'dog'],
  ...extra,
});

const geometries = (text: string, extra: Partial<YoloLabelsContext> = {}): Geometry[] =>
  readYoloLabels(text, context(extra)).image.annotations.map((a) => a.geometry);

const reasons = (text: string, extra: Partial<YoloLabelsContext> = {}): string[] =>
  readYoloLabels(text, context(extra)).problems.map((p) => `${p.item}: ${p.reason}`);

describe('readYoloLabels: detect', () => {
  it('turns normalized centre boxes into pixel boxes by their top-left corner', () => {
    const read = readYoloLabels('0 0.5 0.5 0.25 0.5\n1 0.1 0.2 0.2 0.2\n', context());
    expect(read.task).toBe('detect');
    expect(read.problems).toEqual([]);
    expect(read.image).toMatchObject({ path: 'street.jpg', width: 640, height: 480 });
    expect(read.image.annotations).toEqual([
      { label: 'person', geometry: { kind: 'box', x: 240, y: 120, width: 160, height: 240 } },
      {
        label: 'car',
        geometry: { kind: 'box', x: 0, y: expect.closeTo(48, 9), width: 128, height: expect.closeTo(96, 9) },
      },
    ]);
  });

  it('reads an empty file as an image with no objects', () => {
    for (const text of ['', '\n', '  \r\n\r\n']) {
      const read = readYoloLabels(text, context());
      expect(read.image.annotations).toEqual([]);
      expect(read.problems).toEqual([]);
    }
  });

  it('accepts CRLF line ends, tabs, repeated spaces, trailing whitespace and a byte-order mark', () => {
    const read = readYoloLabels('\uFEFF0 0.5 0.5 0.25 0.5 \r\n2\t0.5  0.5\t0.5 0.5\t\r\n', context());
    expect(read.problems).toEqual([]);
    expect(read.image.annotations.map((a) => a.label)).toEqual(['person', 'dog']);
    expect(read.image.annotations[1]!.geometry).toEqual({
      kind: 'box',
      x: 160,
      y: 120,
      width: 320,
      height: 240,
    });
  });

  it('skips and reports malformed lines by their line number, keeping the good ones', () => {
    const text = [
      '0 0.5 0.5 0.2 0.2', // 1 ok
      '7 0.5 0.5 0.2 0.2', // 2 class out of range
      '0 0.5 0.5', // 3 three values
      '1 0.5 NaN 0.2 0.2', // 4 not a number
      '1 0.5 0.5 1e999 0.2', // 5 infinity
      '-1 0.5 0.5 0.2 0.2', // 6 negative class
      '1.5 0.5 0.5 0.2 0.2', // 7 fractional class
      '1 0.5 0.5 0 0.2', // 8 zero width
      '1 0x1 0.5 0.2 0.2', // 9 hex is not a YOLO number
      '', // 10 blank: ignored
      '2 0.5 0.5 0.2 0.2', // 11 ok
    ].join('\n');
    const read = readYoloLabels(text, context());
    expect(read.image.annotations.map((a) => a.label)).toEqual(['person', 'dog']);
    expect(read.problems.map((p) => p.item)).toEqual([
      'line 2',
      'line 3',
      'line 4',
      'line 5',
      'line 6',
      'line 7',
      'line 8',
      'line 9',
    ]);
    expect(read.problems.every((p) => p.file === 'labels/train/street.txt')).toBe(true);
    const [range, count, nan] = read.problems.map((p) => p.reason);
    expect(range).toBe('class 7 is out of range: the dataset has 3 classes (0–2)');
    expect(count).toBe('3 values where a detect line has class cx cy w h');
    expect(nan).toBe('"NaN" is not a number');
    expect(read.problems[6]!.reason).toBe('the box has no area (width 0, height 0.2)');
  });

  it('clamps coordinates to the image, quietly within 1% (as Ultralytics accepts) and reported beyond', () => {
    const read = readYoloLabels('0 0.5 0.5 1.01 1.01\n1 0.9 0.5 0.4 0.2\n2 1e30 0.5 0.2 0.2\n', context());
    expect(read.image.annotations.map((a) => a.geometry)).toEqual([
      { kind: 'box', x: 0, y: 0, width: 640, height: 480 },
      {
        kind: 'box',
        x: expect.closeTo(448, 9),
        y: expect.closeTo(192, 9),
        width: expect.closeTo(192, 9),
        height: expect.closeTo(96, 9),
      },
    ]);
    expect(read.problems.map((p) => `${p.item}: ${p.reason}`)).toEqual([
      'line 2: coordinate 1.1 is outside 0–1; clamped to the image',
      'line 3: the box lies outside the image',
    ]);
  });

  it('drops duplicate lines as Ultralytics does, naming the first', () => {
    expect(reasons('0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2 0.2\n')).toEqual([
      'line 2: duplicate of line 1; skipped (Ultralytics drops duplicate labels)',
    ]);
  });

  it('reads polygon lines in a detect file as their bounding boxes (segments2boxes)', () => {
    expect(geometries('0 0.1 0.1 0.5 0.1 0.3 0.6', { task: 'detect' })).toEqual([
      { kind: 'box', x: 64, y: 48, width: 256, height: 240 },
    ]);
  });

  it('reads nothing when the image size is unknown, and says why', () => {
    const read = readYoloLabels('0 0.5 0.5 0.2 0.2', context({ width: 0 }));
    expect(read.image.annotations).toEqual([]);
    expect(read.problems[0]!.reason).toContain('image size 0×480 is unknown');
  });
});

describe('readYoloLabels: segment, pose and OBB lines as the Ultralytics docs write them', () => {
  it('reads the segment docs example: a 3-point and a 5-point polygon', () => {
    // docs/en/datasets/segment/index.md
    const text =
      '0 0.681 0.485 0.670 0.487 0.676 0.487\n1 0.504 0.000 0.501 0.004 0.498 0.004 0.493 0.010 0.492 0.0104\n';
    const read = readYoloLabels(text, context({ width: 1000, height: 1000 }));
    expect(read.task).toBe('segment');
    expect(read.problems).toEqual([]);
    const [a, b] = read.image.annotations;
    expect(a!.geometry.kind).toBe('polygon');
    if (a!.geometry.kind !== 'polygon' || b!.geometry.kind !== 'polygon') return;
    expect(a!.geometry.points).toEqual([
      { x: 681, y: 485 },
      { x: 670, y: 487 },
      { x: 676, y: 487 },
    ]);
    expect(b!.geometry.points).toHaveLength(5);
    expect(b!.label).toBe('car');
  });

  it('rejects a polygon with fewer than 3 points or an odd number of coordinates', () => {
    expect(reasons('0 0.1 0.1 0.2 0.2 0.3 0.3 0.4', { task: 'segment' })).toEqual([
      'line 1: 8 values where a segment line has class x1 y1 x2 y2 x3 y3 … (at least 3 points)',
    ]);
    expect(reasons('0 0.1 0.1 0.2 0.2 0.3 0.3', { task: 'segment' })).toEqual([
      'line 1: the polygon has no area (its points are on one line or outside the image)',
    ]);
  });

  it('reads the OBB docs example (a free quadrilateral, as DOTA labels are) as the smallest rotated box around it', () => {
    // docs/en/datasets/obb/index.md
    const values = [0.780811, 0.743961, 0.782371, 0.74686, 0.777691, 0.752174, 0.776131, 0.749758];
    const read = readYoloLabels(`0 ${values.join(' ')}\n`, context({ width: 1024, height: 1024 }));
    expect(read.task).toBe('obb');
    expect(read.problems).toEqual([]);
    const g = read.image.annotations[0]!.geometry;
    if (g.kind !== 'rotated-box') throw new Error(g.kind);
    // Every corner of the file lies inside the box, and the box is a few pixels wide, as the quadrilateral is.
    const radians = (g.angle * Math.PI) / 180;
    for (let i = 0; i < 8; i += 2) {
      const dx = values[i]! * 1024 - g.cx;
      const dy = values[i + 1]! * 1024 - g.cy;
      expect(Math.abs(dx * Math.cos(radians) + dy * Math.sin(radians))).toBeLessThanOrEqual(
        g.width / 2 + 1e-9,
      );
      expect(Math.abs(-dx * Math.sin(radians) + dy * Math.cos(radians))).toBeLessThanOrEqual(
        g.height / 2 + 1e-9,
      );
    }
    expect(g.width * g.height).toBeGreaterThan(20);
    expect(g.width * g.height).toBeLessThan(40);
  });

  it('turns the rectangle of OBB corners into centre, size and clockwise angle', () => {
    // A 200×100 box centred at (320, 240), turned 30° clockwise.
    const corners = rotatedBoxCorners({ cx: 320, cy: 240, width: 200, height: 100, angle: 30 });
    const text = `1 ${corners.map((p) => `${p.x / 640} ${p.y / 480}`).join(' ')}`;
    const [g] = geometries(text, { task: 'obb' });
    expect(g).toEqual({
      kind: 'rotated-box',
      cx: expect.closeTo(320, 9),
      cy: expect.closeTo(240, 9),
      width: expect.closeTo(200, 9),
      height: expect.closeTo(100, 9),
      angle: expect.closeTo(30, 9),
    });
  });

  it('reads a file of 9-token lines as OBB, and as 4-point polygons when told the task is segment', () => {
    const text = '0 0.1 0.1 0.5 0.1 0.5 0.5 0.2 0.3';
    const obb = readYoloLabels(text, context({ width: 100, height: 100 }));
    expect(obb.task).toBe('obb');
    const g = obb.image.annotations[0]!.geometry;
    if (g.kind !== 'rotated-box') throw new Error(g.kind);
    expect(g.width * g.height).toBeCloseTo(40 * 40, 6);
    expect(geometries(text, { task: 'segment', width: 100, height: 100 })[0]).toEqual({
      kind: 'polygon',
      points: [
        { x: 10, y: 10 },
        { x: 50, y: 10 },
        { x: 50, y: 50 },
        { x: 20, y: 30 },
      ],
    });
  });

  it('reads a file mixing boxes and polygons as segment: boxes stay boxes', () => {
    const read = readYoloLabels(
      '0 0.5 0.5 0.5 0.5\n1 0.1 0.1 0.5 0.1 0.5 0.5 0.2 0.3\n',
      context({ width: 100, height: 100 }),
    );
    expect(read.task).toBe('segment');
    expect(read.image.annotations.map((a) => a.geometry.kind)).toEqual(['box', 'polygon']);
  });

  it('reads pose lines with visibility (kpt_shape [K, 3]) as keypoints with their box', () => {
    const text = '0 0.5 0.5 0.5 0.5 0.4 0.3 2 0.6 0.3 1 0 0 0\n';
    const read = readYoloLabels(text, context({ kptShape: [3, 3], width: 100, height: 200 }));
    expect(read.task).toBe('pose');
    expect(read.problems).toEqual([]);
    expect(read.image.annotations[0]!.geometry).toEqual({
      kind: 'keypoints',
      box: { x: 25, y: 50, width: 50, height: 100 },
      points: [
        { x: 40, y: 60, visibility: 2 },
        { x: expect.closeTo(60, 9), y: 60, visibility: 1 },
        { x: 0, y: 0, visibility: 0 },
      ],
    });
  });

  it('with kpt_shape [K, 2] a keypoint at 0,0 or negative is absent, any other visible', () => {
    const [g] = geometries('0 0.5 0.5 0.5 0.5 0.4 0.3 0 0 -1 -1', {
      kptShape: [3, 2],
      width: 100,
      height: 100,
    });
    if (g?.kind !== 'keypoints') throw new Error('not keypoints');
    expect(g.points.map((p) => p.visibility)).toEqual([2, 0, 0]);
  });

  it('rejects pose lines of the wrong length or with a visibility other than 0, 1, 2', () => {
    expect(reasons('0 0.5 0.5 0.5 0.5 0.4 0.3 2', { kptShape: [2, 3] })).toEqual([
      'line 1: 8 values where a pose line has 11 values (class cx cy w h and the keypoints of kpt_shape)',
    ]);
    expect(reasons('0 0.5 0.5 0.5 0.5 0.4 0.3 0.7', { kptShape: [1, 3] })).toEqual([
      'line 1: keypoint 1 has visibility 0.7; it must be 0, 1 or 2',
    ]);
    expect(reasons('0 0.5 0.5 0.5 0.5 0.4 0.3', { task: 'pose' })).toEqual([
      'file: pose labels need kpt_shape from data.yaml; no labels were read',
    ]);
  });
});

// Ultralytics' COCO8: the first 8 images of COCO train2017 with their 30 boxes.
const coco8 = fileURLToPath(new URL('../../../../../shared/assets/datasets/coco8', import.meta.url));
// Image sizes as sharp reads them (no EXIF rotation in these files).
const coco8Sizes: Record<string, [number, number]> = {
  'train/000000000009.jpg': [640, 480],
  'train/000000000025.jpg': [640, 426],
  'train/000000000030.jpg': [640, 428],
  'train/000000000034.jpg': [640, 425],
  'val/000000000036.jpg': [481, 640],
  'val/000000000042.jpg': [640, 478],
  'val/000000000049.jpg': [381, 500],
  'val/000000000061.jpg': [640, 488],
};

// The shared assets sit beside the repository in CI and on the team's machines; a lone clone without them
// skips these tests (with this warning) instead of failing on a missing folder.
if (!existsSync(coco8)) console.warn(`COCO8 tests skipped: ${coco8} is missing`);

describe.skipIf(!existsSync(coco8))('readYoloLabels on COCO8 (../shared/assets/datasets/coco8)', () => {
  const read = () => {
    const config = readYoloConfig(readFileSync(join(coco8, 'data.yaml'), 'utf8'), 'data.yaml');
    const images = ['train', 'val'].flatMap((split) =>
      readdirSync(join(coco8, 'labels', split))
        .sort()
        .map((name) => {
          const imagePath = `${split}/${name.replace(/\.txt$/, '.jpg')}`;
          const [width, height] = coco8Sizes[imagePath]!;
          const file = `labels/${split}/${name}`;
          return readYoloLabels(readFileSync(join(coco8, file), 'utf8'), {
            file,
            imagePath,
            width,
            height,
            labels: config.labels,
          });
        }),
    );
    return { config, images };
  };

  it('reads the 30 boxes of the 8 images with their COCO class names and no problems', () => {
    const { config, images } = read();
    expect(config.problems).toEqual([]);
    expect(config.labels).toHaveLength(80);
    expect(images).toHaveLength(8);
    expect(images.flatMap((i) => i.problems)).toEqual([]);
    expect(images.every((i) => i.task === 'detect')).toBe(true);
    const counts: Record<string, number> = {};
    for (const a of images.flatMap((i) => i.image.annotations)) counts[a.label] = (counts[a.label] ?? 0) + 1;
    expect(counts).toEqual({
      person: 10,
      orange: 4,
      bowl: 3,
      giraffe: 2,
      horse: 2,
      elephant: 2,
      'potted plant': 2,
      broccoli: 1,
      zebra: 1,
      umbrella: 1,
      dog: 1,
      vase: 1,
    });
  });

  it('puts the boxes where COCO has them, in pixels inside each image', () => {
    const { images } = read();
    // COCO train2017 annotation of image 9: bowl at [1.08, 187.69, 611.59, 285.84].
    const bowl = images[0]!.image.annotations[0]!;
    expect(bowl.label).toBe('bowl');
    expect(bowl.geometry).toEqual({
      kind: 'box',
      x: expect.closeTo(1.08, 1),
      y: expect.closeTo(187.69, 1),
      width: expect.closeTo(611.59, 1),
      height: expect.closeTo(285.84, 1),
    });
    for (const { image } of images) {
      for (const { geometry: g } of image.annotations) {
        if (g.kind !== 'box') throw new Error(g.kind);
        expect(g.x).toBeGreaterThanOrEqual(0);
        expect(g.y).toBeGreaterThanOrEqual(0);
        expect(g.x + g.width).toBeLessThanOrEqual(image.width + 1e-9);
        expect(g.y + g.height).toBeLessThanOrEqual(image.height + 1e-9);
        expect(g.width * g.height).toBeGreaterThan(10);
      }
    }
  });
});
