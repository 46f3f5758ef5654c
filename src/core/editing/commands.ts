/**
 * Edits of one image's labels as plain, JSON-serializable data: applied to make the next record, inverted
 * to undo, composed so a drag is one entry, and logged as they are for the audit trail.
 *
 * A command is resolved when it is built: it carries the values before and after, timestamps included, so
 * applying its inverse restores the record byte for byte and redoing it reproduces the same record.
 */

import {
  classIdsOf,
  type Annotation,
  type AnnotationId,
  type AttributeValues,
  type Geometry,
  type ImageAnnotations,
  type ReviewFlag,
} from '../annotations/types';

/** A value before and after a command (the record's `updatedAt`, for one). */
export interface Change<T> {
  readonly before: T;
  readonly after: T;
}

/** An annotation and its place in the draw order (0 is drawn first, at the bottom). */
export interface PlacedAnnotation {
  readonly index: number;
  readonly annotation: Annotation;
}

/** Fields an update may change. `review: null` means "no review flag" (JSON has no undefined). */
export interface AnnotationFields {
  readonly classId?: string;
  readonly geometry?: Geometry;
  readonly attributes?: AttributeValues;
  readonly schemaVersion?: number;
  readonly updatedBy?: string;
  readonly updatedAt?: number;
  readonly review?: ReviewFlag | null;
}

export interface AnnotationPatch {
  readonly id: AnnotationId;
  readonly before: AnnotationFields;
  readonly after: AnnotationFields;
}

/** One step of a z-order change: the annotation at `from` is taken out and put back at `to`. */
export interface ZMove {
  readonly id: AnnotationId;
  readonly from: number;
  readonly to: number;
}

export type Command =
  | {
      readonly kind: 'add-annotations';
      /** In ascending `index`: the positions the annotations take in the new record. */
      readonly items: readonly PlacedAnnotation[];
      readonly updatedAt: Change<number>;
    }
  | {
      readonly kind: 'remove-annotations';
      /** In ascending `index`: the positions the annotations had in the old record. */
      readonly items: readonly PlacedAnnotation[];
      readonly updatedAt: Change<number>;
    }
  | {
      readonly kind: 'update-annotations';
      readonly patches: readonly AnnotationPatch[];
      readonly updatedAt: Change<number>;
    }
  | {
      readonly kind: 'reorder-annotations';
      /** Applied in order; z-order is the order of `annotations`. */
      readonly moves: readonly ZMove[];
      readonly updatedAt: Change<number>;
    }
  | {
      readonly kind: 'set-tags';
      readonly tags: Change<readonly string[]>;
      readonly updatedAt: Change<number>;
    }
  | {
      readonly kind: 'set-image-attributes';
      readonly attributes: Change<AttributeValues>;
      readonly updatedAt: Change<number>;
    };

export type CommandKind = Command['kind'];

/** Thrown when a command does not fit the record it is applied to: a bug in the caller, not a user error. */
export class CommandMismatchError extends Error {
  override readonly name = 'CommandMismatchError';
}

function patched(annotation: Annotation, fields: AnnotationFields): Annotation {
  const { review, ...rest } = fields;
  const next: Annotation = { ...annotation, ...rest };
  if (review === undefined) return next;
  if (review === null) {
    const { review: _dropped, ...without } = next;
    return without;
  }
  return { ...next, review };
}

function insertAll(annotations: readonly Annotation[], items: readonly PlacedAnnotation[]): Annotation[] {
  const taken = new Set(annotations.map((a) => a.id));
  for (const item of items) {
    if (taken.has(item.annotation.id)) {
      throw new CommandMismatchError(`annotation ${item.annotation.id} is already in the record`);
    }
    taken.add(item.annotation.id);
  }
  const sorted = [...items].sort((a, b) => a.index - b.index);
  const out: Annotation[] = [];
  let next = 0;
  for (const item of sorted) {
    // Indices past the end (the record shrank under a silent change) append.
    while (out.length < item.index && next < annotations.length) out.push(annotations[next++]!);
    out.push(item.annotation);
  }
  while (next < annotations.length) out.push(annotations[next++]!);
  return out;
}

function removeAll(annotations: readonly Annotation[], items: readonly PlacedAnnotation[]): Annotation[] {
  const gone = new Set(items.map((item) => item.annotation.id));
  const out = annotations.filter((a) => !gone.has(a.id));
  if (annotations.length - out.length !== gone.size) {
    const present = new Set(annotations.map((a) => a.id));
    const missing = [...gone].filter((id) => !present.has(id));
    throw new CommandMismatchError(`cannot remove missing annotations ${missing.join(', ')}`);
  }
  return out;
}

function updateAll(annotations: readonly Annotation[], patches: readonly AnnotationPatch[]): Annotation[] {
  const byId = new Map(patches.map((patch) => [patch.id, patch.after]));
  let found = 0;
  const out = annotations.map((a) => {
    const after = byId.get(a.id);
    if (after === undefined) return a;
    found++;
    return patched(a, after);
  });
  if (found !== byId.size)
    throw new CommandMismatchError('cannot update annotations missing from the record');
  return out;
}

function reorder(annotations: readonly Annotation[], moves: readonly ZMove[]): Annotation[] {
  const out = [...annotations];
  for (const move of moves) {
    // `from` is where it was when built; look it up by id if a silent change shifted it.
    const from = out[move.from]?.id === move.id ? move.from : out.findIndex((a) => a.id === move.id);
    if (from < 0) throw new CommandMismatchError(`cannot reorder missing annotation ${move.id}`);
    const [moved] = out.splice(from, 1);
    out.splice(Math.min(move.to, out.length), 0, moved!);
  }
  return out;
}

/** The record after `command`; the input is not changed. */
export function applyCommand(record: ImageAnnotations, command: Command): ImageAnnotations {
  const updatedAt = command.updatedAt.after;
  switch (command.kind) {
    case 'add-annotations':
    case 'remove-annotations':
    case 'update-annotations': {
      const annotations =
        command.kind === 'add-annotations'
          ? insertAll(record.annotations, command.items)
          : command.kind === 'remove-annotations'
            ? removeAll(record.annotations, command.items)
            : updateAll(record.annotations, command.patches);
      // A drag updates geometry many times a second; only adds, removes and class changes move classIds.
      const classIds =
        command.kind === 'update-annotations' && command.patches.every((p) => p.after.classId === undefined)
          ? record.classIds
          : classIdsOf(annotations, record.tags);
      return { ...record, annotations, classIds, updatedAt };
    }
    case 'reorder-annotations':
      return { ...record, annotations: reorder(record.annotations, command.moves), updatedAt };
    case 'set-tags': {
      const tags = command.tags.after;
      return { ...record, tags, classIds: classIdsOf(record.annotations, tags), updatedAt };
    }
    case 'set-image-attributes':
      return { ...record, attributes: command.attributes.after, updatedAt };
  }
}

const swap = <T>(change: Change<T>): Change<T> => ({ before: change.after, after: change.before });

/** The command that undoes `command`: applying both in turn gives back the record exactly. */
export function invertCommand(command: Command): Command {
  const updatedAt = swap(command.updatedAt);
  switch (command.kind) {
    case 'add-annotations':
      return { kind: 'remove-annotations', items: command.items, updatedAt };
    case 'remove-annotations':
      return { kind: 'add-annotations', items: command.items, updatedAt };
    case 'update-annotations':
      return {
        kind: 'update-annotations',
        patches: command.patches.map((p) => ({ id: p.id, before: p.after, after: p.before })),
        updatedAt,
      };
    case 'reorder-annotations':
      return {
        kind: 'reorder-annotations',
        moves: command.moves.map((m) => ({ id: m.id, from: m.to, to: m.from })).reverse(),
        updatedAt,
      };
    case 'set-tags':
      return { kind: 'set-tags', tags: swap(command.tags), updatedAt };
    case 'set-image-attributes':
      return { kind: 'set-image-attributes', attributes: swap(command.attributes), updatedAt };
  }
}

function composePatches(
  first: readonly AnnotationPatch[],
  second: readonly AnnotationPatch[],
): AnnotationPatch[] {
  const byId = new Map(first.map((patch) => [patch.id, patch]));
  for (const patch of second) {
    const earlier = byId.get(patch.id);
    byId.set(
      patch.id,
      earlier === undefined
        ? patch
        : {
            id: patch.id,
            before: { ...patch.before, ...earlier.before },
            after: { ...earlier.after, ...patch.after },
          },
    );
  }
  return [...byId.values()];
}

/**
 * One command with the effect of `first` then `second`, when there is a simple one (the 60 moves of a drag
 * become one update; drawing a shape and then resizing it becomes one add); undefined otherwise.
 */
export function composeCommands(first: Command, second: Command): Command | undefined {
  const updatedAt = { before: first.updatedAt.before, after: second.updatedAt.after };
  if (first.kind === 'update-annotations' && second.kind === 'update-annotations') {
    return { kind: 'update-annotations', patches: composePatches(first.patches, second.patches), updatedAt };
  }
  if (first.kind === 'add-annotations' && second.kind === 'update-annotations') {
    const added = new Set(first.items.map((item) => item.annotation.id));
    if (!second.patches.every((patch) => added.has(patch.id))) return undefined;
    const after = new Map(second.patches.map((patch) => [patch.id, patch.after]));
    const items = first.items.map((item) => {
      const fields = after.get(item.annotation.id);
      return fields === undefined
        ? item
        : { index: item.index, annotation: patched(item.annotation, fields) };
    });
    return { kind: 'add-annotations', items, updatedAt };
  }
  if (first.kind === 'reorder-annotations' && second.kind === 'reorder-annotations') {
    return { kind: 'reorder-annotations', moves: [...first.moves, ...second.moves], updatedAt };
  }
  if (first.kind === 'set-tags' && second.kind === 'set-tags') {
    return { kind: 'set-tags', tags: { before: first.tags.before, after: second.tags.after }, updatedAt };
  }
  if (first.kind === 'set-image-attributes' && second.kind === 'set-image-attributes') {
    const attributes = { before: first.attributes.before, after: second.attributes.after };
    return { kind: 'set-image-attributes', attributes, updatedAt };
  }
  return undefined;
}

/** Ids of the annotations a command adds, removes, changes or moves in the draw order. */
export function annotationIdsOf(command: Command): AnnotationId[] {
  switch (command.kind) {
    case 'add-annotations':
    case 'remove-annotations':
      return command.items.map((item) => item.annotation.id);
    case 'update-annotations':
      return command.patches.map((patch) => patch.id);
    case 'reorder-annotations':
      return [...new Set(command.moves.map((move) => move.id))];
    case 'set-tags':
    case 'set-image-attributes':
      return [];
  }
}

const counted = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** What a command did, in the words of an Undo menu item or an audit log line. */
export function describeCommand(command: Command): string {
  switch (command.kind) {
    case 'add-annotations':
      return `Add ${counted(command.items.length, 'annotation')}`;
    case 'remove-annotations':
      return `Delete ${counted(command.items.length, 'annotation')}`;
    case 'update-annotations': {
      const fields = new Set(command.patches.flatMap((patch) => Object.keys(patch.after)));
      const what = fields.has('classId')
        ? 'Change class of'
        : fields.has('attributes')
          ? 'Edit attributes of'
          : fields.has('geometry')
            ? 'Edit shape of'
            : fields.has('review')
              ? 'Review'
              : 'Update';
      return `${what} ${counted(command.patches.length, 'annotation')}`;
    }
    case 'reorder-annotations':
      return 'Change drawing order';
    case 'set-tags':
      return 'Change image tags';
    case 'set-image-attributes':
      return 'Edit image attributes';
  }
}
