import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../annotations/types';
import type { FormatImage } from '../types';
import { readYoloConfig } from './config';
import { readYoloLabels, type YoloTask } from './labels';
import { writeYolo, type YoloWriteOptions } from './write';

const image = (path: string, geometries: [string, Geometry][], width = 640, height = 480): FormatImage => ({
  path,
  width,
  height,
  annotations: geometries.map(([label, geometry]) => ({ label, geometry })),
});

const box = (x: number, y: number, width: number, height: number): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});

const textOf = (files: readonly { path: string; text: string }[], path: string): string | undefined =>
  files.find((f) => f.path === path)?.text;

/** Writes, then reads every label file back with the written data.yaml, as a training script would. */
function roundTrip(images: readonly FormatImage[], options: YoloWriteOptions): FormatImage[] {
  const { files, problems } = writeYolo(images, options);
  expect(problems).toEqual([]);
  const config = readYoloConfig(textOf(files, 'data.yaml')!, 'data.yaml');
  expect(config.problems).toEqual([]);
  return images.map((original) => {
    const split = options.splits?.[original.path] ?? 'train';
    const file = `labels/${split}/${original.path.replace(/\.[^.]+$/, '')}.txt`;
    const read = readYoloLabels(textOf(files, file)!, {
      file,
      imagePath: original.path,
      width: original.width,
      height: original.height,
      labels: config.labels,
      ...(config.kptShape && { kptShape: config.kptShape }),
    });
    expect(read.problems).toEqual([]);
    if (original.annotations.length > 0) expect(read.task).toBe(options.task);
    return read.image;
  });
}

/** Every number of the geometry within 1e-6 × the image's longer side of the original. */
function expectSameGeometry(actual: readonly FormatImage[], expected: readonly FormatImage[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((image, i) => {
    const tolerance = 1e-6 * Math.max(image.width, image.height);
    const numbers = (value: unknown): number[] =>
      typeof value === 'number'
        ? [value]
        : typeof value === 'object' && value !== null
          ? Object.keys(value)
              .sort()
              .flatMap((key) => numbers((value as Record<string, unknown>)[key]))
          : [];
    const want = expected[i]!.annotations;
    expect(image.annotations.map((a) => a.label)).toEqual(want.map((a) => a.label));
    image.annotations.forEach((a, j) => {
      expect(a.geometry.kind).toBe(want[j]!.geometry.kind);
      const got = numbers(a.geometry);
      const exp = numbers(want[j]!.geometry);
      expect(got.length).toBe(exp.length);
      got.forEach((value, k) => expect(Math.abs(value - exp[k]!)).toBeLessThanOrEqual(tolerance));
    });
  });
}

const labels = ['person', 'car', 'dog'];

describe('writeYolo', () => {
  it('writes a label file per image and a data.yaml a training script reads as is', () => {
    const { files, problems } = writeYolo(
      [
        image('street.jpg', [
          ['person', box(240, 120, 160, 240)],
          ['dog', box(0, 0, 64, 48)],
        ]),
        image('empty.png', []),
        image('night/cars.jpg', [['car', box(320, 240, 320, 240)]]),
      ],
      { labels, task: 'detect', splits: { 'empty.png': 'val', 'night/cars.jpg': 'test' } },
    );
    expect(problems).toEqual([]);
    expect(files.map((f) => f.path)).toEqual([
      'data.yaml',
      'labels/train/street.txt',
      'labels/val/empty.txt',
      'labels/test/night/cars.txt',
    ]);
    expect(textOf(files, 'labels/train/street.txt')).toBe(
      '0 0.500000 0.500000 0.250000 0.500000\n2 0.050000 0.050000 0.100000 0.100000\n',
    );
    // An empty label file makes the image a background image rather than an unlabeled one.
    expect(textOf(files, 'labels/val/empty.txt')).toBe('');
    expect(textOf(files, 'labels/test/night/cars.txt')).toBe('1 0.750000 0.750000 0.500000 0.500000\n');
    expect(textOf(files, 'data.yaml')).toBe(
      [
        '# Ultralytics YOLO detect dataset written by LabelLoop.',
        "# No `path`: Ultralytics then resolves train/val/test against this file's folder (check_det_dataset).",
        'train: images/train',
        'val: images/val',
        'test: images/test',
        '',
        'nc: 3',
        'names:',
        '  0: person',
        '  1: car',
        '  2: dog',
        '',
      ].join('\n'),
    );
  });

  it('writes the same bytes twice', () => {
    const images = Array.from({ length: 50 }, (_, i) =>
      image(`img${i}.jpg`, [
        ['car', box(i, i * 2, 100 + i, 50)],
        [
          'person',
          {
            kind: 'polygon',
            points: [
              { x: 10, y: 10 },
              { x: 200 + i, y: 30 },
              { x: 50, y: 300 },
            ],
          },
        ],
      ]),
    );
    const options: YoloWriteOptions = { labels, task: 'segment', splits: { 'img3.jpg': 'val' } };
    expect(writeYolo(images, options)).toEqual(writeYolo(images, options));
    const files = writeYolo(images, options).files;
    for (const { path, text } of files.filter((f) => f.path.endsWith('.txt'))) {
      expect(path).toMatch(/^labels\/(train|val)\/img\d+\.txt$/);
      expect(text).not.toMatch(/ \n|\r| {2}/);
      if (text !== '') expect(text.endsWith('\n')).toBe(true);
    }
  });

  it('writes polygons and rotated boxes as their bounding box in detect, and skips points and polylines', () => {
    const { files, problems } = writeYolo(
      [
        image('a.jpg', [
          [
            'person',
            {
              kind: 'polygon',
              points: [
                { x: 64, y: 48 },
                { x: 320, y: 48 },
                { x: 128, y: 288 },
              ],
            },
          ],
          ['car', { kind: 'rotated-box', cx: 320, cy: 240, width: 100, height: 100, angle: 45 }],
          ['dog', { kind: 'point', x: 3, y: 4 }],
          [
            'dog',
            {
              kind: 'polyline',
              points: [
                { x: 3, y: 4 },
                { x: 30, y: 40 },
              ],
            },
          ],
        ]),
      ],
      { labels, task: 'detect', splits: { 'a.jpg': 'val' } },
    );
    const half = 50 * Math.SQRT2;
    expect(textOf(files, 'labels/val/a.txt')).toBe(
      `0 0.300000 0.350000 0.400000 0.500000\n1 0.500000 0.500000 ${((2 * half) / 640).toFixed(6)} ${((2 * half) / 480).toFixed(6)}\n`,
    );
    expect(problems).toEqual([
      {
        file: 'labels/val/a.txt',
        item: 'annotations[2]',
        reason: 'a point encloses no area, so YOLO detect cannot hold it; skipped',
      },
      {
        file: 'labels/val/a.txt',
        item: 'annotations[3]',
        reason: 'a polyline encloses no area, so YOLO detect cannot hold it; skipped',
      },
    ]);
  });

  it('clamps shapes to the image and reports those well outside it', () => {
    const { files, problems } = writeYolo(
      [
        image('a.jpg', [
          ['car', box(-100, 240, 200, 480)],
          ['dog', box(700, 0, 50, 50)],
        ]),
      ],
      { labels, task: 'detect', splits: { 'a.jpg': 'val' } },
    );
    expect(textOf(files, 'labels/val/a.txt')).toBe('1 0.078125 0.750000 0.156250 0.500000\n');
    expect(problems.map((p) => `${p.item}: ${p.reason}`)).toEqual([
      'annotations[0]: the shape extends outside the image; clamped to it',
      'annotations[1]: the box has no area inside the image; skipped',
    ]);
  });

  it('reports what it cannot export: unknown classes, unsafe paths, unknown sizes, clashing label files', () => {
    const { files, problems } = writeYolo(
      [
        image('a.jpg', [['cat', box(0, 0, 10, 10)]]),
        image('../outside.jpg', []),
        image('/etc/passwd.jpg', []),
        image('unsized.jpg', [], 0, 0),
        image('a.png', []),
      ],
      { labels, task: 'detect', splits: { 'a.jpg': 'val', 'a.png': 'val' } },
    );
    expect(files.map((f) => f.path)).toEqual(
      ['data.yaml', 'labels/val/a.txt', 'labels/train/unsized.txt'].slice(0, 2),
    );
    expect(problems.map((p) => `${p.file} ${p.item}: ${p.reason}`)).toEqual([
      'labels/val/a.txt annotations[0]: class "cat" is not among the exported classes; skipped',
      '../outside.jpg image: the image path leaves the dataset folder (absolute, or with ..); not exported',
      '/etc/passwd.jpg image: the image path leaves the dataset folder (absolute, or with ..); not exported',
      'labels/train/unsized.txt image: the image size 0×0 is unknown; YOLO coordinates are fractions of it, so no label file was written',
      'labels/val/a.txt image: a.png and a.jpg share this label file (same name but the extension, same split); a.png was not exported',
    ]);
  });

  it('warns when two annotations give the same line, which Ultralytics would merge', () => {
    const { files, problems } = writeYolo(
      [
        image('a.jpg', [
          ['car', box(1, 2, 3, 4)],
          ['car', box(1, 2, 3, 4)],
        ]),
      ],
      {
        labels,
        task: 'detect',
        splits: { 'a.jpg': 'val' },
      },
    );
    expect(textOf(files, 'labels/val/a.txt')!.split('\n')).toHaveLength(3);
    expect(problems.map((p) => `${p.item}: ${p.reason}`)).toEqual([
      'annotations[1]: the same line as annotations[0]; Ultralytics keeps only one of them',
    ]);
  });

  it('points val at the train images when no image is in val, and says so', () => {
    const { files, problems } = writeYolo([image('a.jpg', [])], { labels, task: 'detect' });
    expect(textOf(files, 'data.yaml')).toContain('train: images/train\nval: images/train\n');
    expect(problems.map((p) => p.item)).toEqual(['val']);
  });

  it('quotes class names PyYAML would read as something else, and they read back the same', () => {
    const names = ['yes', 'null', '007', 'a: b', '狗 🐕', 'traffic light', 'two\nlines', '#tag'];
    const { files } = writeYolo([image('a.jpg', [], 10, 10)], {
      labels: names,
      task: 'detect',
      splits: { 'a.jpg': 'val' },
    });
    const yaml = textOf(files, 'data.yaml')!;
    expect(yaml).toContain(
      '  0: "yes"\n  1: "null"\n  2: "007"\n  3: "a: b"\n  4: 狗 🐕\n  5: traffic light\n',
    );
    expect(readYoloConfig(yaml, 'data.yaml').labels).toEqual(names);
  });

  it('writes kpt_shape, flip_idx from left/right names and kpt_names for pose', () => {
    const skeletons = { person: ['nose', 'left_eye', 'right_eye', 'Left Hand', 'Right Hand'] };
    const { files } = writeYolo([image('a.jpg', [], 10, 10)], {
      labels: ['person'],
      skeletons,
      task: 'pose',
      splits: { 'a.jpg': 'val' },
    });
    const yaml = textOf(files, 'data.yaml')!;
    expect(yaml).toContain('kpt_shape: [5, 3]\nflip_idx: [0, 2, 1, 4, 3]\nkpt_names:\n  0:\n    - nose\n');
    const config = readYoloConfig(yaml, 'data.yaml');
    expect(config.kptShape).toEqual([5, 3]);
    expect(config.flipIdx).toEqual([0, 2, 1, 4, 3]);
    expect(config.skeletons).toEqual(skeletons);
  });
});

describe('writeYolo then readYoloLabels gives the same geometry (within 1e-6 × image size)', () => {
  const splits = { 'b.jpg': 'val' } as const;
  const check = (task: YoloTask, images: FormatImage[], extra: Partial<YoloWriteOptions> = {}) =>
    expectSameGeometry(roundTrip(images, { labels, task, splits, ...extra }), images);

  it('detect: boxes, including ones touching the borders', () => {
    check('detect', [
      image('a.jpg', [
        ['person', box(0, 0, 640, 480)],
        ['car', box(12.345, 67.891, 0.5, 300.25)],
      ]),
      image('b.jpg', [['dog', box(1000, 2000, 3.5, 1.25)]], 4000, 3000),
      image('c.jpg', []),
    ]);
  });

  it('segment: polygons of many points', () => {
    const star = Array.from({ length: 40 }, (_, i) => {
      const r = i % 2 === 0 ? 200 : 90;
      const a = (i * Math.PI) / 20;
      return { x: 320 + r * Math.cos(a), y: 240 + r * Math.sin(a) };
    });
    check('segment', [image('a.jpg', [['dog', { kind: 'polygon', points: star }]]), image('b.jpg', [])]);
  });

  it('pose: keypoints with their box and visibility 0, 1, 2', () => {
    const pose: Geometry = {
      kind: 'keypoints',
      box: { x: 100, y: 50, width: 200, height: 300 },
      points: [
        { x: 150.25, y: 80.5, visibility: 2 },
        { x: 0, y: 0, visibility: 0 },
        { x: 299.75, y: 349.125, visibility: 1 },
      ],
    };
    check(
      'pose',
      [
        image('a.jpg', [
          ['person', pose],
          ['person', { ...pose, box: { x: 101, y: 50, width: 200, height: 300 } }],
        ]),
        image('b.jpg', []),
      ],
      {
        skeletons: { person: ['nose', 'left_eye', 'right_eye'] },
      },
    );
  });

  it('obb: rotated boxes at any angle', () => {
    const boxes = [-179, -90, -45.5, 0, 12.25, 90, 135, 180].map((angle, i): [string, Geometry] => [
      'car',
      { kind: 'rotated-box', cx: 100 + i * 50, cy: 240, width: 60, height: 30, angle },
    ]);
    check('obb', [image('a.jpg', boxes), image('b.jpg', [['dog', boxes[4]![1]]], 1920, 1080)]);
  });
});
