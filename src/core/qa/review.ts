/**
 * The review workflow's data: why images are rejected, comments on images and the queues of work. Who may
 * accept or reject is people.ts's `canReview`; the editor's store applies it and the automatic status moves.
 */

import type { ImageId } from '../ids';
import { STATUS_LABELS, type ImageStatus } from '../images/types';

/** The label of any stored status; a status from an older database ("done") shows as stored. */
export const statusLabel = (status: string): string =>
  (STATUS_LABELS as Readonly<Record<string, string>>)[status] ?? status;

export interface RejectionReason {
  readonly id: string;
  readonly label: string;
}

/** The reasons a project starts with; a QA lead may edit the list. */
export const DEFAULT_REJECTION_REASONS: readonly RejectionReason[] = [
  { id: 'missing-objects', label: 'Missing objects' },
  { id: 'wrong-class', label: 'Wrong class' },
  { id: 'loose-or-tight-boxes', label: 'Loose or tight boxes' },
  { id: 'wrong-attributes', label: 'Wrong attributes' },
  { id: 'should-not-be-labeled', label: 'Should not be labeled' },
  { id: 'other', label: 'Other' },
];

/** A reason's label, or its id when the project no longer lists it (old rejections keep their id). */
export const reasonLabel = (reasons: readonly RejectionReason[], id: string): string =>
  reasons.find((reason) => reason.id === id)?.label ?? id;

export interface Comment {
  readonly id: string;
  readonly imageId: ImageId;
  /** The annotation the comment is about, if any. */
  readonly annotationId?: string;
  /** Where on the image it is pinned, in image pixels. */
  readonly point?: { readonly x: number; readonly y: number };
  readonly text: string;
  readonly author: string;
  readonly createdAt: number;
  readonly state: 'open' | 'resolved';
  readonly resolvedBy?: string;
  readonly resolvedAt?: number;
  readonly replies: readonly { readonly author: string; readonly text: string; readonly at: number }[];
}

export interface NewComment {
  readonly id: string;
  readonly imageId: ImageId;
  readonly annotationId?: string;
  readonly point?: { readonly x: number; readonly y: number };
  readonly text: string;
  readonly author: string;
  readonly at: number;
}

function requireText(text: string): string {
  const trimmed = text.trim();
  // The UI disables sending an empty comment; reaching here is a bug in the caller.
  if (trimmed === '') throw new RangeError('a comment needs some text');
  return trimmed;
}

/** An open comment with no replies. */
export function addComment(input: NewComment): Comment {
  const { at, text, ...rest } = input;
  return { ...rest, text: requireText(text), createdAt: at, state: 'open', replies: [] };
}

/** Marks a comment resolved (people.ts: reviewers and QA leads resolve; the UI offers it only to them). */
export const resolveComment = (comment: Comment, by: string, at: number): Comment => ({
  ...comment,
  state: 'resolved',
  resolvedBy: by,
  resolvedAt: at,
});

export function reopenComment(comment: Comment): Comment {
  const { resolvedBy: _by, resolvedAt: _at, ...rest } = comment;
  return { ...rest, state: 'open' };
}

export const reply = (comment: Comment, author: string, text: string, at: number): Comment => ({
  ...comment,
  replies: [...comment.replies, { author, text: requireText(text), at }],
});

/** What a review screen can filter its queue by. */
export interface QueueImage {
  readonly imageId: ImageId;
  readonly status: ImageStatus;
  readonly assignee?: string;
  readonly classIds: readonly string[];
  /** Consistency-check violations on the image. */
  readonly violations: number;
  /** Ids of the checks that found something on the image. */
  readonly findings: readonly string[];
}

export interface QueueFilter {
  /** All statuses when absent; the review screen starts with `REVIEW_QUEUE_STATUSES`. */
  readonly statuses?: readonly ImageStatus[];
  readonly assignee?: string;
  readonly classId?: string;
  /** true: only images with violations; false: only images without. */
  readonly withViolations?: boolean;
  readonly check?: string;
}

/** What waits for a reviewer. */
export const REVIEW_QUEUE_STATUSES: readonly ImageStatus[] = ['submitted', 'in-review'];

/** Work waiting on a reviewer comes first (oldest submissions in the order given), then rejected images, then the rest. */
const QUEUE_PRIORITY: Readonly<Record<ImageStatus, number>> = {
  submitted: 0,
  'in-review': 1,
  rejected: 2,
  accepted: 3,
  'in-progress': 4,
  new: 5,
};

/** Image ids matching `filter`, by status priority and then in the order given. */
export function reviewQueue(images: readonly QueueImage[], filter: QueueFilter = {}): ImageId[] {
  const statuses = filter.statuses === undefined ? undefined : new Set(filter.statuses);
  const matches = (image: QueueImage): boolean =>
    (statuses === undefined || statuses.has(image.status)) &&
    (filter.assignee === undefined || image.assignee === filter.assignee) &&
    (filter.classId === undefined || image.classIds.includes(filter.classId)) &&
    (filter.withViolations === undefined || image.violations > 0 === filter.withViolations) &&
    (filter.check === undefined || image.findings.includes(filter.check));
  return images
    .map((image, order) => ({ image, order }))
    .filter(({ image }) => matches(image))
    .sort((a, b) => QUEUE_PRIORITY[a.image.status] - QUEUE_PRIORITY[b.image.status] || a.order - b.order)
    .map(({ image }) => image.imageId);
}

export interface AnnotatorTask {
  readonly imageId: ImageId;
  readonly status: ImageStatus;
  /** For rejected images: why, and what the reviewer wrote. */
  readonly reason?: string;
  readonly comment?: string;
}

/** One image as an annotator's work list sees it. */
export interface WorkItem {
  readonly imageId: ImageId;
  readonly status: ImageStatus;
  /** The annotator the image is handed to. */
  readonly assignee?: string;
  /** Who last changed its labels: the work is theirs when nobody is assigned. */
  readonly lastEditor?: string;
  /** For rejected images: the reason id and the reviewer's comment. */
  readonly reason?: string;
  readonly comment?: string;
}

const workerOf = (item: WorkItem): string | undefined => item.assignee ?? item.lastEditor;

/**
 * An annotator's work list: images rejected back to them (with the reviewer's reason and comment), then
 * the ones they have in progress, then new images assigned to them or to no one; each group in the order given.
 */
export function annotatorQueue(items: readonly WorkItem[], user: string): AnnotatorTask[] {
  const groups: Record<'rejected' | 'in-progress' | 'new', AnnotatorTask[]> = {
    rejected: [],
    'in-progress': [],
    new: [],
  };
  for (const item of items) {
    const worker = workerOf(item);
    if (item.status === 'rejected' && worker === user) {
      groups.rejected.push({
        imageId: item.imageId,
        status: item.status,
        ...(item.reason === undefined ? {} : { reason: item.reason }),
        ...(item.comment === undefined ? {} : { comment: item.comment }),
      });
    } else if (item.status === 'in-progress' && worker === user) {
      groups['in-progress'].push({ imageId: item.imageId, status: item.status });
    } else if (item.status === 'new' && (item.assignee === undefined || item.assignee === user)) {
      groups.new.push({ imageId: item.imageId, status: item.status });
    }
  }
  return [...groups.rejected, ...groups['in-progress'], ...groups.new];
}
