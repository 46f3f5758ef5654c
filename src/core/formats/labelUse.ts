/** Which labels a dataset's objects and image tags use, and how: what a class-mapping step lists. */

import { GEOMETRY_KINDS } from '../schema/types';
import type { DatasetLabelUse } from '../api/datasets';
import type { GeometryKind } from '../annotations/types';
import type { FormatImage } from './types';

/** Every label used by an object or a tag, most objects first (then most tags, then by name). */
export function labelUses(images: readonly FormatImage[]): DatasetLabelUse[] {
  const uses = new Map<string, { objects: number; tags: number; kinds: Set<GeometryKind> }>();
  const useOf = (label: string) => {
    let use = uses.get(label);
    if (use === undefined) {
      use = { objects: 0, tags: 0, kinds: new Set() };
      uses.set(label, use);
    }
    return use;
  };
  for (const image of images) {
    for (const annotation of image.annotations) {
      const use = useOf(annotation.label);
      use.objects++;
      use.kinds.add(annotation.geometry.kind);
    }
    for (const tag of image.tags ?? []) useOf(tag).tags++;
  }
  return [...uses]
    .map(([label, use]) => ({
      label,
      objects: use.objects,
      tags: use.tags,
      geometries: GEOMETRY_KINDS.filter((kind): kind is GeometryKind => use.kinds.has(kind as GeometryKind)),
    }))
    .sort(
      (a, b) =>
        b.objects - a.objects || b.tags - a.tags || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
    );
}
