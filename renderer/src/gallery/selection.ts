/** Gallery selection as a pure function of key and pointer input: cursor, anchor and selected ids. */

import type { ImageId } from '../../../src/core/ids';

export interface Selection {
  readonly ids: ReadonlySet<ImageId>;
  readonly cursor: number;
  readonly anchor: number;
}

export type SelectionInput =
  | { kind: 'key'; key: string; shift: boolean; ctrl: boolean; columns: number; pageRows: number }
  | { kind: 'click'; index: number; shift: boolean; ctrl: boolean };

const range = (ids: readonly ImageId[], from: number, to: number): Set<ImageId> =>
  new Set(ids.slice(Math.min(from, to), Math.max(from, to) + 1));

/** Returns the next selection, or null when the input is not a selection gesture. */
export function nextSelection(
  selection: Selection,
  input: SelectionInput,
  ids: readonly ImageId[],
): Selection | null {
  const last = ids.length - 1;
  if (last < 0) return null;
  const cursor = Math.min(selection.cursor, last);
  if (input.kind === 'click') {
    const id = ids[input.index];
    if (id === undefined) return null;
    if (input.shift)
      return {
        ids: range(ids, selection.anchor, input.index),
        cursor: input.index,
        anchor: selection.anchor,
      };
    if (input.ctrl) {
      const next = new Set(selection.ids);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return { ids: next, cursor: input.index, anchor: input.index };
    }
    return { ids: new Set([id]), cursor: input.index, anchor: input.index };
  }

  const { key, shift, ctrl, columns, pageRows } = input;
  if (ctrl && key.toLowerCase() === 'a') return { ids: new Set(ids), cursor, anchor: selection.anchor };
  if (key === 'Escape') return { ids: new Set(), cursor, anchor: cursor };
  if (key === ' ') {
    const id = ids[cursor]!;
    const next = new Set(selection.ids);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { ids: next, cursor, anchor: cursor };
  }
  const moves: Record<string, number> = {
    ArrowRight: 1,
    ArrowLeft: -1,
    ArrowDown: columns,
    ArrowUp: -columns,
    PageDown: columns * pageRows,
    PageUp: -columns * pageRows,
  };
  let target: number;
  if (key === 'Home') target = 0;
  else if (key === 'End') target = last;
  else if (moves[key] !== undefined) target = Math.max(0, Math.min(last, cursor + moves[key]));
  else return null;
  if (shift) return { ids: range(ids, selection.anchor, target), cursor: target, anchor: selection.anchor };
  return { ids: new Set([ids[target]!]), cursor: target, anchor: target };
}
