import { describe, expect, it } from 'vitest';
import type { FormatImage } from '../types';
import { writeCoco } from './write';

const images: FormatImage[] = [
  {
    path: 'b/second.jpg',
    width: 640,
    height: 480,
    annotations: [
      { label: 'cat', geometry: { kind: 'box', x: 10.123, y: 20.456, width: 30, height: 40.005 } },
      {
        label: 'person',
        geometry: {
          kind: 'keypoints',
          points: [
            { x: 5, y: 6, visibility: 2 },
            { x: 7, y: 8, visibility: 1 },
            { x: 3, y: 3, visibility: 0 },
          ],
          box: { x: 1, y: 2, width: 10, height: 20 },
        },
      },
    ],
  },
  {
    path: 'a/first.jpg',
    width: 100,
    height: 50,
    annotations: [
      {
        label: 'кот',
        geometry: {
          kind: 'polygon',
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 0 },
            { x: 10, y: 10 },
          ],
        },
        crowd: true,
        attributes: { occluded: true, colour: 'red' },
      },
    ],
  },
];

const options = {
  labels: ['person', 'cat', 'кот'],
  skeletons: { person: ['nose', 'left_eye', 'right_eye'] },
  description: 'LabelLoop v3',
  created: '2024-05-01T00:00:00Z',
};

describe('writeCoco', () => {
  it('writes the exact COCO text: sorted images, numbered categories and objects, rounded numbers', () => {
    const { file, problems } = writeCoco(images, options);
    expect(problems).toEqual([]);
    expect(file.path).toBe('annotations.json');
    expect(file.text).toBe(
      [
        '{',
        '  "info": {"description":"LabelLoop v3","date_created":"2024-05-01T00:00:00Z"},',
        '  "licenses": [],',
        '  "categories": [',
        '    {"id":1,"name":"person","supercategory":"","keypoints":["nose","left_eye","right_eye"],"skeleton":[]},',
        '    {"id":2,"name":"cat","supercategory":""},',
        '    {"id":3,"name":"кот","supercategory":""}',
        '  ],',
        '  "images": [',
        '    {"id":1,"file_name":"a/first.jpg","width":100,"height":50},',
        '    {"id":2,"file_name":"b/second.jpg","width":640,"height":480}',
        '  ],',
        '  "annotations": [',
        '    {"id":1,"image_id":1,"category_id":3,"segmentation":[[0,0,10,0,10,10]],"area":50,"bbox":[0,0,10,10],"iscrowd":1,"attributes":{"colour":"red","occluded":true}},',
        '    {"id":2,"image_id":2,"category_id":2,"segmentation":[],"area":1200.3,"bbox":[10.12,20.46,30,40.01],"iscrowd":0},',
        '    {"id":3,"image_id":2,"category_id":1,"segmentation":[],"area":200,"bbox":[1,2,10,20],"iscrowd":0,"keypoints":[5,6,2,7,8,1,0,0,0],"num_keypoints":2}',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    expect(() => JSON.parse(file.text)).not.toThrow();
  });

  it('gives the same bytes when written twice, whatever the input order', () => {
    const once = writeCoco(images, options).file.text;
    expect(writeCoco(images, options).file.text).toBe(once);
    expect(writeCoco([...images].reverse(), options).file.text).toBe(once);
  });

  it('writes a rotated box as the polygon of its corners with their bounds', () => {
    const { file } = writeCoco(
      [
        {
          path: 'r.jpg',
          width: 100,
          height: 100,
          annotations: [
            {
              label: 'cat',
              geometry: { kind: 'rotated-box', cx: 50, cy: 50, width: 20, height: 10, angle: 90 },
            },
          ],
        },
      ],
      { labels: ['cat'] },
    );
    const written = JSON.parse(file.text).annotations[0];
    expect(written.segmentation).toEqual([[55, 40, 55, 60, 45, 60, 45, 40]]);
    expect(written.bbox).toEqual([45, 40, 10, 20]);
    expect(written.area).toBe(200);
  });

  it('joins polygons of one object (same label and source id) into one multi-part object', () => {
    const part = (x: number) => ({
      label: 'car',
      sourceId: '9',
      geometry: {
        kind: 'polygon' as const,
        points: [
          { x, y: 0 },
          { x: x + 10, y: 0 },
          { x: x + 10, y: 10 },
          { x, y: 10 },
        ],
      },
    });
    const { file } = writeCoco(
      [
        {
          path: 'c.jpg',
          width: 100,
          height: 100,
          annotations: [part(0), { ...part(50), sourceId: '10' }, part(20)],
        },
      ],
      { labels: ['car'] },
    );
    const written = JSON.parse(file.text).annotations;
    expect(written).toHaveLength(2);
    expect(written[0].segmentation).toEqual([
      [0, 0, 10, 0, 10, 10, 0, 10],
      [20, 0, 30, 0, 30, 10, 20, 10],
    ]);
    expect(written[0].area).toBe(200);
    expect(written[0].bbox).toEqual([0, 0, 30, 10]);
    expect(written[1].bbox).toEqual([50, 0, 10, 10]);
  });

  it('leaves out what COCO cannot hold and says so, object by object', () => {
    const { file, problems } = writeCoco(
      [
        {
          path: 'p.jpg',
          width: 0,
          height: 0,
          tags: ['night'],
          annotations: [
            {
              label: 'cat',
              geometry: {
                kind: 'polyline',
                points: [
                  { x: 0, y: 0 },
                  { x: 1, y: 1 },
                ],
              },
            },
            { label: 'cat', geometry: { kind: 'point', x: 3, y: 4 } },
            { label: 'dog', geometry: { kind: 'box', x: 0, y: 0, width: 5, height: 5 } },
            { label: 'cat', geometry: { kind: 'box', x: 0, y: 0, width: 0, height: 5 } },
            { label: 'cat', geometry: { kind: 'box', x: Number.NaN, y: 0, width: 5, height: 5 } },
            { label: 'cat', geometry: { kind: 'box', x: 1, y: 1, width: 5, height: 5 } },
          ],
        },
      ],
      { labels: ['cat'], path: 'coco/instances.json' },
    );
    expect(JSON.parse(file.text).annotations).toHaveLength(1);
    expect(problems.map((p) => `${p.file} | ${p.item}: ${p.reason}`)).toEqual([
      'coco/instances.json | p.jpg: size 0×0 is unknown; written as 0×0',
      'coco/instances.json | p.jpg: image tags (night) have no COCO form; left out',
      'coco/instances.json | p.jpg object 1: a polyline (COCO has no open paths) cannot be written to COCO; left out',
      'coco/instances.json | p.jpg object 2: a point (COCO has no single points outside keypoints) cannot be written to COCO; left out',
      'coco/instances.json | p.jpg object 3: label "dog" is not among the exported labels; left out',
      'coco/instances.json | p.jpg object 4: a box of 0×5 px has no area cannot be written to COCO; left out',
      'coco/instances.json | p.jpg object 5: a box with coordinates that are not numbers cannot be written to COCO; left out',
    ]);
  });

  it('refuses keypoints that do not match their skeleton', () => {
    const { problems } = writeCoco(
      [
        {
          path: 'k.jpg',
          width: 10,
          height: 10,
          annotations: [
            { label: 'person', geometry: { kind: 'keypoints', points: [{ x: 1, y: 1, visibility: 2 }] } },
          ],
        },
      ],
      { labels: ['person'], skeletons: { person: ['nose', 'tail'] } },
    );
    expect(problems.map((p) => p.reason)).toEqual([
      "1 keypoints where the label's skeleton has 2 cannot be written to COCO; left out",
    ]);
  });

  it('writes an empty dataset as valid COCO', () => {
    expect(JSON.parse(writeCoco([], { labels: [] }).file.text)).toEqual({
      info: {},
      licenses: [],
      categories: [],
      images: [],
      annotations: [],
    });
  });
});
