/**
 * A model run's results as predictions in the project's schema: model classes mapped to schema classes
 * (unmapped ones ignored and counted), and each prediction checked against the schema's shape rules. A
 * prediction that breaks one is kept with its flags, so nobody loses it, and accepting it is refused the
 * same way drawing it would be.
 */

import type { RunImageResult } from '../api/models';
import type { AnnotationId } from '../annotations/types';
import type { ImageId } from '../ids';
import { validateAnnotation, type CompiledSchema, type ImageSize } from '../schema/validate';
import { SHAPE_CODES } from './accept';
import type { Prediction, TagPrediction } from './types';

export interface MappedImage {
  readonly predictions: Prediction[];
  readonly tags: TagPrediction[];
  /** Objects or tags of classes mapped to nothing, per model class. */
  readonly unmapped: Record<string, number>;
  readonly flagged: number;
}

/** The schema class a model class maps to: the saved choice, or else the class of the same name. */
export function defaultClassMap(
  labels: readonly string[],
  classes: readonly { readonly id: string; readonly name: string }[],
  saved: Readonly<Record<string, string | null>> = {},
): Record<string, string | null> {
  const byName = new Map(classes.map((c) => [c.name.trim().toLowerCase(), c.id]));
  const known = new Set(classes.map((c) => c.id));
  return Object.fromEntries(
    labels.map((label) => {
      const choice = saved[label];
      if (choice === null) return [label, null];
      if (choice !== undefined && known.has(choice)) return [label, choice];
      return [label, byName.get(label.trim().toLowerCase()) ?? null];
    }),
  );
}

export function mapModelResult(
  result: RunImageResult,
  imageId: ImageId,
  image: ImageSize,
  compiled: CompiledSchema,
  classMap: Readonly<Record<string, string | null>>,
): MappedImage {
  const unmapped: Record<string, number> = {};
  const countUnmapped = (label: string) => (unmapped[label] = (unmapped[label] ?? 0) + 1);
  const predictions: Prediction[] = [];
  let flagged = 0;
  result.objects.forEach((object, index) => {
    const classId = classMap[object.label] ?? null;
    if (classId === null || !compiled.classes.has(classId)) return countUnmapped(object.label);
    const violations = validateAnnotation(
      compiled,
      {
        id: `p${index}` as AnnotationId,
        classId,
        geometry: object.geometry,
        attributes: {},
        schemaVersion: 0,
        createdBy: 'model',
        createdAt: 0,
        updatedBy: 'model',
        updatedAt: 0,
      },
      { imageId, index, image },
    ).filter((violation) => SHAPE_CODES.has(violation.code));
    if (violations.length > 0) flagged++;
    predictions.push({
      id: `p${index}`,
      classId,
      label: object.label,
      score: object.score,
      geometry: object.geometry,
      ...(violations.length > 0 && { flags: violations.map((v) => v.message) }),
    });
  });
  const tags: TagPrediction[] = [];
  for (const tag of result.tags ?? []) {
    const classId = classMap[tag.label] ?? null;
    if (classId === null || !compiled.classes.has(classId)) countUnmapped(tag.label);
    else tags.push({ classId, label: tag.label, score: tag.score });
  }
  return { predictions, tags, unmapped, flagged };
}
