/** Planning and laying out the export of a version: filters, names, counts, and each format's layout. */

import { describe, expect, it } from 'vitest';
import { readCoco } from '../formats/coco';
import { readVoc } from '../formats/voc';
import { readYoloLabels } from '../formats/yolo';
import type { AnnotationSchema } from '../schema/types';
import { annotation, box, versionImage, versionOf } from '../versions/testFixtures';
import { defaultExportName, planVersionExport } from './fromVersion';
import { layoutExport, yoloTaskOf } from './layout';

const schema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'Streets',
  classes: [
    { id: 'vehicle', name: 'vehicle', color: '#000000', geometries: [], attributes: [] },
    { id: 'car', name: 'car', color: '#ff0000', geometries: ['box'], attributes: [], parentId: 'vehicle' },
    { id: 'ped', name: 'pedestrian', color: '#00ff00', geometries: ['box', 'polygon'], attributes: [] },
    { id: 'night', name: 'night', color: '#0000ff', geometries: ['tag'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

const version = versionOf(1, [
  versionImage(
    'a',
    [annotation('a1', 'car', box(10, 20, 30, 40)), annotation('a2', 'ped', box(100, 100))],
    'train',
    {
      path: 'street/b.jpg',
      tags: ['night'],
    },
  ),
  versionImage('b', [annotation('b1', 'car', box(0, 0, 64, 48))], 'val', { path: 'street/a.jpg' }),
  versionImage('c', [], 'test', { path: 'street/a.jpg', status: 'new' }),
  versionImage('d', [annotation('d1', 'ped', box(5, 5))], 'train', { path: 'z.png', status: 'in-progress' }),
]);

describe('planVersionExport', () => {
  it('names objects by class name, keeps groups and tag-only classes out of the labels, and counts', () => {
    const plan = planVersionExport(version, schema);
    expect(plan.labels).toEqual(['car', 'pedestrian']);
    expect(plan.counts).toEqual({ images: 4, annotations: 4, perClass: { car: 2, ped: 2 } });
    expect(plan.splits).toEqual({ train: 2, val: 1, test: 1 });
    const tagged = plan.images.find((image) => image.imageId === 'a')!;
    expect(tagged.tags).toEqual(['night']);
    expect(tagged.annotations.map((a) => [a.label, a.sourceId])).toEqual([
      ['car', 'a1'],
      ['pedestrian', 'a2'],
    ]);
    expect(tagged).toMatchObject({ width: 640, height: 480, split: 'train' });
  });

  it('gives a second image at the same path its hash in the name, the same way every time', () => {
    const paths = planVersionExport(version, schema).images.map((image) => image.path);
    // b and c share street/a.jpg; hashOf('b') < hashOf('c'), so b keeps the plain name.
    expect(paths).toEqual([
      'street/a.jpg',
      `street/a~${version.images[2]!.sha256.slice(0, 8)}.jpg`,
      'street/b.jpg',
      'z.png',
    ]);
    expect(planVersionExport(version, schema).images).toEqual(planVersionExport(version, schema).images);
  });

  it('filters by status, split and class; images without chosen classes stay as background', () => {
    const done = planVersionExport(version, schema, { statuses: ['submitted'] });
    expect(done.images.map((image) => image.imageId).sort()).toEqual(['a', 'b']);
    const val = planVersionExport(version, schema, { splits: ['val'] });
    expect(val.images.map((image) => image.imageId)).toEqual(['b']);
    expect(val.splits).toEqual({ train: 0, val: 1, test: 0 });
    const cars = planVersionExport(version, schema, { classes: ['car'] });
    expect(cars.labels).toEqual(['car']);
    expect(cars.counts).toEqual({ images: 4, annotations: 2, perClass: { car: 2 } });
    expect(cars.images.find((image) => image.imageId === 'd')!.annotations).toEqual([]);
    expect(cars.images.find((image) => image.imageId === 'a')!.tags).toBeUndefined();
  });

  it('makes folder names from the project, version and format', () => {
    expect(defaultExportName('Rues de Montréal & Co', 3, 'yolo')).toBe('rues-de-montreal-co-v3-yolo');
    expect(defaultExportName('   ', 1, 'coco')).toBe('dataset-v1-coco');
  });
});

describe('layoutExport', () => {
  const plan = planVersionExport(version, schema);
  const options = { labels: plan.labels, skeletons: plan.skeletons };

  it('writes one COCO dataset per split, each with its images beside it', () => {
    const layout = layoutExport(plan.images, {
      ...options,
      format: 'coco',
      created: '2026-11-26T00:00:00.000Z',
    });
    expect(layout.files.map((f) => f.path)).toEqual([
      'train/annotations.json',
      'val/annotations.json',
      'test/annotations.json',
    ]);
    const train = readCoco(JSON.parse(layout.files[0]!.text) as unknown, 'train/annotations.json');
    expect(train.images.map((image) => image.path)).toEqual(['street/b.jpg', 'z.png']);
    expect(train.images[0]!.annotations[0]).toMatchObject({ label: 'car', geometry: box(10, 20, 30, 40) });
    expect(layout.images.find((image) => image.imageId === 'a')!.path).toBe('train/images/street/b.jpg');
  });

  it('writes a YOLO dataset with data.yaml and label files per split', () => {
    const layout = layoutExport(plan.images, { ...options, format: 'yolo' });
    const paths = layout.files.map((f) => f.path);
    expect(paths[0]).toBe('data.yaml');
    expect(paths).toContain('labels/val/street/a.txt');
    expect(layout.files[0]!.text).toContain('val: images/val');
    const car = layout.files.find((f) => f.path === 'labels/val/street/a.txt')!;
    const read = readYoloLabels(car.text, {
      file: car.path,
      imagePath: 'street/a.jpg',
      task: 'detect',
      labels: plan.labels,
      width: 640,
      height: 480,
    });
    expect(read.image.annotations[0]).toMatchObject({
      label: 'car',
      geometry: { kind: 'box', x: 0, y: 0, width: 64, height: 48 },
    });
    expect(layout.images.find((image) => image.imageId === 'b')!.path).toBe('images/val/street/a.jpg');
  });

  it('writes VOC with the devkit’s split lists', () => {
    const layout = layoutExport(plan.images, { ...options, format: 'voc' });
    const lists = Object.fromEntries(
      layout.files.filter((f) => f.path.startsWith('ImageSets/')).map((f) => [f.path, f.text]),
    );
    expect(lists).toEqual({
      'ImageSets/Main/train.txt': 'street/b\nz\n',
      'ImageSets/Main/val.txt': 'street/a\n',
      'ImageSets/Main/test.txt': `${plan.images.find((image) => image.imageId === 'c')!.path.replace(/\.jpg$/, '')}\n`,
    });
    const xml = layout.files.find((f) => f.path === 'Annotations/street/b.xml')!;
    expect(readVoc(xml.text, xml.path).image?.annotations).toHaveLength(2);
  });

  it('puts labelme JSON beside each image inside its split folder, and tables per split', () => {
    const labelme = layoutExport(plan.images, { ...options, format: 'labelme' });
    expect(labelme.files.map((f) => f.path)).toContain('train/street/b.json');
    expect(labelme.images.find((image) => image.imageId === 'a')!.path).toBe('train/street/b.jpg');
    const csv = layoutExport(plan.images, { ...options, format: 'csv' });
    expect(csv.files.map((f) => f.path)).toEqual(['train.csv', 'val.csv', 'test.csv']);
  });

  it('gives the same bytes for the same plan', () => {
    for (const format of ['coco', 'yolo', 'voc', 'labelme', 'cvat', 'csv', 'jsonl'] as const) {
      expect(layoutExport(plan.images, { ...options, format })).toEqual(
        layoutExport(plan.images, { ...options, format }),
      );
    }
  });

  it('picks the YOLO task from the geometries', () => {
    expect(yoloTaskOf(plan.images)).toBe('detect');
    expect(
      yoloTaskOf([
        {
          path: 'x',
          width: 1,
          height: 1,
          annotations: [{ label: 'a', geometry: { kind: 'polygon', points: [] } }],
        },
      ]),
    ).toBe('segment');
  });
});
