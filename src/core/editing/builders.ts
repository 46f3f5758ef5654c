/**
 * Editor intents on annotations turned into commands, checked against the annotation schema first: the
 * editor can only create classes and geometries the schema allows, and a refusal says why.
 */

import type {
  Annotation,
  AnnotationId,
  AttributeValues,
  Geometry,
  ImageAnnotations,
} from '../annotations/types';
import type { AttributeDefinition } from '../schema/types';
import { canCreate, requiredAttributes, type CompiledSchema } from '../schema/validate';
import {
  carryOver,
  inputProblem,
  sameAttributes,
  settleAttributes,
  withInput,
  type AttributeInput,
} from './attributeValues';
import type { AnnotationPatch, Command } from './commands';
import {
  isRefusal,
  recordStamp,
  refuse,
  selected,
  type Built,
  type CreateContext,
  type EditContext,
  type MissingAttributes,
  type Refusal,
} from './editContext';
import { NO_OFFSET, translateGeometry, type Offset } from './geometry';

/** Whether `classId` may have this geometry: allowed by the schema, and a skeleton's number of keypoints. */
function geometryProblem(compiled: CompiledSchema, classId: string, geometry: Geometry): Refusal | undefined {
  const allowed = canCreate(compiled, classId, geometry.kind);
  if (!allowed.ok) return refuse('not-allowed', allowed.reason);
  const cls = compiled.classes.get(classId)!;
  if (geometry.kind === 'keypoints' && geometry.points.length !== cls.skeletonSize) {
    return refuse(
      'not-allowed',
      `${cls.name} has ${cls.skeletonSize} keypoints in its skeleton, not ${geometry.points.length}`,
    );
  }
  return undefined;
}

/** Refused when adding `adding` (class → count) would pass a class's per-image limit. */
function instanceProblem(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  adding: ReadonlyMap<string, number>,
): Refusal | undefined {
  for (const [classId, count] of adding) {
    const cls = compiled.classes.get(classId);
    if (cls === undefined || cls.maxInstances < 0) continue;
    const existing = record.annotations.filter((a) => a.classId === classId).length;
    if (existing + count > cls.maxInstances) {
      return refuse(
        'too-many-instances',
        `${cls.name} allows at most ${cls.maxInstances} per image; this image would have ${existing + count}`,
      );
    }
  }
  return undefined;
}

const countByClass = (classIds: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const classId of classIds) counts.set(classId, (counts.get(classId) ?? 0) + 1);
  return counts;
};

function missingOf(compiled: CompiledSchema, annotations: readonly Annotation[]): MissingAttributes[] {
  return annotations
    .map((a) => ({ id: a.id, attributes: requiredAttributes(compiled, a.classId, a.attributes) }))
    .filter((entry) => entry.attributes.length > 0);
}

const fresh = (
  ctx: CreateContext,
  classId: string,
  geometry: Geometry,
  attributes: AttributeValues,
): Annotation => ({
  id: ctx.newId() as AnnotationId,
  classId,
  geometry,
  attributes,
  schemaVersion: ctx.schemaVersion,
  createdBy: ctx.author,
  createdAt: ctx.now,
  updatedBy: ctx.author,
  updatedAt: ctx.now,
});

function appended(record: ImageAnnotations, annotations: readonly Annotation[], ctx: EditContext): Command {
  const start = record.annotations.length;
  return {
    kind: 'add-annotations',
    items: annotations.map((annotation, i) => ({ index: start + i, annotation })),
    updatedAt: recordStamp(record, ctx),
  };
}

/** What a person draws or accepts: a class, a shape, and any attribute values chosen up front. */
export interface AnnotationDraft {
  readonly classId: string;
  readonly geometry: Geometry;
  readonly attributes?: AttributeInput;
}

/**
 * A new annotation on top of the others, with the schema's defaults filled in. Refused for classes and
 * geometries the schema forbids, past a class's per-image limit, or with attribute values of the wrong kind.
 */
export function createAnnotation(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  draft: AnnotationDraft,
  ctx: CreateContext,
): Built<{ annotation: Annotation; missing: readonly AttributeDefinition[] }> {
  const problem =
    geometryProblem(compiled, draft.classId, draft.geometry) ??
    instanceProblem(compiled, record, new Map([[draft.classId, 1]]));
  if (problem) return problem;
  const scope = compiled.classes.get(draft.classId)!.scope;
  const input = draft.attributes ?? {};
  const wrong = inputProblem(scope, input);
  if (wrong) return refuse(wrong.code, wrong.reason);
  const attributes = settleAttributes(scope, undefined, withInput({}, input));
  const annotation = fresh(ctx, draft.classId, draft.geometry, attributes);
  return {
    ok: true,
    command: appended(record, [annotation], ctx),
    annotation,
    missing: requiredAttributes(compiled, draft.classId, attributes),
  };
}

/** What the clipboard holds: annotations without identity or history, as JSON. */
export interface ClipboardAnnotation {
  readonly classId: string;
  readonly geometry: Geometry;
  readonly attributes: AttributeValues;
}

export function copyAnnotations(
  record: ImageAnnotations,
  ids: readonly AnnotationId[],
): ClipboardAnnotation[] {
  const found = selected(record, ids);
  if (isRefusal(found)) return [];
  return found.map(({ annotation: a }) => ({
    classId: a.classId,
    geometry: a.geometry,
    attributes: a.attributes,
  }));
}

/**
 * Pasted annotations on top, with new ids and moved by `offset`. Ones this schema forbids (copied from
 * another project) are skipped with the reason; attribute values it does not know are dropped.
 */
export function pasteAnnotations(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  clipboard: readonly ClipboardAnnotation[],
  ctx: CreateContext,
  offset: Offset = NO_OFFSET,
): Built<{
  ids: AnnotationId[];
  skipped: { index: number; reason: string }[];
  missing: MissingAttributes[];
}> {
  if (clipboard.length === 0) return refuse('no-change', 'The clipboard holds no annotations');
  const skipped: { index: number; reason: string }[] = [];
  const allowed = clipboard.filter((item, index) => {
    const problem = geometryProblem(compiled, item.classId, item.geometry);
    if (problem) skipped.push({ index, reason: problem.reason });
    return problem === undefined;
  });
  if (allowed.length === 0) return refuse('not-allowed', skipped[0]!.reason);
  const tooMany = instanceProblem(compiled, record, countByClass(allowed.map((item) => item.classId)));
  if (tooMany) return tooMany;
  const annotations = allowed.map((item) =>
    fresh(
      ctx,
      item.classId,
      translateGeometry(item.geometry, offset.dx, offset.dy),
      carryOver(compiled.classes.get(item.classId)!.scope, item.attributes),
    ),
  );
  return {
    ok: true,
    command: appended(record, annotations, ctx),
    ids: annotations.map((a) => a.id),
    skipped,
    missing: missingOf(compiled, annotations),
  };
}

/** Copies of the selection on top (in their draw order), with new ids, moved by `offset`. */
export function duplicateAnnotations(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  ids: readonly AnnotationId[],
  ctx: CreateContext,
  offset: Offset = NO_OFFSET,
): Built<{ ids: AnnotationId[] }> {
  const found = selected(record, ids);
  if (isRefusal(found)) return found;
  for (const { annotation } of found) {
    const problem = geometryProblem(compiled, annotation.classId, annotation.geometry);
    if (problem) return problem;
  }
  const tooMany = instanceProblem(
    compiled,
    record,
    countByClass(found.map((item) => item.annotation.classId)),
  );
  if (tooMany) return tooMany;
  const copies = found.map(({ annotation: a }) =>
    fresh(ctx, a.classId, translateGeometry(a.geometry, offset.dx, offset.dy), a.attributes),
  );
  return { ok: true, command: appended(record, copies, ctx), ids: copies.map((a) => a.id) };
}

/**
 * One command that gives every selected annotation `classId`. Attribute values the new class also has (same
 * id, fitting type) are kept; its defaults fill the rest. Refused if any of them may not have that class.
 */
export function changeClass(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  ids: readonly AnnotationId[],
  classId: string,
  ctx: EditContext,
): Built<{ missing: MissingAttributes[] }> {
  const found = selected(record, ids);
  if (isRefusal(found)) return found;
  const changing = found.filter(({ annotation }) => annotation.classId !== classId);
  if (changing.length === 0) return refuse('no-change', 'The selection already has this class');
  for (const { annotation } of changing) {
    const problem = geometryProblem(compiled, classId, annotation.geometry);
    if (problem) return problem;
  }
  const tooMany = instanceProblem(compiled, record, new Map([[classId, changing.length]]));
  if (tooMany) return tooMany;
  const scope = compiled.classes.get(classId)!.scope;
  const changed: Annotation[] = [];
  const patches: AnnotationPatch[] = changing.map(({ annotation: a }) => {
    const attributes = settleAttributes(scope, undefined, carryOver(scope, a.attributes));
    changed.push({ ...a, classId, attributes });
    return {
      id: a.id,
      before: {
        classId: a.classId,
        attributes: a.attributes,
        schemaVersion: a.schemaVersion,
        updatedBy: a.updatedBy,
        updatedAt: a.updatedAt,
      },
      after: {
        classId,
        attributes,
        schemaVersion: ctx.schemaVersion,
        updatedBy: ctx.author,
        updatedAt: ctx.now,
      },
    };
  });
  return {
    ok: true,
    command: { kind: 'update-annotations', patches, updatedAt: recordStamp(record, ctx) },
    missing: missingOf(compiled, changed),
  };
}

/**
 * One command that sets (or, with null, clears) attribute values on every selected annotation. Refused if
 * a selected annotation's class lacks one of the attributes or a value has the wrong type.
 */
export function setAttributes(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  ids: readonly AnnotationId[],
  input: AttributeInput,
  ctx: EditContext,
): Built<{ missing: MissingAttributes[] }> {
  const found = selected(record, ids);
  if (isRefusal(found)) return found;
  const patches: AnnotationPatch[] = [];
  const changed: Annotation[] = [];
  for (const { annotation: a } of found) {
    const cls = compiled.classes.get(a.classId);
    if (cls === undefined)
      return refuse('not-allowed', `Unknown class "${a.classId}": change its class first`);
    const wrong = inputProblem(cls.scope, input);
    if (wrong) return refuse(wrong.code, wrong.reason);
    const attributes = settleAttributes(cls.scope, a.attributes, withInput(a.attributes, input));
    if (sameAttributes(attributes, a.attributes)) continue;
    changed.push({ ...a, attributes });
    patches.push({
      id: a.id,
      before: {
        attributes: a.attributes,
        schemaVersion: a.schemaVersion,
        updatedBy: a.updatedBy,
        updatedAt: a.updatedAt,
      },
      after: { attributes, schemaVersion: ctx.schemaVersion, updatedBy: ctx.author, updatedAt: ctx.now },
    });
  }
  if (patches.length === 0) return refuse('no-change', 'The selection already has these values');
  return {
    ok: true,
    command: { kind: 'update-annotations', patches, updatedAt: recordStamp(record, ctx) },
    missing: missingOf(compiled, changed),
  };
}
