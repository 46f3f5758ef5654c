import { describe, expect, it } from 'vitest';
import type { ImageId } from '../ids';
import type { ImageStatus } from '../images/types';
import {
  addComment,
  annotatorQueue,
  DEFAULT_REJECTION_REASONS,
  reasonLabel,
  reopenComment,
  reply,
  resolveComment,
  reviewQueue,
  REVIEW_QUEUE_STATUSES,
  type QueueImage,
  type WorkItem,
} from './review';

const img = (id: string) => id as ImageId;

describe('rejection reasons', () => {
  it('start with the six the issue names and show an unknown id as stored', () => {
    expect(DEFAULT_REJECTION_REASONS.map((r) => r.label)).toEqual([
      'Missing objects',
      'Wrong class',
      'Loose or tight boxes',
      'Wrong attributes',
      'Should not be labeled',
      'Other',
    ]);
    expect(reasonLabel(DEFAULT_REJECTION_REASONS, 'wrong-class')).toBe('Wrong class');
    expect(reasonLabel(DEFAULT_REJECTION_REASONS, 'retired')).toBe('retired');
  });
});

describe('comments', () => {
  const comment = addComment({
    id: 'c1',
    imageId: img('i1'),
    point: { x: 12, y: 40 },
    text: ' Box is loose ',
    author: 'rev',
    at: 100,
  });

  it('open with trimmed text and no replies, and refuse empty text', () => {
    expect(comment).toEqual({
      id: 'c1',
      imageId: 'i1',
      point: { x: 12, y: 40 },
      text: 'Box is loose',
      author: 'rev',
      createdAt: 100,
      state: 'open',
      replies: [],
    });
    expect(() => addComment({ id: 'c2', imageId: img('i1'), text: '   ', author: 'rev', at: 1 })).toThrow(
      RangeError,
    );
  });

  it('resolve, reopen and collect replies in order', () => {
    const answered = reply(reply(comment, 'ann', 'Fixed', 110), 'rev', 'Thanks', 120);
    const resolved = resolveComment(answered, 'rev', 130);
    expect(resolved.state).toBe('resolved');
    expect([resolved.resolvedBy, resolved.resolvedAt]).toEqual(['rev', 130]);
    expect(resolved.replies.map((r) => `${r.author}: ${r.text}`)).toEqual(['ann: Fixed', 'rev: Thanks']);
    const reopened = reopenComment(resolved);
    expect(reopened.state).toBe('open');
    expect('resolvedBy' in reopened || 'resolvedAt' in reopened).toBe(false);
    expect(comment.replies).toEqual([]);
  });
});

describe('reviewQueue', () => {
  const image = (id: string, status: ImageStatus, extra: Partial<QueueImage> = {}): QueueImage => ({
    imageId: img(id),
    status,
    classIds: ['car'],
    violations: 0,
    findings: [],
    ...extra,
  });
  const images = [
    image('a', 'rejected'),
    image('b', 'in-review', { assignee: 'ann' }),
    image('c', 'submitted', { classIds: ['truck'], violations: 2, findings: ['box-too-small'] }),
    image('d', 'accepted'),
    image('e', 'submitted', { assignee: 'ann' }),
    image('f', 'new'),
  ];

  it('orders submitted, in review, rejected, then the rest, each in the order given', () => {
    expect(reviewQueue(images)).toEqual(['c', 'e', 'b', 'a', 'd', 'f']);
    expect(reviewQueue(images, { statuses: REVIEW_QUEUE_STATUSES })).toEqual(['c', 'e', 'b']);
  });

  it('filters by assignee, class, violations and check', () => {
    expect(reviewQueue(images, { assignee: 'ann' })).toEqual(['e', 'b']);
    expect(reviewQueue(images, { classId: 'truck' })).toEqual(['c']);
    expect(reviewQueue(images, { withViolations: true })).toEqual(['c']);
    expect(reviewQueue(images, { withViolations: false, statuses: ['submitted'] })).toEqual(['e']);
    expect(reviewQueue(images, { check: 'box-too-small' })).toEqual(['c']);
    expect(reviewQueue(images, { check: 'overlap' })).toEqual([]);
  });
});

describe('annotatorQueue', () => {
  const state = (id: string, status: ImageStatus, extra: Partial<WorkItem> = {}): WorkItem => ({
    imageId: img(id),
    status,
    ...extra,
  });

  it('lists images rejected back to the annotator with the comment, then in progress, then new', () => {
    const states = [
      state('n1', 'new'),
      state('p1', 'in-progress', { assignee: 'ann' }),
      state('r1', 'rejected', { assignee: 'ann', reason: 'wrong-class', comment: 'Van, not car' }),
      state('r2', 'rejected', { assignee: 'bea', reason: 'other' }),
      state('n2', 'new', { assignee: 'bea' }),
      state('s1', 'submitted', { assignee: 'ann' }),
      // No assignee: the work belongs to whoever last changed the labels.
      state('r3', 'rejected', { lastEditor: 'ann', reason: 'other' }),
      state('p2', 'in-progress', { assignee: 'bea', lastEditor: 'ann' }),
    ];
    expect(annotatorQueue(states, 'ann')).toEqual([
      { imageId: 'r1', status: 'rejected', reason: 'wrong-class', comment: 'Van, not car' },
      { imageId: 'r3', status: 'rejected', reason: 'other' },
      { imageId: 'p1', status: 'in-progress' },
      { imageId: 'n1', status: 'new' },
    ]);
    expect(annotatorQueue(states, 'bea').map((t) => t.imageId)).toEqual(['r2', 'p2', 'n1', 'n2']);
  });
});
