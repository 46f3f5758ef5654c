import { describe, expect, it } from 'vitest';
import type { ImageId } from '../../../src/core/ids';
import { nextSelection, type Selection, type SelectionInput } from './selection';

// A gallery of 10 images laid out 4 to a row, 2 rows to a page:
//   0 1 2 3
//   4 5 6 7
//   8 9
const ids = Array.from({ length: 10 }, (_, n) => `img-${n}` as ImageId);

const at = (cursor: number, selected: number[] = [cursor], anchor = cursor): Selection => ({
  ids: new Set(selected.map((n) => ids[n]!)),
  cursor,
  anchor,
});

const key = (name: string, modifiers: { shift?: boolean; ctrl?: boolean } = {}): SelectionInput => ({
  kind: 'key',
  key: name,
  shift: modifiers.shift ?? false,
  ctrl: modifiers.ctrl ?? false,
  columns: 4,
  pageRows: 2,
});

const click = (index: number, modifiers: { shift?: boolean; ctrl?: boolean } = {}): SelectionInput => ({
  kind: 'click',
  index,
  shift: modifiers.shift ?? false,
  ctrl: modifiers.ctrl ?? false,
});

/** The selection as indices, cursor and anchor, so failures read as gallery positions. */
function after(selection: Selection, input: SelectionInput) {
  const next = nextSelection(selection, input, ids);
  if (next === null) return null;
  return {
    selected: ids.flatMap((id, n) => (next.ids.has(id) ? [n] : [])),
    cursor: next.cursor,
    anchor: next.anchor,
  };
}

describe('arrow keys', () => {
  it('move the cursor by one along a row and select only the new image', () => {
    expect(after(at(5), key('ArrowRight'))).toEqual({ selected: [6], cursor: 6, anchor: 6 });
    expect(after(at(5), key('ArrowLeft'))).toEqual({ selected: [4], cursor: 4, anchor: 4 });
  });

  it('move the cursor by a row of columns', () => {
    expect(after(at(5), key('ArrowDown'))).toEqual({ selected: [9], cursor: 9, anchor: 9 });
    expect(after(at(5), key('ArrowUp'))).toEqual({ selected: [1], cursor: 1, anchor: 1 });
  });

  it('stop at the first and last image', () => {
    expect(after(at(0), key('ArrowLeft'))).toMatchObject({ cursor: 0, selected: [0] });
    expect(after(at(2), key('ArrowUp'))).toMatchObject({ cursor: 0, selected: [0] });
    expect(after(at(9), key('ArrowRight'))).toMatchObject({ cursor: 9, selected: [9] });
    expect(after(at(7), key('ArrowDown'))).toMatchObject({ cursor: 9, selected: [9] });
  });

  it('with shift extend a range from the anchor, in either direction', () => {
    const fromTwo = after(at(2), key('ArrowRight', { shift: true }));
    expect(fromTwo).toEqual({ selected: [2, 3], cursor: 3, anchor: 2 });
    expect(after(at(3, [2, 3], 2), key('ArrowDown', { shift: true }))).toEqual({
      selected: [2, 3, 4, 5, 6, 7],
      cursor: 7,
      anchor: 2,
    });
    expect(after(at(7, [2, 3, 4, 5, 6, 7], 2), key('ArrowUp', { shift: true }))).toEqual({
      selected: [2, 3],
      cursor: 3,
      anchor: 2,
    });
    expect(after(at(2), key('ArrowLeft', { shift: true }))).toEqual({
      selected: [1, 2],
      cursor: 1,
      anchor: 2,
    });
  });

  it('clamp a cursor left beyond the end after the gallery shrank', () => {
    expect(after(at(25), key('ArrowLeft'))).toEqual({ selected: [8], cursor: 8, anchor: 8 });
  });
});

describe('Home, End and paging', () => {
  it('Home and End jump to the first and last image', () => {
    expect(after(at(5), key('Home'))).toEqual({ selected: [0], cursor: 0, anchor: 0 });
    expect(after(at(5), key('End'))).toEqual({ selected: [9], cursor: 9, anchor: 9 });
  });

  it('shift+End selects from the anchor to the last image', () => {
    expect(after(at(6), key('End', { shift: true }))).toEqual({
      selected: [6, 7, 8, 9],
      cursor: 9,
      anchor: 6,
    });
  });

  it('PageDown and PageUp move by a page of rows and stop at the ends', () => {
    expect(after(at(1), key('PageDown'))).toEqual({ selected: [9], cursor: 9, anchor: 9 });
    expect(after(at(0), key('PageDown'))).toEqual({ selected: [8], cursor: 8, anchor: 8 });
    expect(after(at(8), key('PageUp'))).toEqual({ selected: [0], cursor: 0, anchor: 0 });
    expect(after(at(5), key('PageUp'))).toEqual({ selected: [0], cursor: 0, anchor: 0 });
  });
});

describe('selection keys', () => {
  it('ctrl+A selects every image and keeps cursor and anchor', () => {
    const all = { selected: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], cursor: 4, anchor: 2 };
    expect(after(at(4, [4], 2), key('a', { ctrl: true }))).toEqual(all);
    expect(after(at(4, [4], 2), key('A', { ctrl: true, shift: true }))).toEqual(all);
  });

  it('Escape clears the selection and keeps the cursor', () => {
    expect(after(at(4, [2, 3, 4], 2), key('Escape'))).toEqual({ selected: [], cursor: 4, anchor: 4 });
  });

  it('space toggles the image under the cursor and leaves the others', () => {
    expect(after(at(4, [1, 4]), key(' '))).toEqual({ selected: [1], cursor: 4, anchor: 4 });
    expect(after(at(4, [1]), key(' '))).toEqual({ selected: [1, 4], cursor: 4, anchor: 4 });
  });

  it('returns null for keys that are not selection gestures', () => {
    for (const name of ['Enter', 'Tab', 'a', 'Delete', 'F2', 'Shift'])
      expect(after(at(4, [1, 4]), key(name)), name).toBeNull();
  });

  it('returns null in an empty gallery', () => {
    expect(nextSelection(at(0, []), key('ArrowRight'), [])).toBeNull();
    expect(nextSelection(at(0, []), click(0), [])).toBeNull();
  });
});

describe('clicks', () => {
  it('a click selects only that image and moves cursor and anchor to it', () => {
    expect(after(at(1, [1, 2, 3], 1), click(6))).toEqual({ selected: [6], cursor: 6, anchor: 6 });
  });

  it('shift-click selects the range from the anchor, replacing the previous range', () => {
    expect(after(at(3), click(7, { shift: true }))).toEqual({
      selected: [3, 4, 5, 6, 7],
      cursor: 7,
      anchor: 3,
    });
    expect(after(at(7, [3, 4, 5, 6, 7], 3), click(1, { shift: true }))).toEqual({
      selected: [1, 2, 3],
      cursor: 1,
      anchor: 3,
    });
  });

  it('ctrl-click adds or removes one image and makes it the anchor', () => {
    expect(after(at(1), click(5, { ctrl: true }))).toEqual({ selected: [1, 5], cursor: 5, anchor: 5 });
    expect(after(at(5, [1, 5]), click(1, { ctrl: true }))).toEqual({ selected: [5], cursor: 1, anchor: 1 });
  });

  it('a click past the last image is not a gesture', () => {
    expect(after(at(1), click(10))).toBeNull();
  });
});
