/** Review data in the project database: the rejection reasons a QA lead defines, comments, and the audit log. */

import type { AnnotationId } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { commentEntry, type AuditEntry } from '../../../src/core/qa/audit';
import {
  addComment,
  DEFAULT_REJECTION_REASONS,
  reopenComment,
  reply,
  resolveComment,
  type RejectionReason,
} from '../../../src/core/qa/review';
import type { LabelLoopDatabase } from './database';
import { newId } from './database';
import type { AuditRecord, CommentRecord } from './qaRecords';

const reasonsKey = (projectId: ProjectId) => `rejectionReasons:${projectId}`;

/** The project's rejection reasons, or the defaults until a QA lead changes them. */
export async function rejectionReasons(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<RejectionReason[]> {
  const stored = await db.settings.get(reasonsKey(projectId));
  return Array.isArray(stored?.value) ? (stored.value as RejectionReason[]) : [...DEFAULT_REJECTION_REASONS];
}

/**
 * Saves the list from labels: each keeps the id it had (old rejections still name it), new labels get an id
 * made from their words. Blank and repeated labels are refused.
 */
export async function saveRejectionReasons(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  reasons: readonly { id?: string; label: string }[],
): Promise<{ ok: true; reasons: RejectionReason[] } | { ok: false; message: string }> {
  const seen = new Set<string>();
  const out: RejectionReason[] = [];
  for (const reason of reasons) {
    const label = reason.label.trim();
    if (label === '') return { ok: false, message: 'A rejection reason needs a label.' };
    if (seen.has(label.toLowerCase())) return { ok: false, message: `"${label}" is listed twice.` };
    seen.add(label.toLowerCase());
    const base =
      reason.id ??
      (label
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') ||
        'reason');
    let id = base;
    for (let n = 2; out.some((r) => r.id === id); n++) id = `${base}-${n}`;
    out.push({ id, label });
  }
  if (out.length === 0) return { ok: false, message: 'Keep at least one rejection reason.' };
  await db.settings.put({ key: reasonsKey(projectId), value: out });
  return { ok: true, reasons: out };
}

// ---- comments ---------------------------------------------------------------------------------------

export const commentsOf = (db: LabelLoopDatabase, imageId: ImageId): Promise<CommentRecord[]> =>
  db.comments.where('imageId').equals(imageId).sortBy('createdAt');

const entryId = () => newId<string>();

/** A new open comment on the image, pinned to an object or a point, and its audit entry, in one transaction. */
export async function postComment(
  db: LabelLoopDatabase,
  input: {
    projectId: ProjectId;
    imageId: ImageId;
    annotationId?: AnnotationId;
    point?: { x: number; y: number };
    text: string;
    user: string;
  },
  at = Date.now(),
): Promise<CommentRecord> {
  const { projectId, user, ...where } = input;
  const comment: CommentRecord = { ...addComment({ ...where, id: newId(), author: user, at }), projectId };
  await db.transaction('rw', [db.comments, db.audit], async () => {
    await db.comments.add(comment);
    await db.audit.add({
      ...commentEntry({
        projectId,
        user,
        at,
        imageId: input.imageId,
        ...(input.annotationId === undefined ? {} : { annotationId: input.annotationId }),
        action: 'comment.added',
        commentId: comment.id,
        text: comment.text,
      }),
      id: entryId(),
    });
  });
  return comment;
}

/** Resolves, reopens or replies to a comment, with its audit entry. */
export async function updateComment(
  db: LabelLoopDatabase,
  id: string,
  change: { kind: 'resolve' } | { kind: 'reopen' } | { kind: 'reply'; text: string },
  user: string,
  at = Date.now(),
): Promise<CommentRecord | undefined> {
  return db.transaction('rw', [db.comments, db.audit], async () => {
    const comment = await db.comments.get(id);
    if (!comment) return undefined;
    const next: CommentRecord =
      change.kind === 'resolve'
        ? { ...resolveComment(comment, user, at), projectId: comment.projectId }
        : change.kind === 'reopen'
          ? { ...reopenComment(comment), projectId: comment.projectId }
          : { ...reply(comment, user, change.text, at), projectId: comment.projectId };
    await db.comments.put(next);
    const action =
      change.kind === 'resolve'
        ? 'comment.resolved'
        : change.kind === 'reopen'
          ? 'comment.reopened'
          : 'comment.replied';
    await db.audit.add({
      ...commentEntry({
        projectId: comment.projectId,
        user,
        at,
        imageId: comment.imageId,
        ...(comment.annotationId === undefined ? {} : { annotationId: comment.annotationId as AnnotationId }),
        action,
        commentId: comment.id,
        ...(change.kind === 'reply' ? { text: change.text.trim() } : {}),
      }),
      id: entryId(),
    });
    return next;
  });
}

// ---- the audit log ----------------------------------------------------------------------------------

/** Appends entries made outside the editor (reviews, assignments, bundles); each gets a fresh id. */
export async function appendAudit(db: LabelLoopDatabase, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length > 0) await db.audit.bulkAdd(entries.map((entry) => ({ ...entry, id: entryId() })));
}

/** The project's audit entries, newest first, optionally of one image. */
export async function auditOf(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  options: { imageId?: ImageId; limit?: number } = {},
): Promise<AuditRecord[]> {
  const rows =
    options.imageId === undefined
      ? await db.audit
          .where('[projectId+at]')
          .between([projectId, -Infinity], [projectId, Infinity])
          .reverse()
          .limit(options.limit ?? Infinity)
          .toArray()
      : (await db.audit.where('[projectId+imageId]').equals([projectId, options.imageId]).toArray())
          .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
          .slice(0, options.limit ?? Infinity);
  return rows;
}
