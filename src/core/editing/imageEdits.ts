/** Edits of the image itself: its tags and its attributes, checked against the schema. */

import type { ImageAnnotations } from '../annotations/types';
import type { AttributeDefinition } from '../schema/types';
import { canCreate, requiredAttributes, type CompiledSchema } from '../schema/validate';
import {
  inputProblem,
  sameAttributes,
  settleAttributes,
  withInput,
  type AttributeInput,
} from './attributeValues';
import { recordStamp, refuse, type Built, type EditContext } from './editContext';

/** Sets (or clears) image attributes; `missing` lists required image attributes still empty. */
export function setImageAttributes(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  input: AttributeInput,
  ctx: EditContext,
): Built<{ missing: readonly AttributeDefinition[] }> {
  const scope = compiled.imageScope;
  const wrong = inputProblem(scope, input);
  if (wrong) return refuse(wrong.code, wrong.reason);
  const attributes = settleAttributes(scope, record.attributes, withInput(record.attributes, input));
  if (sameAttributes(attributes, record.attributes))
    return refuse('no-change', 'The image already has these values');
  return {
    ok: true,
    command: {
      kind: 'set-image-attributes',
      attributes: { before: record.attributes, after: attributes },
      updatedAt: recordStamp(record, ctx),
    },
    missing: requiredAttributes(compiled, null, attributes),
  };
}

/** Replaces the image's tags; each must be a class that allows tags, and only one without multi-label. */
export function setTags(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  tags: readonly string[],
  ctx: EditContext,
): Built {
  const next = [...new Set(tags)];
  // Tags the image already has stay even if the schema has since changed; validation flags them.
  for (const tag of next.filter((t) => !record.tags.includes(t))) {
    const allowed = canCreate(compiled, tag, 'tag');
    if (!allowed.ok) return refuse('not-allowed', allowed.reason);
  }
  if (next.length > 1 && !compiled.multiLabel) {
    return refuse('not-allowed', 'This schema allows one tag per image');
  }
  if (next.length === record.tags.length && next.every((tag, i) => tag === record.tags[i])) {
    return refuse('no-change', 'The image already has these tags');
  }
  return {
    ok: true,
    command: {
      kind: 'set-tags',
      tags: { before: record.tags, after: next },
      updatedAt: recordStamp(record, ctx),
    },
  };
}

/** Turns one tag on or off; without multi-label, turning one on replaces the current tag. */
export function toggleTag(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  classId: string,
  on: boolean,
  ctx: EditContext,
): Built {
  const others = record.tags.filter((tag) => tag !== classId);
  if (!on) return setTags(compiled, record, others, ctx);
  if (record.tags.includes(classId) && compiled.multiLabel)
    return setTags(compiled, record, record.tags, ctx);
  return setTags(compiled, record, compiled.multiLabel ? [...others, classId] : [classId], ctx);
}
