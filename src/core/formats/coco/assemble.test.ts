import { describe, expect, it } from 'vitest';
import type { FormatAnnotation } from '../types';
import { createAssembler } from './assemble';

/** Entries with problems of every section, merged images, RLE, keypoints and a crowd region. */
const categories: unknown[] = [
  { id: 1, name: 'person', keypoints: ['nose', 'eye'] },
  { id: 2, name: 'car' },
  { id: 2, name: 'again' },
  'not a category',
];
const images: unknown[] = [
  { id: 1, file_name: 'a.jpg', width: 8, height: 6 },
  { id: 2, file_name: './a.jpg', width: 8, height: 6 },
  { id: 3, file_name: '../out.jpg' },
  { id: 4, file_name: 'b.jpg' },
  { id: 5, file_name: 'empty.jpg', width: 8, height: 6 },
];
const annotations: unknown[] = [
  { id: 10, image_id: 2, category_id: 2, bbox: [1, 1, 2, 2] },
  {
    id: 11,
    image_id: 4,
    category_id: 2,
    segmentation: [
      [0, 0, 4, 0, 4, 4],
      [1, 1],
    ],
    iscrowd: 0,
  },
  {
    id: 12,
    image_id: 1,
    category_id: 2,
    segmentation: { size: [6, 8], counts: [13, 3, 3, 3, 3, 3, 20] },
    iscrowd: 1,
  },
  { id: 13, image_id: 1, category_id: 1, keypoints: [1, 1, 2, 2, 2, 1], segmentation: [[0, 0, 4, 0, 4, 4]] },
  { id: 14, image_id: 3, category_id: 2, bbox: [1, 1, 2, 2] },
  { id: 15, image_id: 4, category_id: 9, bbox: [1, 1, 2, 2] },
  { id: 16, image_id: 4, category_id: 2, bbox: [1, 1, 2, 2], iscrowd: 'yes' },
  { id: 17, image_id: 1, category_id: 2, segmentation: { size: [3, 3], counts: [0, 9] } },
];

function assemble(sink?: (path: string, annotation: FormatAnnotation) => void) {
  const assembler = createAssembler('train.json', sink ? { sink: { onAnnotation: sink } } : {});
  categories.forEach(assembler.category);
  images.forEach(assembler.image);
  annotations.forEach(assembler.annotation);
  return assembler.finish();
}

describe('createAssembler with a sink', () => {
  it('reports exactly the problems it reports without one', () => {
    const plain = assemble();
    const sunk = assemble(() => {});
    expect(plain.problems.length).toBeGreaterThan(6);
    expect(sunk.problems).toEqual(plain.problems);
  });

  it('hands each object to the sink with its image path, merged images sharing one, and keeps none', () => {
    const given: [string, FormatAnnotation][] = [];
    const sunk = assemble((path, annotation) => given.push([path, annotation]));
    const plain = assemble();
    expect(sunk.images.map((i) => [i.path, i.annotations.length])).toEqual([
      ['a.jpg', 0],
      ['b.jpg', 0],
      ['empty.jpg', 0],
    ]);
    expect(plain.images.map((i) => [i.path, i.annotations.length])).toEqual([
      ['a.jpg', 3],
      ['b.jpg', 1],
      ['empty.jpg', 0],
    ]);
    expect(given.map(([path, a]) => [path, a.sourceId, a.geometry.kind])).toEqual([
      ['a.jpg', '10', 'box'],
      ['b.jpg', '11', 'polygon'],
      ['a.jpg', '12', 'polygon'],
      ['a.jpg', '13', 'keypoints'],
    ]);
    expect(given.filter(([path]) => path === 'a.jpg').map(([, a]) => a)).toEqual(
      plain.images[0]!.annotations,
    );
    expect(given[2]![1].crowd).toBe(true);
  });
});
