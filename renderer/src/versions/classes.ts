/** Class names and colours for count tables: from the schema a version used, falling back to the bare class id. */

import type { AnnotationSchema } from '../../../src/core/schema/types';
import { SPLITS, type PerSplit, type VersionCounts } from '../../../src/core/versions/types';

export interface ClassInfo {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  /** False when no given schema has the class (removed or merged since): the id is shown instead. */
  readonly known: boolean;
  /** Position in the schema, so tables follow the order the user gave classes; unknown ids sort last. */
  readonly order: number;
}

const UNKNOWN_COLOR = '#8d95a3';

/** Looks classes up in `schemas`, the first that has a class winning (pass the newer schema first). */
export function classLookup(
  ...schemas: readonly (AnnotationSchema | undefined)[]
): (id: string) => ClassInfo {
  const known = new Map<string, ClassInfo>();
  let order = 0;
  for (const schema of schemas) {
    for (const labelClass of schema?.classes ?? []) {
      if (known.has(labelClass.id)) continue;
      known.set(labelClass.id, {
        id: labelClass.id,
        name: labelClass.name,
        color: labelClass.color,
        known: true,
        order: order++,
      });
    }
  }
  return (id) =>
    known.get(id) ?? { id, name: id, color: UNKNOWN_COLOR, known: false, order: Number.MAX_SAFE_INTEGER };
}

/** Schema order first, then unknown ids alphabetically. */
export const byClassOrder = (a: ClassInfo, b: ClassInfo): number =>
  a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface ClassCountRow {
  readonly labelClass: ClassInfo;
  readonly perSplit: PerSplit<number>;
  readonly total: number;
  /** Images tagged with the class. */
  readonly tagged: number;
}

/**
 * One row per class with annotations or tags in the version, plus the schema's drawable classes that have
 * none (an empty class is worth seeing; groups and tag-only classes are never drawn), in schema order.
 */
export function classCountRows(counts: VersionCounts, schema: AnnotationSchema | undefined): ClassCountRow[] {
  const lookup = classLookup(schema);
  const ids = new Set<string>([...Object.keys(counts.perClass), ...Object.keys(counts.perTag)]);
  for (const labelClass of schema?.classes ?? [])
    if (labelClass.geometries.some((geometry) => geometry !== 'tag')) ids.add(labelClass.id);
  const zero: PerSplit<number> = { train: 0, val: 0, test: 0 };
  return [...ids]
    .map((id) => ({
      labelClass: lookup(id),
      perSplit: counts.perClassPerSplit[id] ?? zero,
      total: counts.perClass[id] ?? 0,
      tagged: counts.perTag[id] ?? 0,
    }))
    .sort((a, b) => byClassOrder(a.labelClass, b.labelClass));
}

/** Column totals of `classCountRows`. */
export function classCountTotals(
  rows: readonly ClassCountRow[],
): ClassCountRow['perSplit'] & { total: number } {
  const sum = (pick: (row: ClassCountRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  return {
    train: sum((row) => row.perSplit.train),
    val: sum((row) => row.perSplit.val),
    test: sum((row) => row.perSplit.test),
    total: sum((row) => row.total),
  };
}

/** "80.0%" of a split among all images (0% of nothing). */
export function splitShare(perSplit: PerSplit<number>, split: (typeof SPLITS)[number]): string {
  const total = SPLITS.reduce((sum, s) => sum + perSplit[s], 0);
  return total === 0 ? '0%' : `${((perSplit[split] / total) * 100).toFixed(1)}%`;
}
