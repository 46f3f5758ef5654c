/** The layout of a schema document on disk: keys in the order of types.ts, two-space indented JSON. */

import type { AnnotationSchema } from '../types';
import { isRecord } from './jsonPointer';

type Kind =
  'document' | 'labelClass' | 'skeleton' | 'constraints' | 'attribute' | 'condition' | 'option' | 'tagging';

/** Key order of each object, as in types.ts; keys not listed are dropped (the JSON Schema forbids them). */
const KEY_ORDER: Record<Kind, readonly string[]> = {
  document: ['$schema', 'format', 'name', 'description', 'classes', 'imageAttributes', 'tagging'],
  labelClass: [
    'id',
    'name',
    'color',
    'hotkey',
    'description',
    'parentId',
    'geometries',
    'skeleton',
    'attributes',
    'constraints',
  ],
  skeleton: ['keypoints', 'edges', 'flipPairs'],
  constraints: [
    'minBoxWidth',
    'minBoxHeight',
    'minPolygonVertices',
    'maxInstancesPerImage',
    'insideImage',
    'keypointsInsideBox',
  ],
  attribute: [
    'id',
    'name',
    'description',
    'required',
    'when',
    'type',
    'options',
    'min',
    'max',
    'step',
    'unit',
    'maxLength',
    'pattern',
    'default',
  ],
  condition: ['attributeId', 'values'],
  option: ['id', 'label', 'hotkey'],
  tagging: ['requireAtLeastOne', 'multiLabel'],
};

/** What kind of object a property holds (keys are unique across kinds). */
const CHILD_KIND: Readonly<Record<string, Kind>> = {
  classes: 'labelClass',
  imageAttributes: 'attribute',
  tagging: 'tagging',
  skeleton: 'skeleton',
  attributes: 'attribute',
  constraints: 'constraints',
  when: 'condition',
  options: 'option',
};

function ordered(value: unknown, kind: Kind): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => ordered(item, kind));
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  for (const key of KEY_ORDER[kind]) {
    const child = value[key];
    if (child === undefined) continue;
    const childKind = CHILD_KIND[key];
    result[key] = childKind ? ordered(child, childKind) : child;
  }
  return result;
}

export const canonical = (schema: AnnotationSchema): AnnotationSchema =>
  ordered(schema, 'document') as AnnotationSchema;

const MAX_LINE = 100;

/** Two-space JSON; a list of plain values stays on one line when it fits (geometries, keypoint pairs). */
export function formatJson(value: unknown, indent: string, prefix: number): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const line = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (indent.length + prefix + line.length + 1 <= MAX_LINE) return line;
    }
    return `[\n${value.map((item) => inner + formatJson(item, inner, 0)).join(',\n')}\n${indent}]`;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, child]) => child !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, child]) => {
      const head = `${JSON.stringify(key)}: `;
      return inner + head + formatJson(child, inner, head.length);
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
