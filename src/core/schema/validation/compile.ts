/** Compiles an annotation schema once into the lookups the rules read, noting the schema's own defects. */

import type { AnnotationSchema, AttributeDefinition, AttributeType, LabelClass } from '../types';
import { kindIndex } from './kinds';

export interface CompiledCondition {
  readonly attributeId: string;
  readonly values: ReadonlySet<unknown>;
  /** The id is also an Object.prototype name, so the value must be read as an own property. */
  readonly inheritedKey: boolean;
}

export interface CompiledAttribute {
  readonly definition: AttributeDefinition;
  readonly id: string;
  readonly type: AttributeType;
  readonly required: boolean;
  /** How messages name it: `occlusion of car`, `image attribute weather`. */
  readonly subject: string;
  readonly inheritedKey: boolean;
  readonly options: ReadonlySet<string>;
  readonly min: number;
  readonly max: number;
  /** 0 when there is no step. */
  readonly step: number;
  readonly stepBase: number;
  readonly maxLength: number;
  /** The pattern anchored to the whole value; undefined without a (valid) pattern. */
  readonly pattern: RegExp | undefined;
  /** Its own condition, then its controller's, and so on: visible only while all hold. */
  readonly conditions: readonly CompiledCondition[];
}

export interface CompiledScope {
  readonly attributes: readonly CompiledAttribute[];
  readonly byId: ReadonlyMap<string, CompiledAttribute>;
  /** `car has no attribute…` / `images have no attribute…` */
  readonly owner: string;
}

export interface CompiledClass {
  readonly definition: LabelClass;
  readonly id: string;
  readonly name: string;
  readonly isGroup: boolean;
  readonly geometries: ReadonlySet<string>;
  /** Bit `kindIndex(kind)` is set for each geometry kind the class may be drawn as. */
  readonly geometryMask: number;
  readonly allowsTag: boolean;
  /** -1 without a skeleton. */
  readonly skeletonSize: number;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly minVertices: number;
  /** -1 when unlimited. */
  readonly maxInstances: number;
  /** Slot in the per-image instance counter; -1 when unlimited. */
  readonly limitIndex: number;
  readonly insideImage: boolean;
  readonly keypointsInsideBox: boolean;
  readonly scope: CompiledScope;
}

export interface CompiledSchema {
  readonly schema: AnnotationSchema;
  readonly classes: ReadonlyMap<string, CompiledClass>;
  readonly limitedClasses: readonly CompiledClass[];
  readonly imageScope: CompiledScope;
  readonly requireTag: boolean;
  readonly multiLabel: boolean;
  /** Defects of the schema itself found while compiling (bad pattern, condition cycle…); rules hit by them are skipped. */
  readonly problems: readonly string[];
}

const inheritedKeys = new Set(Object.getOwnPropertyNames(Object.prototype));

function anchoredPattern(source: string, subject: string, problems: string[]): RegExp | undefined {
  try {
    // Compiled bare first, so an unbalanced pattern cannot escape the anchoring group.
    new RegExp(source, 'u');
    return new RegExp(`^(?:${source})$`, 'u');
  } catch {
    try {
      new RegExp(source);
      return new RegExp(`^(?:${source})$`);
    } catch {
      problems.push(`${subject}: pattern ${source} is not a valid regular expression; it is not checked`);
      return undefined;
    }
  }
}

function compileScope(
  definitions: readonly AttributeDefinition[],
  subjectOf: (name: string) => string,
  owner: string,
  problems: string[],
): CompiledScope {
  const byDefinitionId = new Map<string, AttributeDefinition>();
  for (const definition of definitions) {
    if (!byDefinitionId.has(definition.id)) byDefinitionId.set(definition.id, definition);
    else
      problems.push(
        `${subjectOf(definition.name)}: attribute id "${definition.id}" is repeated; the first one is used`,
      );
  }
  const attributes: CompiledAttribute[] = [];
  const byId = new Map<string, CompiledAttribute>();
  for (const definition of byDefinitionId.values()) {
    const subject = subjectOf(definition.name);
    const conditions: CompiledCondition[] = [];
    const seen = new Set<string>([definition.id]);
    for (let current = definition.when; current;) {
      conditions.push({
        attributeId: current.attributeId,
        values: new Set<unknown>(current.values),
        inheritedKey: inheritedKeys.has(current.attributeId),
      });
      const controller = byDefinitionId.get(current.attributeId);
      if (!controller) {
        problems.push(`${subject}: its condition refers to unknown attribute "${current.attributeId}"`);
        break;
      }
      if (seen.has(controller.id)) {
        problems.push(`${subject}: its conditions form a cycle`);
        break;
      }
      seen.add(controller.id);
      current = controller.when;
    }
    let min = -Infinity;
    let max = Infinity;
    let step = 0;
    let maxLength = Infinity;
    let pattern: RegExp | undefined;
    let options: ReadonlySet<string> = new Set<string>();
    switch (definition.type) {
      case 'single-choice':
      case 'multi-choice':
        options = new Set(definition.options.map((option) => option.id));
        break;
      case 'number':
        if (Number.isFinite(definition.min)) min = definition.min as number;
        if (Number.isFinite(definition.max)) max = definition.max as number;
        if (definition.step !== undefined) {
          if (Number.isFinite(definition.step) && definition.step > 0) step = definition.step;
          else
            problems.push(`${subject}: step ${definition.step} is not a positive number; it is not checked`);
        }
        if (min > max) problems.push(`${subject}: min ${min} is above max ${max}`);
        break;
      case 'text':
        if (definition.maxLength !== undefined && definition.maxLength >= 0) maxLength = definition.maxLength;
        if (definition.pattern !== undefined)
          pattern = anchoredPattern(definition.pattern, subject, problems);
        break;
      case 'boolean':
        break;
    }
    const compiled: CompiledAttribute = {
      definition,
      id: definition.id,
      type: definition.type,
      required: definition.required === true,
      subject,
      inheritedKey: inheritedKeys.has(definition.id),
      options,
      min,
      max,
      step,
      stepBase: Number.isFinite(min) ? min : 0,
      maxLength,
      pattern,
      conditions,
    };
    attributes.push(compiled);
    byId.set(compiled.id, compiled);
  }
  return { attributes, byId, owner };
}

/** Precomputes every lookup the rules need, once per schema version. */
export function compileSchema(schema: AnnotationSchema): CompiledSchema {
  const problems: string[] = [];
  const classes = new Map<string, CompiledClass>();
  const limitedClasses: CompiledClass[] = [];
  for (const definition of schema.classes) {
    if (classes.has(definition.id)) {
      problems.push(`class id "${definition.id}" is repeated; the first one is used`);
      continue;
    }
    const constraints = definition.constraints ?? {};
    const geometries = new Set<string>(definition.geometries);
    const skeletonSize = definition.skeleton ? definition.skeleton.keypoints.length : -1;
    if (geometries.has('keypoints') && skeletonSize < 0) {
      problems.push(
        `${definition.name} allows keypoints but has no skeleton; keypoint counts are not checked`,
      );
    }
    const maxInstances =
      constraints.maxInstancesPerImage !== undefined && constraints.maxInstancesPerImage >= 0
        ? constraints.maxInstancesPerImage
        : -1;
    const compiled: CompiledClass = {
      definition,
      id: definition.id,
      name: definition.name,
      isGroup: definition.geometries.length === 0,
      geometries,
      geometryMask: definition.geometries.reduce((mask, kind) => {
        const index = kindIndex(kind);
        return index < 0 ? mask : mask | (1 << index);
      }, 0),
      allowsTag: geometries.has('tag'),
      skeletonSize,
      minWidth: positiveOrZero(constraints.minBoxWidth),
      minHeight: positiveOrZero(constraints.minBoxHeight),
      minVertices: Math.max(3, constraints.minPolygonVertices ?? 3),
      maxInstances,
      limitIndex: maxInstances >= 0 ? limitedClasses.length : -1,
      insideImage: constraints.insideImage !== false,
      keypointsInsideBox: constraints.keypointsInsideBox === true,
      scope: compileScope(
        definition.attributes,
        (name) => `${name} of ${definition.name}`,
        `${definition.name} has`,
        problems,
      ),
    };
    classes.set(compiled.id, compiled);
    if (maxInstances >= 0) limitedClasses.push(compiled);
  }
  return {
    schema,
    classes,
    limitedClasses,
    imageScope: compileScope(
      schema.imageAttributes,
      (name) => `image attribute ${name}`,
      'images have',
      problems,
    ),
    requireTag: schema.tagging.requireAtLeastOne,
    multiLabel: schema.tagging.multiLabel,
    problems,
  };
}

const positiveOrZero = (value: number | undefined): number =>
  value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
