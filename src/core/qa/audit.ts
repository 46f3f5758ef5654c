/** The audit trail: who changed what and when, built from the same edits that power undo, plus review, comment, assignment and bundle events. */

import type { Annotation, AnnotationId } from '../annotations/types';
import type { Edit } from '../editing/edits';
import type { EditOrigin } from '../editing/history';
import type { ImageId, ProjectId } from '../ids';
import type { ImageStatus } from '../images/types';
import { editDrafts, type Naming } from './auditDrafts';
import { csvRow } from './reportCsv';
import { statusLabel } from './review';

export type AuditAction =
  | 'annotation.created'
  | 'annotation.deleted'
  | 'annotation.changed'
  | 'annotation.reordered'
  | 'image.tags'
  | 'image.attributes'
  | 'image.status'
  | 'image.assigned'
  | 'prediction.accepted'
  | 'prediction.rejected'
  | 'prediction.cleared'
  | 'review.status'
  | 'review.decision'
  | 'comment.added'
  | 'comment.replied'
  | 'comment.resolved'
  | 'comment.reopened'
  | 'bundle.exported'
  | 'bundle.imported'
  | 'sampling.drawn'
  | 'sampling.verdict';

/** Edit origins from history, plus events that do not come through an image's undo history. */
export type AuditOrigin = EditOrigin | 'review' | 'import' | 'bundle';

export interface AuditEntry {
  readonly projectId: ProjectId;
  readonly imageId?: ImageId;
  readonly annotationId?: AnnotationId;
  readonly at: number;
  /** A profile's UserId, or the name older labels stored ("local user"). */
  readonly user: string;
  readonly action: AuditAction;
  readonly origin: AuditOrigin;
  /** JSON values: the changed part before and after; null where there was nothing (before a creation). */
  readonly before: unknown;
  readonly after: unknown;
  /** "Changed class of car box to truck". */
  readonly summary: string;
}

export interface AuditContext {
  readonly projectId: ProjectId;
  readonly imageId: ImageId;
  readonly user: string;
  readonly at: number;
  /** A class's name for summaries; the id is shown without it. */
  readonly className?: (classId: string) => string;
  /** The annotation as the image now holds it, to name it ("car box") where an edit does not say. */
  readonly annotation?: (id: AnnotationId) => Annotation | undefined;
  /** A rejection reason's label for summaries. */
  readonly reasonLabel?: (reasonId: string) => string;
}

const ORIGIN_PREFIX: Readonly<Partial<Record<AuditOrigin, string>>> = { undo: 'Undo: ', redo: 'Redo: ' };

/**
 * Audit entries for edits of one image, in order: one per annotation for annotation commands, one per image
 * for tags, attributes and status, one per prediction for decisions, none for hiding or locking. An undo is
 * logged as what it did (history journals the inverse edit), so its before and after are the undone change's, swapped.
 */
export function auditEntriesFromEdits(
  edits: readonly { readonly edit: Edit; readonly origin: EditOrigin }[],
  ctx: AuditContext,
): AuditEntry[] {
  const naming: Naming = {
    name: ctx.className ?? ((id: string) => id),
    annotation: ctx.annotation ?? (() => undefined),
    reasonLabel: ctx.reasonLabel ?? ((id: string) => id),
  };
  return edits.flatMap(({ edit, origin }) =>
    editDrafts(edit, naming).map(({ annotationId, summary, ...draft }) => ({
      projectId: ctx.projectId,
      imageId: ctx.imageId,
      ...(annotationId === undefined ? {} : { annotationId }),
      at: ctx.at,
      user: ctx.user,
      origin,
      ...draft,
      summary: `${ORIGIN_PREFIX[origin] ?? ''}${summary}`,
    })),
  );
}

interface Who {
  readonly projectId: ProjectId;
  readonly user: string;
  readonly at: number;
}

/**
 * A reviewer (or QA lead) moving an image between statuses outside its edit history (from the review queue,
 * or read from a bundle), with the rejection reason and comment. Changes made in the editor come from its journal.
 */
export function reviewEntry(
  input: Who & {
    readonly imageId: ImageId;
    readonly from: ImageStatus;
    readonly to: ImageStatus;
    readonly reason?: string;
    readonly comment?: string;
    /** The reason's label for the summary. */
    readonly reasonLabel?: string;
  },
): AuditEntry {
  const why = input.reasonLabel ?? input.reason;
  return {
    projectId: input.projectId,
    imageId: input.imageId,
    at: input.at,
    user: input.user,
    action: 'review.status',
    origin: 'review',
    before: { status: input.from },
    after: {
      status: input.to,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      ...(input.comment === undefined ? {} : { comment: input.comment }),
    },
    summary: `${statusLabel(input.from)} → ${statusLabel(input.to)}${why === undefined ? '' : ` (${why})`}`,
  };
}

const COMMENT_VERBS = {
  'comment.added': 'Commented',
  'comment.replied': 'Replied',
  'comment.resolved': 'Resolved comment',
  'comment.reopened': 'Reopened comment',
} as const;

export function commentEntry(
  input: Who & {
    readonly imageId: ImageId;
    readonly annotationId?: AnnotationId;
    readonly action: keyof typeof COMMENT_VERBS;
    readonly commentId: string;
    /** The comment's or reply's text, when one was written. */
    readonly text?: string;
  },
): AuditEntry {
  const written = input.action === 'comment.added' || input.action === 'comment.replied';
  return {
    projectId: input.projectId,
    imageId: input.imageId,
    ...(input.annotationId === undefined ? {} : { annotationId: input.annotationId }),
    at: input.at,
    user: input.user,
    action: input.action,
    origin: 'review',
    before: null,
    after: { comment: input.commentId, ...(input.text === undefined ? {} : { text: input.text }) },
    summary:
      written && input.text !== undefined
        ? `${COMMENT_VERBS[input.action]}: ${input.text}`
        : COMMENT_VERBS[input.action],
  };
}

export function assignmentEntry(
  input: Who & {
    readonly imageId: ImageId;
    readonly from?: string;
    readonly to?: string;
    /** The assignees' names for the summary. */
    readonly name?: (user: string) => string;
  },
): AuditEntry {
  const name = input.name ?? ((user: string) => user);
  return {
    projectId: input.projectId,
    imageId: input.imageId,
    at: input.at,
    user: input.user,
    action: 'image.assigned',
    origin: 'review',
    before: { assignee: input.from ?? null },
    after: { assignee: input.to ?? null },
    summary: input.to === undefined ? 'Unassigned' : `Assigned to ${name(input.to)}`,
  };
}

/** A review bundle written for, or read back from, a reviewer working on another machine. */
export function bundleEntry(
  input: Who & {
    readonly direction: 'exported' | 'imported';
    readonly fileName: string;
    readonly images: number;
  },
): AuditEntry {
  const count = `${input.images} image${input.images === 1 ? '' : 's'}`;
  return {
    projectId: input.projectId,
    at: input.at,
    user: input.user,
    action: input.direction === 'exported' ? 'bundle.exported' : 'bundle.imported',
    origin: 'bundle',
    before: null,
    after: { file: input.fileName, images: input.images },
    summary: `${input.direction === 'exported' ? 'Exported' : 'Imported'} review bundle ${input.fileName} (${count})`,
  };
}

export interface AuditFilter {
  readonly user?: string;
  /** Exact actions. */
  readonly actions?: readonly AuditAction[];
  /** Actions starting with this: "annotation." or "review.". */
  readonly actionPrefix?: string;
  readonly imageId?: ImageId;
  readonly annotationId?: AnnotationId;
  /** Inclusive bounds on `at`. */
  readonly from?: number;
  readonly to?: number;
  /** Case-insensitive, in the summary. */
  readonly text?: string;
}

export function filterAudit(entries: readonly AuditEntry[], filter: AuditFilter): AuditEntry[] {
  const text = filter.text?.trim().toLowerCase();
  const actions = filter.actions === undefined ? undefined : new Set(filter.actions);
  return entries.filter(
    (e) =>
      (filter.user === undefined || e.user === filter.user) &&
      (actions === undefined || actions.has(e.action)) &&
      (filter.actionPrefix === undefined || e.action.startsWith(filter.actionPrefix)) &&
      (filter.imageId === undefined || e.imageId === filter.imageId) &&
      (filter.annotationId === undefined || e.annotationId === filter.annotationId) &&
      (filter.from === undefined || e.at >= filter.from) &&
      (filter.to === undefined || e.at <= filter.to) &&
      (text === undefined || text === '' || e.summary.toLowerCase().includes(text)),
  );
}

export const AUDIT_CSV_COLUMNS = [
  'time',
  'user',
  'action',
  'origin',
  'image',
  'annotation',
  'summary',
  'before',
  'after',
] as const;

const jsonCell = (value: unknown): string =>
  value === null || value === undefined ? '' : JSON.stringify(value);

/** RFC 4180 CSV with ISO times and before/after as JSON (empty for null); `names` turns user ids into names. */
export function auditToCsv(
  entries: readonly AuditEntry[],
  names: (user: string) => string = (u) => u,
): string {
  const rows = [csvRow(AUDIT_CSV_COLUMNS)];
  for (const e of entries) {
    rows.push(
      csvRow([
        new Date(e.at).toISOString(),
        names(e.user),
        e.action,
        e.origin,
        e.imageId ?? '',
        e.annotationId ?? '',
        e.summary,
        jsonCell(e.before),
        jsonCell(e.after),
      ]),
    );
  }
  return rows.join('');
}

/** JSON with object keys sorted at every depth, so the same entries give the same bytes. */
function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .filter((key) => record[key] !== undefined)
        .map((key) => [key, sortedDeep(record[key])]),
    );
  }
  return value;
}

export const auditToJson = (entries: readonly AuditEntry[]): string =>
  `${JSON.stringify(sortedDeep(entries), null, 2)}\n`;

/** A pause longer than this is time away from the image, not time spent on it. */
export const IDLE_CAP_SECONDS = 5 * 60;
/** What the first action on an image is taken to cost: looking at the image before touching it. */
export const FIRST_ENTRY_SECONDS = 5;

/** Origins that are a person working on the image; imports, bundles and automatic changes are not. */
const WORK_ORIGINS: ReadonlySet<AuditOrigin> = new Set(['do', 'undo', 'redo', 'review']);

export interface TimeSpent {
  readonly user: string;
  readonly imageId: ImageId;
  readonly seconds: number;
  readonly entries: number;
}

/**
 * Seconds each person spent on each image: the gaps between their consecutive entries on it, each counted
 * only up to `IDLE_CAP_SECONDS` (a longer gap counts nothing: they were away), plus `FIRST_ENTRY_SECONDS`.
 * Entries of one edit share a timestamp, so a multi-object edit is not counted twice. Rows in first-seen order.
 */
export function timeSpentPerImage(entries: readonly AuditEntry[]): TimeSpent[] {
  const groups = new Map<string, { user: string; imageId: ImageId; times: number[] }>();
  for (const e of entries) {
    if (e.imageId === undefined || !WORK_ORIGINS.has(e.origin)) continue;
    const key = JSON.stringify([e.user, e.imageId]);
    const group = groups.get(key) ?? { user: e.user, imageId: e.imageId, times: [] };
    group.times.push(e.at);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ user, imageId, times }) => {
    const sorted = [...times].sort((a, b) => a - b);
    let seconds = FIRST_ENTRY_SECONDS;
    for (let i = 1; i < sorted.length; i++) {
      const gap = (sorted[i]! - sorted[i - 1]!) / 1000;
      if (gap <= IDLE_CAP_SECONDS) seconds += gap;
    }
    return { user, imageId, seconds, entries: sorted.length };
  });
}
