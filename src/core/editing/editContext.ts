/** What every editing builder shares: who edits and when, how a selection is looked up, and refusals. */

import type { Annotation, AnnotationId, ImageAnnotations } from '../annotations/types';
import type { AttributeDefinition } from '../schema/types';
import type { Change, Command } from './commands';

/** Who edits, when, and under which schema version: stamped on what a command touches. */
export interface EditContext {
  readonly now: number;
  readonly author: string;
  readonly schemaVersion: number;
}

/** For edits that make annotations: `newId` is injected so ids are deterministic in tests. */
export interface CreateContext extends EditContext {
  readonly newId: () => string;
}

export type RefusalCode =
  | 'not-allowed'
  | 'too-many-instances'
  | 'unknown-annotation'
  | 'unknown-attribute'
  | 'invalid-value'
  /** Nothing selected, or the edit would change nothing: the caller makes no step. */
  | 'no-change';

export interface Refusal {
  readonly ok: false;
  readonly code: RefusalCode;
  readonly reason: string;
}

export type Built<Extra extends object = object> =
  ({ readonly ok: true; readonly command: Command } & Extra) | Refusal;

/** Required attributes still empty after an edit, per annotation: what the editor should prompt for. */
export interface MissingAttributes {
  readonly id: AnnotationId;
  readonly attributes: readonly AttributeDefinition[];
}

export const refuse = (code: RefusalCode, reason: string): Refusal => ({ ok: false, code, reason });

export const recordStamp = (record: ImageAnnotations, ctx: EditContext): Change<number> => ({
  before: record.updatedAt,
  after: ctx.now,
});

/** The selected annotations in draw order, with their index; refused when one is not in the record. */
export function selected(
  record: ImageAnnotations,
  ids: readonly AnnotationId[],
): { index: number; annotation: Annotation }[] | Refusal {
  if (ids.length === 0) return refuse('no-change', 'Nothing is selected');
  const wanted = new Set(ids);
  const found: { index: number; annotation: Annotation }[] = [];
  record.annotations.forEach((annotation, index) => {
    if (wanted.has(annotation.id)) found.push({ index, annotation });
  });
  if (found.length !== wanted.size) {
    const present = new Set(found.map((item) => item.annotation.id));
    const missing = [...wanted].filter((id) => !present.has(id));
    return refuse('unknown-annotation', `No annotation ${missing.join(', ')} in this image`);
  }
  return found;
}

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
