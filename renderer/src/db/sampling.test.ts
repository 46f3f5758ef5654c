import { afterEach, describe, expect, it } from 'vitest';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { ImageStatus } from '../../../src/core/images/types';
import { drawSample, samplingPlan } from '../../../src/core/qa/sampling';
import type { LabelLoopDatabase } from './database';
import { auditOf } from './review';
import {
  applyVerdict,
  batchProgress,
  drawBatch,
  listBatches,
  lotAwaitingReview,
  lotCounts,
  recordDefects,
  recordVerdict,
} from './sampling';
import { addProject, imageRecord } from './testFixtures';
import { openTestDatabase } from './testDatabase';

const open: LabelLoopDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const LEAD = 'user-lead';
const imageId = (n: number) => `img-${String(n).padStart(5, '0')}` as ImageId;

/** A project with `submitted` submitted images (img-00000 …), then `other` images of other statuses. */
async function projectWithLot(submitted: number, other: readonly ImageStatus[] = []) {
  const { db } = openTestDatabase();
  open.push(db);
  const projectId = await addProject(db, 'Street');
  const statuses: ImageStatus[] = [...Array<ImageStatus>(submitted).fill('submitted'), ...other];
  await db.images.bulkAdd(
    statuses.map((status, n) =>
      imageRecord(projectId, imageId(n), `frames/f${String(n).padStart(5, '0')}.jpg`, n + 1, { status }),
    ),
  );
  return { db, projectId };
}

const draw = (db: LabelLoopDatabase, projectId: ProjectId, extra: { aql?: number; seed?: number } = {}) =>
  drawBatch(
    db,
    {
      projectId,
      name: 'Week 12',
      lot: 'submitted',
      aql: extra.aql ?? 1,
      level: 'II',
      user: LEAD,
      seed: extra.seed ?? 42,
    },
    1000,
  );

async function drawn(db: LabelLoopDatabase, projectId: ProjectId, aql = 1) {
  const result = await draw(db, projectId, { aql });
  if (!result.ok) throw new Error(result.message);
  return result.batch;
}

async function inspect(db: LabelLoopDatabase, batchId: string, ids: readonly ImageId[], defects: number) {
  for (const id of ids) {
    const result = await recordDefects(db, batchId, id, defects);
    if (!result.ok) throw new Error(result.message);
  }
}

describe('drawBatch', () => {
  it('draws the sample ISO 2859-1 prescribes for a lot of 3,000 submitted images and stores its seed', async () => {
    const { db, projectId } = await projectWithLot(3000, ['new', 'accepted']);
    const plan = samplingPlan({ lotSize: 3000, aql: 1, level: 'II' });
    expect(plan).toMatchObject({ codeLetter: 'K', sampleSize: 125, accept: 3, reject: 4 });

    const batch = await drawn(db, projectId);

    expect(batch.lotImageIds).toHaveLength(3000);
    expect(batch.plan).toEqual(plan);
    expect(batch.sample).toHaveLength(125);
    expect(new Set(batch.sample).size).toBe(125);
    expect(batch.sample.every((id) => batch.lotImageIds.includes(id))).toBe(true);
    // Reproducible: the stored seed over the stored lot gives the same sample.
    expect(drawSample(batch.lotImageIds, 125, batch.seed)).toEqual(batch.sample);
    expect(await listBatches(db, projectId)).toEqual([batch]);
    const [entry] = await auditOf(db, projectId);
    expect(entry).toMatchObject({ user: LEAD, action: 'sampling.drawn', at: 1000 });
    expect(entry!.summary).toBe(
      'Drew acceptance sample for batch Week 12: 125 of 3,000 images (code letter K, Ac 3, Re 4)',
    );
  });

  it('draws the same sample from the same lot and seed, and another with another seed', async () => {
    const { db, projectId } = await projectWithLot(500);
    const first = await draw(db, projectId, { seed: 7 });
    const again = await draw(db, projectId, { seed: 7 });
    const other = await draw(db, projectId, { seed: 8 });
    if (!first.ok || !again.ok || !other.ok) throw new Error('draw failed');
    expect(again.batch.sample).toEqual(first.batch.sample);
    expect(other.batch.sample).not.toEqual(first.batch.sample);
  });

  it('counts the images per status for the lot chooser', async () => {
    const { db, projectId } = await projectWithLot(3, ['new', 'in-review', 'in-review']);
    expect(await lotCounts(db, projectId)).toEqual({
      new: 1,
      'in-progress': 0,
      submitted: 3,
      'in-review': 2,
      accepted: 0,
      rejected: 0,
      all: 6,
    });
  });

  it('refuses a lot of fewer than 2 images and a blank name', async () => {
    const { db, projectId } = await projectWithLot(1);
    expect(await draw(db, projectId)).toEqual({
      ok: false,
      message: 'A lot needs at least 2 images; this one has 1. Inspect it directly.',
    });
    expect(
      await drawBatch(db, { projectId, name: ' ', lot: 'all', aql: 1, level: 'II', user: LEAD }),
    ).toEqual({ ok: false, message: 'Name the batch.' });
    expect(await db.samplingBatches.count()).toBe(0);
  });
});

describe('the verdict', () => {
  it('accepts a fully inspected sample of 125 with 3 defective images (Ac 3)', async () => {
    const { db, projectId } = await projectWithLot(3000);
    const batch = await drawn(db, projectId);
    await inspect(db, batch.id, batch.sample.slice(0, 3), 2);
    await inspect(db, batch.id, batch.sample.slice(3), 0);

    const stored = (await db.samplingBatches.get(batch.id))!;
    expect(batchProgress(stored)).toEqual({
      sampleSize: 125,
      inspected: 125,
      defects: 6,
      defectiveImages: 3,
      unit: 'defective',
      counted: 3,
      verdict: 'accept',
      early: false,
    });
    const result = await recordVerdict(db, batch.id, LEAD, 2000);
    if (!result.ok) throw new Error(result.message);
    expect(result.batch.verdict).toMatchObject({ accepted: true, at: 2000, by: LEAD });
    expect(result.batch.verdict!.statement).toContain('Batch Week 12 accepted: 3 defective in 125 of 125');
    expect(result.batch.verdict!.statement).toContain('code letter K');
    expect(result.batch.verdict!.statement).toContain('ISO 2859-1');
    expect((await auditOf(db, projectId))[0]).toMatchObject({
      action: 'sampling.verdict',
      at: 2000,
      summary: result.batch.verdict!.statement,
    });
  });

  it('gives no verdict before the whole sample is inspected unless the reject number is reached', async () => {
    const { db, projectId } = await projectWithLot(3000);
    const batch = await drawn(db, projectId);
    await inspect(db, batch.id, batch.sample.slice(0, 100), 0);
    await inspect(db, batch.id, batch.sample.slice(100, 103), 1);
    expect(batchProgress((await db.samplingBatches.get(batch.id))!)).toMatchObject({
      inspected: 103,
      counted: 3,
      verdict: null,
    });
    expect(await recordVerdict(db, batch.id, LEAD)).toEqual({
      ok: false,
      message: 'Inspect the remaining 22 images first: a lot is accepted only on the whole sample.',
    });

    // The fourth defective image reaches Re 4: the lot can be rejected at once.
    await inspect(db, batch.id, batch.sample.slice(103, 104), 1);
    expect(batchProgress((await db.samplingBatches.get(batch.id))!)).toMatchObject({
      inspected: 104,
      counted: 4,
      verdict: 'reject',
      early: true,
    });
    const result = await recordVerdict(db, batch.id, LEAD, 3000);
    if (!result.ok) throw new Error(result.message);
    expect(result.batch.verdict!.accepted).toBe(false);
    expect(result.batch.verdict!.statement).toContain('rejected early');
  });

  it('counts defective images, not defects, up to AQL 10, and nonconformities above', async () => {
    const plan = samplingPlan({ lotSize: 3000, aql: 1, level: 'II' });
    const sample = ['a', 'b'] as ImageId[];
    expect(batchProgress({ plan, sample, defects: { a: 5 } })).toMatchObject({ counted: 1, verdict: null });
    const many = samplingPlan({ lotSize: 3000, aql: 15, level: 'II' });
    expect(many.reject).toBeGreaterThan(5);
    expect(batchProgress({ plan: many, sample, defects: { a: 5 } })).toMatchObject({
      unit: 'nonconformities',
      counted: 5,
    });
  });

  it('clears an inspection, refuses bad counts and closes the batch once judged', async () => {
    const { db, projectId } = await projectWithLot(10);
    const batch = await drawn(db, projectId);
    const [first] = batch.sample;
    await inspect(db, batch.id, [first!], 2);
    const cleared = await recordDefects(db, batch.id, first!, null);
    expect(cleared.ok && cleared.batch.defects).toEqual({});
    expect(await recordDefects(db, batch.id, first!, -1)).toEqual({
      ok: false,
      message: 'Defects must be a whole number of 0 or more.',
    });
    await inspect(db, batch.id, batch.sample, 0);
    await recordVerdict(db, batch.id, LEAD);
    expect(await recordDefects(db, batch.id, first!, 1)).toEqual({
      ok: false,
      message: 'The verdict is recorded; the batch is closed.',
    });
  });
});

describe('applyVerdict', () => {
  it('rejects the lot: submitted and in-review images become rejected with a review and an audit entry each', async () => {
    const { db, projectId } = await projectWithLot(3000);
    const batch = await drawn(db, projectId);
    // Two lot images moved on after the draw: one into review (still changed), one accepted (left alone).
    await db.images.update(imageId(0), { status: 'in-review' });
    await db.images.update(imageId(1), { status: 'accepted' });
    await inspect(db, batch.id, batch.sample.slice(0, 4), 1);
    await recordVerdict(db, batch.id, LEAD, 2000);
    expect(await lotAwaitingReview(db, (await db.samplingBatches.get(batch.id))!)).toBe(2999);

    expect(await applyVerdict(db, batch.id, LEAD, 3000)).toEqual({ ok: true, changed: 2999 });

    expect(await db.images.where('[projectId+status]').equals([projectId, 'rejected']).count()).toBe(2999);
    expect((await db.images.get(imageId(1)))!.status).toBe('accepted');
    expect(await db.reviews.count()).toBe(2999);
    expect(await db.reviews.get(imageId(0))).toEqual({
      imageId: imageId(0),
      projectId,
      decision: 'rejected',
      reviewer: LEAD,
      at: 3000,
      reason: 'other',
      comment: 'Batch Week 12 rejected by acceptance sampling',
    });
    const entries = (await auditOf(db, projectId)).filter((e) => e.action === 'review.status');
    expect(entries).toHaveLength(2999);
    expect(entries.find((e) => e.imageId === imageId(0))).toMatchObject({
      user: LEAD,
      at: 3000,
      before: { status: 'in-review' },
      after: {
        status: 'rejected',
        reason: 'other',
        comment: 'Batch Week 12 rejected by acceptance sampling',
      },
      summary: 'in review → rejected (Other)',
    });
    // A second application finds nothing left to change.
    expect(await applyVerdict(db, batch.id, LEAD, 4000)).toEqual({ ok: true, changed: 0 });
  });

  it('accepts the lot: submitted images become accepted with an accepting review', async () => {
    const { db, projectId } = await projectWithLot(20, ['new']);
    const batch = await drawn(db, projectId);
    await inspect(db, batch.id, batch.sample, 0);
    await recordVerdict(db, batch.id, LEAD);
    expect(await applyVerdict(db, batch.id, LEAD, 5000)).toEqual({ ok: true, changed: 20 });
    expect(await db.images.where('[projectId+status]').equals([projectId, 'accepted']).count()).toBe(20);
    expect((await db.images.get(imageId(20)))!.status).toBe('new');
    expect(await db.reviews.get(imageId(3))).toEqual({
      imageId: imageId(3),
      projectId,
      decision: 'accepted',
      reviewer: LEAD,
      at: 5000,
    });
  });

  it('changes nothing when any write fails: statuses, reviews and entries go in one transaction', async () => {
    const { db, projectId } = await projectWithLot(50);
    const batch = await drawn(db, projectId);
    await inspect(db, batch.id, batch.sample, 0);
    await recordVerdict(db, batch.id, LEAD);
    const entriesBefore = await db.audit.count();
    db.audit.hook('creating', () => {
      throw new Error('disk full');
    });

    await expect(applyVerdict(db, batch.id, LEAD)).rejects.toThrow('disk full');

    expect(await db.images.where('[projectId+status]').equals([projectId, 'submitted']).count()).toBe(50);
    expect(await db.reviews.count()).toBe(0);
    expect(await db.audit.count()).toBe(entriesBefore);
  });

  it('refuses to apply before a verdict', async () => {
    const { db, projectId } = await projectWithLot(20);
    const batch = await drawn(db, projectId);
    expect(await applyVerdict(db, batch.id, LEAD)).toEqual({
      ok: false,
      message: 'Record the verdict first.',
    });
  });
});
