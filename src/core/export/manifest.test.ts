import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  isSafeRelativePath,
  manifestText,
  readManifest,
  type DatasetManifest,
} from './manifest';

const hash = (c: string) => c.repeat(64);

const manifest = (files: DatasetManifest['files']): DatasetManifest => ({
  format: 'labelloop.dataset-manifest/1',
  project: { id: 'p1', name: 'Streets' },
  version: {
    id: 'v2',
    number: 2,
    parent: { id: 'v1', number: 1 },
    message: 'More night images',
    author: 'ana',
    createdAt: '2026-11-26T10:00:00.000Z',
  },
  schema: {
    version: 3,
    name: 'Street',
    classes: [
      { id: 'car', name: 'Car' },
      { id: 'person', name: 'Person' },
    ],
  },
  export: { format: 'yolo', images: 'copy', filters: { splits: ['val', 'train'], statuses: ['submitted'] } },
  counts: { images: 2, annotations: 5, perClass: { person: 2, car: 3 } },
  splits: { train: 1, val: 1, test: 0 },
  files,
});

describe('dataset manifest', () => {
  it('is written in one canonical order, so the same export gives the same bytes', () => {
    const a = manifestText(
      manifest([
        { path: 'labels/val/b.txt', bytes: 10, sha256: hash('b') },
        { path: 'data.yaml', bytes: 99, sha256: hash('a') },
        { path: 'labels/train/a.txt', bytes: 12, sha256: hash('c') },
      ]),
    );
    const b = manifestText(
      manifest([
        { path: 'labels/train/a.txt', bytes: 12, sha256: hash('c') },
        { path: 'labels/val/b.txt', bytes: 10, sha256: hash('b') },
        { path: 'data.yaml', bytes: 99, sha256: hash('a') },
      ]),
    );
    expect(a).toBe(b);
    const parsed = JSON.parse(a) as DatasetManifest;
    expect(parsed.files.map((f) => f.path)).toEqual(['data.yaml', 'labels/train/a.txt', 'labels/val/b.txt']);
    expect(Object.keys(parsed.counts.perClass)).toEqual(['car', 'person']);
    expect(parsed.export.filters).toEqual({ statuses: ['submitted'], splits: ['train', 'val'] });
    expect(a.endsWith('}\n')).toBe(true);
  });

  it('reads back what it wrote, and the JSON Schema accepts it', () => {
    const text = manifestText(manifest([{ path: 'annotations.json', bytes: 5, sha256: hash('d') }]));
    const read = readManifest(JSON.parse(text));
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.manifest.version.parent).toEqual({ id: 'v1', number: 1 });
  });

  it('refuses unsafe, repeated and self-listing paths when building', () => {
    expect(() => buildManifest(manifest([{ path: '../etc/passwd', bytes: 1, sha256: hash('e') }]))).toThrow(
      /unsafe path/,
    );
    expect(() =>
      buildManifest(
        manifest([
          { path: 'a.txt', bytes: 1, sha256: hash('e') },
          { path: 'a.txt', bytes: 1, sha256: hash('e') },
        ]),
      ),
    ).toThrow(/listed twice/);
    expect(() => buildManifest(manifest([{ path: 'manifest.json', bytes: 1, sha256: hash('e') }]))).toThrow(
      /cannot list itself/,
    );
  });

  it('says where a manifest read from disk is wrong', () => {
    const bad = JSON.parse(
      manifestText(manifest([{ path: 'a.txt', bytes: 1, sha256: hash('f') }])),
    ) as Record<string, unknown>;
    (bad.files as { sha256: string }[])[0]!.sha256 = 'not-a-hash';
    const read = readManifest(bad);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.join('\n')).toMatch(/\/files\/0\/sha256/);
    const traversal = JSON.parse(manifestText(manifest([{ path: 'a.txt', bytes: 1, sha256: hash('f') }])));
    traversal.files[0].path = 'images/../../secret';
    expect(readManifest(traversal).ok).toBe(false);
    expect(readManifest('hello').ok).toBe(false);
  });

  it('knows safe relative paths', () => {
    expect(['a', 'images/train/x.jpg', 'ünï/çødé.txt'].every(isSafeRelativePath)).toBe(true);
    expect(['', '/abs', 'a/../b', './a', 'a//b', 'C:/x', 'a\\b'].some(isSafeRelativePath)).toBe(false);
  });
});
