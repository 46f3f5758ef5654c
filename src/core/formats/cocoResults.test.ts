import { describe, expect, it } from 'vitest';
import type { ImageId } from '../ids';
import type { LabelClass } from '../schema/types';
import {
  cocoReferences,
  MAX_LISTED_PROBLEMS,
  parseCocoResults,
  parseCategoryText,
  type CocoResults,
  type CocoResultsInput,
  type ResultsImage,
} from './cocoResults';

const image = (id: string, relPath: string, width = 640, height = 480): ResultsImage => ({
  id: id as ImageId,
  relPath,
  fileName: relPath.slice(relPath.lastIndexOf('/') + 1),
  width,
  height,
});

const images = [
  image('img-a', 'val2017/000000397133.jpg'),
  image('img-b', 'val2017/000000037777.jpg', 352, 230),
  image('img-c', 'street/Corner.PNG'),
];

const labelClass = (id: string, name: string, geometries: LabelClass['geometries']): LabelClass => ({
  id,
  name,
  color: '#ff0000',
  geometries,
  attributes: [],
});
const classes = [
  labelClass('person', 'Person', ['box']),
  labelClass('car', 'Car', ['box', 'polygon']),
  labelClass('puddle', 'Puddle', ['polygon']),
];

// The COCO 2017 ground truth's own ids for these categories.
const groundTruth = {
  info: { description: 'COCO 2017 Dataset' },
  images: [
    { id: 397133, file_name: '000000397133.jpg', width: 640, height: 427 },
    { id: 37777, file_name: '000000037777.jpg', width: 352, height: 230 },
    { id: 'bad' },
  ],
  categories: [
    { id: 1, name: 'person', supercategory: 'person' },
    { id: 3, name: 'CAR', supercategory: 'vehicle' },
    { id: 2, name: 'bicycle', supercategory: 'vehicle' },
    { id: 90, name: 'puddle' },
  ],
  annotations: [],
};

const parse = (results: unknown, extra: Partial<CocoResultsInput> = {}): CocoResults => {
  const parsed = parseCocoResults({ results, images, classes, ...extra });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed;
};

describe('parseCocoResults', () => {
  it('turns detections into predictions per image, mapping categories to schema classes by name', () => {
    const refs = cocoReferences(groundTruth);
    if (!refs.ok) throw new Error(refs.reason);
    const parsed = parse(
      [
        { image_id: 397133, category_id: 1, bbox: [102.49, 118.47, 7.9, 17.31], score: 0.9998 },
        { image_id: 397133, category_id: 3, bbox: [388.66, 69.92, 109.41, 277.62], score: 0.8 },
        { image_id: 37777, category_id: 2, bbox: [0, 12.5, 60, 40], score: 0.35 },
        { image_id: 397133, category_id: 1, bbox: [1, 2, 3, 4], score: 0.05 },
      ],
      { categories: refs.categories, cocoImages: refs.images },
    );
    expect(parsed.images).toEqual([
      {
        imageId: 'img-a',
        predictions: [
          {
            id: 'p1',
            classId: 'person',
            label: 'person',
            score: 0.9998,
            geometry: { kind: 'box', x: 102.49, y: 118.47, width: 7.9, height: 17.31 },
          },
          {
            id: 'p2',
            classId: 'car',
            label: 'CAR',
            score: 0.8,
            geometry: { kind: 'box', x: 388.66, y: 69.92, width: 109.41, height: 277.62 },
          },
          {
            id: 'p3',
            classId: 'person',
            label: 'person',
            score: 0.05,
            geometry: { kind: 'box', x: 1, y: 2, width: 3, height: 4 },
          },
        ],
      },
      {
        imageId: 'img-b',
        predictions: [
          {
            id: 'p1',
            classId: null,
            label: 'bicycle',
            score: 0.35,
            geometry: { kind: 'box', x: 0, y: 12.5, width: 60, height: 40 },
          },
        ],
      },
    ]);
    expect(parsed.counts).toEqual({ items: 4, predictions: 4, images: 2, skipped: 0, unmapped: 1 });
    expect(parsed.labels).toEqual([
      { label: 'person', classId: 'person', count: 2 },
      { label: 'bicycle', classId: null, count: 1 },
      { label: 'CAR', classId: 'car', count: 1 },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it('matches numeric ids to COCO-style zero-padded file names without an images list', () => {
    const parsed = parse([{ image_id: 37777, category_id: 1, bbox: [1, 1, 5, 5], score: 0.5 }]);
    expect(parsed.images.map((entry) => entry.imageId)).toEqual(['img-b']);
    // Without names for the categories the id is the label, and only a class with that id matches it.
    expect(parsed.images[0]!.predictions[0]).toMatchObject({ classId: null, label: '1' });
  });

  it('matches string ids by path, file name or stem, in any case', () => {
    const parsed = parse([
      { image_id: 'street/Corner.PNG', category_id: 'car', bbox: [0, 0, 10, 10], score: 1 },
      { image_id: 'corner.png', category_id: 'Person', bbox: [0, 0, 10, 10], score: 0 },
      { image_id: 'Corner', category_id: 'person', bbox: [0, 0, 10, 10], score: 0.5 },
      { image_id: '000000397133', category_id: 'car', bbox: [0, 0, 10, 10], score: 0.5 },
    ]);
    expect(parsed.images.map((entry) => [entry.imageId, entry.predictions.map((p) => p.classId)])).toEqual([
      ['img-a', ['car']],
      ['img-c', ['car', 'person', 'person']],
    ]);
  });

  it('uses the polygon for a class that cannot be a box, and the largest part of a multi-part mask', () => {
    const parsed = parse([
      {
        image_id: 397133,
        category_id: 'puddle',
        bbox: [10, 10, 100, 50],
        score: 0.7,
        segmentation: [
          [0, 0, 2, 0, 2, 2],
          [10, 10, 110, 10, 110, 60, 10, 60],
        ],
      },
      {
        image_id: 397133,
        category_id: 'car',
        bbox: [10, 10, 100, 50],
        score: 0.7,
        segmentation: [[10, 10, 110, 10, 110, 60]],
      },
      {
        image_id: 397133,
        category_id: 'puddle',
        bbox: [5, 5, 20, 20],
        score: 0.6,
        segmentation: { size: [480, 640], counts: 'PPYo05' },
      },
    ]);
    expect(parsed.images[0]!.predictions.map((p) => p.geometry)).toEqual([
      {
        kind: 'polygon',
        points: [
          { x: 10, y: 10 },
          { x: 110, y: 10 },
          { x: 110, y: 60 },
          { x: 10, y: 60 },
        ],
      },
      { kind: 'box', x: 10, y: 10, width: 100, height: 50 },
      // RLE masks are not decoded; the box stands in (accepting it as a puddle will say why not).
      { kind: 'box', x: 5, y: 5, width: 20, height: 20 },
    ]);
  });

  it("lets the user's mapping override the automatic one", () => {
    const parsed = parse(
      [
        { image_id: 397133, category_id: 'bicycle', bbox: [0, 0, 10, 10], score: 0.5 },
        { image_id: 397133, category_id: 'person', bbox: [0, 0, 10, 10], score: 0.5 },
      ],
      { classMap: { bicycle: 'person', person: null } },
    );
    expect(parsed.images[0]!.predictions.map((p) => [p.label, p.classId])).toEqual([
      ['bicycle', 'person'],
      ['person', null],
    ]);
  });

  it('skips items it cannot use and says which and why', () => {
    const parsed = parse([
      'not a detection',
      { image_id: 397133, category_id: 1, bbox: [10, 10, 20], score: 0.5 },
      { image_id: 397133, category_id: 1, bbox: [10, 10, 0, 20], score: 0.5 },
      { image_id: 397133, category_id: 1, bbox: ['10', 10, 5, 20], score: 0.5 },
      { image_id: 397133, category_id: 1, bbox: [10, 10, 5, 20], score: 1.3 },
      { image_id: 397133, category_id: 1, bbox: [10, 10, 5, 20] },
      { image_id: 42, category_id: 1, bbox: [10, 10, 5, 20], score: 0.5 },
      { image_id: 'missing.jpg', category_id: 1, bbox: [10, 10, 5, 20], score: 0.5 },
      { image_id: 1.5, category_id: 1, bbox: [10, 10, 5, 20], score: 0.5 },
      { image_id: 397133, category_id: null, bbox: [10, 10, 5, 20], score: 0.5 },
      { image_id: 397133, category_id: 1, bbox: [10, 10, 5, 20], score: 0.5, segmentation: [[1, 2, 3]] },
      { image_id: 397133, category_id: 1, bbox: [10, 10, 5, 20], score: 0.5 },
    ]);
    expect(parsed.problems).toEqual([
      { index: 0, reason: 'item is "not a detection", not an object' },
      { index: 1, reason: 'bbox must be [x, y, width, height] with 4 numbers, not [10,10,20]' },
      { index: 2, reason: 'bbox 0×20 has no area' },
      { index: 3, reason: 'bbox must be [x, y, width, height] with 4 numbers, not ["10",10,5,20]' },
      { index: 4, reason: 'score 1.3 is outside 0–1' },
      { index: 5, reason: 'score must be a number, not nothing' },
      {
        index: 6,
        reason:
          "image_id 42 matches no image in this project; give the ground-truth file's images list to match numeric ids",
      },
      { index: 7, reason: 'image_id "missing.jpg" matches no image in this project' },
      { index: 8, reason: 'image_id must be an integer or a file name, not 1.5' },
      { index: 9, reason: 'category_id must be an integer or a name, not null' },
      {
        index: 10,
        reason:
          'segmentation must be polygons ([[x1, y1, x2, y2, …]], at least 3 points) or RLE, not [[1,2,3]]',
      },
    ]);
    expect(parsed.counts).toEqual({ items: 12, predictions: 1, images: 1, skipped: 11, unmapped: 1 });
  });

  it('names the file an images-list id points to when that file is not in the project', () => {
    const parsed = parse([{ image_id: 7, category_id: 1, bbox: [1, 1, 5, 5], score: 0.5 }], {
      cocoImages: [{ id: 7, file_name: 'train/elsewhere.jpg' }],
    });
    expect(parsed.problems).toEqual([
      { index: 0, reason: 'image_id 7 is train/elsewhere.jpg, which is not in this project' },
    ]);
  });

  it('refuses a name two project images share, asking for the folder', () => {
    const twins = [image('img-1', 'left/cam.jpg'), image('img-2', 'right/cam.jpg')];
    const parsed = parseCocoResults({
      results: [
        { image_id: 'cam.jpg', category_id: 1, bbox: [1, 1, 5, 5], score: 0.5 },
        { image_id: 'right/cam.jpg', category_id: 1, bbox: [1, 1, 5, 5], score: 0.5 },
      ],
      images: twins,
      classes,
    });
    expect(parsed).toMatchObject({
      ok: true,
      problems: [
        {
          index: 0,
          reason: 'image_id "cam.jpg" matches 2 images (left/cam.jpg, right/cam.jpg); give its folder too',
        },
      ],
      images: [{ imageId: 'img-2' }],
    });
  });

  it('lists at most a thousand problems but counts them all', () => {
    const parsed = parse(Array.from({ length: 1500 }, () => ({ image_id: 1 })));
    expect(parsed.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(parsed.counts.skipped).toBe(1500);
  });

  it('refuses a file that is not an array, recognising a ground-truth file', () => {
    expect(parseCocoResults({ results: groundTruth, images, classes })).toEqual({
      ok: false,
      reason:
        'A COCO results file is a JSON array of detections: this looks like a COCO ground-truth file; choose the detections (results) file',
    });
    expect(parseCocoResults({ results: 'x', images, classes })).toEqual({
      ok: false,
      reason: 'A COCO results file is a JSON array of detections',
    });
  });
});

describe('cocoReferences', () => {
  it('reads the images and categories of a ground-truth file, leaving out unusable entries', () => {
    expect(cocoReferences(groundTruth)).toEqual({
      ok: true,
      images: [
        { id: 397133, file_name: '000000397133.jpg' },
        { id: 37777, file_name: '000000037777.jpg' },
      ],
      categories: [
        { id: 1, name: 'person' },
        { id: 3, name: 'CAR' },
        { id: 2, name: 'bicycle' },
        { id: 90, name: 'puddle' },
      ],
    });
    expect(cocoReferences([])).toMatchObject({ ok: false });
  });
});

describe('parseCategoryText', () => {
  it('reads one "id name" per line in the common separators and reports lines it cannot', () => {
    expect(parseCategoryText('1 person\n2: bicycle\n\n3, traffic light\r\ncar')).toEqual({
      categories: [
        { id: 1, name: 'person' },
        { id: 2, name: 'bicycle' },
        { id: 3, name: 'traffic light' },
      ],
      problems: ['line 5: expected "id name", e.g. "1 person", not "car"'],
    });
  });
});
