/**
 * Everything one image's undo history covers: its labels (commands), what is hidden or locked, its
 * status, and the decisions on predictions shown on it. Each kind of edit applies, inverts and composes the same way, so history needs only these.
 */

import type { AnnotationId, ImageAnnotations } from '../annotations/types';
import { STATUS_LABELS, type ImageStatus } from '../images/types';
import type { PredictionDecision } from '../predictions/types';
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

/** A reviewer's latest decision on an image: who, when, and for a rejection the reason and comment. */
export interface ImageReview {
  readonly decision: 'accepted' | 'rejected';
  readonly reviewer: string;
  readonly at: number;
  /** A rejection reason id from the project's list. */
  readonly reason?: string;
  readonly comment?: string;
}

/** The image as the editor holds it. Only `record` is label data; `status` belongs to the image record. */
export interface EditedImage {
  readonly record: ImageAnnotations;
  readonly display: AnnotationDisplay;
  readonly status: ImageStatus;
  /** The latest review decision; absent until an image is first accepted or rejected. */
  readonly review?: ImageReview;
  /** Accepted or rejected predictions, keyed by `decisionKey(runId, predictionId)`; undecided ones are absent. */
  readonly decisions: Readonly<Record<string, PredictionDecision>>;
}

export interface StatusCommand {
  readonly kind: 'set-status';
  readonly before: ImageStatus;
  readonly after: ImageStatus;
}

/** A review decision before and after; null means none. */
export interface ReviewCommand {
  readonly kind: 'set-review';
  readonly before: ImageReview | null;
  readonly after: ImageReview | null;
}

/** Decisions before and after, for the touched keys only; null means undecided. */
export interface DecisionsCommand {
  readonly kind: 'set-decisions';
  readonly before: Readonly<Record<string, PredictionDecision | null>>;
  readonly after: Readonly<Record<string, PredictionDecision | null>>;
}

export type Edit = Command | DisplayCommand | StatusCommand | ReviewCommand | DecisionsCommand;

export const setStatus = (image: EditedImage, status: ImageStatus): StatusCommand | undefined =>
  image.status === status ? undefined : { kind: 'set-status', before: image.status, after: status };

export const setReview = (image: EditedImage, review: ImageReview | null): ReviewCommand => ({
  kind: 'set-review',
  before: image.review ?? null,
  after: review,
});

function withReview(image: EditedImage, review: ImageReview | null): EditedImage {
  if (review !== null) return { ...image, review };
  const { review: _dropped, ...rest } = image;
  return rest;
}

/** Sets (or, with null, clears) decisions by key; undefined when none would change. */
export function setDecisions(
  image: EditedImage,
  changes: Readonly<Record<string, PredictionDecision | null>>,
): DecisionsCommand | undefined {
  const before: Record<string, PredictionDecision | null> = {};
  const after: Record<string, PredictionDecision | null> = {};
  for (const [key, decision] of Object.entries(changes)) {
    const current = Object.hasOwn(image.decisions, key) ? image.decisions[key]! : null;
    if (current === decision) continue;
    before[key] = current;
    after[key] = decision;
  }
  return Object.keys(after).length === 0 ? undefined : { kind: 'set-decisions', before, after };
}

function applyDecisions(
  decisions: Readonly<Record<string, PredictionDecision>>,
  changes: Readonly<Record<string, PredictionDecision | null>>,
): Record<string, PredictionDecision> {
  const next: Record<string, PredictionDecision> = { ...decisions };
  for (const [key, decision] of Object.entries(changes)) {
    if (decision === null) delete next[key];
    else next[key] = decision;
  }
  return next;
}

export function applyEdit(image: EditedImage, edit: Edit): EditedImage {
  switch (edit.kind) {
    case 'set-display':
      return { ...image, display: applyDisplayCommand(image.display, edit) };
    case 'set-status':
      return { ...image, status: edit.after };
    case 'set-review':
      return withReview(image, edit.after);
    case 'set-decisions':
      return { ...image, decisions: applyDecisions(image.decisions, edit.after) };
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
    case 'set-review':
      return { kind: 'set-review', before: edit.after, after: edit.before };
    case 'set-decisions':
      return { kind: 'set-decisions', before: edit.after, after: edit.before };
    default:
      return invertCommand(edit);
  }
}

/** Whether an edit changes the labels record (the rest live beside it). */
const isCommand = (edit: Edit): edit is Command =>
  edit.kind !== 'set-display' &&
  edit.kind !== 'set-status' &&
  edit.kind !== 'set-review' &&
  edit.kind !== 'set-decisions';

/** One edit with the effect of both, when there is a simple one. */
export function composeEdits(first: Edit, second: Edit): Edit | undefined {
  if (first.kind === 'set-display' && second.kind === 'set-display') {
    return first.flag === second.flag ? { ...first, after: second.after } : undefined;
  }
  if (first.kind === 'set-status' && second.kind === 'set-status') {
    return { kind: 'set-status', before: first.before, after: second.after };
  }
  if (first.kind === 'set-review' && second.kind === 'set-review') {
    return { kind: 'set-review', before: first.before, after: second.after };
  }
  if (first.kind === 'set-decisions' && second.kind === 'set-decisions') {
    // The earliest `before` and the latest `after` of each key.
    return {
      kind: 'set-decisions',
      before: { ...second.before, ...first.before },
      after: { ...first.after, ...second.after },
    };
  }
  return isCommand(first) && isCommand(second) ? composeCommands(first, second) : undefined;
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
    case 'set-review':
      return { ids: [], fields: ['review'] };
    case 'set-decisions':
      return { ids: [], fields: Object.keys(edit.after).map((key) => `decisions.${key}`) };
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
      return `Mark image ${STATUS_LABELS[edit.after]}`;
    case 'set-review':
      return edit.after === null
        ? 'Clear review'
        : edit.after.decision === 'accepted'
          ? 'Accept image'
          : 'Reject image';
    case 'set-decisions':
      return describeDecisions(edit);
    default:
      return describeCommand(edit);
  }
}

/** "Accept 3 predictions", "Reject 1 prediction"; a mix or a clearing says so. */
function describeDecisions(edit: DecisionsCommand): string {
  const values = Object.values(edit.after);
  const count = `${values.length} prediction${values.length === 1 ? '' : 's'}`;
  if (values.every((value) => value === 'accepted')) return `Accept ${count}`;
  if (values.every((value) => value === 'rejected')) return `Reject ${count}`;
  if (values.every((value) => value === null)) return `Clear decisions on ${count}`;
  return `Decide on ${count}`;
}
