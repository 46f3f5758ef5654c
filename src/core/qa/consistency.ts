/** Consistency checks over a whole project: unusual objects, duplicates, schema gaps, look-alike images labeled differently, and annotator habits. */

import { GEOMETRY_KIND_NAMES, type Annotation, type AnnotationId } from '../annotations/types';
import type { ImageId } from '../ids';
import type { AnnotationSchema } from '../schema/types';
import {
  compileSchema,
  requiredAttributes,
  validateAnnotation,
  type CompiledSchema,
} from '../schema/validate';
import {
  boxSizeFindings,
  classMixFindings,
  comparedObjects,
  timeFindings,
  type AnnotatorObjects,
  type TimeEntry,
} from './consistencyAnnotators';
import { nearDuplicatesLabeledDifferently } from './consistencyNearDuplicates';
import {
  classOutliers,
  duplicatePairs,
  edgesTouched,
  measureObject,
  type DuplicateScratch,
} from './consistencyObjects';

export interface ConsistencyImage {
  readonly imageId: string;
  /** Pixels; 0 when unknown, which skips the size, shape and border checks for the image. */
  readonly width: number;
  readonly height: number;
  /** 64-bit difference hash as 16 hex digits. */
  readonly dhash?: string;
  readonly annotations: readonly Annotation[];
  /** Seconds each annotator spent on the image, when known. */
  readonly timeSpent?: readonly { readonly annotator: string; readonly seconds: number }[];
}

export interface ConsistencyOptions {
  /** Needed for the minimum-size and required-attribute checks (skipped without it); gives class names. */
  readonly schema?: CompiledSchema | AnnotationSchema;
  /** Bounds IoU at which two objects of one class count as the same object drawn twice (default 0.9). */
  readonly duplicateIou?: number;
  /** Hashes at most this many bits apart count as the same picture (default 4, at most 16). */
  readonly nearDuplicateBits?: number;
  /** Tukey's k for size, shape and time outliers (default 1.5). */
  readonly outlierK?: number;
  /** Pixels from an image edge within which an object touches the border (default 1). */
  readonly borderMargin?: number;
}

export type FindingSeverity = 'error' | 'warning' | 'info';

/** Every check, in the order findings are listed, with what the UI shows for its filter. */
export const CONSISTENCY_CHECKS = [
  {
    id: 'duplicate-object',
    title: 'Duplicate object',
    severity: 'error',
    explanation:
      'Two objects of the same class almost exactly on top of each other, usually one drawn twice.',
  },
  {
    id: 'below-min-size',
    title: 'Below minimum size',
    severity: 'error',
    explanation: "Smaller than the schema's minimum width or height for its class.",
  },
  {
    id: 'missing-required-attribute',
    title: 'Missing required attribute',
    severity: 'error',
    explanation: 'An attribute the schema requires for this class has no value.',
  },
  {
    id: 'size-outlier',
    title: 'Unusual size',
    severity: 'warning',
    explanation: 'Far larger or smaller, relative to its image, than other objects of its class.',
  },
  {
    id: 'aspect-outlier',
    title: 'Unusual shape',
    severity: 'warning',
    explanation: 'Far wider or narrower (width over height) than other objects of its class.',
  },
  {
    id: 'near-duplicate-labeled-differently',
    title: 'Look-alike images labeled differently',
    severity: 'warning',
    explanation: 'Two images that look almost the same carry different classes or object counts.',
  },
  {
    id: 'annotator-class-distribution',
    title: 'Unusual class mix',
    severity: 'warning',
    explanation: 'An annotator uses the classes in markedly different proportions than the others.',
  },
  {
    id: 'annotator-box-size',
    title: 'Unusual box sizes',
    severity: 'warning',
    explanation:
      "An annotator's boxes are typically much larger or smaller than the others' for the same classes.",
  },
  {
    id: 'time-outlier',
    title: 'Unusual time spent',
    severity: 'warning',
    explanation: 'Far less (rushed?) or far more time spent on an image than usual.',
  },
  {
    id: 'touches-border',
    title: 'Touches the border',
    severity: 'info',
    explanation: 'Reaches the image edge: often a cut-off object, sometimes a box dragged too far.',
  },
] as const satisfies readonly {
  id: string;
  title: string;
  severity: FindingSeverity;
  explanation: string;
}[];

export type CheckId = (typeof CONSISTENCY_CHECKS)[number]['id'];

export interface Finding {
  readonly check: CheckId;
  readonly severity: FindingSeverity;
  /** The image it is about; absent for annotator-level checks (class mix, box size), which are about a person. */
  readonly imageId?: string;
  /** The objects concerned: one, or both of a duplicate pair; empty for image- and annotator-level checks. */
  readonly annotationIds: readonly AnnotationId[];
  /** The look-alike image of a near-duplicate pair. */
  readonly otherImageId?: string;
  readonly annotator?: string;
  readonly message: string;
  /** The measure behind the finding: size or shape ratio to the class median, IoU, bits apart, distance, ratio, seconds. */
  readonly value?: number;
}

export interface ConsistencyReport {
  /** Sorted by check (CONSISTENCY_CHECKS order), then image id, annotator, other image, then object order in the image. */
  readonly findings: readonly Finding[];
  readonly counts: Readonly<Record<CheckId, number>>;
  /** Image id → indices into `findings` naming it (as `imageId` or `otherImageId`). */
  readonly byImage: ReadonlyMap<string, readonly number[]>;
}

const SEVERITY = Object.fromEntries(CONSISTENCY_CHECKS.map((c) => [c.id, c.severity])) as Record<
  CheckId,
  FindingSeverity
>;

/** Runs every check over the images; plain data in, plain data out. */
export function checkConsistency(
  images: readonly ConsistencyImage[],
  options: ConsistencyOptions = {},
): ConsistencyReport {
  const duplicateIou = options.duplicateIou ?? 0.9;
  const nearDuplicateBits = options.nearDuplicateBits ?? 4;
  const k = options.outlierK ?? 1.5;
  const borderMargin = options.borderMargin ?? 1;
  if (!(duplicateIou > 0 && duplicateIou <= 1))
    throw new RangeError(`duplicateIou must be above 0 and at most 1, got ${duplicateIou}`);
  if (!Number.isInteger(nearDuplicateBits) || nearDuplicateBits < 0 || nearDuplicateBits > 16)
    throw new RangeError(`nearDuplicateBits must be a whole number from 0 to 16, got ${nearDuplicateBits}`);
  if (!(k >= 0)) throw new RangeError(`outlierK must be 0 or more, got ${k}`);
  if (!(borderMargin >= 0)) throw new RangeError(`borderMargin must be 0 or more, got ${borderMargin}`);

  const schema =
    options.schema === undefined
      ? undefined
      : 'format' in options.schema
        ? compileSchema(options.schema)
        : options.schema;
  const className = (classId: string): string => schema?.classes.get(classId)?.name ?? classId;
  const lists = new Map<CheckId, Finding[]>(CONSISTENCY_CHECKS.map((c) => [c.id, []]));
  const add = (finding: Omit<Finding, 'severity'>): void => {
    lists.get(finding.check)!.push({ ...finding, severity: SEVERITY[finding.check] });
  };

  // Every object in flat arrays (index = position in images order), for the class fences and people checks.
  let total = 0;
  for (const image of images) total += image.annotations.length;
  const imageStart = new Int32Array(images.length + 1);
  const logAspect = new Float64Array(total).fill(NaN);
  const annotatorIds = new Map<string, number>();
  const classIds = new Map<string, number>();
  const classIdList: string[] = [];
  const classSized: boolean[] = [];
  const classWithRequired: boolean[] = [];
  const people: AnnotatorObjects = {
    count: total,
    annotator: new Int32Array(total),
    classIndex: new Int32Array(total),
    logArea: new Float64Array(total).fill(NaN),
    sharedImage: new Uint8Array(total),
    annotators: [],
    classNames: [],
  };
  const timeEntries: TimeEntry[] = [];
  const scratch: DuplicateScratch = { bounds: new Float64Array(0) };
  const measures = new Float64Array(3);

  let object = 0;
  let lastWho: string | undefined;
  let person = -1;
  for (let m = 0; m < images.length; m++) {
    const image = images[m]!;
    const { imageId, width, height, annotations } = image;
    const sizeKnown = width > 0 && height > 0;
    imageStart[m] = object;
    let firstAnnotator = -1;
    let shared = false;
    for (let i = 0; i < annotations.length; i++, object++) {
      const annotation = annotations[i]!;
      const who = annotation.updatedBy || annotation.createdBy;
      // One person usually draws an image's objects one after another: skip the lookup then.
      if (who !== lastWho) {
        let found = annotatorIds.get(who);
        if (found === undefined) {
          annotatorIds.set(who, (found = annotatorIds.size));
          (people.annotators as string[]).push(who);
        }
        lastWho = who;
        person = found;
      }
      if (firstAnnotator < 0) firstAnnotator = person;
      else if (person !== firstAnnotator) shared = true;
      let cls = classIds.get(annotation.classId);
      if (cls === undefined) {
        classIds.set(annotation.classId, (cls = classIds.size));
        classIdList.push(annotation.classId);
        (people.classNames as string[]).push(className(annotation.classId));
        const compiled = schema?.classes.get(annotation.classId);
        // Only classes with a minimum or a required attribute pay for the schema calls below.
        classSized.push(compiled !== undefined && (compiled.minWidth > 0 || compiled.minHeight > 0));
        classWithRequired.push(compiled?.scope.attributes.some((a) => a.required) === true);
      }
      people.annotator[object] = person;
      people.classIndex[object] = cls;

      if (sizeKnown && measureObject(annotation.geometry, width, height, borderMargin, measures)) {
        const relativeArea = measures[0]!;
        const aspect = measures[1]!;
        // Zero areas and flat shapes stay NaN: no fence, never reported.
        if (relativeArea > 0) people.logArea[object] = Math.log(relativeArea);
        if (aspect > 0 && aspect < Infinity) logAspect[object] = Math.log(aspect);
        if (measures[2] === 1)
          add({
            check: 'touches-border',
            imageId,
            annotationIds: [annotation.id],
            message: `${capitalize(GEOMETRY_KIND_NAMES[annotation.geometry.kind])} of ${className(annotation.classId)} touches the ${edgesTouched(annotation.geometry, width, height, borderMargin)}`,
          });
      }

      if (classSized[cls]) {
        const violations = validateAnnotation(schema!, annotation, {
          imageId: imageId as ImageId,
          index: i,
          image: sizeKnown ? { width, height } : undefined,
        });
        for (const violation of violations)
          if (violation.code === 'box-too-small')
            add({
              check: 'below-min-size',
              imageId,
              annotationIds: [annotation.id],
              message: capitalize(violation.message),
            });
      }
      if (classWithRequired[cls]) {
        const missing = requiredAttributes(schema!, annotation.classId, annotation.attributes);
        if (missing.length > 0)
          add({
            check: 'missing-required-attribute',
            imageId,
            annotationIds: [annotation.id],
            message: `${className(annotation.classId)} has no ${missing.map((a) => a.name).join(', ')}`,
            value: missing.length,
          });
      }
    }
    if (shared) people.sharedImage.fill(1, imageStart[m]!, object);
    for (const [i, j, iou] of duplicatePairs(annotations, duplicateIou, scratch))
      add({
        check: 'duplicate-object',
        imageId,
        annotationIds: [annotations[i]!.id, annotations[j]!.id],
        message: `Two ${className(annotations[i]!.classId)} objects overlap almost completely (IoU ${iou.toFixed(2)}): probably one drawn twice`,
        value: iou,
      });
    for (const entry of image.timeSpent ?? [])
      timeEntries.push({ imageId, annotator: entry.annotator, seconds: entry.seconds });
  }
  imageStart[images.length] = object;

  const times = (ratio: number) => `${(ratio >= 1 ? ratio : 1 / ratio).toFixed(1)}×`;
  for (const check of ['size-outlier', 'aspect-outlier'] as const) {
    const values = check === 'size-outlier' ? people.logArea : logAspect;
    for (const { object: at, ratio } of classOutliers(values, people.classIndex, classIdList.length, k)) {
      const m = imageOf(imageStart, at);
      const image = images[m]!;
      const annotation = image.annotations[at - imageStart[m]!]!;
      const word = capitalize(GEOMETRY_KIND_NAMES[annotation.geometry.kind]);
      const name = className(annotation.classId);
      add({
        check,
        imageId: image.imageId,
        annotationIds: [annotation.id],
        // Ratios to the class median on the original scale: the log scale is for the fences, not for people.
        message:
          check === 'size-outlier'
            ? `${word} ${times(ratio)} ${ratio > 1 ? 'larger' : 'smaller'} than usual for ${name}`
            : `${word} ${times(ratio)} ${ratio > 1 ? 'wider' : 'narrower'} than usual for ${name}`,
        value: ratio,
      });
    }
  }

  for (const pair of nearDuplicatesLabeledDifferently(images, nearDuplicateBits, className))
    add({
      check: 'near-duplicate-labeled-differently',
      imageId: pair.imageId,
      otherImageId: pair.otherImageId,
      annotationIds: [],
      message: `Looks like ${pair.otherImageId} (${pair.distance} ${pair.distance === 1 ? 'bit' : 'bits'} apart) but labeled differently: ${pair.labels} vs ${pair.otherLabels}`,
      value: pair.distance,
    });

  const compared = comparedObjects(people);
  for (const found of classMixFindings(people, compared))
    add({
      check: 'annotator-class-distribution',
      annotator: found.annotator,
      annotationIds: [],
      message: found.message,
      value: found.distance,
    });
  for (const found of boxSizeFindings(people, compared))
    add({
      check: 'annotator-box-size',
      annotator: found.annotator,
      annotationIds: [],
      message: found.message,
      value: found.ratio,
    });
  for (const found of timeFindings(timeEntries, k))
    add({
      check: 'time-outlier',
      imageId: found.imageId,
      annotator: found.annotator,
      annotationIds: [],
      message: found.message,
      value: found.seconds,
    });

  const findings: Finding[] = [];
  const counts = {} as Record<CheckId, number>;
  for (const { id } of CONSISTENCY_CHECKS) {
    const list = lists.get(id)!.sort(byImageThenObject);
    counts[id] = list.length;
    for (const finding of list) findings.push(finding);
  }
  const byImage = new Map<string, number[]>();
  const note = (imageId: string | undefined, index: number) => {
    if (imageId === undefined) return;
    const list = byImage.get(imageId);
    if (list) list.push(index);
    else byImage.set(imageId, [index]);
  };
  findings.forEach((finding, index) => {
    note(finding.imageId, index);
    note(finding.otherImageId, index);
  });
  return { findings, counts, byImage };
}

/** The image holding object `at`: the last m with imageStart[m] ≤ at (binary search; images without objects share a start). */
function imageOf(imageStart: Int32Array, at: number): number {
  let low = 0;
  let high = imageStart.length - 2;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (imageStart[mid]! <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Array sort is stable, so findings of one image keep the order its objects are stored in. */
function byImageThenObject(a: Finding, b: Finding): number {
  return (
    compareText(a.imageId ?? '', b.imageId ?? '') ||
    compareText(a.annotator ?? '', b.annotator ?? '') ||
    compareText(a.otherImageId ?? '', b.otherImageId ?? '')
  );
}
