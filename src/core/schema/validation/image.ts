/**
 * Rules for one image record: its annotations in order, then instance counts per class, image tags, image
 * attributes and the image's own review flag.
 */

import type { Annotation, ImageAnnotations } from '../../annotations/types';
import type { Violation } from '../violations';
import { checkAnnotation, checkReview } from './annotation';
import { checkAttributes } from './attributes';
import type { CompiledClass, CompiledSchema } from './compile';
import { geometryList } from './kinds';
import { describe, enterImage, newFrame, report, type Frame, type ImageSize } from './report';

const NO_ITEMS: readonly never[] = Object.freeze([]);

function reportTooManyInstances(
  frame: Frame,
  cls: CompiledClass,
  annotations: readonly Annotation[],
  count: number,
): void {
  // The path points at the first instance over the limit.
  let seen = 0;
  let first = 0;
  for (let i = 0; i < annotations.length; i++) {
    if (annotations[i]?.classId === cls.id && ++seen > cls.maxInstances) {
      first = i;
      break;
    }
  }
  frame.index = first;
  frame.annotationId = undefined;
  report(
    frame,
    'too-many-instances',
    '',
    `${count} instances of ${cls.name} in this image; at most ${cls.maxInstances} allowed`,
  );
}

function checkTags(frame: Frame, compiled: CompiledSchema, rawTags: unknown): void {
  const tags: readonly unknown[] = Array.isArray(rawTags) ? rawTags : NO_ITEMS;
  let validTags = 0;
  for (let k = 0; k < tags.length; k++) {
    const tag = tags[k];
    const cls = typeof tag === 'string' ? compiled.classes.get(tag) : undefined;
    if (cls === undefined) {
      report(frame, 'unknown-tag', `tags[${k}]`, `unknown tag ${describe(tag)}: no class has this id`);
    } else if (!cls.allowsTag) {
      report(
        frame,
        'class-not-a-tag',
        `tags[${k}]`,
        cls.isGroup
          ? `${cls.name} is a group of classes, not an image tag`
          : `${cls.name} is not an image tag (it is drawn as ${geometryList(cls)})`,
      );
    } else {
      validTags++;
    }
  }
  if (compiled.requireTag && validTags === 0) {
    report(frame, 'image-tag-required', 'tags', 'this image has no tag; every image needs at least one');
  }
  if (!compiled.multiLabel && tags.length > 1) {
    const names = tags.map((tag) =>
      typeof tag === 'string' ? (compiled.classes.get(tag)?.name ?? tag) : describe(tag),
    );
    report(
      frame,
      'too-many-tags',
      'tags',
      `${tags.length} tags (${names.join(', ')}); this schema allows one tag per image`,
    );
  }
}

/** `counts` has one slot per limited class and is zeroed here, so callers can reuse it across images. */
export function checkImage(
  frame: Frame,
  compiled: CompiledSchema,
  record: ImageAnnotations,
  counts: Int32Array,
): void {
  const annotations = Array.isArray(record.annotations) ? record.annotations : NO_ITEMS;
  const limited = compiled.limitedClasses;
  for (let k = 0; k < limited.length; k++) counts[k] = 0;
  for (let i = 0; i < annotations.length; i++) {
    const cls = checkAnnotation(frame, compiled, annotations[i]!, i);
    if (cls !== undefined && cls.limitIndex >= 0) counts[cls.limitIndex]!++;
  }
  for (let k = 0; k < limited.length; k++) {
    if (counts[k]! > limited[k]!.maxInstances)
      reportTooManyInstances(frame, limited[k]!, annotations, counts[k]!);
  }
  frame.index = -1;
  frame.annotationId = undefined;
  checkTags(frame, compiled, record.tags);
  checkAttributes(frame, compiled.imageScope, record.attributes);
  checkReview(frame, 'image', record.review);
}

/**
 * Violations of one image record: each annotation in order, then instance counts, tags, image attributes
 * and the image's own review flag. Without the image size the outside-image rule is skipped.
 */
export function validateImage(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  image: ImageSize | undefined,
): Violation[] {
  const out: Violation[] = [];
  const frame = newFrame(out);
  enterImage(frame, record.imageId, image);
  checkImage(frame, compiled, record, new Int32Array(compiled.limitedClasses.length));
  return out;
}
