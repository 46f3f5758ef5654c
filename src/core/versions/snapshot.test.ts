import { describe, expect, it } from 'vitest';
import type { ImageId } from '../ids';
import { createVersion } from './snapshot';
import { annotation, imageRecord, labels, PROJECT } from './testFixtures';
import type { Split, VersionId } from './types';

const splits = (entries: Record<string, Split>) => new Map(Object.entries(entries)) as Map<ImageId, Split>;

const base = {
  projectId: PROJECT,
  message: 'first cut',
  author: 'ann',
  createdAt: 1000,
  schemaVersion: 3,
};

describe('createVersion', () => {
  const images = [
    imageRecord('c', 'cam2/c.jpg', 'in-progress'),
    imageRecord('a', 'cam1/a.jpg'),
    imageRecord('b'),
  ];
  const records = [
    labels('a', [annotation('a1', 'car'), annotation('a2', 'car'), annotation('a3', 'person')], ['night']),
    labels('c', [annotation('c1', 'car')], ['night', 'rain']),
    labels('gone', [annotation('g1', 'car')]),
  ];
  const v1 = createVersion({
    ...base,
    id: 'v1' as VersionId,
    number: 1,
    images,
    records,
    previous: null,
    splits: splits({ a: 'train', b: 'val', c: 'test' }),
    groups: new Map([['a' as ImageId, 'cam1']]),
  });

  it('freezes images sorted by id with their hash, path, status, split, group and labels', () => {
    expect(
      v1.images.map((i) => [i.imageId, i.path, i.status, i.split, i.group, i.annotations.length, i.tags]),
    ).toEqual([
      ['a', 'cam1/a.jpg', 'submitted', 'train', 'cam1', 3, ['night']],
      ['b', 'b.jpg', 'submitted', 'val', undefined, 0, []],
      ['c', 'cam2/c.jpg', 'in-progress', 'test', undefined, 1, ['night', 'rain']],
    ]);
    expect(v1.images[0]!.sha256).toBe(images[1]!.sha256);
    expect(v1).toMatchObject({
      number: 1,
      parent: null,
      schemaVersion: 3,
      message: 'first cut',
      author: 'ann',
    });
  });

  it('counts images, annotations per class, tagged images and images per split, leaving out labels of missing images', () => {
    expect(v1.counts).toEqual({
      images: 3,
      annotations: 4,
      perClass: { car: 3, person: 1 },
      perTag: { night: 2, rain: 1 },
      perSplit: { train: 1, val: 1, test: 1 },
      perClassPerSplit: { car: { train: 2, val: 0, test: 1 }, person: { train: 1, val: 0, test: 0 } },
    });
  });

  it('keeps the previous split of an image the new split map leaves out, and names the previous version as parent', () => {
    const v2 = createVersion({
      ...base,
      id: 'v2' as VersionId,
      number: 2,
      images: [...images, imageRecord('d')],
      records,
      previous: v1,
      splits: splits({ d: 'val' }),
    });
    expect(v2.parent).toBe('v1');
    expect(v2.images.map((i) => i.split)).toEqual(['train', 'val', 'test', 'val']);
    expect(v2.counts.perSplit).toEqual({ train: 1, val: 2, test: 1 });
  });

  it('refuses an image with no split anywhere', () => {
    expect(() =>
      createVersion({
        ...base,
        id: 'v1' as VersionId,
        number: 1,
        images,
        records,
        previous: null,
        splits: splits({ a: 'train' }),
      }),
    ).toThrow(/2 image\(s\) have no split, e\.g\. b, c/);
  });

  it('is frozen and shares no arrays with the records it was made from', () => {
    expect(Object.isFrozen(v1)).toBe(true);
    expect(Object.isFrozen(v1.images)).toBe(true);
    expect(Object.isFrozen(v1.images[0])).toBe(true);
    expect(Object.isFrozen(v1.counts.perClass)).toBe(true);
    expect(v1.images[0]!.annotations).not.toBe(records[0]!.annotations);
    expect(v1.images[0]!.annotations).toEqual(records[0]!.annotations);
  });

  it('gives the same version for the same state whatever order images and records arrive in', () => {
    const again = createVersion({
      ...base,
      id: 'v1' as VersionId,
      number: 1,
      images: [...images].reverse(),
      records: [...records].reverse(),
      previous: null,
      splits: splits({ c: 'test', b: 'val', a: 'train' }),
      groups: new Map([['a' as ImageId, 'cam1']]),
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(v1));
  });
});
