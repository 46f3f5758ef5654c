/**
 * The QA lead's side of handing out work: assignments planned and stored, each exported as a task bundle,
 * and a returned bundle checked, merged into the project's labels (work images) or kept apart for agreement
 * (overlap and gold images), all in one transaction once the lead has settled every conflict.
 */

import { classIdsOf, type Annotation, type ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { ImageStatus } from '../../../src/core/images/types';
import { assignmentEntry, bundleEntry, type AuditEntry } from '../../../src/core/qa/audit';
import { planAssignments, type AssignmentSummary } from '../../../src/core/qa/assignments';
import {
  buildBundle,
  bundleToJson,
  emptyLabels,
  isEmptyLabels,
  migrateBundleLabels,
  readBundle,
  type TaskBundle,
  type TaskBundleId,
} from '../../../src/core/qa/bundle';
import {
  mergeReturnedBundle,
  resolveConflicts,
  type Conflict,
  type ConflictChoice,
} from '../../../src/core/qa/merge';
import { canLead, type UserId, type UserProfile } from '../../../src/core/qa/people';
import { newId, type LabelLoopDatabase } from './database';
import { appendAudit } from './review';
import type { AssignmentRecord, BaseLabels, LabelSetRecord } from './qaRecords';
import { currentSchema } from './schemas';

export type Outcome<T> = ({ ok: true } & T) | { ok: false; message: string };

/** Which images an assignment round hands out: all, or those in some statuses. */
export type ImageChoice = 'all' | readonly ImageStatus[];

export async function imagesToAssign(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  choice: ImageChoice,
): Promise<ImageId[]> {
  if (choice === 'all')
    return (await db.images.where('projectId').equals(projectId).primaryKeys()) as ImageId[];
  const keys = choice.map((status) => [projectId, status]);
  return (await db.images.where('[projectId+status]').anyOf(keys).primaryKeys()) as ImageId[];
}

/** Images that can be gold: accepted by a reviewer and labeled, so there is something to score against. */
export async function goldCandidates(db: LabelLoopDatabase, projectId: ProjectId): Promise<ImageId[]> {
  const accepted = await imagesToAssign(db, projectId, ['accepted']);
  const labels = await db.annotations.bulkGet(accepted);
  return accepted.filter((_, i) => labels[i] !== undefined && !isEmptyLabels(labels[i]));
}

export const listAssignments = (db: LabelLoopDatabase, projectId: ProjectId): Promise<AssignmentRecord[]> =>
  db.assignments.where('projectId').equals(projectId).sortBy('createdAt');

export interface CreateAssignmentsInput {
  readonly projectId: ProjectId;
  readonly imageIds: readonly ImageId[];
  readonly annotators: readonly UserProfile[];
  /** 0–1. */
  readonly overlap: number;
  readonly goldImageIds: readonly ImageId[];
  /** 0–1, below 1. */
  readonly goldShare: number;
  readonly seed: string;
  readonly lead: UserProfile;
}

/** Plans and stores one assignment per annotator, with an 'image.assigned' audit entry per image handed out. */
export async function createAssignments(
  db: LabelLoopDatabase,
  input: CreateAssignmentsInput,
  now = Date.now(),
): Promise<Outcome<{ assignments: AssignmentRecord[]; summary: AssignmentSummary }>> {
  if (!canLead(input.lead.role)) return { ok: false, message: 'Only a QA lead can hand out work.' };
  if (input.imageIds.length === 0) return { ok: false, message: 'There are no images to assign.' };
  let plan;
  try {
    plan = planAssignments({
      imageIds: input.imageIds,
      annotators: input.annotators.map((a) => a.id),
      overlap: input.overlap,
      goldImageIds: input.goldImageIds,
      goldShare: input.goldShare,
      seed: input.seed,
    });
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const names = new Map(input.annotators.map((a) => [a.id as string, a.name]));
  const assignments = plan.assignments.map((a): AssignmentRecord => ({
    id: newId(),
    projectId: input.projectId,
    annotator: a.annotator,
    createdAt: now,
    createdBy: input.lead.id,
    imageIds: a.imageIds,
    overlapImageIds: a.overlapImageIds,
    goldImageIds: a.goldImageIds,
  }));
  const entries = assignments.flatMap((a) =>
    a.imageIds
      .filter((imageId) => !a.goldImageIds.includes(imageId))
      .map((imageId) =>
        assignmentEntry({
          projectId: input.projectId,
          user: input.lead.id,
          at: now,
          imageId,
          to: a.annotator,
          name: (id) => names.get(id) ?? id,
        }),
      ),
  );
  await db.transaction('rw', db.assignments, db.audit, async () => {
    await db.assignments.bulkAdd(assignments);
    await appendAudit(db, entries);
  });
  return { ok: true, assignments, summary: plan.summary };
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'task';

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

export const bundleFileName = (project: string, annotator: string, at: number) =>
  `${slug(project)}-${slug(annotator)}-${day(at)}.labelloop-task.json`;

const baseLabels = (record: ImageAnnotations): BaseLabels => ({
  annotations: record.annotations,
  tags: record.tags,
  attributes: record.attributes,
});

/**
 * The assignment's bundle from the project's labels now, with what it carried stored as the merge base.
 * Throws an Error whose message says what is missing (no schema, an unknown annotator, a gold image without labels).
 */
export async function exportAssignment(
  db: LabelLoopDatabase,
  assignmentId: string,
  lead: UserProfile,
  now = Date.now(),
): Promise<{ fileName: string; text: string; bundle: TaskBundle }> {
  const assignment = await db.assignments.get(assignmentId);
  if (!assignment) throw new Error('That assignment no longer exists.');
  const project = await db.projects.get(assignment.projectId);
  if (!project) throw new Error('That project no longer exists.');
  const schema = await currentSchema(db, project.id);
  if (!schema)
    throw new Error('This project has no annotation schema yet; define its classes before handing out work.');
  const annotator = await db.users.get(assignment.annotator as UserId);
  if (!annotator)
    throw new Error(`The annotator of this assignment (${assignment.annotator}) has no profile here.`);
  const ids = [...assignment.imageIds];
  const [images, labels, reviews] = await Promise.all([
    db.images.bulkGet(ids),
    db.annotations.bulkGet(ids),
    db.reviews.bulkGet(ids),
  ]);
  const bundle = buildBundle({
    id: newId<TaskBundleId>(),
    assignmentId: assignment.id,
    createdAt: now,
    createdBy: lead,
    assignee: annotator,
    project: { id: project.id, name: project.name },
    schema: { version: schema.version, schema: schema.schema },
    assignment,
    images: new Map(images.flatMap((image) => (image ? [[image.id, image] as const] : []))),
    labels: new Map(labels.flatMap((record) => (record ? [[record.imageId, record] as const] : []))),
    roots: new Map(project.roots.map((root) => [root.rootId, root.path])),
    reviews: new Map(
      reviews.flatMap((review) => {
        if (!review) return [];
        const { imageId, projectId: _projectId, ...decision } = review;
        return [[imageId, decision] as const];
      }),
    ),
  });
  const fileName = bundleFileName(project.name, annotator.name, now);
  const exported: AssignmentRecord['exported'] = {
    at: now,
    bundleId: bundle.id,
    schemaVersion: schema.version,
    base: Object.fromEntries(bundle.base.map((record) => [record.imageId, baseLabels(record)])),
    statuses: Object.fromEntries(images.flatMap((image) => (image ? [[image.id, image.status]] : []))),
  };
  await db.transaction('rw', db.assignments, db.audit, async () => {
    await db.assignments.update(assignment.id, { exported });
    const entry = bundleEntry({
      projectId: project.id,
      user: lead.id,
      at: now,
      direction: 'exported',
      fileName,
      images: bundle.images.length,
    });
    await appendAudit(db, [{ ...entry, summary: `Exported task bundle ${fileName} for ${annotator.name}` }]);
  });
  return { fileName, text: bundleToJson(bundle), bundle };
}

/** A returned bundle checked against its assignment and brought to the project's schema, ready to merge. */
export interface ReturnPreview {
  readonly assignment: AssignmentRecord;
  /** Its base is the one stored at export, both migrated to the project's schema version. */
  readonly bundle: TaskBundle & { readonly labels: readonly ImageAnnotations[]; readonly returnedAt: number };
  readonly fileName: string;
  readonly schemaVersion: number;
  /** Set when the labels were made under an older schema version. */
  readonly migratedFrom?: number;
  readonly conflicts: readonly Conflict[];
}

/** Reads a returned bundle for an assignment and finds its conflicts; writes nothing. */
export async function previewReturn(
  db: LabelLoopDatabase,
  assignmentId: string,
  text: string,
  fileName: string,
  user: UserProfile,
  now = Date.now(),
): Promise<Outcome<{ preview: ReturnPreview }>> {
  const read = readBundle(text);
  if (!read.ok) return { ok: false, message: read.message };
  const bundle = read.bundle;
  const assignment = await db.assignments.get(assignmentId);
  if (!assignment) return { ok: false, message: 'That assignment no longer exists.' };
  const project = await db.projects.get(assignment.projectId);
  if (!project) return { ok: false, message: 'That project no longer exists.' };
  if (bundle.project.id !== project.id) {
    return {
      ok: false,
      message: `This bundle belongs to the project "${bundle.project.name}", not to "${project.name}".`,
    };
  }
  const annotator = (await db.users.get(assignment.annotator as UserId))?.name ?? assignment.annotator;
  if (bundle.assignmentId !== undefined && bundle.assignmentId !== assignment.id) {
    return {
      ok: false,
      message: `This bundle is for another assignment (${bundle.assignee.name}'s), not ${annotator}'s on this row; import it on its own row.`,
    };
  }
  if (!assignment.exported) return { ok: false, message: 'This assignment has not been exported yet.' };
  if (bundle.id !== assignment.exported.bundleId) {
    return {
      ok: false,
      message: `This bundle is not the latest export of ${annotator}'s assignment (that one was written ${new Date(assignment.exported.at).toLocaleString()}); ask ${annotator} to import the latest bundle and export again.`,
    };
  }
  if (!bundle.labels || bundle.returnedAt === undefined) {
    return {
      ok: false,
      message: `This is the bundle as it was sent out: it carries no labels yet. ${annotator} exports it back from their LabelLoop.`,
    };
  }
  if (bundle.schema.version !== assignment.exported.schemaVersion) {
    return {
      ok: false,
      message: `This bundle says schema version ${bundle.schema.version}, but it went out at version ${assignment.exported.schemaVersion}; it was changed by hand.`,
    };
  }
  const schema = await currentSchema(db, project.id);
  if (!schema) return { ok: false, message: 'This project has no annotation schema.' };
  // The merge compares against what was sent, as stored here, not the copy the file carries.
  const stored = assignment.exported.base;
  const base = bundle.images.map((image): ImageAnnotations => {
    const labels = stored[image.id];
    const empty = emptyLabels(image.id, project.id, assignment.exported!.at);
    return labels ? { ...empty, ...labels, classIds: classIdsOf(labels.annotations, labels.tags) } : empty;
  });
  const changes = (await db.schemaVersions.where('projectId').equals(project.id).toArray()).flatMap((row) =>
    row.change ? [{ version: row.version, change: row.change }] : [],
  );
  const migrated = migrateBundleLabels({ ...bundle, base }, schema, changes, { now, author: user.id });
  if (!migrated.ok) return { ok: false, message: migrated.message };
  const ready = migrated.bundle as ReturnPreview['bundle'];
  const mine = await mineOf(db, ready);
  const merge = mergeReturnedBundle(ready, mine, { schemaVersion: schema.version, now });
  return {
    ok: true,
    preview: {
      assignment,
      bundle: ready,
      fileName,
      schemaVersion: schema.version,
      ...(bundle.schema.version < schema.version ? { migratedFrom: bundle.schema.version } : {}),
      conflicts: merge.conflicts,
    },
  };
}

async function mineOf(db: LabelLoopDatabase, bundle: TaskBundle): Promise<Map<ImageId, ImageAnnotations>> {
  const work = bundle.images.filter((image) => image.role === 'work').map((image) => image.id);
  const records = await db.annotations.bulkGet(work);
  return new Map(records.flatMap((record) => (record ? [[record.imageId, record] as const] : [])));
}

export interface ReturnSummary {
  readonly annotator: string;
  readonly workImages: number;
  readonly added: number;
  readonly changed: number;
  readonly deleted: number;
  readonly conflictsResolved: number;
  readonly overlapImages: number;
  readonly goldImages: number;
  readonly statusesChanged: number;
  readonly migratedFrom?: number;
}

export function describeReturn(s: ReturnSummary): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const kept =
    s.overlapImages + s.goldImages > 0
      ? `; ${s.overlapImages} overlap and ${s.goldImages} gold image${s.goldImages === 1 ? '' : 's'} kept for agreement`
      : '';
  const migrated =
    s.migratedFrom === undefined ? '' : ` Labels were brought up from schema version ${s.migratedFrom}.`;
  return (
    `Merged ${n(s.workImages, 'image')} from ${s.annotator}: ${n(s.added, 'object')} added, ${s.changed} changed, ` +
    `${s.deleted} deleted, ${n(s.conflictsResolved, 'conflict')} resolved${kept}.${migrated}`
  );
}

const describeAnnotation = (a: Annotation) => `${a.classId} ${a.geometry.kind}`;

/** Audit entries for what the merge did to one image's annotations: created, changed, deleted. */
function annotationEntries(
  before: ImageAnnotations | undefined,
  after: ImageAnnotations,
  context: { projectId: ProjectId; user: string; at: number; from: string },
): { entries: AuditEntry[]; added: number; changed: number; deleted: number } {
  const old = new Map((before?.annotations ?? []).map((a) => [a.id, a]));
  const now = new Map(after.annotations.map((a) => [a.id, a]));
  const entries: AuditEntry[] = [];
  const common = { projectId: context.projectId, imageId: after.imageId, user: context.user, at: context.at };
  let added = 0;
  let changed = 0;
  let deleted = 0;
  for (const a of after.annotations) {
    const was = old.get(a.id);
    if (was === a) continue;
    if (!was) added++;
    else if (JSON.stringify(was) !== JSON.stringify(a)) changed++;
    else continue;
    entries.push({
      ...common,
      annotationId: a.id,
      action: was ? 'annotation.changed' : 'annotation.created',
      origin: 'bundle',
      before: was ?? null,
      after: a,
      summary: `${was ? 'Changed' : 'Added'} ${describeAnnotation(a)} from ${context.from}'s bundle`,
    });
  }
  for (const [id, a] of old) {
    if (now.has(id)) continue;
    deleted++;
    entries.push({
      ...common,
      annotationId: id,
      action: 'annotation.deleted',
      origin: 'bundle',
      before: a,
      after: null,
      summary: `Deleted ${describeAnnotation(a)} as in ${context.from}'s bundle`,
    });
  }
  return { entries, added, changed, deleted };
}

/** Review decisions keep an image where the lead put it after the bundle went out. */
const REVIEWED: ReadonlySet<ImageStatus> = new Set(['accepted', 'rejected']);

/**
 * An image's status after both sides may have moved it since a bundle went out, three ways like the labels:
 * `base` is its status in that bundle. A change on one side only is taken. When both changed, the lead's
 * stays (a review decision outranks the annotator's work), except that the annotator's submit wins over
 * a lead's new or in progress: that is work done, and the lead only started the image.
 * Used on both sides of a bundle: the lead's import of a returned bundle and the annotator's of a later one.
 */
export function mergeStatus(statuses: {
  readonly base: ImageStatus;
  readonly lead: ImageStatus;
  readonly annotator: ImageStatus;
}): ImageStatus {
  const { base, lead, annotator } = statuses;
  if (annotator === base) return lead;
  if (lead === base) return annotator;
  if (annotator === 'submitted' && (lead === 'new' || lead === 'in-progress')) return annotator;
  return lead;
}

/**
 * Writes a previewed return in one transaction: work images merged with each conflict settled by
 * `choices` (every conflict needs one), their statuses merged three ways (mergeStatus), every image's
 * returned labels kept as the annotator's label set, the assignment marked returned, and audit entries.
 * When the project's labels changed since the preview so that a conflict has no choice, it throws and
 * writes nothing.
 */
export async function applyReturn(
  db: LabelLoopDatabase,
  preview: ReturnPreview,
  choices: Readonly<Record<string, ConflictChoice>>,
  user: UserProfile,
  now = Date.now(),
): Promise<ReturnSummary> {
  const { bundle, assignment } = preview;
  const projectId = assignment.projectId;
  const annotator = bundle.assignee;
  const tables = [db.annotations, db.images, db.reviews, db.labelSets, db.assignments, db.audit];
  return db.transaction('rw', tables, async () => {
    const mine = await mineOf(db, bundle);
    const merge = mergeReturnedBundle(bundle, mine, { schemaVersion: preview.schemaVersion, now });
    // The annotator made these changes; the lead only imported them (the bundle.imported entry says so).
    const context = { projectId, user: annotator.id, at: now, from: annotator.name };
    const entries: AuditEntry[] = [];
    let added = 0;
    let changed = 0;
    let deleted = 0;
    for (const result of merge.images) {
      const final = resolveConflicts(result.merged, result.conflicts, choices, now);
      const before = mine.get(final.imageId);
      if (final !== before && (before || !isEmptyLabels(final))) await db.annotations.put(final);
      const diff = annotationEntries(before, final, context);
      entries.push(...diff.entries);
      added += diff.added;
      changed += diff.changed;
      deleted += diff.deleted;
    }

    const work = bundle.images.filter((image) => image.role === 'work');
    const [images, reviews] = await Promise.all([
      db.images.bulkGet(work.map((image) => image.id)),
      db.reviews.bulkGet(work.map((image) => image.id)),
    ]);
    let statusesChanged = 0;
    for (const [i, image] of work.entries()) {
      const record = images[i];
      const review = reviews[i];
      if (!record || !image.status || image.status === record.status) continue;
      const reviewedSince = review !== undefined && review.at > (assignment.exported?.at ?? 0);
      // A review since export is the lead's change even when it kept the status (rejected again): it stays.
      if (REVIEWED.has(record.status) && reviewedSince) continue;
      const exportedStatus = assignment.exported?.statuses?.[image.id];
      // Exported before statuses were stored: the annotator's is taken, as then.
      const status =
        exportedStatus === undefined
          ? image.status
          : mergeStatus({ base: exportedStatus, lead: record.status, annotator: image.status });
      if (status === record.status) continue;
      await db.images.update(record.id, { status });
      statusesChanged++;
      entries.push({
        projectId,
        imageId: record.id,
        at: now,
        user: annotator.id,
        action: 'image.status',
        origin: 'bundle',
        before: { status: record.status },
        after: { status },
        summary: `Status ${record.status} → ${status} from ${annotator.name}'s bundle`,
      });
    }

    const secondsOf = new Map(bundle.images.map((image) => [image.id, image.secondsSpent]));
    const sets = bundle.labels.map((record): LabelSetRecord => {
      const seconds = secondsOf.get(record.imageId);
      return {
        projectId,
        imageId: record.imageId,
        annotator: annotator.id,
        assignmentId: assignment.id,
        returnedAt: bundle.returnedAt,
        ...baseLabels(record),
        ...(seconds === undefined ? {} : { seconds }),
      };
    });
    await db.labelSets.bulkPut(sets);
    await db.assignments.update(assignment.id, { returnedAt: bundle.returnedAt });

    const summary: ReturnSummary = {
      annotator: annotator.name,
      workImages: merge.images.length,
      added,
      changed,
      deleted,
      conflictsResolved: merge.conflicts.length,
      overlapImages: merge.overlapAnswers.length,
      goldImages: merge.goldAnswers.length,
      statusesChanged,
      ...(preview.migratedFrom === undefined ? {} : { migratedFrom: preview.migratedFrom }),
    };
    const entry = bundleEntry({
      projectId,
      user: user.id,
      at: now,
      direction: 'imported',
      fileName: preview.fileName,
      images: bundle.images.length,
    });
    entries.unshift({
      ...entry,
      after: { ...(entry.after as object), added, changed, deleted, conflicts: merge.conflicts.length },
      summary: `Imported task bundle ${preview.fileName}: ${describeReturn(summary)}`,
    });
    await appendAudit(db, entries);
    return summary;
  });
}
