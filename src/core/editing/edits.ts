/**
 * Everything one image's undo history covers: its labels (commands), what is hidden or locked, and its
 * status. Each kind of edit applies, inverts and composes the same way, so history needs only these.
 */

import type { AnnotationId, ImageAnnotations } from '../annotations/types';
import type { ImageStatus } from '../images/types';
import {
  annotationIdsOf,
  applyCommand,
  composeCommands,
  describeCommand,
  invertCommand,
  type Command,
} from './commands';
import {
  applyDisplayCommand,
  invertDisplayCommand,
  type AnnotationDisplay,
  type DisplayCommand,
} from './display';

/** The image as the editor holds it. Only `record` is label data; `status` belongs to the image record. */
export interface EditedImage {
  readonly record: ImageAnnotations;
  readonly display: AnnotationDisplay;
  readonly status: ImageStatus;
}

export interface StatusCommand {
  readonly kind: 'set-status';
  readonly before: ImageStatus;
  readonly after: ImageStatus;
}

export type Edit = Command | DisplayCommand | StatusCommand;

export const setStatus = (image: EditedImage, status: ImageStatus): StatusCommand | undefined =>
  image.status === status ? undefined : { kind: 'set-status', before: image.status, after: status };

export function applyEdit(image: EditedImage, edit: Edit): EditedImage {
  switch (edit.kind) {
    case 'set-display':
      return { ...image, display: applyDisplayCommand(image.display, edit) };
    case 'set-status':
      return { ...image, status: edit.after };
    default:
      return { ...image, record: applyCommand(image.record, edit) };
  }
}

export function invertEdit(edit: Edit): Edit {
  switch (edit.kind) {
    case 'set-display':
      return invertDisplayCommand(edit);
    case 'set-status':
      return { kind: 'set-status', before: edit.after, after: edit.before };
    default:
      return invertCommand(edit);
  }
}

/** One edit with the effect of both, when there is a simple one. */
export function composeEdits(first: Edit, second: Edit): Edit | undefined {
  if (first.kind === 'set-display' && second.kind === 'set-display') {
    return first.flag === second.flag ? { ...first, after: second.after } : undefined;
  }
  if (first.kind === 'set-status' && second.kind === 'set-status') {
    return { kind: 'set-status', before: first.before, after: second.after };
  }
  if (first.kind === 'set-display' || first.kind === 'set-status') return undefined;
  if (second.kind === 'set-display' || second.kind === 'set-status') return undefined;
  return composeCommands(first, second);
}

/** Edits in order, each merged into the one before it where possible. */
export function compactEdits(edits: readonly Edit[]): Edit[] {
  const out: Edit[] = [];
  for (const edit of edits) {
    const last = out[out.length - 1];
    const merged = last === undefined ? undefined : composeEdits(last, edit);
    if (merged === undefined) out.push(edit);
    else out[out.length - 1] = merged;
  }
  return out;
}

/** What an edit reads and writes, for deciding whether two edits commute. */
function footprint(edit: Edit): { ids: AnnotationId[]; fields: string[] } {
  switch (edit.kind) {
    case 'set-display':
      return { ids: [], fields: [`display.${edit.flag}`] };
    case 'set-status':
      return { ids: [], fields: ['status'] };
    case 'set-tags':
      return { ids: [], fields: ['tags'] };
    case 'set-image-attributes':
      return { ids: [], fields: ['attributes'] };
    default:
      return { ids: annotationIdsOf(edit), fields: [] };
  }
}

/**
 * Whether `edit` touches something any of `others` touches. An edit made outside history (pre-labels)
 * that overlaps no step leaves every step's undo exact; one that overlaps could make an undo wrong.
 */
export function overlapsAny(edit: Edit, others: Iterable<Edit>): boolean {
  const mine = footprint(edit);
  const ids = new Set(mine.ids);
  const fields = new Set(mine.fields);
  for (const other of others) {
    const theirs = footprint(other);
    if (theirs.ids.some((id) => ids.has(id)) || theirs.fields.some((field) => fields.has(field))) return true;
  }
  return false;
}

export function describeEdit(edit: Edit): string {
  switch (edit.kind) {
    case 'set-display': {
      const on = edit.after.length > edit.before.length;
      return edit.flag === 'hidden' ? (on ? 'Hide' : 'Show') : on ? 'Lock' : 'Unlock';
    }
    case 'set-status':
      return `Mark image ${edit.after}`;
    default:
      return describeCommand(edit);
  }
}
