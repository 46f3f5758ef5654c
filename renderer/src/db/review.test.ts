import { describe, expect, it } from 'vitest';
import type { AnnotationId } from '../../../src/core/annotations/types';
import type { ImageId } from '../../../src/core/ids';
import { DEFAULT_REJECTION_REASONS } from '../../../src/core/qa/review';
import { createHistory, perform, undo } from '../../../src/core/editing/history';
import { setReview, setStatus } from '../../../src/core/editing/edits';
import { saveImage, openImage } from '../editor/session';
import { loadQueueRows } from './reviewQueue';
import {
  auditOf,
  commentsOf,
  postComment,
  rejectionReasons,
  saveRejectionReasons,
  updateComment,
} from './review';
import {
  addProject,
  annotation,
  box,
  imageLabels,
  imageRecord,
  labelClass,
  streetSchema,
} from './testFixtures';
import { openTestDatabase } from './testDatabase';

const schema = streetSchema([labelClass('c-car', ['box'])]);

async function project() {
  const { db } = openTestDatabase();
  const projectId = await addProject(db, 'Street', schema);
  const imageId = 'img-1' as ImageId;
  await db.images.add(imageRecord(projectId, imageId, 'a.jpg', 1, { status: 'submitted' }));
  await db.annotations.put(
    imageLabels(projectId, imageId, [
      { ...annotation('a1', 'c-car', box(1, 1, 20, 20)), updatedBy: 'ann-1' },
    ]),
  );
  return { db, projectId, imageId };
}

describe('rejection reasons', () => {
  it('start as the defaults, keep ids when renamed, and refuse blank or repeated labels', async () => {
    const { db, projectId } = await project();
    expect(await rejectionReasons(db, projectId)).toEqual(DEFAULT_REJECTION_REASONS);
    const saved = await saveRejectionReasons(db, projectId, [
      { id: 'wrong-class', label: 'Wrong class or subclass' },
      { label: 'Blurry image' },
    ]);
    expect(saved).toEqual({
      ok: true,
      reasons: [
        { id: 'wrong-class', label: 'Wrong class or subclass' },
        { id: 'blurry-image', label: 'Blurry image' },
      ],
    });
    expect(await saveRejectionReasons(db, projectId, [{ label: ' ' }])).toEqual({
      ok: false,
      message: 'A rejection reason needs a label.',
    });
    expect(await saveRejectionReasons(db, projectId, [{ label: 'A' }, { label: 'a' }])).toMatchObject({
      ok: false,
      message: '"a" is listed twice.',
    });
    expect((await rejectionReasons(db, projectId)).map((r) => r.id)).toEqual(['wrong-class', 'blurry-image']);
  });
});

describe('comments', () => {
  it('are posted, replied to and resolved, each step in the audit log', async () => {
    const { db, projectId, imageId } = await project();
    const posted = await postComment(
      db,
      { projectId, imageId, annotationId: 'a1' as AnnotationId, text: ' Box too loose ', user: 'lead' },
      10,
    );
    await updateComment(db, posted.id, { kind: 'reply', text: 'Fixed' }, 'ann-1', 20);
    await updateComment(db, posted.id, { kind: 'resolve' }, 'lead', 30);
    const [stored] = await commentsOf(db, imageId);
    expect(stored).toMatchObject({
      text: 'Box too loose',
      annotationId: 'a1',
      state: 'resolved',
      resolvedBy: 'lead',
      replies: [{ author: 'ann-1', text: 'Fixed', at: 20 }],
    });
    const log = await auditOf(db, projectId);
    expect(log.map((e) => [e.action, e.user, e.at])).toEqual([
      ['comment.resolved', 'lead', 30],
      ['comment.replied', 'ann-1', 20],
      ['comment.added', 'lead', 10],
    ]);
  });
});

describe('saving the editor with its journal', () => {
  it('writes status, review decision and one audit entry per change; an undo is an entry, and a retried save writes each once', async () => {
    const { db, projectId, imageId } = await project();
    const opened = (await openImage(db, projectId, imageId))!;
    let history = createHistory(opened.edited, { id: 'h1' });
    const review = {
      decision: 'rejected' as const,
      reviewer: 'lead',
      at: 5,
      reason: 'wrong-class',
      comment: 'van',
    };
    history = perform(history, setStatus(history.present, 'rejected')!);
    history = perform(history, setReview(history.present, review));
    history = undo(history);
    const journal = { user: 'lead', historyId: history.id, entries: history.journal, at: 50 };
    await saveImage(db, opened.image, history.present, journal);
    await saveImage(db, opened.image, history.present, journal);

    expect((await db.images.get(imageId))!.status).toBe('rejected');
    expect(await db.reviews.get(imageId)).toBeUndefined();
    const log = await auditOf(db, projectId);
    expect(log.map((e) => [e.action, e.origin])).toEqual(
      expect.arrayContaining([
        ['image.status', 'do'],
        ['review.decision', 'do'],
        ['review.decision', 'undo'],
      ]),
    );
    expect(log).toHaveLength(3);

    history = perform(history, setReview(history.present, review));
    // An entry stamped when it was made keeps its own person and time, whoever saves it later.
    const stamped = { ...history.journal.at(-1)!, user: 'lead-2', at: 42 };
    await saveImage(db, opened.image, history.present, { ...journal, entries: [stamped] });
    expect((await auditOf(db, projectId)).filter((e) => e.user === 'lead-2')).toMatchObject([
      { at: 42, action: 'review.decision' },
    ]);
    expect(await db.reviews.get(imageId)).toMatchObject({ decision: 'rejected', comment: 'van', projectId });
    expect((await openImage(db, projectId, imageId))!.edited.review).toEqual(review);
  });
});

describe('the review queue rows', () => {
  it('name who last edited each image, its errors and its last review', async () => {
    const { db, projectId, imageId } = await project();
    await db.reviews.put({
      imageId,
      projectId,
      decision: 'rejected',
      reviewer: 'lead',
      at: 1,
      reason: 'other',
    });
    const [row] = await loadQueueRows(db, projectId);
    expect(row).toMatchObject({
      fileName: 'a.jpg',
      status: 'submitted',
      lastEditor: 'ann-1',
      objects: 1,
      errors: 0,
      review: { decision: 'rejected', reason: 'other' },
    });
  });
});
