import { describe, expect, it } from 'vitest';
import type { DatasetManifest } from './manifest';
import { describeManifestDiff, diffManifests } from './manifestDiff';

const base: DatasetManifest = {
  format: 'labelloop.dataset-manifest/1',
  project: { id: 'p1', name: 'Streets' },
  version: {
    id: 'v1',
    number: 1,
    parent: null,
    message: '',
    author: 'ana',
    createdAt: '2026-11-26T10:00:00.000Z',
  },
  schema: { version: 1, name: 'S', classes: [{ id: 'car', name: 'car' }] },
  export: { format: 'yolo', images: 'copy', filters: {} },
  counts: { images: 2, annotations: 3, perClass: { car: 3 } },
  splits: { train: 2, val: 0, test: 0 },
  files: [
    { path: 'data.yaml', bytes: 10, sha256: 'a'.repeat(64) },
    { path: 'labels/train/1.txt', bytes: 10, sha256: 'b'.repeat(64) },
    { path: 'labels/train/2.txt', bytes: 10, sha256: 'c'.repeat(64) },
  ],
};

describe('diffManifests', () => {
  it('lists added, removed and changed files and the count changes per class and split', () => {
    const next: DatasetManifest = {
      ...base,
      version: { ...base.version, id: 'v2', number: 2, parent: { id: 'v1', number: 1 } },
      schema: {
        version: 2,
        name: 'S',
        classes: [
          { id: 'car', name: 'car' },
          { id: 'bus', name: 'bus' },
        ],
      },
      counts: { images: 3, annotations: 5, perClass: { car: 3, bus: 2 } },
      splits: { train: 2, val: 1, test: 0 },
      files: [
        { path: 'data.yaml', bytes: 12, sha256: 'd'.repeat(64) },
        { path: 'labels/train/1.txt', bytes: 10, sha256: 'b'.repeat(64) },
        { path: 'labels/val/3.txt', bytes: 10, sha256: 'e'.repeat(64) },
      ],
    };
    const diff = diffManifests(base, next);
    expect(diff.files).toEqual({
      added: ['labels/val/3.txt'],
      removed: ['labels/train/2.txt'],
      changed: ['data.yaml'],
      unchanged: 1,
    });
    expect(diff.perClass).toEqual({ bus: { from: 0, to: 2 } });
    expect(diff.splits.val).toEqual({ from: 0, to: 1 });
    expect(diff.classes).toEqual({ added: ['bus'], removed: [] });
    expect(diff.schemaVersion).toEqual({ from: 1, to: 2 });
    const text = describeManifestDiff(diff);
    expect(text).toContain('annotations 3 → 5 (+2)');
    expect(text).toContain('  + labels/val/3.txt');
    expect(text).toContain('  ~ data.yaml');
  });

  it('finds nothing between a manifest and itself', () => {
    const diff = diffManifests(base, base);
    expect(diff.files).toEqual({ added: [], removed: [], changed: [], unchanged: 3 });
    expect(diff.perClass).toEqual({});
  });
});
