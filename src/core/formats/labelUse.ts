/** Which labels a dataset's objects and image tags use, and how: what a class-mapping step lists. */

import { GEOMETRY_KINDS } from '../schema/types';
import type { DatasetLabelUse } from '../api/datasets';
import type { GeometryKind } from '../annotations/types';
import type { FormatAnnotation, FormatImage } from './types';

/**
 * Counts label uses one object or tag list at a time, for a dataset whose objects are never all in memory
 * at once; `result` gives what `labelUses` gives for the same objects and tags.
 */
export function createLabelUseCounter() {
  const uses = new Map<string, { objects: number; tags: number; kinds: Set<GeometryKind> }>();
  const useOf = (label: string) => {
    let use = uses.get(label);
    if (use === undefined) {
      use = { objects: 0, tags: 0, kinds: new Set() };
      uses.set(label, use);
    }
    return use;
  };
  return {
    add(annotation: Pick<FormatAnnotation, 'label' | 'geometry'>): void {
      const use = useOf(annotation.label);
      use.objects++;
      use.kinds.add(annotation.geometry.kind);
    },
    addTags(tags: readonly string[]): void {
      for (const tag of tags) useOf(tag).tags++;
    },
    /** Every label used by an object or a tag, most objects first (then most tags, then by name). */
    result(): DatasetLabelUse[] {
      return [...uses]
        .map(([label, use]) => ({
          label,
          objects: use.objects,
          tags: use.tags,
          geometries: GEOMETRY_KINDS.filter((kind): kind is GeometryKind =>
            use.kinds.has(kind as GeometryKind),
          ),
        }))
        .sort(
          (a, b) =>
            b.objects - a.objects || b.tags - a.tags || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
        );
    },
  };
}

export type LabelUseCounter = ReturnType<typeof createLabelUseCounter>;

/** Every label used by an object or a tag, most objects first (then most tags, then by name). */
export function labelUses(images: readonly FormatImage[]): DatasetLabelUse[] {
  const counter = createLabelUseCounter();
  for (const image of images) {
    for (const annotation of image.annotations) counter.add(annotation);
    counter.addTags(image.tags ?? []);
  }
  return counter.result();
}
