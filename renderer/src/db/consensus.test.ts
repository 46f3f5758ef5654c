import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { planConsensus, writeConsensus } from './consensus';
import type { LabelLoopDatabase } from './database';
import type { LabelSetRecord } from './qaRecords';
import { openTestDatabase } from './testDatabase';
import { addProject, annotation, box, imageLabels, imageRecord } from './testFixtures';

const A = 'img-a' as ImageId;
const B = 'img-b' as ImageId;
const SOLO = 'img-solo' as ImageId;

const labelSet = (
  projectId: ProjectId,
  imageId: ImageId,
  annotator: string,
  annotations: Annotation[],
  tags: string[] = [],
): LabelSetRecord => ({
  projectId,
  imageId,
  annotator,
  assignmentId: `as-${annotator}`,
  returnedAt: 1,
  annotations,
  tags,
  attributes: {},
});

/**
 * Image A: three annotators drew one box at the same place, two called it a car, one a truck.
 * Image B: two annotators drew one box, one a car, one a truck (a class tie). SOLO has one annotator.
 * A and B were handed out as overlap images, SOLO as work.
 */
async function project(): Promise<{ db: LabelLoopDatabase; projectId: ProjectId }> {
  const { db } = openTestDatabase();
  const projectId = await addProject(db, 'Street');
  await db.images.bulkAdd([
    imageRecord(projectId, A, 'a.jpg', 1, { status: 'new' }),
    imageRecord(projectId, B, 'b.jpg', 2, { status: 'new' }),
    imageRecord(projectId, SOLO, 'solo.jpg', 3, { status: 'new' }),
  ]);
  await db.labelSets.bulkAdd([
    labelSet(projectId, A, 'ann', [annotation('a1', 'c-car', box(10, 10, 100, 50))], ['t-day']),
    labelSet(projectId, A, 'bob', [annotation('b1', 'c-car', box(12, 10, 100, 50))], ['t-day']),
    labelSet(projectId, A, 'cat', [annotation('c1', 'c-truck', box(14, 10, 100, 50))]),
    labelSet(projectId, B, 'ann', [annotation('a2', 'c-car', box(0, 0, 40, 40))]),
    labelSet(projectId, B, 'bob', [annotation('b2', 'c-truck', box(0, 0, 40, 40))]),
    labelSet(projectId, SOLO, 'ann', [annotation('a3', 'c-car', box(0, 0, 40, 40))]),
  ]);
  await db.assignments.bulkAdd(
    ['ann', 'bob', 'cat'].map((annotator) => ({
      id: `as-${annotator}`,
      projectId,
      annotator,
      createdAt: 1,
      createdBy: 'lead',
      imageIds: annotator === 'ann' ? [A, B, SOLO] : [A, B],
      overlapImageIds: [A, B],
      goldImageIds: [],
    })),
  );
  return { db, projectId };
}

describe('consensus labels', () => {
  it('plans the overlap images two or more annotators labeled, and which of them already have labels', async () => {
    const { db, projectId } = await project();
    await db.annotations.put(imageLabels(projectId, B, [annotation('old', 'c-bus', box(1, 1, 5, 5))]));
    const plan = await planConsensus(db, projectId);
    expect([...plan.imageIds].sort()).toEqual([A, B]);
    expect(plan.replacing).toEqual([B]);
  });

  it('takes the majority class of three annotators, averages the boxes and submits the image', async () => {
    const { db, projectId } = await project();
    const outcome = await writeConsensus(db, projectId, { user: 'lead', confirmedReplacing: [], now: 50 });
    expect(outcome).toMatchObject({ ok: true, images: 2, annotations: 2, inReview: 1, replaced: 0 });

    const labels = (await db.annotations.get(A))!;
    expect(labels.annotations).toHaveLength(1);
    const merged = labels.annotations[0]!;
    expect(merged.classId).toBe('c-car');
    expect(merged.geometry).toEqual({ kind: 'box', x: 12, y: 10, width: 100, height: 50 });
    expect(merged.review).toBeUndefined();
    expect(merged.createdBy).toBe('lead');
    expect(labels.tags).toEqual(['t-day']);
    expect(labels.classIds).toEqual(['c-car', 't-day']);
    expect((await db.images.get(A))!.status).toBe('submitted');
    expect(await db.annotations.get(SOLO)).toBeUndefined();
    expect((await db.images.get(SOLO))!.status).toBe('new');
  });

  it('flags a class tie for review and puts its image in review', async () => {
    const { db, projectId } = await project();
    await writeConsensus(db, projectId, { user: 'lead', confirmedReplacing: [], now: 50 });
    const merged = (await db.annotations.get(B))!.annotations[0]!;
    expect(merged.review?.reason).toBe('Consensus tie: class c-car vs c-truck');
    // The earliest annotator by name among the tied classes wins until a person decides.
    expect(merged.classId).toBe('c-car');
    expect((await db.images.get(B))!.status).toBe('in-review');
  });

  it('writes audit entries for removed and added objects and the status change, by the lead, from review', async () => {
    const { db, projectId } = await project();
    await db.annotations.put(imageLabels(projectId, B, [annotation('old', 'c-bus', box(1, 1, 5, 5))]));
    await writeConsensus(db, projectId, {
      user: 'lead',
      confirmedReplacing: [B],
      now: 50,
      className: (id) => id.slice(2),
    });
    const entries = (await db.audit.toArray()).filter((e) => e.imageId === B);
    expect(entries.map((e) => e.action).sort()).toEqual([
      'annotation.created',
      'annotation.deleted',
      'review.status',
    ]);
    expect(entries.every((e) => e.user === 'lead' && e.origin === 'review' && e.at === 50)).toBe(true);
    expect(entries.find((e) => e.action === 'annotation.deleted')!.summary).toBe(
      'Consensus replaced bus box',
    );
    expect(entries.find((e) => e.action === 'annotation.created')!.summary).toBe(
      'Consensus added car box from 2 annotators (Consensus tie: class c-car vs c-truck)',
    );
    expect(entries.find((e) => e.action === 'review.status')!.after).toEqual({ status: 'in-review' });
    expect((await db.audit.toArray()).filter((e) => e.imageId === A)).toHaveLength(2);
  });

  it('writes nothing when more images have labels than the person agreed to replace', async () => {
    const { db, projectId } = await project();
    const plan = await planConsensus(db, projectId);
    expect(plan.replacing).toEqual([]);
    // Someone labels image B between the confirmation and the write.
    await db.annotations.put(imageLabels(projectId, B, [annotation('old', 'c-bus', box(1, 1, 5, 5))]));
    const outcome = await writeConsensus(db, projectId, {
      user: 'lead',
      confirmedReplacing: plan.replacing,
    });
    expect(outcome).toMatchObject({
      ok: false,
      message: expect.stringContaining('1 image you did not agree'),
    });
    expect((await db.annotations.get(B))!.annotations.map((a) => a.id)).toEqual(['old']);
    expect(await db.annotations.get(A)).toBeUndefined();
    expect((await db.images.get(B))!.status).toBe('new');
    expect(await db.audit.count()).toBe(0);
  });

  it('refuses when as many images have labels as agreed, but not the same ones', async () => {
    const { db, projectId } = await project();
    await db.annotations.put(imageLabels(projectId, A, [annotation('old-a', 'c-bus', box(1, 1, 5, 5))]));
    const plan = await planConsensus(db, projectId);
    expect(plan.replacing).toEqual([A]);
    // Between the confirmation and the write, A's labels are cleared and B gets some: still one image.
    await db.annotations.put(imageLabels(projectId, A, []));
    await db.annotations.put(imageLabels(projectId, B, [annotation('old-b', 'c-bus', box(1, 1, 5, 5))]));
    const outcome = await writeConsensus(db, projectId, { user: 'lead', confirmedReplacing: plan.replacing });
    expect(outcome).toEqual({
      ok: false,
      message:
        'The labels consensus would replace changed since you confirmed: 1 image you did not agree to replace now has labels, and 1 image you agreed to replace no longer has labels. Nothing was written; build consensus again to see the new list.',
    });
    expect((await db.annotations.get(B))!.annotations.map((a) => a.id)).toEqual(['old-b']);
    expect(await db.audit.count()).toBe(0);
  });

  it('builds nothing for images two annotators labeled that were not handed out as overlap', async () => {
    const { db, projectId } = await project();
    await db.labelSets.add(labelSet(projectId, SOLO, 'bob', [annotation('b3', 'c-car', box(0, 0, 40, 40))]));
    expect([...(await planConsensus(db, projectId)).imageIds].sort()).toEqual([A, B]);
    await writeConsensus(db, projectId, { user: 'lead', confirmedReplacing: [], now: 50 });
    expect(await db.annotations.get(SOLO)).toBeUndefined();
  });

  it('never overwrites the known labels of gold images', async () => {
    const { db, projectId } = await project();
    const GOLD = 'img-gold' as ImageId;
    await db.images.add(imageRecord(projectId, GOLD, 'gold.jpg', 4, { status: 'accepted' }));
    await db.annotations.put(
      imageLabels(projectId, GOLD, [annotation('gold-1', 'c-car', box(100, 10, 50, 40))]),
    );
    // Gold in one assignment; a hand-edited overlap list of another names it too: gold wins.
    await db.assignments.update('as-ann', { goldImageIds: [GOLD] });
    await db.assignments.update('as-bob', { overlapImageIds: [A, B, GOLD] });
    // Two annotators' blind answers for the gold image, as applyReturn stores them.
    for (const who of ['ann', 'bob'])
      await db.labelSets.put(
        labelSet(projectId, GOLD, who, [annotation(who, 'c-truck', box(300, 300, 20, 20))]),
      );
    const plan = await planConsensus(db, projectId);
    expect([...plan.imageIds].sort()).toEqual([A, B]);
    const outcome = await writeConsensus(db, projectId, {
      user: 'lead',
      confirmedReplacing: plan.replacing,
      now: 50,
    });
    expect(outcome).toMatchObject({ ok: true, images: 2 });
    expect((await db.annotations.get(GOLD))!.annotations.map((a) => a.id)).toEqual(['gold-1']);
    expect((await db.images.get(GOLD))!.status).toBe('accepted');
    expect((await db.audit.toArray()).filter((e) => e.imageId === GOLD)).toEqual([]);
  });
});
