/**
 * The rules of an annotation schema that its JSON Schema cannot express: unique ids and hotkeys, known
 * references, no cycles, defaults and conditions that fit their attribute.
 */

import type { AnnotationSchema, AttributeDefinition, LabelClass, Skeleton } from '../types';
import { pointerOf } from './jsonPointer';
import { show } from './messages';
import type { SchemaProblem, SchemaProblemCode } from './problems';
import { regExpError, valueProblem } from './values';

type Report = (code: SchemaProblemCode, path: string, message: string) => void;

/** Each later item whose key repeats an earlier one, with the index of that earlier one. */
function repeats<T>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
): { index: number; first: number }[] {
  const firstIndex = new Map<string, number>();
  const found: { index: number; first: number }[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else found.push({ index, first });
  });
  return found;
}

/** The first cycle reached by following `next` from `start`, or undefined. */
function cycleFrom(start: number, next: (index: number) => number | undefined): number[] | undefined {
  const path: number[] = [];
  for (let current: number | undefined = start; current !== undefined; current = next(current)) {
    const seenAt = path.indexOf(current);
    if (seenAt >= 0) return path.slice(seenAt);
    path.push(current);
  }
  return undefined;
}

/** The rules of the annotation schema that JSON Schema cannot express; [] when there are none to report. */
export function checkSchema(schema: AnnotationSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const report: Report = (code, path, message) => problems.push({ code, path, message });
  checkClasses(schema.classes, report);
  schema.classes.forEach((labelClass, i) =>
    checkAttributes(
      labelClass.attributes,
      pointerOf('classes', i, 'attributes'),
      `of class "${labelClass.name}"`,
      report,
    ),
  );
  checkAttributes(schema.imageAttributes, '/imageAttributes', 'of the image', report);
  if (schema.tagging.requireAtLeastOne && !schema.classes.some((c) => c.geometries.includes('tag'))) {
    report(
      'tagging-without-tag-classes',
      '/tagging/requireAtLeastOne',
      'Every image must have a tag, but no class allows the "tag" geometry, so no image could ever be done.',
    );
  }
  return problems;
}

function checkClasses(classes: readonly LabelClass[], report: Report): void {
  const at = (i: number, ...rest: (string | number)[]): string => pointerOf('classes', i, ...rest);
  const nameOf = (i: number): string => classes[i]?.name ?? '';
  for (const { index, first } of repeats(classes, (c) => c.id)) {
    report(
      'duplicate-class-id',
      at(index, 'id'),
      `Class "${nameOf(index)}" has the id "${classes[index]?.id}", already used by class "${nameOf(first)}"; class ids must be unique.`,
    );
  }
  for (const { index, first } of repeats(classes, (c) => c.name.trim().toLowerCase())) {
    report(
      'duplicate-class-name',
      at(index, 'name'),
      `Classes "${nameOf(first)}" and "${nameOf(index)}" have the same name; class names must be unique, ignoring case.`,
    );
  }
  for (const { index, first } of repeats(classes, (c) => c.hotkey?.toLowerCase())) {
    report(
      'duplicate-class-hotkey',
      at(index, 'hotkey'),
      `Classes "${nameOf(first)}" and "${nameOf(index)}" both use the hotkey "${classes[index]?.hotkey}".`,
    );
  }

  const indexById = new Map<string, number>();
  classes.forEach((c, i) => {
    if (!indexById.has(c.id)) indexById.set(c.id, i);
  });
  const parentIndex = (i: number): number | undefined => {
    const parentId = classes[i]?.parentId;
    return parentId === undefined ? undefined : indexById.get(parentId);
  };
  classes.forEach((labelClass, i) => {
    if (labelClass.parentId !== undefined && !indexById.has(labelClass.parentId)) {
      report(
        'unknown-parent',
        at(i, 'parentId'),
        `Class "${labelClass.name}" has the parent "${labelClass.parentId}", which is not the id of any class.`,
      );
    }
    const cycle = cycleFrom(i, parentIndex);
    // Reported once, on the first class of the cycle.
    if (cycle && cycle[0] === i && Math.min(...cycle) === i) {
      const names = [...cycle, i].map((k) => `"${nameOf(k)}"`).join(' → ');
      report(
        'parent-cycle',
        at(i, 'parentId'),
        `Classes ${names} form a cycle: a class cannot be its own parent or ancestor.`,
      );
    }
    const keypointsAt = labelClass.geometries.indexOf('keypoints');
    if (keypointsAt >= 0 && !labelClass.skeleton) {
      report(
        'keypoints-without-skeleton',
        at(i, 'geometries', keypointsAt),
        `Class "${labelClass.name}" allows keypoints but has no skeleton naming them.`,
      );
    }
    if (labelClass.skeleton) checkSkeleton(labelClass.skeleton, labelClass.name, at(i, 'skeleton'), report);
    checkConstraints(labelClass, at(i, 'constraints'), report);
  });
}

function checkSkeleton(skeleton: Skeleton, className: string, path: string, report: Report): void {
  for (const { index } of repeats(skeleton.keypoints, (name) => name)) {
    report(
      'duplicate-keypoint',
      `${path}/keypoints/${index}`,
      `Class "${className}" names the keypoint "${skeleton.keypoints[index]}" twice; keypoint names must be unique.`,
    );
  }
  const known = new Set(skeleton.keypoints);
  const checkPairs = (key: 'edges' | 'flipPairs', what: string): void =>
    skeleton[key].forEach((pair, j) =>
      pair.forEach((name, end) => {
        if (!known.has(name)) {
          report(
            'unknown-keypoint',
            `${path}/${key}/${j}/${end}`,
            `Class "${className}": ${what} ${j + 1} names "${name}", which is not one of its keypoints.`,
          );
        }
      }),
    );
  checkPairs('edges', 'edge');
  checkPairs('flipPairs', 'flip pair');
}

function checkConstraints(labelClass: LabelClass, path: string, report: Report): void {
  const constraints = labelClass.constraints;
  if (!constraints) return;
  const rules: [keyof typeof constraints, number, boolean, string][] = [
    ['minBoxWidth', 0, false, 'a number of pixels, 0 or more'],
    ['minBoxHeight', 0, false, 'a number of pixels, 0 or more'],
    ['minPolygonVertices', 3, true, 'a whole number, 3 or more'],
    ['maxInstancesPerImage', 1, true, 'a whole number, 1 or more'],
  ];
  for (const [key, least, whole, expected] of rules) {
    const value = constraints[key];
    if (typeof value !== 'number') continue;
    if (!Number.isFinite(value) || value < least || (whole && !Number.isInteger(value))) {
      report(
        'invalid-constraint',
        `${path}/${key}`,
        `Class "${labelClass.name}": ${key} must be ${expected}, not ${String(value)}.`,
      );
    }
  }
}

function checkAttributes(
  attributes: readonly AttributeDefinition[],
  path: string,
  owner: string,
  report: Report,
): void {
  const label = (a: AttributeDefinition | undefined): string => `Attribute "${a?.name ?? ''}" ${owner}`;
  for (const { index, first } of repeats(attributes, (a) => a.id)) {
    report(
      'duplicate-attribute-id',
      `${path}/${index}/id`,
      `Attributes "${attributes[first]?.name}" and "${attributes[index]?.name}" ${owner} share the id "${attributes[index]?.id}"; attribute ids must be unique.`,
    );
  }
  const indexById = new Map<string, number>();
  attributes.forEach((a, i) => {
    if (!indexById.has(a.id)) indexById.set(a.id, i);
  });

  attributes.forEach((attribute, j) => {
    const at = `${path}/${j}`;
    if (attribute.type === 'single-choice' || attribute.type === 'multi-choice') {
      const options = attribute.options;
      for (const { index } of repeats(options, (o) => o.id)) {
        report(
          'duplicate-option-id',
          `${at}/options/${index}/id`,
          `${label(attribute)} has two options with the id "${options[index]?.id}".`,
        );
      }
      for (const { index, first } of repeats(options, (o) => o.hotkey?.toLowerCase())) {
        report(
          'duplicate-option-hotkey',
          `${at}/options/${index}/hotkey`,
          `${label(attribute)}: options "${options[first]?.label}" and "${options[index]?.label}" both use the hotkey "${options[index]?.hotkey}".`,
        );
      }
    }
    if (attribute.type === 'number') {
      if (attribute.min !== undefined && attribute.max !== undefined && attribute.min > attribute.max) {
        report(
          'min-greater-than-max',
          `${at}/max`,
          `${label(attribute)}: the minimum ${attribute.min} is greater than the maximum ${attribute.max}.`,
        );
      }
      if (attribute.step !== undefined && !(attribute.step > 0 && Number.isFinite(attribute.step))) {
        report(
          'invalid-step',
          `${at}/step`,
          `${label(attribute)}: the step must be greater than 0, not ${attribute.step}.`,
        );
      }
    }
    if (attribute.type === 'text' && attribute.pattern !== undefined) {
      const error = regExpError(attribute.pattern);
      if (error !== undefined) {
        report(
          'invalid-pattern',
          `${at}/pattern`,
          `${label(attribute)}: "${attribute.pattern}" is not a valid regular expression (${error}).`,
        );
      }
    }
    checkDefault(attribute, at, label(attribute), report);

    const when = attribute.when;
    if (!when) return;
    if (when.attributeId === attribute.id) {
      report(
        'self-condition',
        `${at}/when/attributeId`,
        `${label(attribute)} depends on itself, so it could never be shown.`,
      );
      return;
    }
    const target = attributes[indexById.get(when.attributeId) ?? -1];
    if (!target) {
      report(
        'unknown-condition-attribute',
        `${at}/when/attributeId`,
        `${label(attribute)} depends on "${when.attributeId}", which is not an attribute ${owner}.`,
      );
      return;
    }
    when.values.forEach((value, k) => {
      const problem = valueProblem(target, value);
      if (problem) {
        report(
          'invalid-condition-value',
          `${at}/when/values/${k}`,
          `${label(attribute)} depends on "${target.name}" being ${show(value)}, but ${problem}.`,
        );
      }
    });
  });

  const dependsOn = (i: number): number | undefined => {
    const when = attributes[i]?.when;
    return when && when.attributeId !== attributes[i]?.id ? indexById.get(when.attributeId) : undefined;
  };
  attributes.forEach((_, i) => {
    const cycle = cycleFrom(i, dependsOn);
    if (cycle && cycle.length > 1 && cycle[0] === i && Math.min(...cycle) === i) {
      const names = [...cycle, i].map((k) => `"${attributes[k]?.name}"`).join(' → ');
      report(
        'condition-cycle',
        `${path}/${i}/when/attributeId`,
        `Attributes ${names} ${owner} depend on each other in a cycle, so none of them could ever be shown.`,
      );
    }
  });
}

function checkDefault(attribute: AttributeDefinition, at: string, label: string, report: Report): void {
  if (attribute.default === undefined) return;
  if (attribute.type === 'multi-choice') {
    attribute.default.forEach((value, k) => {
      const problem = valueProblem(attribute, value);
      if (problem) report('invalid-default', `${at}/default/${k}`, `${label}: the default ${problem}.`);
    });
    return;
  }
  const problem = valueProblem(attribute, attribute.default);
  if (problem) report('invalid-default', `${at}/default`, `${label}: the default ${problem}.`);
}
