import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../annotations/types';
import type { FormatAnnotation, FormatDataset } from '../types';
import { readCoco, readCocoText } from './read';

const sortedCorners = (points: readonly { x: number; y: number }[]) =>
  [...points].map((p) => `${p.x},${p.y}`).sort();

const pointsOf = (g: Geometry) => (g.kind === 'polygon' ? g.points : []);

const objectsOf = (dataset: FormatDataset, path: string): readonly FormatAnnotation[] =>
  dataset.images.find((image) => image.path === path)?.annotations ?? [];

/** A file as the spec (cocodataset.org/#format-data) and CVAT's export write it, by hand. */
const instances = {
  info: { description: 'hand-written', year: 2024 },
  licenses: [],
  images: [
    { id: 7, file_name: 'street/0001.jpg', width: 640, height: 480 },
    { id: 3, file_name: 'empty.jpg', width: 320, height: 240 },
    { id: 12, file_name: 'masks\\crowd.png', width: 8, height: 6 },
  ],
  // Out of id order and not contiguous, as COCO's own ids are.
  categories: [
    { id: 18, name: 'собака', supercategory: 'animal' },
    { id: 1, name: 'person', keypoints: ['nose', 'left_eye', 'right_eye'], skeleton: [[1, 2]] },
    { id: 3, name: '猫 🐈', supercategory: 'animal' },
  ],
  annotations: [
    // A box: empty segmentation, as CVAT writes boxes; CVAT's attributes.
    {
      id: 101,
      image_id: 7,
      category_id: 18,
      segmentation: [],
      area: 1200,
      bbox: [10.5, 20, 40, 30],
      iscrowd: 0,
      attributes: { occluded: false, colour: 'brown', legs: 4, pose: { a: 1 } },
    },
    // An object in two polygons (an occluded car in COCO is often split).
    {
      id: 102,
      image_id: 7,
      category_id: 3,
      segmentation: [
        [100, 100, 200, 100, 200, 150, 100, 150],
        [210, 100, 230, 100, 230, 110],
      ],
      area: 5100,
      bbox: [100, 100, 130, 50],
      iscrowd: 0,
    },
    // A person with keypoints; the right eye is not labeled (v = 0, written 0, 0).
    {
      id: 103,
      image_id: 7,
      category_id: 1,
      segmentation: [[300, 100, 340, 100, 340, 200, 300, 200]],
      keypoints: [320, 110, 2, 315, 105, 1, 0, 0, 0],
      num_keypoints: 2,
      area: 4000,
      bbox: [300, 100, 40, 100],
      iscrowd: 0,
    },
    // A crowd region in uncompressed RLE, as COCO stores crowds: pixels x 2–4, y 1–3.
    {
      id: 104,
      image_id: 12,
      category_id: 1,
      segmentation: { size: [6, 8], counts: [13, 3, 3, 3, 3, 3, 20] },
      area: 9,
      bbox: [2, 1, 3, 3],
      iscrowd: 1,
    },
    // A mask in pycocotools' compressed RLE: an L of pixels x 1–2, y 0–4 and x 3–5, y 3–4.
    {
      id: 105,
      image_id: 12,
      category_id: 3,
      segmentation: { size: [6, 8], counts: '65103M00009' },
      area: 16,
      bbox: [1, 0, 5, 5],
      iscrowd: 0,
    },
    // CVAT's rotated box: the unrotated bbox and the angle in attributes.
    {
      id: 106,
      image_id: 7,
      category_id: 18,
      segmentation: [],
      bbox: [400, 300, 60, 20],
      iscrowd: 0,
      attributes: { occluded: true, rotation: 30 },
    },
  ],
};

describe('readCoco on a well-formed file', () => {
  const dataset = readCoco(instances, 'train.json');

  it('lists every image in file order with forward-slash paths, including the one without objects', () => {
    expect(dataset.images.map((i) => [i.path, i.width, i.height, i.annotations.length])).toEqual([
      ['street/0001.jpg', 640, 480, 5],
      ['empty.jpg', 320, 240, 0],
      ['masks/crowd.png', 8, 6, 2],
    ]);
  });

  it('names labels in category-id order, unicode intact, with keypoint names as skeletons', () => {
    expect(dataset.labels).toEqual(['person', '猫 🐈', 'собака']);
    expect(dataset.skeletons).toEqual({ person: ['nose', 'left_eye', 'right_eye'] });
  });

  it('reads a box with its scalar attributes and reports the one it could not keep', () => {
    expect(objectsOf(dataset, 'street/0001.jpg')[0]).toEqual({
      label: 'собака',
      geometry: { kind: 'box', x: 10.5, y: 20, width: 40, height: 30 },
      attributes: { occluded: false, colour: 'brown', legs: 4 },
      sourceId: '101',
    });
    expect(dataset.problems).toContainEqual({
      file: 'train.json',
      item: 'annotations[0]',
      reason: 'attributes "pose" are not text, numbers or yes/no; left out',
    });
  });

  it('gives each polygon of a several-part object its own annotation with the same source id', () => {
    const parts = objectsOf(dataset, 'street/0001.jpg').filter((a) => a.sourceId === '102');
    expect(parts.map((a) => a.geometry)).toEqual([
      {
        kind: 'polygon',
        points: [
          { x: 100, y: 100 },
          { x: 200, y: 100 },
          { x: 200, y: 150 },
          { x: 100, y: 150 },
        ],
      },
      {
        kind: 'polygon',
        points: [
          { x: 210, y: 100 },
          { x: 230, y: 100 },
          { x: 230, y: 110 },
        ],
      },
    ]);
    expect(parts.every((a) => a.label === '猫 🐈')).toBe(true);
  });

  it('reads keypoints with their visibility and the bbox as their box', () => {
    const person = objectsOf(dataset, 'street/0001.jpg').find((a) => a.sourceId === '103');
    expect(person?.geometry).toEqual({
      kind: 'keypoints',
      points: [
        { x: 320, y: 110, visibility: 2 },
        { x: 315, y: 105, visibility: 1 },
        { x: 0, y: 0, visibility: 0 },
      ],
      box: { x: 300, y: 100, width: 40, height: 100 },
    });
    expect(dataset.problems).toContainEqual({
      file: 'train.json',
      item: 'annotations',
      reason: '1 keypoint object also have a segmentation; kept their keypoints and boxes only',
    });
  });

  it('outlines a crowd region in uncompressed RLE as a crowd polygon on the pixel edges', () => {
    const crowd = objectsOf(dataset, 'masks/crowd.png')[0]!;
    expect(crowd.crowd).toBe(true);
    expect(crowd.geometry.kind).toBe('polygon');
    expect(sortedCorners(pointsOf(crowd.geometry))).toEqual(['2,1', '2,4', '5,1', '5,4']);
  });

  it('outlines a compressed RLE mask as its 6 corners', () => {
    const mask = objectsOf(dataset, 'masks/crowd.png')[1]!;
    expect(mask.crowd).toBeUndefined();
    expect(sortedCorners(pointsOf(mask.geometry))).toEqual(['1,0', '1,5', '3,0', '3,3', '6,3', '6,5']);
  });

  it("turns CVAT's box with a rotation attribute into a rotated box about the box centre", () => {
    const rotated = objectsOf(dataset, 'street/0001.jpg').find((a) => a.sourceId === '106');
    expect(rotated).toEqual({
      label: 'собака',
      geometry: { kind: 'rotated-box', cx: 430, cy: 310, width: 60, height: 20, angle: 30 },
      attributes: { occluded: true },
      sourceId: '106',
    });
  });

  it('reports nothing else', () => {
    expect(dataset.problems).toHaveLength(2);
  });
});

describe('readCoco on broken entries', () => {
  const base = {
    images: [{ id: 1, file_name: 'a.jpg', width: 100, height: 100 }],
    categories: [{ id: 1, name: 'cat' }],
  };
  const reasons = (annotations: unknown[]) =>
    readCoco({ ...base, annotations }).problems.map((p) => `${p.item}: ${p.reason}`);
  const ok = { id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4] };

  it('skips each malformed object with its index and reason, keeping the good ones', () => {
    const dataset = readCoco({
      ...base,
      annotations: [
        ok,
        { ...ok, bbox: undefined },
        { ...ok, bbox: [1, 2, 0, 4] },
        { ...ok, bbox: [1, 2, null, 4] },
        { ...ok, bbox: '1,2,3,4' },
        { ...ok, bbox: [1e300, 2, 3, 4] },
        { ...ok, image_id: 99 },
        { ...ok, category_id: 5 },
        { ...ok, iscrowd: 'yes' },
        'not an object',
        { ...ok, keypoints: [1, 2, 3] },
        { ...ok, segmentation: { size: [100, 100], counts: [5] } },
        { ...ok, segmentation: { size: [50, 50], counts: [2500] } },
        { ...ok, segmentation: 'polygon' },
      ],
    });
    expect(dataset.images[0]!.annotations).toHaveLength(1);
    expect(dataset.problems.map((p) => `${p.item}: ${p.reason}`)).toEqual([
      'annotations[1]: bbox must be [x, y, width, height] in pixels, not nothing',
      'annotations[2]: bbox 0×4 has no area',
      'annotations[3]: bbox must be [x, y, width, height] in pixels, not [1,2,null,4]',
      'annotations[4]: bbox must be [x, y, width, height] in pixels, not "1,2,3,4"',
      'annotations[5]: bbox must be [x, y, width, height] in pixels, not [1e+300,2,3,4]',
      'annotations[6]: image_id 99 is not in "images"',
      'annotations[7]: category_id 5 is not in "categories"',
      'annotations[8]: iscrowd must be 0 or 1, not "yes"',
      'annotations[9]: must be an object, not "not an object"',
      'annotations[10]: keypoint 1 has visibility 3; it must be 0, 1 or 2',
      'annotations[11]: segmentation must be polygons or RLE: RLE counts cover 5 pixels but size 100×100 has 10000',
      "annotations[12]: RLE size 50×50 (height×width) is not the image's 100×100",
      'annotations[13]: segmentation must be polygons or RLE: RLE must be an object {size: [height, width], counts}',
    ]);
    expect(dataset.problems.every((p) => p.file === 'annotations.json')).toBe(true);
  });

  it('keeps the usable parts of a polygon object and reports the others', () => {
    expect(
      reasons([
        {
          ...ok,
          segmentation: [
            [0, 0, 10, 0, 10, 10],
            [0, 0, 5, 5],
            [0, 0, 1, 1, 2, 2],
          ],
        },
        { ...ok, segmentation: [[0, 0, 5, 5]] },
      ]),
    ).toEqual([
      'annotations[0].segmentation[1]: has 4 numbers; a polygon needs x, y pairs for at least 3 points',
      'annotations[0].segmentation[2]: has no area (its points are on one line)',
      'annotations[1].segmentation[0]: has 4 numbers; a polygon needs x, y pairs for at least 3 points',
      'annotations[1]: segmentation has no usable polygon',
    ]);
  });

  it('reports a mask with holes as filled', () => {
    // 3×3 ring of pixels with its centre empty, in a 3×3 image: runs 0 bg, 4 fg, 1 bg, 4 fg.
    const dataset = readCoco({
      images: [{ id: 1, file_name: 'a.png', width: 3, height: 3 }],
      categories: [{ id: 1, name: 'ring' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, segmentation: { size: [3, 3], counts: [0, 4, 1, 4] } },
      ],
    });
    expect(dataset.images[0]!.annotations).toHaveLength(1);
    expect(dataset.problems.map((p) => p.reason)).toEqual([
      'mask has 1 hole; a polygon cannot hold them, so they are filled',
    ]);
  });

  it('reports broken images and categories, and why their objects are skipped', () => {
    const dataset = readCoco({
      images: [
        { id: 1, file_name: 'a.jpg', width: 100, height: 100 },
        { id: 1, file_name: 'b.jpg', width: 100, height: 100 },
        { id: 2, file_name: '../../etc/passwd', width: 100, height: 100 },
        { id: 3, file_name: 'c.jpg' },
        { id: 4, file_name: 'd.jpg', width: -5, height: '100' },
        { id: 5, file_name: 'a.jpg', width: 100, height: 100 },
        { file_name: 'e.jpg' },
      ],
      categories: [{ id: 1, name: 'cat' }, { id: 1, name: 'dog' }, { id: 2 }, { id: 3, name: 'cat' }],
      annotations: [
        { id: 1, image_id: 2, category_id: 1, bbox: [1, 2, 3, 4] },
        { id: 2, image_id: 5, category_id: 3, bbox: [1, 2, 3, 4] },
      ],
    });
    expect(dataset.images.map((i) => [i.path, i.width, i.height])).toEqual([
      ['a.jpg', 100, 100],
      ['c.jpg', 0, 0],
      ['d.jpg', 0, 0],
    ]);
    expect(dataset.labels).toEqual(['cat', '2']);
    expect(dataset.images[0]!.annotations.map((a) => a.label)).toEqual(['cat']);
    expect(dataset.problems.map((p) => `${p.item}: ${p.reason}`)).toEqual([
      'categories[1]: id 1 is used by an earlier category',
      'categories[2]: has no name (nothing); its objects are labeled "2"',
      'categories[3]: repeats the name "cat" of category 1; their objects share the label',
      'images[1]: id 1 is used by an earlier image; skipped',
      'images[2]: file_name "../../etc/passwd" points outside the image folder',
      'images[3]: has no width and height; the image file will give its size',
      'images[4]: size -5×"100" is not two positive integers; the image file will give it',
      'images[5]: file_name "a.jpg" is also images[0]; their objects are merged',
      'images[6]: id must be an integer, not nothing',
      'annotations[0]: image_id 2 is images[2], which was skipped: file_name "../../etc/passwd" points outside the image folder',
    ]);
  });
});

describe('readCoco on files that are not COCO', () => {
  it('explains a file cut short', () => {
    const text = JSON.stringify(instances).slice(0, 200);
    const dataset = readCocoText(text, 'instances_val.json');
    expect(dataset.images).toEqual([]);
    expect(dataset.problems).toEqual([
      { file: 'instances_val.json', item: 'file', reason: expect.stringMatching(/^not valid JSON \(.+\)$/) },
    ]);
  });

  it('reads the same from text as from parsed JSON', () => {
    expect(readCocoText(JSON.stringify(instances))).toEqual(readCoco(instances));
  });

  it('explains a top level that is not an object, or a results list', () => {
    expect(readCoco(42).problems[0]!.reason).toBe(
      'a COCO file is a JSON object with "images", "annotations" and "categories", not a number',
    );
    expect(readCoco([{ image_id: 1, bbox: [0, 0, 1, 1], score: 0.5 }]).problems[0]!.reason).toContain(
      'COCO results file',
    );
  });

  it('explains a missing images list and wrong-typed lists', () => {
    expect(readCoco({ annotations: [] }).problems).toEqual([
      {
        file: 'annotations.json',
        item: 'images',
        reason: 'a COCO file needs an "images" list; found nothing',
      },
    ]);
    const dataset = readCoco({ images: [], categories: {}, annotations: 'none' });
    expect(dataset.problems.map((p) => `${p.item}: ${p.reason}`)).toEqual([
      'categories: must be a list, not an object',
      'annotations: must be a list, not a string',
    ]);
  });

  it('accepts a file of images only (image info for test sets)', () => {
    const dataset = readCoco({ images: [{ id: 1, file_name: 'x.jpg', width: 10, height: 10 }] });
    expect(dataset).toEqual({
      images: [{ path: 'x.jpg', width: 10, height: 10, annotations: [] }],
      labels: [],
      problems: [],
    });
  });
});
