/**
 * The editor's keyboard shortcuts: one table read by both the key handler and the cheat sheet, and the
 * resolution of a key press into a command (built-in action, class hotkey, or attribute option hotkey).
 */

import type { AnnotationSchema, LabelClass } from '../../../src/core/schema/types';

export const EDITOR_ACTIONS = [
  'tool.select',
  'tool.box',
  'tool.rotated-box',
  'tool.polygon',
  'tool.polyline',
  'tool.point',
  'tool.keypoints',
  'image.next',
  'image.previous',
  'image.nextNotDone',
  'image.done',
  'review.accept',
  'review.reject',
  'editor.close',
  'edit.undo',
  'edit.redo',
  'edit.delete',
  'edit.copy',
  'edit.paste',
  'edit.duplicate',
  'edit.selectAll',
  'edit.deselect',
  'edit.bringToFront',
  'edit.sendToBack',
  'edit.toggleHidden',
  'edit.toggleLocked',
  'edit.showAll',
  'draw.finish',
  'draw.cancel',
  'draw.removeLast',
  'draw.keypointAbsent',
  'view.fit',
  'view.actualSize',
  'view.zoomSelection',
  'view.zoomIn',
  'view.zoomOut',
  // Arrows nudge the selection 1 px (Shift: 10 px) when something is selected, else pan.
  'view.panLeft',
  'view.panRight',
  'view.panUp',
  'view.panDown',
  'view.brighter',
  'view.darker',
  'view.moreContrast',
  'view.lessContrast',
  'view.resetAdjust',
  'view.toggleFill',
  'layer.groundTruth',
  'layer.predictions',
  'prediction.acceptAll',
  'prediction.next',
  'prediction.previous',
  'prediction.accept',
  'prediction.reject',
  'help',
] as const;
export type EditorAction = (typeof EDITOR_ACTIONS)[number];

export type ShortcutGroup =
  'Tools' | 'Images' | 'Review' | 'Editing' | 'Drawing' | 'View' | 'Layers' | 'Help';
export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  'Tools',
  'Drawing',
  'Editing',
  'Images',
  'Review',
  'View',
  'Layers',
  'Help',
];

/** `drawing`: only while a shape is being drawn; `idle`: only while none is; absent: always. */
export type ShortcutMode = 'drawing' | 'idle';

export interface Shortcut {
  readonly action: EditorAction;
  /** In `keyName` form: 'b', 'Mod+z', 'Mod+Shift+z', 'Delete', 'Shift+ArrowLeft', '?'. */
  readonly keys: readonly string[];
  readonly label: string;
  readonly group: ShortcutGroup;
  readonly mode?: ShortcutMode;
}

const tool = (action: EditorAction, key: string, label: string): Shortcut => ({
  action,
  keys: [key],
  label,
  group: 'Tools',
});

export const SHORTCUTS: readonly Shortcut[] = [
  tool('tool.select', 'v', 'Select and edit'),
  tool('tool.box', 'b', 'Box'),
  tool('tool.rotated-box', 'r', 'Rotated box'),
  tool('tool.polygon', 'p', 'Polygon'),
  tool('tool.polyline', 'l', 'Polyline'),
  tool('tool.point', 'o', 'Point'),
  tool('tool.keypoints', 'k', 'Keypoints'),

  { action: 'draw.finish', keys: ['Enter'], label: 'Finish the shape', group: 'Drawing', mode: 'drawing' },
  { action: 'draw.cancel', keys: ['Escape'], label: 'Cancel the shape', group: 'Drawing', mode: 'drawing' },
  {
    action: 'draw.removeLast',
    keys: ['Backspace'],
    label: 'Remove the last point',
    group: 'Drawing',
    mode: 'drawing',
  },
  {
    action: 'draw.keypointAbsent',
    keys: ['x'],
    label: 'Skip keypoint (not visible in the image)',
    group: 'Drawing',
    mode: 'drawing',
  },

  { action: 'edit.undo', keys: ['Mod+z'], label: 'Undo', group: 'Editing' },
  { action: 'edit.redo', keys: ['Mod+Shift+z', 'Mod+y'], label: 'Redo', group: 'Editing' },
  {
    action: 'edit.delete',
    keys: ['Delete', 'Backspace'],
    label: 'Delete the selection',
    group: 'Editing',
    mode: 'idle',
  },
  { action: 'edit.copy', keys: ['Mod+c'], label: 'Copy', group: 'Editing' },
  { action: 'edit.paste', keys: ['Mod+v'], label: 'Paste', group: 'Editing' },
  { action: 'edit.duplicate', keys: ['Mod+d'], label: 'Duplicate', group: 'Editing' },
  { action: 'edit.selectAll', keys: ['Mod+a'], label: 'Select all', group: 'Editing' },
  { action: 'edit.deselect', keys: ['Escape'], label: 'Deselect', group: 'Editing', mode: 'idle' },
  { action: 'edit.bringToFront', keys: [']'], label: 'Bring to front', group: 'Editing' },
  { action: 'edit.sendToBack', keys: ['['], label: 'Send to back', group: 'Editing' },
  { action: 'edit.toggleHidden', keys: ['h'], label: 'Hide or show the selection', group: 'Editing' },
  { action: 'edit.toggleLocked', keys: ['Shift+l'], label: 'Lock or unlock the selection', group: 'Editing' },
  { action: 'edit.showAll', keys: ['Shift+h'], label: 'Show all hidden objects', group: 'Editing' },

  { action: 'image.next', keys: ['d', 'PageDown'], label: 'Next image', group: 'Images' },
  { action: 'image.previous', keys: ['a', 'PageUp'], label: 'Previous image', group: 'Images' },
  { action: 'image.nextNotDone', keys: ['n'], label: 'Next image not done', group: 'Images' },
  { action: 'image.done', keys: ['Mod+Enter'], label: 'Submit the image for review', group: 'Images' },
  { action: 'review.accept', keys: ['Alt+a'], label: 'Accept the image and go to the next', group: 'Review' },
  { action: 'review.reject', keys: ['Alt+r'], label: 'Reject the image with a reason', group: 'Review' },
  { action: 'editor.close', keys: ['Shift+Escape'], label: 'Back to the gallery', group: 'Images' },

  { action: 'view.fit', keys: ['f'], label: 'Fit the image', group: 'View' },
  { action: 'view.actualSize', keys: ['0'], label: 'Actual size (1:1)', group: 'View' },
  { action: 'view.zoomSelection', keys: ['z'], label: 'Zoom to the selection', group: 'View' },
  { action: 'view.zoomIn', keys: ['+', '='], label: 'Zoom in', group: 'View' },
  { action: 'view.zoomOut', keys: ['-'], label: 'Zoom out', group: 'View' },
  {
    action: 'view.panLeft',
    keys: ['ArrowLeft', 'Shift+ArrowLeft'],
    label: 'Nudge the selection left (Shift: 10 px), or pan',
    group: 'View',
  },
  {
    action: 'view.panRight',
    keys: ['ArrowRight', 'Shift+ArrowRight'],
    label: 'Nudge the selection right (Shift: 10 px), or pan',
    group: 'View',
  },
  {
    action: 'view.panUp',
    keys: ['ArrowUp', 'Shift+ArrowUp'],
    label: 'Nudge the selection up (Shift: 10 px), or pan',
    group: 'View',
  },
  {
    action: 'view.panDown',
    keys: ['ArrowDown', 'Shift+ArrowDown'],
    label: 'Nudge the selection down (Shift: 10 px), or pan',
    group: 'View',
  },
  { action: 'view.brighter', keys: ['Alt+]'], label: 'Brighter', group: 'View' },
  { action: 'view.darker', keys: ['Alt+['], label: 'Darker', group: 'View' },
  { action: 'view.moreContrast', keys: ["Alt+'"], label: 'More contrast', group: 'View' },
  { action: 'view.lessContrast', keys: ['Alt+;'], label: 'Less contrast', group: 'View' },
  { action: 'view.resetAdjust', keys: ['Alt+0'], label: 'Reset brightness and contrast', group: 'View' },
  { action: 'view.toggleFill', keys: ['Shift+f'], label: 'Fill shapes on or off', group: 'View' },

  { action: 'layer.groundTruth', keys: ['g'], label: 'Show or hide ground truth', group: 'Layers' },
  { action: 'layer.predictions', keys: ['Shift+p'], label: 'Show or hide predictions', group: 'Layers' },
  {
    action: 'prediction.acceptAll',
    keys: ['Shift+a'],
    label: 'Accept all predictions above the threshold',
    group: 'Layers',
  },
  { action: 'prediction.next', keys: ['.'], label: 'Select the next prediction', group: 'Layers' },
  { action: 'prediction.previous', keys: [','], label: 'Select the previous prediction', group: 'Layers' },
  {
    action: 'prediction.accept',
    keys: ['Shift+Enter'],
    label: 'Accept the selected prediction',
    group: 'Layers',
  },
  {
    action: 'prediction.reject',
    keys: ['Shift+Backspace', 'Shift+Delete'],
    label: 'Reject the selected prediction',
    group: 'Layers',
  },

  { action: 'help', keys: ['?'], label: 'Keyboard shortcuts', group: 'Help' },
];

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  /** The physical key (KeyboardEvent.code); read for Alt combos, since macOS Option changes `key` (Alt+] → ‘). */
  readonly code?: string;
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Meta', 'Alt', 'AltGraph', 'CapsLock', 'OS']);

const CODE_CHARACTERS: Readonly<Record<string, string>> = {
  BracketLeft: '[',
  BracketRight: ']',
  Quote: "'",
  Semicolon: ';',
  Minus: '-',
  Equal: '=',
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backslash: '\\',
  Backquote: '`',
};

/** The unmodified character of a physical key, for Alt combos; undefined when unknown. */
function characterOfCode(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (/^Key[A-Z]$/.test(code)) return code.slice(3).toLowerCase();
  if (/^Digit[0-9]$/.test(code)) return code.slice(5);
  return CODE_CHARACTERS[code];
}

/**
 * A key press in the table's form: `Mod+Alt+Shift+key`, Mod being Ctrl or ⌘. Letters are lower-case.
 * Shift is left out for other single characters, whose shifted form is the character itself ('?', '+').
 */
export function keyName(event: KeyLike): string {
  let key = event.key;
  if (MODIFIER_KEYS.has(key)) return key;
  if (event.altKey) key = characterOfCode(event.code) ?? key;
  if (key === ' ' || key === 'Spacebar') key = 'Space';
  if (key === 'Esc') key = 'Escape';
  const single = [...key].length === 1;
  const letter = single && key.toLowerCase() !== key.toUpperCase();
  if (letter) key = key.toLowerCase();
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Mod');
  if (event.altKey) parts.push('Alt');
  if (event.shiftKey && (!single || letter)) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

const TEXT_INPUT_TYPES_NOT = new Set([
  'button',
  'checkbox',
  'color',
  'file',
  'hidden',
  'image',
  'radio',
  'range',
  'reset',
  'submit',
]);

/** Whether typing goes into `target` (a text field, a select, editable content): shortcuts stay off there. */
export function isTextTarget(target: EventTarget | null): boolean {
  if (target === null || typeof target !== 'object') return false;
  const element = target as Partial<HTMLElement> & { type?: unknown };
  if (element.isContentEditable === true) return true;
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = typeof element.type === 'string' ? element.type.toLowerCase() : 'text';
  return !TEXT_INPUT_TYPES_NOT.has(type);
}

const NAVIGATION_KEYS = new Set(['Home', 'End', 'PageUp', 'PageDown']);

/**
 * Whether the focused element needs `key` itself, so the editor must leave it alone: every key while
 * typing; arrows on sliders and selects; Space and Enter on buttons, checkboxes, sliders and selects.
 */
export function focusedControlOwnsKey(target: EventTarget | null, key: string): boolean {
  if (isTextTarget(target)) return true;
  if (target === null || typeof target !== 'object') return false;
  const element = target as Partial<HTMLElement> & { type?: unknown };
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  const pressing = key === ' ' || key === 'Enter';
  const arrows = key.startsWith('Arrow') || NAVIGATION_KEYS.has(key);
  if (tag === 'BUTTON') return pressing;
  if (tag === 'INPUT') return pressing || (element.type === 'range' && arrows);
  return false;
}

export type KeyCommand =
  | { readonly kind: 'action'; readonly action: EditorAction }
  | { readonly kind: 'class'; readonly classId: string }
  | { readonly kind: 'option'; readonly attributeId: string; readonly optionId: string };

export interface KeyContext {
  readonly schema: AnnotationSchema | null;
  /** Class ids of the selected objects (repeats allowed). */
  readonly selectionClassIds: readonly string[];
  /** A shape is being drawn: Enter, Escape, Backspace and x act on it. */
  readonly drawing: boolean;
}

/** Built-in keys per mode, so `drawing` and `idle` bindings of the same key do not collide. */
function builtInTable(mode: ShortcutMode): ReadonlyMap<string, EditorAction> {
  const table = new Map<string, EditorAction>();
  for (const shortcut of SHORTCUTS) {
    if (shortcut.mode !== undefined && shortcut.mode !== mode) continue;
    for (const key of shortcut.keys) if (!table.has(key)) table.set(key, shortcut.action);
  }
  return table;
}
const BUILT_IN: Readonly<Record<ShortcutMode, ReadonlyMap<string, EditorAction>>> = {
  drawing: builtInTable('drawing'),
  idle: builtInTable('idle'),
};

/** A schema hotkey in `keyName` form: letters compare case-insensitively; F1–F12 stay as they are. */
export const hotkeyName = (hotkey: string): string =>
  [...hotkey].length === 1 ? hotkey.toLowerCase() : hotkey;

/** Classes that can be drawn on the canvas: not groups, and with a geometry other than `tag`. */
/** Classes that can be drawn (not groups, not tag-only), in schema order: digits 1–9 pick among them. */
export const drawableClasses = (schema: AnnotationSchema | null): LabelClass[] =>
  (schema?.classes ?? []).filter((cls) => cls.geometries.some((geometry) => geometry !== 'tag'));

export interface ClassHotkey {
  /** In `keyName` form. */
  readonly key: string;
  readonly classId: string;
  /** `schema`: the class's own hotkey; `digit`: its place among the drawable classes. */
  readonly source: 'schema' | 'digit';
}

/**
 * Every key that picks a class: the schema's class hotkeys, then digits 1–9 for the first nine drawable
 * classes, each digit only when no class has it as its hotkey.
 */
export function classHotkeys(schema: AnnotationSchema | null): ClassHotkey[] {
  if (schema === null) return [];
  const out: ClassHotkey[] = [];
  const taken = new Set<string>();
  for (const cls of schema.classes) {
    if (cls.hotkey === undefined || cls.hotkey === '') continue;
    const key = hotkeyName(cls.hotkey);
    if (taken.has(key)) continue; // duplicates are a schema problem; the first class wins
    taken.add(key);
    out.push({ key, classId: cls.id, source: 'schema' });
  }
  drawableClasses(schema)
    .slice(0, 9)
    .forEach((cls, index) => {
      const key = String(index + 1);
      if (!taken.has(key)) out.push({ key, classId: cls.id, source: 'digit' });
    });
  return out;
}

export interface OptionHotkey {
  readonly key: string;
  readonly attributeId: string;
  readonly optionId: string;
}

/** The option hotkeys of a class's choice attributes, in schema order. */
export function optionHotkeys(cls: LabelClass | undefined): OptionHotkey[] {
  const out: OptionHotkey[] = [];
  for (const attribute of cls?.attributes ?? []) {
    if (attribute.type !== 'single-choice' && attribute.type !== 'multi-choice') continue;
    for (const option of attribute.options) {
      if (option.hotkey === undefined || option.hotkey === '') continue;
      out.push({ key: hotkeyName(option.hotkey), attributeId: attribute.id, optionId: option.id });
    }
  }
  return out;
}

/**
 * What a key press means. In order: Mod and Alt combos are built-ins; then option hotkeys of the selected
 * objects' class (when exactly one class is selected); then the schema's class hotkeys; then built-in single
 * keys (Enter, Escape, Backspace and x act on the shape while drawing); then digits 1–9 for drawable classes.
 */
export function resolveKey(event: KeyLike, context: KeyContext): KeyCommand | undefined {
  const name = keyName(event);
  if (MODIFIER_KEYS.has(name)) return undefined;
  const builtIn = BUILT_IN[context.drawing ? 'drawing' : 'idle'];
  const action = (): KeyCommand | undefined => {
    const found = builtIn.get(name);
    return found === undefined ? undefined : { kind: 'action', action: found };
  };
  if (event.ctrlKey || event.metaKey || event.altKey) return action();

  const schema = context.schema;
  const classIds = new Set(context.selectionClassIds);
  if (schema !== null && classIds.size === 1) {
    const [classId] = classIds;
    const option = optionHotkeys(schema.classes.find((cls) => cls.id === classId)).find(
      (hotkey) => hotkey.key === name,
    );
    if (option !== undefined)
      return { kind: 'option', attributeId: option.attributeId, optionId: option.optionId };
  }
  const classKeys = classHotkeys(schema);
  const own = classKeys.find((hotkey) => hotkey.source === 'schema' && hotkey.key === name);
  if (own !== undefined) return { kind: 'class', classId: own.classId };
  const fixed = action();
  if (fixed !== undefined) return fixed;
  const digit = classKeys.find((hotkey) => hotkey.source === 'digit' && hotkey.key === name);
  return digit === undefined ? undefined : { kind: 'class', classId: digit.classId };
}

/** Whether the platform's Mod key is ⌘ (macOS), for labels. */
export const isMacPlatform = (): boolean =>
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

const MAC_SYMBOLS: Readonly<Record<string, string>> = { Mod: '⌘', Alt: '⌥', Shift: '⇧' };
const KEY_LABELS: Readonly<Record<string, string>> = {
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Escape: 'Esc',
  Delete: 'Del',
  PageDown: 'PgDn',
  PageUp: 'PgUp',
};

/** A key in `keyName` form as people read it: 'Mod+Shift+z' → '⌘⇧Z' on macOS, 'Ctrl+Shift+Z' elsewhere. */
export function formatKey(key: string, mac: boolean): string {
  const parts =
    key === '+' ? ['+'] : key.endsWith('++') ? [...key.slice(0, -2).split('+'), '+'] : key.split('+');
  const base = parts.pop() ?? '';
  const shown = KEY_LABELS[base] ?? ([...base].length === 1 ? base.toUpperCase() : base);
  const modifiers = parts.map((part) => (mac ? (MAC_SYMBOLS[part] ?? part) : part === 'Mod' ? 'Ctrl' : part));
  return mac ? modifiers.join('') + shown : [...modifiers, shown].join('+');
}

export interface ShortcutEntry {
  readonly keys: readonly string[];
  readonly label: string;
  /** A class's colour, for class hotkeys. */
  readonly color?: string;
  /** Only while drawing, or only while not. */
  readonly mode?: ShortcutMode;
}

export interface ShortcutSection {
  readonly title: string;
  readonly entries: readonly ShortcutEntry[];
}

/**
 * What the cheat sheet lists: the built-ins by group, then the schema's class keys (hotkeys and digits),
 * then each class's option hotkeys (active while objects of that class alone are selected).
 */
export function shortcutSections(schema: AnnotationSchema | null): ShortcutSection[] {
  const sections: ShortcutSection[] = SHORTCUT_GROUPS.map((group) => ({
    title: group,
    entries: SHORTCUTS.filter((shortcut) => shortcut.group === group).map((shortcut) => ({
      keys: shortcut.keys,
      label: shortcut.label,
      ...(shortcut.mode !== undefined ? { mode: shortcut.mode } : {}),
    })),
  }));
  if (schema === null) return sections;
  const byClass = new Map<string, string[]>();
  for (const hotkey of classHotkeys(schema))
    byClass.set(hotkey.classId, [...(byClass.get(hotkey.classId) ?? []), hotkey.key]);
  const classEntries: ShortcutEntry[] = [];
  for (const cls of schema.classes) {
    const keys = byClass.get(cls.id);
    if (keys !== undefined) classEntries.push({ keys, label: cls.name, color: cls.color });
  }
  if (classEntries.length > 0) sections.push({ title: 'Classes', entries: classEntries });
  for (const cls of schema.classes) {
    const entries: ShortcutEntry[] = [];
    for (const attribute of cls.attributes) {
      if (attribute.type !== 'single-choice' && attribute.type !== 'multi-choice') continue;
      for (const option of attribute.options)
        if (option.hotkey !== undefined && option.hotkey !== '')
          entries.push({ keys: [hotkeyName(option.hotkey)], label: `${attribute.name}: ${option.label}` });
    }
    if (entries.length > 0) sections.push({ title: `${cls.name} (selected)`, entries });
  }
  return sections;
}

export type PanAction = 'view.panLeft' | 'view.panRight' | 'view.panUp' | 'view.panDown';

/** Which way an arrow action nudges the selection (or the view looks): one image pixel per step. */
export function panDirection(action: EditorAction): { dx: number; dy: number } | undefined {
  switch (action) {
    case 'view.panLeft':
      return { dx: -1, dy: 0 };
    case 'view.panRight':
      return { dx: 1, dy: 0 };
    case 'view.panUp':
      return { dx: 0, dy: -1 };
    case 'view.panDown':
      return { dx: 0, dy: 1 };
    default:
      return undefined;
  }
}

/** Shift+arrow moves this many times further. */
export const NUDGE_SHIFT_FACTOR = 10;
