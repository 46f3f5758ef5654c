/** The kinds of geometry an annotation can have: their bit in a class's mask and their names in messages. */

import type { CompiledClass } from './compile';

/** How messages name the geometry kinds an annotation can have, by `kindIndex`. */
export const GEOMETRY_NAMES = ['box', 'rotated box', 'polygon', 'polyline', 'point', 'keypoints'] as const;

export const geometryLabel = (kind: string): string =>
  kind === 'tag' ? 'image tag' : (GEOMETRY_NAMES[kindIndex(kind)] ?? kind);

/** `box, rotated box or polygon` */
export function geometryList(cls: CompiledClass): string {
  const labels = cls.definition.geometries.map(geometryLabel);
  return labels.length > 1
    ? `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`
    : labels.join('');
}

/** 0–5 for the kinds an annotation can have; -1 for anything else (`tag` included, which is image-level). */
export function kindIndex(kind: unknown): number {
  switch (kind) {
    case 'box':
      return 0;
    case 'rotated-box':
      return 1;
    case 'polygon':
      return 2;
    case 'polyline':
      return 3;
    case 'point':
      return 4;
    case 'keypoints':
      return 5;
    default:
      return -1;
  }
}
