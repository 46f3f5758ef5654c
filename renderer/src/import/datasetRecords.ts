/**
 * The class-mapping step of a labeled-dataset import and the records it produces: which schema class each
 * file label goes to, the classes to create, and each image's labels as an annotation record validated
 * against the schema. Pure: the dialog and the database writes call it.
 */

import type { DatasetImageLabels, DatasetLabelUse } from '../../../src/core/api/datasets';
import {
  classIdsOf,
  type Annotation,
  type AnnotationId,
  type ImageAnnotations,
} from '../../../src/core/annotations/types';
import { mapLabels } from '../../../src/core/formats/validateDataset';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { SchemaChange } from '../../../src/core/schema/changes';
import { paletteColor } from '../../../src/core/schema/presets';
import type { AnnotationSchema, LabelClass, SchemaGeometry } from '../../../src/core/schema/types';
import { validateImage, type CompiledSchema } from '../../../src/core/schema/validate';
import { emptySchema, idFromName } from '../schema/editing';

/** What the user chose for one file label. */
export type ClassChoice =
  { readonly kind: 'class'; readonly classId: string } | { readonly kind: 'new' } | { readonly kind: 'skip' };

/** The mapping an import runs with: each file label's schema class id, or null when skipped. */
export type ClassMap = Readonly<Record<string, string | null>>;

/** Settings key of the mapping remembered per project (file label → schema class id, or null for skip). */
export const classMapKey = (projectId: ProjectId) => `datasetClassMap:${projectId}`;

/** Classes a file label can be mapped to: those that can be drawn or tagged (not pure groups). */
export const mappableClasses = (schema: AnnotationSchema | undefined): readonly LabelClass[] =>
  schema?.classes.filter((c) => c.geometries.length > 0) ?? [];

/**
 * The first choice shown for each label: what the project remembered, else the class with that id or
 * name (mapLabels), else a new class when the schema has no classes yet, else skip.
 */
export function defaultChoices(
  labels: readonly DatasetLabelUse[],
  schema: AnnotationSchema | undefined,
  remembered: ClassMap,
): Record<string, ClassChoice> {
  const classes = mappableClasses(schema);
  const known = new Set(classes.map((c) => c.id));
  const matched = mapLabels(
    labels.map((l) => l.label),
    { ...(schema ?? emptySchema('')), classes },
  ).classes;
  const choices: Record<string, ClassChoice> = {};
  for (const { label } of labels) {
    const memory = Object.hasOwn(remembered, label) ? remembered[label] : undefined;
    const match = matched.get(label);
    choices[label] =
      memory === null
        ? { kind: 'skip' }
        : memory !== undefined && known.has(memory)
          ? { kind: 'class', classId: memory }
          : match !== undefined
            ? { kind: 'class', classId: match }
            : classes.length === 0
              ? { kind: 'new' }
              : { kind: 'skip' };
  }
  return choices;
}

/**
 * The classes "Create new class" adds: named as the file names them, drawn as the file's objects are (and
 * taggable when the file uses the label as a tag), with the file's skeleton when it has one.
 */
export function classesToCreate(
  labels: readonly DatasetLabelUse[],
  choices: Readonly<Record<string, ClassChoice>>,
  schema: AnnotationSchema | undefined,
  skeletons: Readonly<Record<string, readonly string[]>>,
): LabelClass[] {
  const taken = new Set(schema?.classes.map((c) => c.id) ?? []);
  const created: LabelClass[] = [];
  for (const use of labels) {
    if (choices[use.label]?.kind !== 'new') continue;
    const keypoints = skeletons[use.label];
    // Keypoints need a skeleton of named points; without one the objects are kept and reported.
    const geometries: SchemaGeometry[] = use.geometries.filter((g) => g !== 'keypoints' || keypoints);
    if (use.tags > 0) geometries.push('tag');
    if (geometries.length === 0) geometries.push('box');
    const id = idFromName(use.label, taken);
    taken.add(id);
    created.push({
      id,
      name: use.label.trim() || id,
      color: paletteColor((schema?.classes.length ?? 0) + created.length),
      geometries,
      ...(keypoints && geometries.includes('keypoints')
        ? { skeleton: { keypoints, edges: [], flipPairs: [] } }
        : {}),
      attributes: [],
    });
  }
  return created;
}

/** The one schema change that adds `created`: an add-class for one, else an edit of the whole document. */
export function schemaChangeFor(
  schema: AnnotationSchema | undefined,
  created: readonly LabelClass[],
  projectName: string,
): SchemaChange | null {
  if (created.length === 0) return null;
  if (schema && created.length === 1) return { type: 'add-class', labelClass: created[0]! };
  const base = schema ?? emptySchema(projectName);
  return {
    type: 'edit-schema',
    schema: { ...base, classes: [...base.classes, ...created] },
    summary: `Added ${created.length} class${created.length === 1 ? '' : 'es'} from a dataset import: ${created
      .map((c) => c.name)
      .join(', ')}`,
  };
}

/** The mapping an import runs with, once new classes have ids. */
export function finalClassMap(
  choices: Readonly<Record<string, ClassChoice>>,
  created: readonly LabelClass[],
  labels: readonly DatasetLabelUse[],
): Record<string, string | null> {
  const newIds = new Map<string, string>();
  let next = 0;
  for (const use of labels)
    if (choices[use.label]?.kind === 'new') newIds.set(use.label, created[next++]!.id);
  const map: Record<string, string | null> = {};
  for (const { label } of labels) {
    const choice = choices[label];
    map[label] =
      choice?.kind === 'class' ? choice.classId : choice?.kind === 'new' ? (newIds.get(label) ?? null) : null;
  }
  return map;
}

export interface RecordViolation {
  /** `annotations[3] (person)` as the dataset lists the image's objects; absent for the image itself. */
  readonly object?: string;
  readonly message: string;
}

export interface BuiltRecord {
  /** The image's record with the imported labels appended; null when nothing was imported into it. */
  readonly record: ImageAnnotations | null;
  readonly objects: number;
  readonly tags: number;
  /** Objects and tags left out, by the file's label. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Violations of the imported objects and of the image; objects that violate rules are kept. */
  readonly violations: readonly RecordViolation[];
  /** Imported objects that violate rules, each counted once. */
  readonly invalidObjects: number;
  /** No error-level violation anywhere in the resulting record. */
  readonly passes: boolean;
}

export interface BuildContext {
  readonly projectId: ProjectId;
  readonly classMap: ClassMap;
  /** The current schema, compiled; undefined when the project has none (nothing can be mapped). */
  readonly compiled: CompiledSchema | undefined;
  readonly schemaVersion: number;
  readonly now: number;
  readonly newAnnotationId: () => AnnotationId;
}

/**
 * One image's labels from a dataset as an annotation record: mapped objects get new ids and the current
 * schema version, made and updated by `import`; they are appended to what the image already has, and the
 * result is validated with the image's size.
 */
export function buildDatasetRecord(
  image: { readonly id: ImageId; readonly width: number; readonly height: number },
  labels: DatasetImageLabels,
  existing: ImageAnnotations | undefined,
  context: BuildContext,
): BuiltRecord {
  const { classMap, now } = context;
  const skipped: Record<string, number> = {};
  const skip = (label: string) => (skipped[label] = (skipped[label] ?? 0) + 1);
  const described = new Map<AnnotationId, string>();
  const annotations: Annotation[] = [];
  labels.annotations.forEach((a, index) => {
    const classId = classMap[a.label];
    if (classId === null || classId === undefined) return skip(a.label);
    const id = context.newAnnotationId();
    described.set(id, `annotations[${index}] (${a.label})`);
    annotations.push({
      id,
      classId,
      geometry: a.geometry,
      attributes: a.attributes ?? {},
      schemaVersion: context.schemaVersion,
      createdBy: 'import',
      createdAt: now,
      updatedBy: 'import',
      updatedAt: now,
    });
  });
  const tags: string[] = [];
  for (const tag of labels.tags ?? []) {
    const classId = classMap[tag];
    if (classId === null || classId === undefined) skip(tag);
    else tags.push(classId);
  }
  const nothing = annotations.length === 0 && tags.length === 0;
  if (nothing || context.compiled === undefined)
    return { record: null, objects: 0, tags: 0, skipped, violations: [], invalidObjects: 0, passes: false };

  const allAnnotations = [...(existing?.annotations ?? []), ...annotations];
  const allTags = [...new Set([...(existing?.tags ?? []), ...tags])];
  const record: ImageAnnotations = {
    ...existing,
    imageId: image.id,
    projectId: context.projectId,
    annotations: allAnnotations,
    tags: allTags,
    // What the image already has wins over what the file states.
    attributes: { ...labels.attributes, ...existing?.attributes },
    classIds: classIdsOf(allAnnotations, allTags),
    updatedAt: now,
  };
  const violations: RecordViolation[] = [];
  const invalid = new Set<AnnotationId>();
  let passes = true;
  for (const violation of validateImage(context.compiled, record, image)) {
    if (violation.severity === 'error') passes = false;
    const id = violation.annotationId;
    // Violations of objects the image had before are not this import's to report.
    if (id !== undefined && !described.has(id)) continue;
    if (id !== undefined) invalid.add(id);
    violations.push({
      ...(id !== undefined && { object: described.get(id) }),
      message: violation.severity === 'warning' ? `warning: ${violation.message}` : violation.message,
    });
  }
  return {
    record,
    objects: annotations.length,
    tags: tags.length,
    skipped,
    violations,
    invalidObjects: invalid.size,
    passes,
  };
}
