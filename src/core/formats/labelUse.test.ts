import { describe, expect, it } from 'vitest';
import type { FormatImage } from './types';
import { labelUses } from './labelUse';

const image = (annotations: FormatImage['annotations'], tags?: string[]): FormatImage => ({
  path: 'a.jpg',
  width: 10,
  height: 10,
  annotations,
  ...(tags && { tags }),
});
const box = { kind: 'box', x: 0, y: 0, width: 1, height: 1 } as const;
const polygon = { kind: 'polygon', points: [] } as const;

describe('labelUses', () => {
  it('counts objects and tags per label, with the geometry kinds used, most objects first', () => {
    expect(
      labelUses([
        image([
          { label: 'dog', geometry: polygon },
          { label: 'cat', geometry: box },
        ]),
        image([{ label: 'dog', geometry: box }], ['night', 'cat']),
        image([], ['night']),
      ]),
    ).toEqual([
      { label: 'dog', objects: 2, tags: 0, geometries: ['box', 'polygon'] },
      { label: 'cat', objects: 1, tags: 1, geometries: ['box'] },
      { label: 'night', objects: 0, tags: 2, geometries: [] },
    ]);
  });

  it('lists nothing for images without labels', () => {
    expect(labelUses([image([])])).toEqual([]);
  });
});
