/** The rows of the object list: an image's annotations filtered by class and sorted, and per-class counts. */

import type { Annotation } from '../../../../src/core/annotations/types';
import { geometryArea } from '../../../../src/core/geometry/shapes';
import type { AnnotationSchema } from '../../../../src/core/schema/types';

export const OBJECT_SORTS = ['order', 'class', 'area', 'newest'] as const;
export type ObjectSort = (typeof OBJECT_SORTS)[number];
export const OBJECT_SORT_LABELS: Readonly<Record<ObjectSort, string>> = {
  order: 'Draw order',
  class: 'Class',
  area: 'Area (largest first)',
  newest: 'Newest first',
};

export interface ObjectRow {
  readonly annotation: Annotation;
  /** 1-based place in draw order (the annotation array), the `#n` people refer to. */
  readonly index: number;
}

/** `null` shows every class. */
export type ClassFilter = string | null;

/**
 * The rows to show: annotations of `classFilter` (all when null), in `sort` order. Class order follows the
 * schema (unknown classes after, by id); area is largest first; newest is by creation time. Ties keep
 * draw order, so the list never shuffles between renders.
 */
export function objectRows(
  annotations: readonly Annotation[],
  schema: AnnotationSchema | null,
  sort: ObjectSort,
  classFilter: ClassFilter,
): ObjectRow[] {
  const rows: ObjectRow[] = [];
  for (let i = 0; i < annotations.length; i++) {
    const annotation = annotations[i]!;
    if (classFilter === null || annotation.classId === classFilter) rows.push({ annotation, index: i + 1 });
  }
  switch (sort) {
    case 'order':
      return rows;
    case 'class': {
      const rank = classRank(schema);
      const unknown = rank.size;
      return rows.sort((a, b) => {
        const ra = rank.get(a.annotation.classId) ?? unknown;
        const rb = rank.get(b.annotation.classId) ?? unknown;
        if (ra !== rb) return ra - rb;
        if (ra === unknown && a.annotation.classId !== b.annotation.classId)
          return a.annotation.classId < b.annotation.classId ? -1 : 1;
        return a.index - b.index;
      });
    }
    case 'area': {
      // Computed once per row: a polygon's area is not free, and sort compares each row log n times.
      const areas = new Map(rows.map((row) => [row, geometryArea(row.annotation.geometry)]));
      return rows.sort((a, b) => areas.get(b)! - areas.get(a)! || a.index - b.index);
    }
    case 'newest':
      return rows.sort((a, b) => b.annotation.createdAt - a.annotation.createdAt || b.index - a.index);
  }
}

const classRank = (schema: AnnotationSchema | null): Map<string, number> =>
  new Map((schema?.classes ?? []).map((cls, i) => [cls.id, i]));

export interface ClassSummary {
  readonly classId: string;
  readonly name: string;
  readonly color: string;
  readonly count: number;
}

export const UNKNOWN_CLASS_COLOR = '#8d95a3';

/** Classes present in the image with their object counts, in schema order; classes the schema lacks after. */
export function classSummaries(
  annotations: readonly Annotation[],
  schema: AnnotationSchema | null,
): ClassSummary[] {
  const counts = new Map<string, number>();
  for (const annotation of annotations)
    counts.set(annotation.classId, (counts.get(annotation.classId) ?? 0) + 1);
  const out: ClassSummary[] = [];
  for (const cls of schema?.classes ?? []) {
    const count = counts.get(cls.id);
    if (count === undefined) continue;
    out.push({ classId: cls.id, name: cls.name, color: cls.color, count });
    counts.delete(cls.id);
  }
  for (const [classId, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1)))
    out.push({ classId, name: classId, color: UNKNOWN_CLASS_COLOR, count });
  return out;
}

/** The object list names geometries as the rest of the app does. */
export { GEOMETRY_KIND_NAMES as GEOMETRY_KIND_LABELS } from '../../../../src/core/annotations/types';
