/** Agreement, consistency checks, the QA report and consensus off the UI thread: each reads the whole project. */

import type { ProjectId } from '../../../src/core/ids';
import { agreementReport } from '../../../src/core/qa/agreement';
import { checkConsistency } from '../../../src/core/qa/consistency';
import { buildReport } from '../../../src/core/qa/buildReport';
import { renderReportHtml } from '../../../src/core/qa/report';
import {
  agreementInput,
  consistencyInput,
  snapshotToJson,
  type QaSnapshot,
} from '../../../src/core/qa/snapshot';
import { compileSchema } from '../../../src/core/schema/validation/compile';
import { planConsensus, writeConsensus } from '../db/consensus';
import { openDatabase } from '../db/database';
import { loadQaSnapshot } from '../db/qaSnapshot';
import { currentSchema } from '../db/schemas';
import { answerRequests } from '../workers/rpc';
import type { AgreementView, ConsistencyView, QaNames, QaWorkerRequest, ReportView } from './qaProtocol';

const db = openDatabase();

/** The last snapshot read, reused while the project and the cache key stay the same (threshold changes). */
let cached: { projectId: ProjectId; cacheKey: string; snapshot: Promise<QaSnapshot | undefined> } | null =
  null;

async function snapshotOf(projectId: ProjectId, cacheKey: string): Promise<QaSnapshot> {
  if (cached?.projectId !== projectId || cached.cacheKey !== cacheKey)
    cached = { projectId, cacheKey, snapshot: loadQaSnapshot(db, projectId) };
  const snapshot = await cached.snapshot;
  if (!snapshot) throw new Error('This project no longer exists.');
  return snapshot;
}

/** People, classes and attributes by id, and the file names of `imageIds` only (a project can be large). */
function namesOf(snapshot: QaSnapshot, imageIds: ReadonlySet<string>): QaNames {
  const images: Record<string, string> = {};
  for (const image of snapshot.images) if (imageIds.has(image.id)) images[image.id] = image.fileName;
  const classes: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  const schema = snapshot.schema?.schema;
  for (const attribute of schema?.imageAttributes ?? []) attributes[attribute.id] ??= attribute.name;
  for (const labelClass of schema?.classes ?? []) {
    classes[labelClass.id] = labelClass.name;
    for (const attribute of labelClass.attributes) attributes[attribute.id] ??= attribute.name;
  }
  return {
    images,
    users: Object.fromEntries(snapshot.users.map((user) => [user.id, user.name])),
    classes,
    attributes,
  };
}

async function agreement(projectId: ProjectId, cacheKey: string, iouThreshold: number) {
  const snapshot = await snapshotOf(projectId, cacheKey);
  const { labelSets, gold } = agreementInput(snapshot);
  const report = agreementReport(labelSets, { iouThreshold, gold });
  return {
    report,
    names: namesOf(snapshot, new Set(report.perImage.map((row) => row.imageId))),
    labeledImages: new Set(labelSets.map((set) => set.imageId)).size,
    goldImages: snapshot.goldImageIds.length,
  } satisfies AgreementView;
}

async function consistency(projectId: ProjectId, cacheKey: string) {
  const snapshot = await snapshotOf(projectId, cacheKey);
  const schema = snapshot.schema ? compileSchema(snapshot.schema.schema) : undefined;
  const report = checkConsistency(consistencyInput(snapshot), schema ? { schema } : {});
  const imageIds = new Set<string>();
  for (const finding of report.findings) {
    if (finding.imageId !== undefined) imageIds.add(finding.imageId);
    if (finding.otherImageId !== undefined) imageIds.add(finding.otherImageId);
  }
  const names = namesOf(snapshot, imageIds);
  // Messages name a look-alike image by id; people know it by its file name.
  const findings = report.findings.map((finding) => {
    const other = finding.otherImageId === undefined ? undefined : names.images[finding.otherImageId];
    return other === undefined
      ? finding
      : { ...finding, message: finding.message.replace(finding.otherImageId!, other) };
  });
  return {
    findings,
    counts: report.counts,
    names,
    images: snapshot.images.length,
    hasSchema: schema !== undefined,
  } satisfies ConsistencyView;
}

/** The report and its HTML; a version that does not exist rejects with buildReport's RangeError message. */
async function report(request: Extract<QaWorkerRequest, { op: 'report' }>): Promise<ReportView> {
  const { projectId, cacheKey, iouThreshold, versionNumber, imageIds, title, generatedAt } = request;
  const snapshot = await snapshotOf(projectId, cacheKey);
  const data = buildReport(snapshot, {
    iouThreshold,
    generatedAt,
    ...(versionNumber === undefined ? {} : { versionNumber }),
    ...(imageIds === undefined ? {} : { imageIds }),
    ...(title === undefined ? {} : { title }),
  });
  return { data, html: renderReportHtml(data), projectName: snapshot.project.name };
}

answerRequests<QaWorkerRequest>(async (request) => {
  switch (request.op) {
    case 'agreement':
      return agreement(request.projectId, request.cacheKey, request.iouThreshold);
    case 'consistency':
      return consistency(request.projectId, request.cacheKey);
    case 'report':
      return report(request);
    case 'qaData':
      return snapshotToJson(await snapshotOf(request.projectId, request.cacheKey));
    case 'consensusPlan':
      return planConsensus(db, request.projectId);
    case 'consensusWrite': {
      const schema = await currentSchema(db, request.projectId);
      const classes = new Map(schema?.schema.classes.map((c) => [c.id, c.name]));
      const outcome = await writeConsensus(db, request.projectId, {
        user: request.user,
        iouThreshold: request.iouThreshold,
        confirmedReplacing: request.confirmedReplacing,
        className: (classId) => classes.get(classId) ?? classId,
      });
      cached = null;
      return outcome;
    }
  }
});
