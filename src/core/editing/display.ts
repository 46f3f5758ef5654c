/**
 * Which annotations of an image the editor hides and locks: view state kept beside the labels, never in
 * them, so exports, dataset versions and their diffs never see it; its changes are still undoable edits.
 */

import type { AnnotationId } from '../annotations/types';

export interface AnnotationDisplay {
  /** Not drawn and not hit by clicks or marquee selection; sorted. */
  readonly hidden: readonly AnnotationId[];
  /** Drawn but not selectable or editable on the canvas; sorted. */
  readonly locked: readonly AnnotationId[];
}

export type DisplayFlag = keyof AnnotationDisplay;

export const NOTHING_HIDDEN: AnnotationDisplay = { hidden: [], locked: [] };

/** Hiding or locking (or showing, unlocking) some annotations: the flag's whole list before and after. */
export interface DisplayCommand {
  readonly kind: 'set-display';
  readonly flag: DisplayFlag;
  readonly before: readonly AnnotationId[];
  readonly after: readonly AnnotationId[];
}

const sorted = (ids: Iterable<AnnotationId>): AnnotationId[] =>
  [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Sets `flag` on (or off) for `ids`; undefined when nothing would change. */
export function setDisplayFlag(
  display: AnnotationDisplay,
  flag: DisplayFlag,
  ids: readonly AnnotationId[],
  on: boolean,
): DisplayCommand | undefined {
  const before = display[flag];
  const next = new Set(before);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  if (next.size === before.length && before.every((id) => next.has(id))) return undefined;
  return { kind: 'set-display', flag, before, after: sorted(next) };
}

export const applyDisplayCommand = (
  display: AnnotationDisplay,
  command: DisplayCommand,
): AnnotationDisplay => ({
  ...display,
  [command.flag]: command.after,
});

export const invertDisplayCommand = (command: DisplayCommand): DisplayCommand => ({
  kind: 'set-display',
  flag: command.flag,
  before: command.after,
  after: command.before,
});

/** The ids the canvas may select and edit: neither hidden nor locked. */
export function editableIds(display: AnnotationDisplay, ids: readonly AnnotationId[]): AnnotationId[] {
  if (display.hidden.length === 0 && display.locked.length === 0) return [...ids];
  const blocked = new Set([...display.hidden, ...display.locked]);
  return ids.filter((id) => !blocked.has(id));
}
