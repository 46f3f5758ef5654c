/** Acceptance-sampling batches in the project database: drawing a lot's sample, recording defects, the verdict, and applying it to the lot. */

import type { ImageId, ProjectId } from '../../../src/core/ids';
import { IMAGE_STATUSES, type ImageStatus } from '../../../src/core/images/types';
import { reviewEntry, type AuditEntry } from '../../../src/core/qa/audit';
import { reasonLabel } from '../../../src/core/qa/review';
import {
  drawSample,
  judgeLot,
  samplingPlan,
  STANDARD,
  type InspectionLevel,
  type SamplingPlan,
} from '../../../src/core/qa/sampling';
import type { LabelLoopDatabase } from './database';
import { newId } from './database';
import type { ReviewRecord, SamplingBatchRecord } from './qaRecords';
import { appendAudit, rejectionReasons } from './review';

/** Which images make the lot: those with one status, or every image of the project. */
export type LotStatus = ImageStatus | 'all';

/** Images per status (and in all) in the project, for the lot chooser. */
export async function lotCounts(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<Record<LotStatus, number>> {
  const counts = await Promise.all(
    IMAGE_STATUSES.map((status) => db.images.where('[projectId+status]').equals([projectId, status]).count()),
  );
  const all = await db.images.where('projectId').equals(projectId).count();
  return {
    ...(Object.fromEntries(IMAGE_STATUSES.map((status, i) => [status, counts[i]!])) as Record<
      ImageStatus,
      number
    >),
    all,
  };
}

/** The lot's image ids in id order, so a stored seed draws the same sample from them again. */
export async function lotImageIds(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  status: LotStatus,
): Promise<ImageId[]> {
  const keys =
    status === 'all'
      ? await db.images.where('projectId').equals(projectId).primaryKeys()
      : await db.images.where('[projectId+status]').equals([projectId, status]).primaryKeys();
  return (keys as ImageId[]).sort();
}

/** The plan for a lot, or the sentence saying why there is none (an empty or one-image lot). */
export function planFor(
  lotSize: number,
  aql: number,
  level: InspectionLevel,
): { ok: true; plan: SamplingPlan } | { ok: false; message: string } {
  if (lotSize < 2)
    return {
      ok: false,
      message: `A lot needs at least 2 images; this one has ${lotSize}. Inspect ${lotSize === 1 ? 'it' : 'them'} directly.`,
    };
  try {
    return { ok: true, plan: samplingPlan({ lotSize, aql, level }) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

/** The plan in one line, as the screen and the verdict state it. */
export const planStatement = (plan: SamplingPlan): string => `${plan.explanation}; ${STANDARD}.`;

const randomSeed = (): number => crypto.getRandomValues(new Uint32Array(1))[0]!;

const grouped = (n: number): string => n.toLocaleString('en');

/**
 * Draws the sample ISO 2859-1 prescribes for the lot and stores the batch with its seed (drawSample over the
 * stored lot ids with that seed gives the same sample), with an audit entry, in one transaction.
 */
export async function drawBatch(
  db: LabelLoopDatabase,
  input: {
    projectId: ProjectId;
    name: string;
    lot: LotStatus;
    aql: number;
    level: InspectionLevel;
    user: string;
    seed?: number;
  },
  at = Date.now(),
): Promise<{ ok: true; batch: SamplingBatchRecord } | { ok: false; message: string }> {
  const name = input.name.trim();
  if (name === '') return { ok: false, message: 'Name the batch.' };
  const seed = input.seed ?? randomSeed();
  return db.transaction('rw', [db.images, db.samplingBatches, db.audit], async () => {
    const lotIds = await lotImageIds(db, input.projectId, input.lot);
    const planned = planFor(lotIds.length, input.aql, input.level);
    if (!planned.ok) return planned;
    const { plan } = planned;
    const batch: SamplingBatchRecord = {
      id: newId(),
      projectId: input.projectId,
      name,
      createdAt: at,
      createdBy: input.user,
      lotImageIds: lotIds,
      plan,
      seed,
      sample: drawSample(lotIds, plan.sampleSize, seed) as ImageId[],
      defects: {},
    };
    await db.samplingBatches.add(batch);
    await appendAudit(db, [
      {
        projectId: input.projectId,
        at,
        user: input.user,
        action: 'sampling.drawn',
        origin: 'review',
        before: null,
        after: {
          batch: batch.id,
          name,
          lot: input.lot,
          lotSize: plan.lotSize,
          aql: plan.aql,
          level: plan.level,
          codeLetter: plan.codeLetter,
          sampleSize: plan.sampleSize,
          accept: plan.accept,
          reject: plan.reject,
          seed,
        },
        summary: `Drew acceptance sample for batch ${name}: ${grouped(plan.sampleSize)} of ${grouped(plan.lotSize)} images (code letter ${plan.codeLetter}, Ac ${plan.accept}, Re ${plan.reject})`,
      },
    ]);
    return { ok: true as const, batch };
  });
}

/** The project's batches, newest first. */
export async function listBatches(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<SamplingBatchRecord[]> {
  const batches = await db.samplingBatches.where('projectId').equals(projectId).toArray();
  return batches.sort((a, b) => b.createdAt - a.createdAt);
}

export interface BatchProgress {
  readonly sampleSize: number;
  readonly inspected: number;
  /** Defects found in all (nonconformities). */
  readonly defects: number;
  /** Inspected images with at least one defect. */
  readonly defectiveImages: number;
  /** What the plan counts: defective images at AQL ≤ 10, nonconformities above (the plan's own words). */
  readonly unit: 'defective' | 'nonconformities';
  /** The count judged against Ac and Re. */
  readonly counted: number;
  /** Null while the sample is neither fully inspected nor already at the reject number. */
  readonly verdict: 'accept' | 'reject' | null;
  /** Rejected on reaching Re before the whole sample was inspected. */
  readonly early: boolean;
}

/**
 * Where the inspection stands. ISO 2859-1 lets an inspection stop and reject the lot as soon as the count
 * reaches Re; acceptance needs the whole sample inspected.
 */
export function batchProgress(
  batch: Pick<SamplingBatchRecord, 'plan' | 'sample' | 'defects'>,
): BatchProgress {
  let inspected = 0;
  let defects = 0;
  let defectiveImages = 0;
  for (const id of batch.sample) {
    const found = batch.defects[id];
    if (found === undefined) continue;
    inspected++;
    defects += found;
    if (found > 0) defectiveImages++;
  }
  const unit = batch.plan.aql > 10 ? 'nonconformities' : 'defective';
  const counted = unit === 'defective' ? defectiveImages : defects;
  const sampleSize = batch.sample.length;
  const verdict =
    counted >= batch.plan.reject ? 'reject' : inspected === sampleSize ? judgeLot(batch.plan, counted) : null;
  return {
    sampleSize,
    inspected,
    defects,
    defectiveImages,
    unit,
    counted,
    verdict,
    early: verdict === 'reject' && inspected < sampleSize,
  };
}

/** The verdict in words, with the plan it used. */
export function verdictStatement(batch: SamplingBatchRecord, progress: BatchProgress): string {
  const found = `${progress.counted} ${progress.unit} in ${grouped(progress.inspected)} of ${grouped(progress.sampleSize)} sampled images`;
  const outcome = progress.verdict === 'accept' ? 'accepted' : 'rejected';
  const early = progress.early
    ? ` — rejected early: the reject number ${batch.plan.reject} was reached before the whole sample was inspected, which ISO 2859-1 allows`
    : '';
  return `Batch ${batch.name} ${outcome}: ${found}${early}. Plan: ${planStatement(batch.plan)}`;
}

/** Records one sampled image's defects (null: not inspected). A batch with a verdict is closed. */
export async function recordDefects(
  db: LabelLoopDatabase,
  batchId: string,
  imageId: ImageId,
  defects: number | null,
): Promise<{ ok: true; batch: SamplingBatchRecord } | { ok: false; message: string }> {
  if (defects !== null && (!Number.isInteger(defects) || defects < 0))
    return { ok: false, message: 'Defects must be a whole number of 0 or more.' };
  return db.transaction('rw', db.samplingBatches, async () => {
    const batch = await db.samplingBatches.get(batchId);
    if (!batch) return { ok: false as const, message: 'This batch no longer exists.' };
    if (batch.verdict)
      return { ok: false as const, message: 'The verdict is recorded; the batch is closed.' };
    if (!batch.sample.includes(imageId))
      return { ok: false as const, message: 'That image is not in the sample.' };
    const { [imageId]: _old, ...rest } = batch.defects;
    const next: SamplingBatchRecord = {
      ...batch,
      defects: defects === null ? rest : { ...rest, [imageId]: defects },
    };
    await db.samplingBatches.put(next);
    return { ok: true as const, batch: next };
  });
}

/** Stores the verdict the defects so far give, with the plan's statement and an audit entry. */
export async function recordVerdict(
  db: LabelLoopDatabase,
  batchId: string,
  user: string,
  at = Date.now(),
): Promise<{ ok: true; batch: SamplingBatchRecord } | { ok: false; message: string }> {
  return db.transaction('rw', [db.samplingBatches, db.audit], async () => {
    const batch = await db.samplingBatches.get(batchId);
    if (!batch) return { ok: false as const, message: 'This batch no longer exists.' };
    if (batch.verdict) return { ok: false as const, message: 'The verdict is already recorded.' };
    const progress = batchProgress(batch);
    if (progress.verdict === null) {
      const left = progress.sampleSize - progress.inspected;
      return {
        ok: false as const,
        message: `Inspect the remaining ${left} image${left === 1 ? '' : 's'} first: a lot is accepted only on the whole sample.`,
      };
    }
    const statement = verdictStatement(batch, progress);
    const next: SamplingBatchRecord = {
      ...batch,
      verdict: { accepted: progress.verdict === 'accept', at, by: user, statement },
    };
    await db.samplingBatches.put(next);
    await appendAudit(db, [
      {
        projectId: batch.projectId,
        at,
        user,
        action: 'sampling.verdict',
        origin: 'review',
        before: { batch: batch.id, verdict: null },
        after: {
          batch: batch.id,
          verdict: progress.verdict,
          inspected: progress.inspected,
          sampleSize: progress.sampleSize,
          counted: progress.counted,
          unit: progress.unit,
          early: progress.early,
          accept: batch.plan.accept,
          reject: batch.plan.reject,
          defects: batch.defects,
        },
        summary: statement,
      },
    ]);
    return { ok: true as const, batch: next };
  });
}

/** Statuses a verdict moves: images still waiting for, or in, review. */
const AWAITING_REVIEW: ReadonlySet<ImageStatus> = new Set(['submitted', 'in-review']);

/** The lot images a verdict would change now. */
export async function lotAwaitingReview(db: LabelLoopDatabase, batch: SamplingBatchRecord): Promise<number> {
  const images = await db.images.bulkGet([...batch.lotImageIds]);
  return images.filter((image) => image && AWAITING_REVIEW.has(image.status)).length;
}

export const REJECTION_REASON = 'other';

/**
 * Applies a recorded verdict to the lot: its submitted and in-review images become accepted, or rejected
 * with reason "other" and a comment naming the batch; each gets a review row and a 'review.status' audit
 * entry, all in one transaction. Images already moved on (accepted, reworked, deleted) are left alone.
 */
export async function applyVerdict(
  db: LabelLoopDatabase,
  batchId: string,
  user: string,
  at = Date.now(),
): Promise<{ ok: true; changed: number } | { ok: false; message: string }> {
  return db.transaction(
    'rw',
    [db.samplingBatches, db.images, db.reviews, db.audit, db.settings],
    async () => {
      const batch = await db.samplingBatches.get(batchId);
      if (!batch) return { ok: false as const, message: 'This batch no longer exists.' };
      if (!batch.verdict) return { ok: false as const, message: 'Record the verdict first.' };
      const accepted = batch.verdict.accepted;
      const to: ImageStatus = accepted ? 'accepted' : 'rejected';
      const comment = `Batch ${batch.name} rejected by acceptance sampling`;
      const label = reasonLabel(await rejectionReasons(db, batch.projectId), REJECTION_REASON);
      const images = (await db.images.bulkGet([...batch.lotImageIds])).filter(
        (image) => image !== undefined && AWAITING_REVIEW.has(image.status),
      );
      const reviews: ReviewRecord[] = [];
      const entries: AuditEntry[] = [];
      for (const image of images) {
        reviews.push({
          imageId: image!.id,
          projectId: batch.projectId,
          decision: accepted ? 'accepted' : 'rejected',
          reviewer: user,
          at,
          ...(accepted ? {} : { reason: REJECTION_REASON, comment }),
        });
        entries.push(
          reviewEntry({
            projectId: batch.projectId,
            imageId: image!.id,
            user,
            at,
            from: image!.status,
            to,
            ...(accepted ? {} : { reason: REJECTION_REASON, comment, reasonLabel: label }),
          }),
        );
      }
      await db.images.bulkUpdate(images.map((image) => ({ key: image!.id, changes: { status: to } })));
      await db.reviews.bulkPut(reviews);
      await appendAudit(db, entries);
      return { ok: true as const, changed: images.length };
    },
  );
}
