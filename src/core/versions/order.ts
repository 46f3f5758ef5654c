/** Locale-free ordering and key-sorted records, so versions, splits and diffs come out the same on every machine. */

import { SPLITS, type Split } from './types';

/** Code-unit order: `localeCompare` depends on the user's locale and ICU build, and would make output vary. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A plain record with keys in sorted order; `Object.fromEntries` defines keys, so an id like `__proto__` is safe. */
export const sortedRecord = <T>(entries: ReadonlyMap<string, T>): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => compareIds(a, b)));

export const perSplit = <T>(value: (split: Split) => T): Record<Split, T> =>
  Object.fromEntries(SPLITS.map((split) => [split, value(split)])) as Record<Split, T>;

export const isSplit = (value: unknown): value is Split => (SPLITS as readonly unknown[]).includes(value);
