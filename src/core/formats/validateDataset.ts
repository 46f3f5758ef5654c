/**
 * Checks a dataset read from files against an annotation schema: each file label is mapped to a schema
 * class (by id, then by name ignoring case), each image becomes an annotation record and is validated with
 * its size. Pure: the CLI reads the files and prints the result.
 */

import type { AnnotationId, ImageAnnotations } from '../annotations/types';
import type { FormatDataset } from './types';
import type { ImageId, ProjectId } from '../ids';
import type { AnnotationSchema } from '../schema/types';
import { compileSchema, validateImage } from '../schema/validate';
import type { Severity, ViolationCode } from '../schema/violations';

export interface ViolationExample {
  /** The image's path in the dataset. */
  readonly image: string;
  /** `annotations[3] (person)` for an object; absent for image-level violations. */
  readonly object?: string;
  readonly message: string;
}

export interface ViolationGroup {
  readonly code: ViolationCode;
  readonly severity: Severity;
  readonly count: number;
  readonly examples: readonly ViolationExample[];
}

export interface UnmappedLabel {
  readonly label: string;
  readonly objects: number;
  readonly message: string;
}

export interface DatasetValidation {
  readonly images: number;
  readonly objects: number;
  /** Schema class id of each file label that maps to one. */
  readonly classes: Readonly<Record<string, string>>;
  readonly unmapped: readonly UnmappedLabel[];
  /** By code, most frequent first. */
  readonly violations: readonly ViolationGroup[];
  readonly errors: number;
  readonly warnings: number;
  /** Defects of the schema itself that skip some rules (compileSchema's problems). */
  readonly schemaProblems: readonly string[];
  /** No error-level violation and no unmapped label. */
  readonly ok: boolean;
}

/** Each label's schema class: the class with that id, else the one whose name matches ignoring case. */
export function mapLabels(
  labels: Iterable<string>,
  schema: AnnotationSchema,
): { classes: Map<string, string>; unmapped: string[] } {
  const byId = new Set(schema.classes.map((c) => c.id));
  const byName = new Map<string, string>();
  for (const c of schema.classes)
    if (!byName.has(c.name.toLowerCase())) byName.set(c.name.toLowerCase(), c.id);
  const classes = new Map<string, string>();
  const unmapped: string[] = [];
  for (const label of labels) {
    const id = byId.has(label) ? label : byName.get(label.toLowerCase());
    if (id === undefined) unmapped.push(label);
    else classes.set(label, id);
  }
  return { classes, unmapped };
}

/** Validates every image of `dataset` against `schema`; `examples` caps the examples kept per code. */
export function validateDataset(
  dataset: FormatDataset,
  schema: AnnotationSchema,
  examples = 3,
): DatasetValidation {
  // Only labels in use: a class list (data.yaml's 80 COCO names) may name classes no object has.
  const used = new Set<string>();
  for (const image of dataset.images) {
    for (const a of image.annotations) used.add(a.label);
    for (const tag of image.tags ?? []) used.add(tag);
  }
  const { classes, unmapped } = mapLabels(used, schema);
  const unmappedObjects = new Map(unmapped.map((label) => [label, 0]));
  const compiled = compileSchema(schema);
  const groups = new Map<
    ViolationCode,
    { severity: Severity; count: number; examples: ViolationExample[] }
  >();
  let objects = 0;
  let errors = 0;
  let warnings = 0;

  for (const image of dataset.images) {
    objects += image.annotations.length;
    const labelOf = new Map<string, string>();
    const annotations = image.annotations.flatMap((a, i) => {
      const classId = classes.get(a.label);
      if (classId === undefined) {
        unmappedObjects.set(a.label, (unmappedObjects.get(a.label) ?? 0) + 1);
        return [];
      }
      const id = `annotations[${i}]`;
      labelOf.set(id, a.label);
      return [
        {
          id: id as AnnotationId,
          classId,
          geometry: a.geometry,
          attributes: a.attributes ?? {},
          schemaVersion: 1,
          createdBy: 'import',
          createdAt: 0,
          updatedBy: 'import',
          updatedAt: 0,
        },
      ];
    });
    const tags = (image.tags ?? []).flatMap((tag) => {
      const classId = classes.get(tag);
      return classId === undefined ? [] : [classId];
    });
    const record: ImageAnnotations = {
      imageId: image.path as ImageId,
      projectId: 'dataset' as ProjectId,
      annotations,
      tags,
      attributes: image.attributes ?? {},
      classIds: [...new Set([...annotations.map((a) => a.classId), ...tags])].sort(),
      updatedAt: 0,
    };
    const size =
      image.width > 0 && image.height > 0 ? { width: image.width, height: image.height } : undefined;
    for (const violation of validateImage(compiled, record, size)) {
      if (violation.severity === 'error') errors++;
      else warnings++;
      let group = groups.get(violation.code);
      if (group === undefined) {
        group = { severity: violation.severity, count: 0, examples: [] };
        groups.set(violation.code, group);
      }
      group.count++;
      if (group.examples.length < examples) {
        const id = violation.annotationId;
        group.examples.push({
          image: image.path,
          ...(id !== undefined && { object: `${id} (${labelOf.get(id) ?? '?'})` }),
          message: violation.message,
        });
      }
    }
  }

  const violations = [...groups]
    .map(([code, group]) => ({ code, ...group }))
    .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
  return {
    images: dataset.images.length,
    objects,
    classes: Object.fromEntries(classes),
    unmapped: unmapped.map((label) => ({
      label,
      objects: unmappedObjects.get(label) ?? 0,
      message: `label '${label}' is not a class of the schema`,
    })),
    violations,
    errors,
    warnings,
    schemaProblems: compiled.problems,
    ok: errors === 0 && unmapped.length === 0,
  };
}
