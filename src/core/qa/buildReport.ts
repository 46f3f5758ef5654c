/**
 * The QA report's numbers from a project's QA snapshot: one function for the app's Report tab and
 * `labelloop qa report`, so both show the same figures.
 */

import type { ImageId } from '../ids';
import { compileSchema } from '../schema/validate';
import { agreementReport, byName } from './agreement';
import { timeSpentPerImage, type AuditEntry, type AuditOrigin } from './audit';
import { checkConsistency, CONSISTENCY_CHECKS } from './consistency';
import { displayName, type UserProfile } from './people';
import type {
  AgreementSummary,
  ConsistencyRow,
  GoldRow,
  QaReportData,
  ReviewSummary,
  SamplingRow,
  ThroughputRow,
  TrendPoint,
} from './report';
import { reasonLabel } from './review';
import { agreementInput, consistencyInput, type QaSnapshot } from './snapshot';

export interface BuildReportOptions {
  /** Objects are the same object at IoU ≥ this when comparing annotators; 0.5 by default. */
  readonly iouThreshold?: number;
  /** Only these images (intersected with the version's when both are given). */
  readonly imageIds?: readonly string[];
  /** Only the images of this dataset version. */
  readonly versionNumber?: number;
  /** "<project> — QA report" by default. */
  readonly title?: string;
  /** When the report was made; the snapshot's time by default (the core reads no clock). */
  readonly generatedAt?: number;
}

/** Trend metric names, as the report's chart legend and CSV columns show them. */
export const TREND_METRICS = {
  rejectionRate: 'rejection rate',
  agreementF1: 'mean image F1',
  findingsPer100: 'findings per 100 images',
} as const;

/** Origins that are someone editing labels in the editor (reviews and imports are not annotation work). */
const EDIT_ORIGINS: ReadonlySet<AuditOrigin> = new Set(['do', 'undo', 'redo']);
/** Actions that put a new object on an image. */
const CREATIONS: ReadonlySet<string> = new Set(['annotation.created', 'prediction.accepted']);

type InScope = (imageId: string) => boolean;

const ratio = (part: number, whole: number): number => (whole === 0 ? NaN : part / whole);
const mean = (values: readonly number[]): number =>
  values.length === 0 ? NaN : values.reduce((s, v) => s + v, 0) / values.length;
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const imagesText = (n: number): string => `${grouped(n)} image${n === 1 ? '' : 's'}`;

/** The images a report covers and how its header names them; a version that does not exist is a RangeError. */
export function reportScope(
  snapshot: QaSnapshot,
  options: Pick<BuildReportOptions, 'imageIds' | 'versionNumber'> = {},
): { ids: ReadonlySet<string>; scope: string } {
  let ids: Set<string> = new Set(snapshot.images.map((image) => image.id));
  let name = 'All images';
  if (options.versionNumber !== undefined) {
    const version = snapshot.versions.find((v) => v.number === options.versionNumber);
    if (version === undefined) {
      const known = snapshot.versions.map((v) => v.number).join(', ');
      throw new RangeError(
        `There is no version ${options.versionNumber} in ${snapshot.project.name}${known === '' ? ' (it has no versions)' : ` (versions: ${known})`}.`,
      );
    }
    ids = new Set(version.imageIds);
    name = `Version ${version.number}`;
  }
  if (options.imageIds !== undefined) {
    const chosen = new Set<string>(options.imageIds);
    ids = new Set([...ids].filter((id) => chosen.has(id)));
    name = options.versionNumber === undefined ? 'Selected images' : `${name}, selected images`;
  }
  return { ids, scope: `${name} · ${imagesText(ids.size)}` };
}

/**
 * Per person who labeled images in scope: the images they edited in the editor or returned in a task bundle,
 * the objects they created (drawn or accepted predictions, counted when made, so later deletions still count
 * as work; in a returned label set, each object it holds that they created), the hours on those images and
 * images per hour. An image's time is the audit's (timeSpentPerImage) or the seconds its task bundle reported,
 * whichever is larger: both measure the same work when someone labeled in the app and in a task, so they are
 * not added up; a bundle returned twice reports its running total, so the largest return counts.
 */
function throughput(
  snapshot: QaSnapshot,
  inScope: InScope,
  users: Map<string, UserProfile>,
): ThroughputRow[] {
  const work = new Map<string, { images: Set<string>; objects: number; made: Set<string> }>();
  const mine = (user: string) => {
    const found = work.get(user) ?? { images: new Set<string>(), objects: 0, made: new Set<string>() };
    work.set(user, found);
    return found;
  };
  for (const entry of snapshot.audit) {
    if (entry.imageId === undefined || !inScope(entry.imageId) || !EDIT_ORIGINS.has(entry.origin)) continue;
    // Accepting or rejecting an image in the editor is review, not labeling.
    if (entry.action === 'review.decision') continue;
    const person = mine(entry.user);
    person.images.add(entry.imageId);
    // An object counts once however often it is redone after an undo.
    if (CREATIONS.has(entry.action) && entry.origin !== 'undo') {
      if (entry.annotationId !== undefined && person.made.has(entry.annotationId)) continue;
      person.objects++;
      if (entry.annotationId !== undefined) person.made.add(entry.annotationId);
    }
  }
  const seconds = new Map<string, number>();
  const key = (user: string, imageId: string) => JSON.stringify([user, imageId]);
  for (const set of snapshot.labelSets) {
    if (!inScope(set.imageId)) continue;
    const person = mine(set.annotator);
    person.images.add(set.imageId);
    for (const a of set.annotations) {
      if (a.createdBy !== set.annotator || person.made.has(a.id)) continue;
      person.made.add(a.id);
      person.objects++;
    }
    if (set.seconds !== undefined) {
      const k = key(set.annotator, set.imageId);
      seconds.set(k, Math.max(seconds.get(k) ?? 0, set.seconds));
    }
  }
  for (const spent of timeSpentPerImage(snapshot.audit)) {
    if (!work.get(spent.user)?.images.has(spent.imageId)) continue;
    const k = key(spent.user, spent.imageId);
    seconds.set(k, Math.max(seconds.get(k) ?? 0, spent.seconds));
  }
  return [...work]
    .map(([user, { images, objects }]) => {
      let total = 0;
      for (const imageId of images) total += seconds.get(key(user, imageId)) ?? 0;
      const hours = total / 3600;
      return {
        annotator: displayName(user, users),
        images: images.size,
        objects,
        hours,
        imagesPerHour: ratio(images.size, hours),
      };
    })
    .sort((x, y) => y.images - x.images || byName(x.annotator, y.annotator));
}

type Decision = { readonly decision: 'accepted' | 'rejected'; readonly reason?: string };

/** The accept or reject an audit value holds: an ImageReview (review.decision) or a status (review.status). */
function decisionIn(value: unknown, field: 'decision' | 'status'): Decision | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const decision = record[field];
  if (decision !== 'accepted' && decision !== 'rejected') return undefined;
  return typeof record.reason === 'string' ? { decision, reason: record.reason } : { decision };
}

/**
 * Every review decision the audit records in scope, each with +1 (made) or −1 (taken back by an undo): the
 * editor's accept/reject (a do or redo adds its new decision, an undo takes back the one it undid) and an
 * acceptance-sampling verdict applied to an image.
 */
function auditDecisions(
  audit: readonly AuditEntry[],
  inScope: InScope,
): { imageId: string; decision: Decision; count: 1 | -1 }[] {
  return audit.flatMap((entry) => {
    if (entry.imageId === undefined || !inScope(entry.imageId)) return [];
    let decision: Decision | undefined;
    let count: 1 | -1 = 1;
    if (entry.action === 'review.decision') {
      if (entry.origin === 'undo') {
        decision = decisionIn(entry.before, 'decision');
        count = -1;
      } else if (entry.origin === 'do' || entry.origin === 'redo')
        decision = decisionIn(entry.after, 'decision');
    } else if (entry.action === 'review.status' && entry.origin === 'review')
      decision = decisionIn(entry.after, 'status');
    return decision === undefined ? [] : [{ imageId: entry.imageId, decision, count }];
  });
}

/** Each image's latest review row: how projects reviewed before the audit log existed are counted. */
function latestReviews(snapshot: QaSnapshot, inScope: InScope) {
  const latest = new Map<string, QaSnapshot['reviews'][number]>();
  for (const review of snapshot.reviews) {
    if (!inScope(review.imageId)) continue;
    const seen = latest.get(review.imageId);
    if (seen === undefined || review.at > seen.at) latest.set(review.imageId, review);
  }
  return [...latest.values()].map((review) => ({
    imageId: review.imageId as string,
    decision: review,
    count: 1 as const,
  }));
}

/**
 * Review decisions in scope from the audit, so an image rejected, fixed and accepted counts one rejection
 * and one acceptance: reviewed = images with a decision, accepted and rejected = decisions, the rejection
 * rate = rejected / decisions, rejection reasons by label, most frequent first. With no decision in the audit
 * but review rows (reviewed before the audit existed), each image's latest review is its one decision.
 */
function reviews(snapshot: QaSnapshot, inScope: InScope): ReviewSummary {
  const fromAudit = auditDecisions(snapshot.audit, inScope);
  const decisions = fromAudit.length > 0 ? fromAudit : latestReviews(snapshot, inScope);
  const perImage = new Map<string, number>();
  const reasons = new Map<string, number>();
  let accepted = 0;
  let rejected = 0;
  for (const { imageId, decision, count } of decisions) {
    perImage.set(imageId, (perImage.get(imageId) ?? 0) + count);
    if (decision.decision === 'accepted') {
      accepted += count;
      continue;
    }
    rejected += count;
    const label =
      decision.reason === undefined
        ? 'No reason given'
        : reasonLabel(snapshot.rejectionReasons, decision.reason);
    reasons.set(label, (reasons.get(label) ?? 0) + count);
  }
  return {
    reviewed: [...perImage.values()].filter((n) => n > 0).length,
    accepted,
    rejected,
    rejectionRate: ratio(rejected, accepted + rejected),
    reasons: [...reasons]
      .filter(([, count]) => count > 0)
      .map(([label, count]) => ({ label, count }))
      .sort((x, y) => y.count - x.count || byName(x.label, y.label)),
  };
}

/** The snapshot's inputs of agreementReport and checkConsistency, made once for the scope and every version. */
interface Inputs {
  readonly labelSets: ReturnType<typeof agreementInput>['labelSets'];
  readonly returnedAt: readonly number[];
  readonly gold: ReturnType<typeof agreementInput>['gold'];
  readonly images: ReturnType<typeof consistencyInput>;
}

const inputsOf = (snapshot: QaSnapshot): Inputs => ({
  ...agreementInput(snapshot),
  returnedAt: snapshot.labelSets.map((set) => set.returnedAt),
  images: consistencyInput(snapshot),
});

/** Agreement inputs in scope, one label set per annotator and image (the last returned). */
function scopedAgreementInput(inputs: Inputs, inScope: InScope) {
  const latest = new Map<string, { set: Inputs['labelSets'][number]; at: number }>();
  inputs.labelSets.forEach((set, i) => {
    if (!inScope(set.imageId)) return;
    const key = JSON.stringify([set.annotator, set.imageId]);
    const seen = latest.get(key);
    const at = inputs.returnedAt[i]!;
    if (seen === undefined || at >= seen.at) latest.set(key, { set, at });
  });
  return {
    labelSets: [...latest.values()].map((entry) => entry.set),
    gold: inputs.gold.filter((set) => inScope(set.imageId)),
  };
}

/** Consistency findings per check (every check, in CONSISTENCY_CHECKS order, zeros included). */
function consistency(
  inputs: Inputs,
  inScope: InScope,
  schema: ReturnType<typeof compileSchema> | undefined,
): { rows: ConsistencyRow[]; total: number } {
  const report = checkConsistency(
    inputs.images.filter((image) => inScope(image.imageId)),
    schema === undefined ? {} : { schema },
  );
  return {
    rows: CONSISTENCY_CHECKS.map((c) => ({ check: c.id, title: c.title, count: report.counts[c.id] })),
    total: report.findings.length,
  };
}

/**
 * The QA report of a project's snapshot, or of a version's or a set of images in it. Trends are one point
 * per dataset version, each computed from the current data restricted to that version's images (reviews,
 * label sets and findings are not frozen with a version), so a trend shows how each version's images stand now.
 */
export function buildReport(snapshot: QaSnapshot, options: BuildReportOptions = {}): QaReportData {
  const iouThreshold = options.iouThreshold ?? 0.5;
  if (!(iouThreshold > 0 && iouThreshold <= 1))
    throw new RangeError(`The IoU threshold must be above 0 and at most 1, got ${iouThreshold}.`);
  const { ids, scope } = reportScope(snapshot, options);
  const inScope: InScope = (imageId) => ids.has(imageId);
  const users = new Map<string, UserProfile>(snapshot.users.map((user) => [user.id, user]));
  const name = (id: string) => displayName(id, users);
  const schema = snapshot.schema === null ? undefined : compileSchema(snapshot.schema.schema);
  const className = (classId: string) => schema?.classes.get(classId)?.name ?? classId;

  const inputs = inputsOf(snapshot);
  const input = scopedAgreementInput(inputs, inScope);
  const report =
    input.labelSets.length === 0
      ? undefined
      : agreementReport(input.labelSets, {
          iouThreshold,
          ...(input.gold.length === 0 ? {} : { gold: input.gold }),
        });
  const agreement: AgreementSummary | undefined = report && {
    // By display name (the core orders pairs by id); F1, IoU and kappa read the same either way.
    pairs: report.pairs
      .map((p) => ({
        ...(byName(name(p.a), name(p.b)) <= 0
          ? { a: name(p.a), b: name(p.b) }
          : { a: name(p.b), b: name(p.a) }),
        images: p.images,
        f1: p.f1,
        meanIou: p.meanIou,
        kappa: p.cohensKappa.kappa,
      }))
      .sort((x, y) => byName(x.a, y.a) || byName(x.b, y.b)),
    fleissKappa: report.overall.fleissKappa.kappa,
    alpha: report.overall.krippendorffAlpha.alpha,
    classByAnnotator: {
      classes: report.perClass.map((c) => className(c.classId)),
      annotators: report.annotators.map(name),
      values: report.perClass.map((c) => c.byAnnotator.map((cell) => cell.agreement)),
    },
  };
  const gold: GoldRow[] | undefined =
    report === undefined || input.gold.length === 0
      ? undefined
      : report.perAnnotator.flatMap((a) =>
          a.gold === null || a.gold.images === 0
            ? []
            : [
                {
                  annotator: name(a.annotator),
                  images: a.gold.images,
                  f1: a.gold.f1,
                  classAccuracy: a.gold.classAccuracy,
                },
              ],
        );

  const trends: TrendPoint[] = [...snapshot.versions]
    .sort((x, y) => x.number - y.number)
    .map((version) => {
      const mine = new Set<string>(version.imageIds);
      const inVersion: InScope = (imageId) => mine.has(imageId);
      const { labelSets } = scopedAgreementInput(inputs, inVersion);
      const perImage = labelSets.length === 0 ? [] : agreementReport(labelSets, { iouThreshold }).perImage;
      return {
        label: `v${version.number}`,
        values: {
          [TREND_METRICS.rejectionRate]: reviews(snapshot, inVersion).rejectionRate,
          [TREND_METRICS.agreementF1]: mean(perImage.map((image) => image.meanF1)),
          [TREND_METRICS.findingsPer100]: ratio(
            100 * consistency(inputs, inVersion, schema).total,
            mine.size,
          ),
        },
      };
    });

  return {
    title: options.title ?? `${snapshot.project.name} — QA report`,
    generatedAt: options.generatedAt ?? snapshot.createdAt,
    scope,
    throughput: throughput(snapshot, inScope, users),
    reviews: reviews(snapshot, inScope),
    ...(agreement === undefined ? {} : { agreement }),
    ...(gold === undefined ? {} : { gold }),
    consistency: consistency(inputs, inScope, schema).rows,
    ...(trends.length === 0 ? {} : { trends }),
    sampling: sampling(snapshot, inScope),
  };
}

/**
 * Judged acceptance-sampling batches with a sampled image in scope. Defects count as the plan counts them
 * (as the Sampling tab does): defective images at AQL ≤ 10, nonconformities above.
 */
function sampling(snapshot: QaSnapshot, inScope: InScope): SamplingRow[] {
  return snapshot.samplingBatches.flatMap((batch) => {
    if (batch.verdict === undefined || !batch.sample.some((id: ImageId) => inScope(id))) return [];
    let defects = 0;
    for (const id of batch.sample) {
      const found = batch.defects[id] ?? 0;
      defects += batch.plan.aql > 10 ? found : found > 0 ? 1 : 0;
    }
    return [
      {
        plan: `${batch.name}: ${batch.plan.explanation}`,
        sampled: batch.sample.length,
        defects,
        accept: batch.plan.accept,
        reject: batch.plan.reject,
        verdict: batch.verdict.accepted ? 'accepted' : 'rejected',
      },
    ];
  });
}
