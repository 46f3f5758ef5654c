/**
 * A project's annotation schema over time: versions, changes applied to the schema and its annotations in
 * one transaction, impact previews, undo of the latest change, and whole-project validation.
 */

import Dexie from 'dexie';
import type { ImageAnnotations } from '../../../src/core/annotations/types';
import type { ProjectId } from '../../../src/core/ids';
import type { SchemaChange } from '../../../src/core/schema/changes';
import { checkSchema } from '../../../src/core/schema/document';
import {
  applyChangeToSchema,
  changeImpact,
  describeChange,
  migrateRecord,
} from '../../../src/core/schema/migrate';
import type { AnnotationSchema } from '../../../src/core/schema/types';
import { compileSchema, validateProject } from '../../../src/core/schema/validate';
import type { Violation } from '../../../src/core/schema/violations';
import type { LabelLoopDatabase, SchemaVersionRecord } from './database';

/** Undo reaches back this many changes per project; older before-images are dropped. */
export const UNDO_DEPTH = 20;

export async function currentSchema(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<SchemaVersionRecord | undefined> {
  const project = await db.projects.get(projectId);
  if (!project || project.schemaVersion === null) return undefined;
  return db.schemaVersions.get([projectId, project.schemaVersion]);
}

/** Newest first. */
export async function listSchemaVersions(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<SchemaVersionRecord[]> {
  const versions = await db.schemaVersions.where('projectId').equals(projectId).toArray();
  return versions.sort((a, b) => b.version - a.version);
}

/** Iterates a project's annotation records without loading them all at once. */
async function forEachRecord(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  visit: (record: ImageAnnotations) => void,
): Promise<void> {
  // Pages of records by key: one getAll per page is much faster than a cursor step per record.
  let after: string = Dexie.minKey as unknown as string;
  let first = true;
  for (;;) {
    const page = await db.annotations
      .where('[projectId+imageId]')
      .between([projectId, after], [projectId, Dexie.maxKey], first, true)
      .limit(PAGE_SIZE)
      .toArray();
    for (const record of page) visit(record);
    if (page.length < PAGE_SIZE) return;
    after = page[page.length - 1]!.imageId;
    first = false;
  }
}

const PAGE_SIZE = 2000;

/** The schema a change would produce, or why it cannot be made (including rules the result would break). */
function resultingSchema(
  current: SchemaVersionRecord | undefined,
  change: SchemaChange,
): { ok: true; schema: AnnotationSchema } | { ok: false; message: string } {
  let result: { ok: true; schema: AnnotationSchema } | { ok: false; message: string };
  if (!current)
    result =
      change.type === 'edit-schema'
        ? { ok: true, schema: change.schema }
        : { ok: false, message: 'This project has no schema yet.' };
  else result = applyChangeToSchema(current.schema, change);
  if (!result.ok) return result;
  const problems = checkSchema(result.schema);
  if (problems.length > 0) return { ok: false, message: problems.map((p) => p.message).join('\n') };
  return result;
}

export interface ChangePreview {
  readonly ok: boolean;
  /** What the change does, in words, with counts ("Rename … : 12,408 annotations …"). */
  readonly summary: string;
  readonly annotations: number;
  readonly images: number;
  readonly deleted: number;
  readonly toReview: number;
  readonly filled: number;
}

/** What a change would do to the project, without doing it. */
export async function previewSchemaChange(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  change: SchemaChange,
): Promise<ChangePreview> {
  const current = await currentSchema(db, projectId);
  const result = resultingSchema(current, change);
  const nothing = { annotations: 0, images: 0, deleted: 0, toReview: 0, filled: 0 };
  if (!result.ok) return { ok: false, summary: result.message, ...nothing };
  if (!current) return { ok: true, summary: change.type === 'edit-schema' ? change.summary : '', ...nothing };
  const records: ImageAnnotations[] = [];
  await forEachRecord(db, projectId, (record) => records.push(record));
  return { ok: true, ...changeImpact(records, change, current.schema) };
}

export type ApplyResult =
  { ok: true; version: number; changedImages: number; message: string } | { ok: false; message: string };

/**
 * Applies a change as a new schema version: the schema, every affected annotation record, the undo
 * record and the project's current version are written in one transaction, or none of them is.
 */
export async function applySchemaChange(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  change: SchemaChange,
  author: string,
  now = Date.now(),
): Promise<ApplyResult> {
  return db.transaction(
    'rw',
    [db.projects, db.schemaVersions, db.schemaChanges, db.annotations],
    async () => {
      const project = await db.projects.get(projectId);
      if (!project) return { ok: false as const, message: 'That project no longer exists.' };
      const previous =
        project.schemaVersion === null
          ? undefined
          : await db.schemaVersions.get([projectId, project.schemaVersion]);
      const result = resultingSchema(previous, change);
      if (!result.ok) return { ok: false as const, message: result.message };
      const schema = result.schema;
      const message = previous
        ? describeChange(change, previous.schema)
        : change.type === 'edit-schema'
          ? change.summary
          : 'Created the schema';
      const version = (previous?.version ?? 0) + 1;
      const before: ImageAnnotations[] = [];
      const after: ImageAnnotations[] = [];
      if (previous) {
        // The schema before the change names classes in review reasons and decides where a newly required
        // attribute is shown, exactly as the preview (changeImpact) counted.
        const ctx = { newVersion: version, now, author, schema: previous.schema };
        await forEachRecord(db, projectId, (record) => {
          const migrated = migrateRecord(record, change, ctx);
          if (migrated) {
            before.push(record);
            after.push(migrated);
          }
        });
      }
      await db.annotations.bulkPut(after);
      await db.schemaVersions.add({ projectId, version, schema, createdAt: now, author, message, change });
      await db.schemaChanges.put({
        projectId,
        version,
        previousVersion: previous?.version ?? null,
        before,
        createdAt: now,
      });
      await db.schemaChanges
        .where('[projectId+version]')
        .between([projectId, 0], [projectId, version - UNDO_DEPTH + 1])
        .delete();
      await db.projects.update(projectId, { schemaVersion: version, updatedAt: now });
      return { ok: true as const, version, changedImages: after.length, message };
    },
  );
}

/** Whether the latest change can be undone, and what undoing it means. */
export async function undoableChange(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<{ version: number; message: string; images: number } | undefined> {
  const project = await db.projects.get(projectId);
  if (!project || project.schemaVersion === null) return undefined;
  const [change, version] = await Promise.all([
    db.schemaChanges.get([projectId, project.schemaVersion]),
    db.schemaVersions.get([projectId, project.schemaVersion]),
  ]);
  if (!change || !version) return undefined;
  return { version: version.version, message: version.message, images: change.before.length };
}

/**
 * Undoes the latest change: its annotation records return to their before-state, its version is
 * removed and the previous version is current again, all in one transaction.
 */
export async function undoLastSchemaChange(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<ApplyResult> {
  return db.transaction(
    'rw',
    [db.projects, db.schemaVersions, db.schemaChanges, db.annotations],
    async () => {
      const project = await db.projects.get(projectId);
      if (!project || project.schemaVersion === null)
        return { ok: false as const, message: 'Nothing to undo.' };
      const change = await db.schemaChanges.get([projectId, project.schemaVersion]);
      const version = await db.schemaVersions.get([projectId, project.schemaVersion]);
      if (!change || !version)
        return { ok: false as const, message: 'The latest change can no longer be undone.' };
      await db.annotations.bulkPut([...change.before]);
      await db.schemaVersions.delete([projectId, change.version]);
      await db.schemaChanges.delete([projectId, change.version]);
      await db.projects.update(projectId, { schemaVersion: change.previousVersion, updatedAt: Date.now() });
      return {
        ok: true as const,
        version: change.previousVersion ?? 0,
        changedImages: change.before.length,
        message: `Undid: ${version.message}`,
      };
    },
  );
}

export interface ProjectValidation {
  readonly version: number;
  readonly images: number;
  readonly annotations: number;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly imagesWithErrors: number;
  readonly byCode: Readonly<Record<string, number>>;
  /** The first `maxStored` violations, in record order. */
  readonly violations: readonly Violation[];
}

/** Records are validated in chunks as they stream out of the database, so memory stays flat. */
const VALIDATION_CHUNK = 2000;

/** Validates every annotation record of a project against its current schema version. */
export async function validateProjectAnnotations(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  maxStored = 1000,
): Promise<ProjectValidation | undefined> {
  const current = await currentSchema(db, projectId);
  if (!current) return undefined;
  const compiled = compileSchema(current.schema);
  const sizes = new Map<string, { width: number; height: number }>();
  await db.images
    .where('projectId')
    .equals(projectId)
    .each((image) => sizes.set(image.id, { width: image.width, height: image.height }));
  const totals = { images: 0, annotations: 0, errorCount: 0, warningCount: 0, imagesWithErrors: 0 };
  const byCode: Record<string, number> = {};
  const violations: Violation[] = [];
  let chunk: ImageAnnotations[] = [];
  const flush = () => {
    const result = validateProject(compiled, chunk, (id) => sizes.get(id), undefined, {
      maxStoredViolations: Math.max(0, maxStored - violations.length),
    });
    totals.images += result.imagesChecked;
    totals.annotations += result.annotationsChecked;
    totals.errorCount += result.errorCount;
    totals.warningCount += result.warningCount;
    totals.imagesWithErrors += result.imagesWithErrors;
    for (const [code, count] of Object.entries(result.byCode))
      if (count) byCode[code] = (byCode[code] ?? 0) + count;
    violations.push(...result.violations);
    chunk = [];
  };
  await forEachRecord(db, projectId, (record) => {
    chunk.push(record);
    if (chunk.length >= VALIDATION_CHUNK) flush();
  });
  flush();
  return { version: current.version, ...totals, byCode, violations };
}
