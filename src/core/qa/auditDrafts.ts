/** What each kind of edit says in the audit trail: which entries it makes, their before and after, and a one-line summary. */

import {
  GEOMETRY_KIND_NAMES,
  type Annotation,
  type AnnotationId,
  type GeometryKind,
} from '../annotations/types';
import type { AnnotationFields, Command } from '../editing/commands';
import type { Edit } from '../editing/edits';
import type { AuditEntry } from './audit';
import { statusLabel } from './review';

/** Bookkeeping an update always carries; the entry's own `user` and `at` say the same. */
const BOOKKEEPING: ReadonlySet<string> = new Set(['updatedBy', 'updatedAt']);

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The fields of a patch that really changed, without bookkeeping. */
function changedFields(
  before: AnnotationFields,
  after: AnnotationFields,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const out = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (BOOKKEEPING.has(key)) continue;
    const b = (before as Record<string, unknown>)[key] ?? null;
    const a = (after as Record<string, unknown>)[key] ?? null;
    if (sameJson(a, b)) continue;
    out.before[key] = b;
    out.after[key] = a;
  }
  return out;
}

function changeSummary(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  known: Annotation | undefined,
  name: (classId: string) => string,
): string {
  const geometry = (after['geometry'] ?? known?.geometry) as { kind?: GeometryKind } | undefined;
  const kind = geometry?.kind === undefined ? 'annotation' : GEOMETRY_KIND_NAMES[geometry.kind];
  const classId = (after['classId'] ?? known?.classId) as string | undefined;
  const what = classId === undefined ? kind : `${name(classId)} ${kind}`;
  const phrases: string[] = [];
  if ('classId' in after) {
    phrases.push(
      `Changed class of ${kind} from ${name(String(before['classId']))} to ${name(String(after['classId']))}`,
    );
  }
  if ('geometry' in after) phrases.push(`Changed shape of ${what}`);
  if ('attributes' in after) {
    const b = (before['attributes'] ?? {}) as Record<string, unknown>;
    const a = (after['attributes'] ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !sameJson(a[k], b[k]));
    phrases.push(`Changed attributes ${keys.sort().join(', ')} of ${what}`);
  }
  if ('review' in after) {
    phrases.push(after['review'] === null ? `Cleared review flag of ${what}` : `Flagged ${what} for review`);
  }
  if ('schemaVersion' in after && phrases.length === 0) {
    phrases.push(`Moved ${what} to schema version ${String(after['schemaVersion'])}`);
  }
  return phrases.length === 0 ? `Updated ${what}` : phrases.join('; ');
}

const described = (a: Annotation, name: (classId: string) => string): string =>
  `${name(a.classId)} ${GEOMETRY_KIND_NAMES[a.geometry.kind]}`;

const nameOf = (a: Annotation | undefined, name: (classId: string) => string): string =>
  a === undefined ? 'annotation' : described(a, name);

export type Draft = Pick<AuditEntry, 'action' | 'before' | 'after' | 'summary'> & {
  annotationId?: AnnotationId;
};

export interface Naming {
  readonly name: (classId: string) => string;
  readonly reasonLabel: (reasonId: string) => string;
  readonly annotation: (id: AnnotationId) => Annotation | undefined;
}

function commandDrafts(command: Command, { name, annotation: known }: Naming): Draft[] {
  switch (command.kind) {
    case 'add-annotations':
      return command.items.map(({ annotation }) => ({
        action: 'annotation.created',
        annotationId: annotation.id,
        before: null,
        after: annotation,
        summary: `Added ${described(annotation, name)}`,
      }));
    case 'remove-annotations':
      return command.items.map(({ annotation }) => ({
        action: 'annotation.deleted',
        annotationId: annotation.id,
        before: annotation,
        after: null,
        summary: `Deleted ${described(annotation, name)}`,
      }));
    case 'update-annotations':
      return command.patches.flatMap((patch) => {
        const { before, after } = changedFields(patch.before, patch.after);
        if (Object.keys(after).length === 0) return [];
        return [
          {
            action: 'annotation.changed' as const,
            annotationId: patch.id,
            before,
            after,
            summary: changeSummary(before, after, known(patch.id), name),
          },
        ];
      });
    case 'reorder-annotations': {
      // One entry per annotation moved: where the first move took it from and the last one put it.
      const byId = new Map<AnnotationId, { from: number; to: number }>();
      for (const move of command.moves) {
        const seen = byId.get(move.id);
        byId.set(move.id, { from: seen?.from ?? move.from, to: move.to });
      }
      return [...byId].map(([id, { from, to }]) => ({
        action: 'annotation.reordered',
        annotationId: id,
        before: { index: from },
        after: { index: to },
        summary: `${to > from ? 'Brought' : 'Sent'} ${nameOf(known(id), name)} ${to > from ? 'forward' : 'backward'}`,
      }));
    }
    case 'set-tags': {
      const { before, after } = command.tags;
      const added = after.filter((tag) => !before.includes(tag)).map(name);
      const removed = before.filter((tag) => !after.includes(tag)).map(name);
      const parts = [
        ...(added.length > 0 ? [`added ${added.join(', ')}`] : []),
        ...(removed.length > 0 ? [`removed ${removed.join(', ')}`] : []),
      ];
      const text = parts.join('; ') || 'reordered them';
      return [{ action: 'image.tags', before, after, summary: `Image tags: ${text}` }];
    }
    case 'set-image-attributes': {
      const { before, after } = command.attributes;
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .filter((key) => !sameJson(before[key], after[key]))
        .sort();
      const pick = (values: Readonly<Record<string, unknown>>) =>
        Object.fromEntries(keys.map((key) => [key, values[key] ?? null]));
      return [
        {
          action: 'image.attributes',
          before: pick(before),
          after: pick(after),
          summary: `Changed image attributes ${keys.join(', ')}`,
        },
      ];
    }
  }
}

export function editDrafts(edit: Edit, naming: Naming): Draft[] {
  switch (edit.kind) {
    // Hidden and locked are how this person views the image, not a change to the labels.
    case 'set-display':
      return [];
    case 'set-status':
      return [
        {
          action: 'image.status',
          before: edit.before,
          after: edit.after,
          summary: `Changed status from ${statusLabel(edit.before)} to ${statusLabel(edit.after)}`,
        },
      ];
    case 'set-review': {
      const review = edit.after;
      const why = review?.reason === undefined ? '' : ` (${naming.reasonLabel(review.reason)})`;
      const note = review?.comment === undefined ? '' : `: ${review.comment}`;
      return [
        {
          action: 'review.decision',
          before: edit.before,
          after: edit.after,
          summary:
            review === null
              ? 'Cleared the review decision'
              : `${review.decision === 'accepted' ? 'Accepted' : 'Rejected'} the image${why}${note}`,
        },
      ];
    }
    case 'set-decisions':
      return Object.entries(edit.after).map(([key, decision]) => ({
        action:
          decision === 'accepted'
            ? 'prediction.accepted'
            : decision === 'rejected'
              ? 'prediction.rejected'
              : 'prediction.cleared',
        before: { prediction: key, decision: edit.before[key] ?? null },
        after: { prediction: key, decision },
        summary:
          decision === null
            ? `Cleared decision on prediction ${key}`
            : `${decision === 'accepted' ? 'Accepted' : 'Rejected'} prediction ${key}`,
      }));
    default:
      return commandDrafts(edit, naming);
  }
}
