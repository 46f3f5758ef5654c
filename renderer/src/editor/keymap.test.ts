import { describe, expect, it } from 'vitest';
import type { AnnotationSchema, LabelClass } from '../../../src/core/schema/types';
import {
  classHotkeys,
  EDITOR_ACTIONS,
  focusedControlOwnsKey,
  formatKey,
  isTextTarget,
  keyName,
  panDirection,
  resolveKey,
  shortcutSections,
  SHORTCUT_GROUPS,
  SHORTCUTS,
  type EditorAction,
  type KeyContext,
  type KeyLike,
} from './keymap';

const press = (key: string, modifiers: Partial<Omit<KeyLike, 'key'>> = {}): KeyLike => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...modifiers,
});

/** Turns a table key ('Mod+Shift+z', '?', 'Alt+]') back into the event a person's keyboard sends. */
function eventFor(name: string, mac = false): KeyLike {
  const parts = name === '+' ? ['+'] : name.split('+');
  const key = parts.pop()!;
  const mod = parts.includes('Mod');
  const shift = parts.includes('Shift');
  return press(shift && key.length === 1 ? key.toUpperCase() : key, {
    ctrlKey: mod && !mac,
    metaKey: mod && mac,
    shiftKey: shift || key === '?' || key === '+',
    altKey: parts.includes('Alt'),
  });
}

const cls = (id: string, extra: Partial<LabelClass> = {}): LabelClass => ({
  id,
  name: id,
  color: '#ff0000',
  geometries: ['box'],
  attributes: [],
  ...extra,
});

const schema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'test',
  classes: [
    cls('vehicle', { geometries: [] }),
    cls('car', {
      hotkey: 'C',
      parentId: 'vehicle',
      attributes: [
        {
          id: 'occlusion',
          name: 'Occlusion',
          required: true,
          type: 'single-choice',
          options: [
            { id: 'none', label: 'None', hotkey: 'q' },
            { id: 'heavy', label: 'Heavy', hotkey: 'b' },
          ],
        },
      ],
    }),
    cls('sunny', { geometries: ['tag'] }),
    cls('truck', { hotkey: '1' }),
    cls('bus'),
    cls('sign', { hotkey: 'F2' }),
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

const idle: KeyContext = { schema, selectionClassIds: [], drawing: false };
const drawing: KeyContext = { ...idle, drawing: true };
const action = (name: EditorAction) => ({ kind: 'action', action: name });

describe('keyName', () => {
  it('writes Ctrl and ⌘ both as Mod, letters in lower case, Shift before the key', () => {
    expect(keyName(press('z', { ctrlKey: true }))).toBe('Mod+z');
    expect(keyName(press('z', { metaKey: true }))).toBe('Mod+z');
    expect(keyName(press('Z', { metaKey: true, shiftKey: true }))).toBe('Mod+Shift+z');
    expect(keyName(press('L', { shiftKey: true }))).toBe('Shift+l');
    expect(keyName(press('ArrowLeft', { shiftKey: true }))).toBe('Shift+ArrowLeft');
  });

  it('keeps shifted characters as they are typed', () => {
    expect(keyName(press('?', { shiftKey: true }))).toBe('?');
    expect(keyName(press('+', { shiftKey: true }))).toBe('+');
  });

  it('reads the physical key for Alt combos, whose character macOS changes', () => {
    expect(keyName(press('‘', { altKey: true, code: 'BracketRight' }))).toBe('Alt+]');
    expect(keyName(press('º', { altKey: true, code: 'Digit0' }))).toBe('Alt+0');
  });
});

describe('SHORTCUTS', () => {
  it('reaches every action through its own keys', () => {
    for (const shortcut of SHORTCUTS) {
      const context = shortcut.mode === 'drawing' ? drawing : { ...idle, schema: null };
      for (const key of shortcut.keys) {
        for (const mac of [false, true]) {
          expect(resolveKey(eventFor(key, mac), context), `${key} (mac: ${mac})`).toEqual(
            action(shortcut.action),
          );
        }
      }
    }
  });

  it('gives no key two built-in actions in the same mode', () => {
    for (const mode of ['idle', 'drawing'] as const) {
      const seen = new Map<string, EditorAction>();
      for (const shortcut of SHORTCUTS) {
        if (shortcut.mode !== undefined && shortcut.mode !== mode) continue;
        for (const key of shortcut.keys) {
          expect(seen.get(key), `${key} in ${mode}`).toBeUndefined();
          seen.set(key, shortcut.action);
        }
      }
    }
  });

  it('covers every action of the EditorAction union exactly once', () => {
    const actions = SHORTCUTS.map((shortcut) => shortcut.action);
    expect(new Set(actions).size).toBe(actions.length);
    expect([...actions].sort()).toEqual([...EDITOR_ACTIONS].sort());
  });
});

describe('resolveKey', () => {
  it('acts on the shape while drawing and on the selection otherwise', () => {
    expect(resolveKey(press('Escape'), drawing)).toEqual(action('draw.cancel'));
    expect(resolveKey(press('Escape'), idle)).toEqual(action('edit.deselect'));
    expect(resolveKey(press('Backspace'), drawing)).toEqual(action('draw.removeLast'));
    expect(resolveKey(press('Backspace'), idle)).toEqual(action('edit.delete'));
    expect(resolveKey(press('Delete'), idle)).toEqual(action('edit.delete'));
    expect(resolveKey(press('Enter'), drawing)).toEqual(action('draw.finish'));
    expect(resolveKey(press('x'), drawing)).toEqual(action('draw.keypointAbsent'));
    expect(resolveKey(press('x'), idle)).toBeUndefined();
  });

  it('lets a schema class hotkey override a built-in single letter', () => {
    expect(resolveKey(press('c'), idle)).toEqual({ kind: 'class', classId: 'car' });
    expect(resolveKey(press('C', { shiftKey: true }), idle)).toBeUndefined();
    expect(resolveKey(press('F2'), idle)).toEqual({ kind: 'class', classId: 'sign' });
    const boxHotkey = { ...schema, classes: [cls('bike', { hotkey: 'B' })] };
    expect(resolveKey(press('b'), { ...idle, schema: boxHotkey })).toEqual({
      kind: 'class',
      classId: 'bike',
    });
    expect(resolveKey(press('b'), { ...idle, schema: null })).toEqual(action('tool.box'));
  });

  it('never lets a schema hotkey take a Mod or Alt combo', () => {
    expect(resolveKey(press('c', { ctrlKey: true }), idle)).toEqual(action('edit.copy'));
  });

  it('maps digits to drawable classes in schema order unless a class has that hotkey', () => {
    // Drawable: car, truck, bus, sign (vehicle is a group, sunny only a tag); truck owns "1".
    expect(resolveKey(press('1'), idle)).toEqual({ kind: 'class', classId: 'truck' });
    expect(resolveKey(press('2'), idle)).toEqual({ kind: 'class', classId: 'truck' });
    expect(resolveKey(press('3'), idle)).toEqual({ kind: 'class', classId: 'bus' });
    expect(resolveKey(press('4'), idle)).toEqual({ kind: 'class', classId: 'sign' });
    expect(resolveKey(press('5'), idle)).toBeUndefined();
    expect(resolveKey(press('0'), idle)).toEqual(action('view.actualSize'));
    expect(classHotkeys(schema).filter((k) => k.source === 'digit')).toEqual([
      { key: '2', classId: 'truck', source: 'digit' },
      { key: '3', classId: 'bus', source: 'digit' },
      { key: '4', classId: 'sign', source: 'digit' },
    ]);
  });

  it('picks an option of the selection only when exactly one class is selected', () => {
    const cars = { ...idle, selectionClassIds: ['car', 'car'] };
    expect(resolveKey(press('q'), cars)).toEqual({
      kind: 'option',
      attributeId: 'occlusion',
      optionId: 'none',
    });
    // The option hotkey beats the box tool for as long as cars are selected.
    expect(resolveKey(press('b'), cars)).toEqual({
      kind: 'option',
      attributeId: 'occlusion',
      optionId: 'heavy',
    });
    expect(resolveKey(press('q'), { ...idle, selectionClassIds: ['car', 'bus'] })).toBeUndefined();
    expect(resolveKey(press('b'), { ...idle, selectionClassIds: ['car', 'bus'] })).toEqual(
      action('tool.box'),
    );
    expect(resolveKey(press('q'), idle)).toBeUndefined();
  });

  it('ignores modifier keys pressed alone', () => {
    expect(resolveKey(press('Shift', { shiftKey: true }), idle)).toBeUndefined();
    expect(resolveKey(press('Meta', { metaKey: true }), idle)).toBeUndefined();
  });
});

describe('isTextTarget', () => {
  const element = (tagName: string, extra: Record<string, unknown> = {}) =>
    ({ tagName, isContentEditable: false, ...extra }) as unknown as EventTarget;

  it('suppresses shortcuts in text fields, selects and editable content', () => {
    expect(isTextTarget(element('INPUT', { type: 'text' }))).toBe(true);
    expect(isTextTarget(element('INPUT', { type: 'number' }))).toBe(true);
    expect(isTextTarget(element('TEXTAREA'))).toBe(true);
    expect(isTextTarget(element('SELECT'))).toBe(true);
    expect(isTextTarget(element('DIV', { isContentEditable: true }))).toBe(true);
  });

  it('leaves shortcuts on for buttons, checkboxes and the canvas', () => {
    expect(isTextTarget(element('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTextTarget(element('INPUT', { type: 'radio' }))).toBe(false);
    expect(isTextTarget(element('BUTTON'))).toBe(false);
    expect(isTextTarget(element('CANVAS'))).toBe(false);
    expect(isTextTarget(null)).toBe(false);
  });
});

describe('formatKey', () => {
  it('shows Mod as ⌘ on macOS and Ctrl elsewhere', () => {
    expect(formatKey('Mod+Shift+z', true)).toBe('⌘⇧Z');
    expect(formatKey('Mod+Shift+z', false)).toBe('Ctrl+Shift+Z');
    expect(formatKey('+', false)).toBe('+');
    expect(formatKey('ArrowLeft', false)).toBe('←');
  });
});

describe('shortcutSections', () => {
  it('lists every built-in once, then class keys and option hotkeys from the schema', () => {
    const sections = shortcutSections(schema);
    const groups = SHORTCUT_GROUPS.length;
    const builtIn = sections.slice(0, groups).flatMap((section) => section.entries);
    expect(builtIn).toHaveLength(SHORTCUTS.length);
    expect(sections.slice(groups).map((section) => section.title)).toEqual(['Classes', 'car (selected)']);
    expect(sections[groups]!.entries.map((entry) => [entry.label, entry.keys])).toEqual([
      ['car', ['c']],
      ['truck', ['1', '2']],
      ['bus', ['3']],
      ['sign', ['F2', '4']],
    ]);
    expect(sections[groups + 1]!.entries).toEqual([
      { keys: ['q'], label: 'Occlusion: None' },
      { keys: ['b'], label: 'Occlusion: Heavy' },
    ]);
  });
});

describe('panDirection', () => {
  it('gives each arrow action its direction and nothing for other actions', () => {
    expect(panDirection('view.panLeft')).toEqual({ dx: -1, dy: 0 });
    expect(panDirection('view.panDown')).toEqual({ dx: 0, dy: 1 });
    expect(panDirection('view.fit')).toBeUndefined();
  });
});

describe('focusedControlOwnsKey', () => {
  const el = (tagName: string, type?: string) => ({ tagName, type }) as unknown as EventTarget;
  it('leaves typing, slider arrows and pressing buttons to the focused control', () => {
    expect(focusedControlOwnsKey(el('INPUT', 'text'), 'b')).toBe(true);
    expect(focusedControlOwnsKey(el('INPUT', 'range'), 'ArrowLeft')).toBe(true);
    expect(focusedControlOwnsKey(el('INPUT', 'range'), 'b')).toBe(false);
    expect(focusedControlOwnsKey(el('INPUT', 'checkbox'), ' ')).toBe(true);
    expect(focusedControlOwnsKey(el('SELECT'), 'ArrowDown')).toBe(true);
    expect(focusedControlOwnsKey(el('BUTTON'), 'Enter')).toBe(true);
    expect(focusedControlOwnsKey(el('BUTTON'), 'Delete')).toBe(false);
    expect(focusedControlOwnsKey(el('DIV'), ' ')).toBe(false);
    expect(focusedControlOwnsKey(null, 'b')).toBe(false);
  });
});
