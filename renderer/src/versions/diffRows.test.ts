import { describe, expect, it } from 'vitest';
import type { ImageId } from '../../../src/core/ids';
import { diffVersions } from '../../../src/core/versions/diff';
import { annotation, box, hashOf, versionImage, versionOf } from '../../../src/core/versions/testFixtures';
import type { AnnotationSchema } from '../../../src/core/schema/types';
import { classLookup } from './classes';
import {
  annotationsByImage,
  describeRow,
  diffDocument,
  diffFileName,
  DIFF_FORMAT,
  filterRows,
  imageRows,
} from './diffRows';

const v1 = versionOf(1, [
  versionImage('a', [annotation('a1', 'car')], 'train', { path: 'cam2/a.jpg' }),
  versionImage(
    'b',
    [annotation('b1', 'car'), annotation('b2', 'car', box(0, 0), { occluded: false })],
    'val',
    {
      path: 'cam1/b.jpg',
    },
  ),
  versionImage('c', [annotation('c1', 'person')], 'test', { path: 'cam1/c.jpg', tags: ['day'] }),
]);
const v2 = versionOf(2, [
  versionImage(
    'b',
    [
      annotation('b1', 'truck'),
      annotation('b2', 'car', box(7, 0), { occluded: true }),
      annotation('b3', 'person'),
      annotation('b4', 'person'),
    ],
    'train',
    { path: 'cam1/b.jpg' },
  ),
  versionImage('c', [], 'test', {
    path: 'cam1/c.jpg',
    tags: ['night'],
    status: 'in-progress',
    sha256: hashOf('c-new'),
  }),
  versionImage('d', [annotation('d1', 'car'), annotation('d2', 'car')], 'val', { path: 'cam0/d.jpg' }),
]);
const diff = diffVersions(v1, v2);
const classOf = classLookup({
  classes: [
    { id: 'car', name: 'Car', color: '#f00' },
    { id: 'truck', name: 'Truck', color: '#0f0' },
    { id: 'night', name: 'Night', color: '#00f' },
  ],
} as unknown as AnnotationSchema);

describe('imageRows', () => {
  it('lists added, removed and changed images together, ordered by path', () => {
    expect(imageRows(diff).map((row) => [row.kind, row.path, row.split])).toEqual([
      ['added', 'cam0/d.jpg', 'val'],
      ['changed', 'cam1/b.jpg', 'train'],
      ['changed', 'cam1/c.jpg', 'test'],
      ['removed', 'cam2/a.jpg', 'train'],
    ]);
  });

  it('filters by kind and by path, ignoring case', () => {
    const rows = imageRows(diff);
    expect(filterRows(rows, 'all', '')).toBe(rows);
    expect(filterRows(rows, 'changed', '').map((row) => row.path)).toEqual(['cam1/b.jpg', 'cam1/c.jpg']);
    expect(filterRows(rows, 'all', 'CAM1/C').map((row) => row.path)).toEqual(['cam1/c.jpg']);
    expect(filterRows(rows, 'removed', 'cam1')).toEqual([]);
  });
});

describe('describeRow', () => {
  const rows = imageRows(diff);
  const grouped = annotationsByImage(diff);
  const partsOf = (path: string) =>
    describeRow(
      rows.find((row) => row.path === path)!,
      grouped,
      classOf,
    ).map((part) => [part.tone, part.text]);

  it('says which annotations were added, moved, relabeled or re-attributed, and the split move', () => {
    expect(partsOf('cam1/b.jpg')).toEqual([
      ['added', '+2 person'],
      ['changed', '1 geometry change (up to 7 px)'],
      ['changed', 'Car → Truck'],
      ['changed', 'attributes of 1 annotation (occluded)'],
      ['changed', 'split val → train'],
    ]);
  });

  it('says what changed on the image itself: status, content and tags by class name', () => {
    expect(partsOf('cam1/c.jpg')).toEqual([
      ['removed', '−1 person'],
      ['changed', 'status submitted → in progress'],
      ['changed', 'file content changed'],
      ['added', '+tag Night'],
      ['removed', '−tag day'],
    ]);
  });

  it('describes new and removed images with their annotations', () => {
    expect(partsOf('cam0/d.jpg')).toEqual([
      ['added', 'new image in val'],
      ['added', '+2 Car'],
    ]);
    expect(partsOf('cam2/a.jpg')).toEqual([
      ['removed', 'image removed from train'],
      ['removed', '−1 Car'],
    ]);
  });

  it('groups annotation changes by image id', () => {
    expect(grouped.added.get('b' as ImageId)?.map((a) => a.annotationId)).toEqual(['b3', 'b4']);
    expect(grouped.changed.get('b' as ImageId)?.map((a) => a.annotationId)).toEqual(['b1', 'b2']);
    expect(grouped.removed.get('a' as ImageId)?.map((a) => a.annotationId)).toEqual(['a1']);
  });
});

describe('diffDocument', () => {
  it('names both versions and the options next to the diff, and round-trips through JSON', () => {
    const document = diffDocument({
      projectName: 'Traffic',
      from: v1,
      to: v2,
      options: { moveThresholdPx: 2 },
      diff,
    });
    const read = JSON.parse(JSON.stringify(document)) as typeof document;
    expect(read.format).toBe(DIFF_FORMAT);
    expect(read.from).toEqual({
      id: 'v1',
      number: 1,
      message: 'version 1',
      author: 'ann',
      createdAt: new Date(1).toISOString(),
      schemaVersion: 1,
    });
    expect(read.to.number).toBe(2);
    expect(read.options).toEqual({ moveThresholdPx: 2 });
    expect(read.diff.totals).toEqual(diff.totals);
    expect(read.diff.imagesChanged.map((change) => change.path)).toEqual(['cam1/b.jpg', 'cam1/c.jpg']);
  });

  it('makes a file name a file system accepts', () => {
    expect(diffFileName('Street scenes / 2026', 1, 3)).toBe('Street_scenes_2026-v1-v3.diff.json');
    expect(diffFileName('///', 2, 1)).toBe('project-v2-v1.diff.json');
  });
});
