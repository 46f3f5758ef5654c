/**
 * The validation engine: checks annotation records against a compiled annotation schema and reports
 * violations with stable codes (docs/schema-violations.md). Pure; checking a valid annotation allocates
 * nothing, so a project of a million annotations validates in about a second or less (bench/validate.ts).
 */

import type {
  Annotation,
  AnnotationId,
  AttributeValues,
  ImageAnnotations,
  ReviewFlag,
} from '../annotations/types';
import type { ImageId } from '../ids';
import type {
  AnnotationSchema,
  AttributeDefinition,
  AttributeType,
  LabelClass,
  SchemaGeometry,
} from './types';
import { VIOLATION_CODES, type Severity, type Violation, type ViolationCode } from './violations';

export const VIOLATION_SEVERITY: Readonly<Record<ViolationCode, Severity>> = {
  'unknown-class': 'error',
  'class-is-group': 'error',
  'geometry-not-allowed': 'error',
  'invalid-geometry': 'error',
  'box-too-small': 'error',
  'polygon-too-few-vertices': 'error',
  'too-many-instances': 'error',
  'outside-image': 'error',
  'keypoints-count-mismatch': 'error',
  'keypoints-outside-box': 'error',
  'missing-required-attribute': 'error',
  'unknown-attribute': 'warning',
  'attribute-type-mismatch': 'error',
  'invalid-option': 'error',
  'number-out-of-range': 'error',
  'number-off-step': 'error',
  'text-too-long': 'error',
  'text-pattern-mismatch': 'error',
  'attribute-condition-unmet': 'warning',
  'image-tag-required': 'error',
  'unknown-tag': 'error',
  'class-not-a-tag': 'error',
  'too-many-tags': 'error',
  'needs-review': 'warning',
};

/** Coordinates may overshoot the image or box edge by this much (float noise from transforms). */
export const EDGE_TOLERANCE = 1e-6;
/** Stored violations kept by `validateProject` unless told otherwise; counting goes on past it. */
export const DEFAULT_MAX_STORED_VIOLATIONS = 100_000;

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

// ---------------------------------------------------------------------------------------------------------
// Compiled schema

interface CompiledCondition {
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

// ---------------------------------------------------------------------------------------------------------
// Reporting (everything here runs only when something is wrong)

/**
 * Where the rules report to. One frame per validation call, moved from image to image and annotation to
 * annotation, so checking valid data allocates nothing. `index` is -1 for image-level checks.
 */
interface Frame {
  imageId: ImageId;
  /** NaN when the image size is unknown, which skips the outside-image rule. */
  width: number;
  height: number;
  annotationId: AnnotationId | undefined;
  index: number;
  readonly out: Violation[];
}

const newFrame = (out: Violation[]): Frame => ({
  imageId: '' as ImageId,
  width: NaN,
  height: NaN,
  annotationId: undefined,
  index: -1,
  out,
});

function enterImage(frame: Frame, imageId: ImageId, image: ImageSize | undefined): void {
  frame.imageId = imageId;
  const known = image !== undefined && image.width > 0 && image.height > 0;
  frame.width = known ? image.width : NaN;
  frame.height = known ? image.height : NaN;
  frame.annotationId = undefined;
  frame.index = -1;
}

/** `tail` is relative to the annotation (`geometry`, `attributes.occlusion`) or, at index -1, to the record. */
function report(frame: Frame, code: ViolationCode, tail: string, message: string): void {
  const severity = VIOLATION_SEVERITY[code];
  const index = frame.index;
  const path = index < 0 ? tail : tail === '' ? `annotations[${index}]` : `annotations[${index}].${tail}`;
  const imageId = frame.imageId;
  const annotationId = frame.annotationId;
  frame.out.push(
    annotationId === undefined
      ? { code, severity, imageId, path, message }
      : { code, severity, imageId, annotationId, path, message },
  );
}

/** Whole numbers as they are, others to two decimals: `3`, `2.25`. */
const num = (value: number): string =>
  Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Math.round(value * 100) / 100);

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

const listOf = (items: Iterable<unknown>): string => Array.from(items, (item) => String(item)).join(', ');

const optionLabels = (definition: AttributeDefinition): string =>
  definition.type === 'single-choice' || definition.type === 'multi-choice'
    ? definition.options.map((option) => `${option.id} (${option.label})`).join(', ')
    : '';

/** Number of Unicode code points, as JSON Schema's maxLength counts. */
function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------------------
// Attributes

/** The value of an attribute, or undefined when absent; null, '' and [] count as absent. */
function readValue(values: AttributeValues, id: string, inheritedKey: boolean): unknown {
  const value: unknown = values[id];
  if (value === undefined || value === null || value === '') return undefined;
  if (inheritedKey && !Object.hasOwn(values, id)) return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  return value;
}

/** A multi-choice controller satisfies the condition when any selected option is listed. */
function conditionMatches(accepted: { has(value: unknown): boolean }, value: unknown): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (accepted.has(value[i])) return true;
    return false;
  }
  return accepted.has(value);
}

function conditionsHold(conditions: readonly CompiledCondition[], values: AttributeValues): boolean {
  for (let i = 0; i < conditions.length; i++) {
    const condition = conditions[i]!;
    if (
      !conditionMatches(condition.values, readValue(values, condition.attributeId, condition.inheritedKey))
    ) {
      return false;
    }
  }
  return true;
}

const EXPECTED: Record<AttributeType, string> = {
  'single-choice': 'one option id',
  'multi-choice': 'a list of option ids',
  boolean: 'true or false',
  number: 'a finite number',
  text: 'text',
};

function reportInvalidOptions(frame: Frame, attribute: CompiledAttribute, chosen: readonly string[]): void {
  const bad = chosen.filter((item) => !attribute.options.has(item));
  report(
    frame,
    'invalid-option',
    `attributes.${attribute.id}`,
    `${bad.map(describe).join(', ')} ${bad.length === 1 ? 'is not an option' : 'are not options'} of ` +
      `${attribute.subject} (${optionLabels(attribute.definition)})`,
  );
}

function reportOutOfRange(frame: Frame, attribute: CompiledAttribute, value: number): void {
  const { min, max } = attribute;
  const range = Number.isFinite(min)
    ? Number.isFinite(max)
      ? `${num(min)}–${num(max)}`
      : `at least ${num(min)}`
    : `at most ${num(max)}`;
  const unit = attribute.definition.type === 'number' ? attribute.definition.unit : undefined;
  report(
    frame,
    'number-out-of-range',
    `attributes.${attribute.id}`,
    `${attribute.subject} is ${num(value)}; allowed: ${range}${unit ? ` ${unit}` : ''}`,
  );
}

/** Checks a present value against its definition; the caller has already handled absence and conditions. */
function checkValue(frame: Frame, attribute: CompiledAttribute, value: unknown): void {
  switch (attribute.type) {
    case 'single-choice':
      if (typeof value !== 'string') break;
      if (!attribute.options.has(value)) reportInvalidOptions(frame, attribute, [value]);
      return;
    case 'multi-choice': {
      if (!Array.isArray(value)) break;
      let wrongType = false;
      let unknown = false;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item !== 'string') wrongType = true;
        else if (!attribute.options.has(item)) unknown = true;
      }
      if (wrongType) break;
      if (unknown) reportInvalidOptions(frame, attribute, value as string[]);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') break;
      return;
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) break;
      if (value < attribute.min || value > attribute.max) {
        reportOutOfRange(frame, attribute, value);
      } else if (attribute.step > 0) {
        // Multiples of step from min (or 0), with room for binary fractions: 0.3 is on a 0.1 grid.
        const steps = (value - attribute.stepBase) / attribute.step;
        if (Math.abs(steps - Math.round(steps)) > 1e-9 * Math.max(1, Math.abs(steps))) {
          report(
            frame,
            'number-off-step',
            `attributes.${attribute.id}`,
            `${attribute.subject} is ${num(value)}; it must be ${num(attribute.stepBase)} plus a multiple of ${num(attribute.step)}`,
          );
        }
      }
      return;
    }
    case 'text': {
      if (typeof value !== 'string') break;
      // Code units never undercount code points, so the exact count is only needed past the limit.
      if (value.length > attribute.maxLength && codePoints(value) > attribute.maxLength) {
        report(
          frame,
          'text-too-long',
          `attributes.${attribute.id}`,
          `${attribute.subject} is ${codePoints(value)} characters long; at most ${attribute.maxLength} allowed`,
        );
      }
      if (attribute.pattern !== undefined && !attribute.pattern.test(value)) {
        const source = attribute.definition.type === 'text' ? attribute.definition.pattern : '';
        report(
          frame,
          'text-pattern-mismatch',
          `attributes.${attribute.id}`,
          `${attribute.subject} ${describe(value)} does not match the pattern ${source}`,
        );
      }
      return;
    }
  }
  report(
    frame,
    'attribute-type-mismatch',
    `attributes.${attribute.id}`,
    `${attribute.subject} must be ${EXPECTED[attribute.type]}, got ${describe(value)}`,
  );
}

function reportConditionUnmet(frame: Frame, attribute: CompiledAttribute, values: AttributeValues): void {
  // Name the first condition that fails (the attribute's own, or one of its controller's).
  let unmet = attribute.definition.when;
  for (const condition of attribute.conditions) {
    if (
      !conditionMatches(condition.values, readValue(values, condition.attributeId, condition.inheritedKey))
    ) {
      unmet = {
        attributeId: condition.attributeId,
        values: [...condition.values] as (string | number | boolean)[],
      };
      break;
    }
  }
  report(
    frame,
    'attribute-condition-unmet',
    `attributes.${attribute.id}`,
    `${attribute.subject} is set but applies only while ${unmet?.attributeId} is one of ${listOf(unmet?.values ?? [])}`,
  );
}

const EMPTY_VALUES: AttributeValues = Object.freeze({});

function checkAttributes(frame: Frame, scope: CompiledScope, rawValues: unknown): void {
  const values =
    typeof rawValues === 'object' && rawValues !== null ? (rawValues as AttributeValues) : EMPTY_VALUES;
  const attributes = scope.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i]!;
    const value = readValue(values, attribute.id, attribute.inheritedKey);
    if (value === undefined && !attribute.required) continue;
    const visible = attribute.conditions.length === 0 || conditionsHold(attribute.conditions, values);
    if (value === undefined) {
      if (visible) {
        report(
          frame,
          'missing-required-attribute',
          `attributes.${attribute.id}`,
          `${attribute.subject} is required`,
        );
      }
      continue;
    }
    if (!visible) reportConditionUnmet(frame, attribute, values);
    checkValue(frame, attribute, value);
  }
  for (const key in values) {
    if (!scope.byId.has(key)) {
      report(
        frame,
        'unknown-attribute',
        `attributes.${key}`,
        `${scope.owner} no attribute ${JSON.stringify(key)}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Geometry
// Reports build their subject (`box of car`) only when they fire; the predicates below stay small so V8
// inlines them and keeps coordinates unboxed.

/** How messages name the geometry kinds an annotation can have, by `kindIndex`. */
const GEOMETRY_NAMES = ['box', 'rotated box', 'polygon', 'polyline', 'point', 'keypoints'] as const;

const geometryLabel = (kind: string): string =>
  kind === 'tag' ? 'image tag' : (GEOMETRY_NAMES[kindIndex(kind)] ?? kind);

/** `box, rotated box or polygon` */
function geometryList(cls: CompiledClass): string {
  const labels = cls.definition.geometries.map(geometryLabel);
  return labels.length > 1
    ? `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`
    : labels.join('');
}

/** 0–5 for the kinds an annotation can have; -1 for anything else (`tag` included, which is image-level). */
function kindIndex(kind: unknown): number {
  switch (kind) {
    case 'box':
      return 0;
    case 'rotated-box':
      return 1;
    case 'polygon':
      return 2;
    case 'polyline':
      return 3;
    case 'point':
      return 4;
    case 'keypoints':
      return 5;
    default:
      return -1;
  }
}

const subjectOf = (name: string, cls: CompiledClass | undefined): string =>
  cls === undefined ? name : `${name} of ${cls.name}`;

function invalid(
  frame: Frame,
  cls: CompiledClass | undefined,
  name: string,
  tail: string,
  detail: string,
): void {
  report(frame, 'invalid-geometry', tail, `${subjectOf(name, cls)} ${detail}`);
}

const tooSmall = (cls: CompiledClass, width: number, height: number): boolean =>
  width + EDGE_TOLERANCE < cls.minWidth || height + EDGE_TOLERANCE < cls.minHeight;

function reportTooSmall(frame: Frame, cls: CompiledClass, name: string, width: number, height: number): void {
  const minimum =
    cls.minWidth > 0 && cls.minHeight > 0
      ? `${num(cls.minWidth)}×${num(cls.minHeight)} px`
      : cls.minWidth > 0
        ? `width ${num(cls.minWidth)} px`
        : `height ${num(cls.minHeight)} px`;
  report(
    frame,
    'box-too-small',
    'geometry',
    `${name} ${num(width)}×${num(height)} px is smaller than the minimum ${minimum} for ${cls.name}`,
  );
}

/** False when the image size is unknown (NaN compares false) or the class may leave the image. */
const outside = (frame: Frame, cls: CompiledClass, minX: number, minY: number, maxX: number, maxY: number) =>
  cls.insideImage &&
  frame.width > 0 &&
  (minX < -EDGE_TOLERANCE ||
    minY < -EDGE_TOLERANCE ||
    maxX > frame.width + EDGE_TOLERANCE ||
    maxY > frame.height + EDGE_TOLERANCE);

function reportOutside(
  frame: Frame,
  cls: CompiledClass,
  name: string,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): void {
  const where =
    minX === maxX && minY === maxY
      ? `lies at ${num(minX)}, ${num(minY)}`
      : `spans x ${num(minX)}–${num(maxX)}, y ${num(minY)}–${num(maxY)} px`;
  report(
    frame,
    'outside-image',
    'geometry',
    `${name} of ${cls.name} ${where}, outside the ${num(frame.width)}×${num(frame.height)} image`,
  );
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const finiteBox = (box: Box): boolean =>
  Number.isFinite(box.x) &&
  Number.isFinite(box.y) &&
  Number.isFinite(box.width) &&
  Number.isFinite(box.height);

function checkBox(frame: Frame, cls: CompiledClass | undefined, box: Box): void {
  const { x, y, width, height } = box;
  if (!finiteBox(box)) {
    invalid(frame, cls, 'box', 'geometry', `has a non-finite value (x ${x}, y ${y}, ${width}×${height})`);
  } else if (width <= 0 || height <= 0) {
    invalid(
      frame,
      cls,
      'box',
      'geometry',
      `is ${num(width)}×${num(height)} px; width and height must be above 0`,
    );
  } else if (cls !== undefined) {
    if (tooSmall(cls, width, height)) reportTooSmall(frame, cls, 'box', width, height);
    if (outside(frame, cls, x, y, x + width, y + height)) {
      reportOutside(frame, cls, 'box', x, y, x + width, y + height);
    }
  }
}

interface RotatedBox {
  readonly cx: number;
  readonly cy: number;
  readonly width: number;
  readonly height: number;
  readonly angle: number;
}

function checkRotatedBox(frame: Frame, cls: CompiledClass | undefined, box: RotatedBox): void {
  const { cx, cy, width, height, angle } = box;
  const name = 'rotated box';
  if (
    !Number.isFinite(cx) ||
    !Number.isFinite(cy) ||
    !Number.isFinite(width) ||
    !Number.isFinite(height) ||
    !Number.isFinite(angle)
  ) {
    invalid(
      frame,
      cls,
      name,
      'geometry',
      `has a non-finite value (cx ${cx}, cy ${cy}, ${width}×${height}, angle ${angle})`,
    );
    return;
  }
  if (width <= 0 || height <= 0) {
    invalid(
      frame,
      cls,
      name,
      'geometry',
      `is ${num(width)}×${num(height)} px; width and height must be above 0`,
    );
    return;
  }
  if (cls === undefined) return;
  // Its own size, not its axis-aligned bounds: turning an object must not change whether it is too small.
  if (tooSmall(cls, width, height)) reportTooSmall(frame, cls, name, width, height);
  const radians = (angle * Math.PI) / 180;
  const cos = Math.abs(Math.cos(radians));
  const sin = Math.abs(Math.sin(radians));
  const halfX = (width * cos + height * sin) / 2;
  const halfY = (width * sin + height * cos) / 2;
  if (outside(frame, cls, cx - halfX, cy - halfY, cx + halfX, cy + halfY)) {
    reportOutside(frame, cls, name, cx - halfX, cy - halfY, cx + halfX, cy + halfY);
  }
}

const finitePoint = (point: unknown): point is { x: number; y: number } =>
  typeof point === 'object' &&
  point !== null &&
  Number.isFinite((point as { x: unknown }).x) &&
  Number.isFinite((point as { y: unknown }).y);

function checkPath(
  frame: Frame,
  cls: CompiledClass | undefined,
  kind: 'polygon' | 'polyline',
  points: unknown,
): void {
  if (!Array.isArray(points)) {
    invalid(frame, cls, kind, 'geometry.points', 'has no list of points');
    return;
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const point: unknown = points[i];
    if (!finitePoint(point)) {
      invalid(frame, cls, kind, `geometry.points[${i}]`, `has a point ${i} without finite x and y`);
      return;
    }
    if (point.x < minX) minX = point.x;
    if (point.x > maxX) maxX = point.x;
    if (point.y < minY) minY = point.y;
    if (point.y > maxY) maxY = point.y;
  }
  const needed = kind === 'polygon' ? 3 : 2;
  if (points.length < needed) {
    invalid(
      frame,
      cls,
      kind,
      'geometry.points',
      `has ${points.length} points; a ${kind} needs at least ${needed}`,
    );
    return;
  }
  if (cls === undefined) return;
  if (kind === 'polygon') {
    if (points.length < cls.minVertices) {
      report(
        frame,
        'polygon-too-few-vertices',
        'geometry.points',
        `polygon of ${cls.name} has ${points.length} vertices; the minimum for ${cls.name} is ${cls.minVertices}`,
      );
    }
    // A polygon is measured by its axis-aligned bounds.
    if (tooSmall(cls, maxX - minX, maxY - minY))
      reportTooSmall(frame, cls, 'polygon', maxX - minX, maxY - minY);
  }
  if (outside(frame, cls, minX, minY, maxX, maxY)) reportOutside(frame, cls, kind, minX, minY, maxX, maxY);
}

interface Keypoint {
  readonly x: number;
  readonly y: number;
  readonly visibility: number;
}

const insideBox = (point: Keypoint, box: Box): boolean =>
  point.x >= box.x - EDGE_TOLERANCE &&
  point.y >= box.y - EDGE_TOLERANCE &&
  point.x <= box.x + box.width + EDGE_TOLERANCE &&
  point.y <= box.y + box.height + EDGE_TOLERANCE;

function checkKeypoints(
  frame: Frame,
  cls: CompiledClass | undefined,
  points: unknown,
  box: Box | undefined,
): void {
  const name = 'keypoints';
  if (!Array.isArray(points)) {
    invalid(frame, cls, name, 'geometry.points', 'has no list of points');
    return;
  }
  if (box !== undefined && box !== null && (!finiteBox(box) || box.width <= 0 || box.height <= 0)) {
    invalid(
      frame,
      cls,
      name,
      'geometry.box',
      `has an invalid box (x ${box.x}, y ${box.y}, ${box.width}×${box.height})`,
    );
    return;
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const boxRule = cls !== undefined && cls.keypointsInsideBox && box !== undefined && box !== null;
  let outsideBox = -1;
  for (let i = 0; i < points.length; i++) {
    const point = points[i] as Keypoint | null;
    const visibility: unknown = typeof point === 'object' && point !== null ? point.visibility : undefined;
    if (visibility !== 0 && visibility !== 1 && visibility !== 2) {
      invalid(
        frame,
        cls,
        name,
        `geometry.points[${i}]`,
        `has keypoint ${i} with visibility ${describe(visibility)}; it must be 0, 1 or 2`,
      );
      return;
    }
    // Unlabeled keypoints (visibility 0) carry placeholder coordinates that mean nothing.
    if (visibility === 0) continue;
    if (!finitePoint(point)) {
      invalid(frame, cls, name, `geometry.points[${i}]`, `has labeled keypoint ${i} without finite x and y`);
      return;
    }
    if (point.x < minX) minX = point.x;
    if (point.x > maxX) maxX = point.x;
    if (point.y < minY) minY = point.y;
    if (point.y > maxY) maxY = point.y;
    if (boxRule && outsideBox < 0 && !insideBox(point as Keypoint, box)) outsideBox = i;
  }
  if (cls === undefined) return;
  if (cls.skeletonSize >= 0 && points.length !== cls.skeletonSize) {
    report(
      frame,
      'keypoints-count-mismatch',
      'geometry.points',
      `keypoints of ${cls.name} has ${points.length} points; its skeleton has ${cls.skeletonSize}`,
    );
  }
  if (box) {
    minX = Math.min(minX, box.x);
    minY = Math.min(minY, box.y);
    maxX = Math.max(maxX, box.x + box.width);
    maxY = Math.max(maxY, box.y + box.height);
  }
  if (outside(frame, cls, minX, minY, maxX, maxY)) reportOutside(frame, cls, name, minX, minY, maxX, maxY);
  if (boxRule && outsideBox >= 0) {
    reportKeypointsOutsideBox(frame, cls, points as Keypoint[], box, outsideBox);
  }
}

function reportKeypointsOutsideBox(
  frame: Frame,
  cls: CompiledClass,
  points: readonly Keypoint[],
  box: Box,
  first: number,
): void {
  const names = cls.definition.skeleton?.keypoints ?? [];
  const outsiders: string[] = [];
  for (let i = first; i < points.length; i++) {
    if (points[i]!.visibility > 0 && !insideBox(points[i]!, box)) outsiders.push(names[i] ?? `#${i}`);
  }
  const one = outsiders.length === 1;
  report(
    frame,
    'keypoints-outside-box',
    `geometry.points[${first}]`,
    `${outsiders.length} labeled ${one ? 'keypoint' : 'keypoints'} of ${cls.name} ${one ? 'lies' : 'lie'} ` +
      `outside its box: ${outsiders.join(', ')}`,
  );
}

function checkGeometry(frame: Frame, cls: CompiledClass | undefined, geometry: unknown): void {
  const kind =
    typeof geometry === 'object' && geometry !== null ? (geometry as { kind: unknown }).kind : undefined;
  const index = kindIndex(kind);
  if (index < 0) {
    const detail =
      kind === 'tag'
        ? 'is a tag; tags belong in the image record, not among its annotations'
        : kind === undefined
          ? 'is missing'
          : `has unknown kind ${describe(kind)}`;
    invalid(frame, cls, 'geometry', 'geometry', detail);
    return;
  }
  const name = GEOMETRY_NAMES[index]!;
  if (cls !== undefined && !cls.isGroup && (cls.geometryMask & (1 << index)) === 0) {
    report(
      frame,
      'geometry-not-allowed',
      'geometry',
      `${cls.name} may be drawn as ${geometryList(cls)}, not as ${name}`,
    );
  }
  // Without a known class only the class-free rules apply (finite numbers, sizes above 0, point counts).
  const g = geometry as Annotation['geometry'];
  switch (g.kind) {
    case 'box':
      checkBox(frame, cls, g);
      break;
    case 'rotated-box':
      checkRotatedBox(frame, cls, g);
      break;
    case 'polygon':
    case 'polyline':
      checkPath(frame, cls, g.kind, g.points);
      break;
    case 'point':
      if (!Number.isFinite(g.x) || !Number.isFinite(g.y)) {
        invalid(frame, cls, name, 'geometry', `has a non-finite coordinate (x ${g.x}, y ${g.y})`);
      } else if (cls !== undefined && outside(frame, cls, g.x, g.y, g.x, g.y)) {
        reportOutside(frame, cls, name, g.x, g.y, g.x, g.y);
      }
      break;
    case 'keypoints':
      checkKeypoints(frame, cls, g.points, g.box);
      break;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Annotations and images

/** Checks one annotation into the frame; returns its class when the schema knows it (for instance counts). */
function checkAnnotation(
  frame: Frame,
  compiled: CompiledSchema,
  annotation: Annotation,
  index: number,
): CompiledClass | undefined {
  frame.index = index;
  frame.annotationId = undefined;
  if (typeof annotation !== 'object' || annotation === null) {
    report(frame, 'invalid-geometry', '', `annotation ${index} is not an object`);
    return undefined;
  }
  frame.annotationId = annotation.id;
  const cls = compiled.classes.get(annotation.classId);
  if (cls === undefined) {
    report(
      frame,
      'unknown-class',
      'classId',
      `unknown class ${describe(annotation.classId)}: the schema has no class with this id`,
    );
  } else if (cls.isGroup) {
    report(
      frame,
      'class-is-group',
      'classId',
      `${cls.name} is a group of classes and cannot be drawn; use one of its classes`,
    );
  }
  checkGeometry(frame, cls, annotation.geometry);
  // An unknown class has no attribute definitions to check against.
  if (cls !== undefined) checkAttributes(frame, cls.scope, annotation.attributes);
  checkReview(frame, cls === undefined ? 'annotation' : cls.name, annotation.review);
  return cls;
}

function checkReview(frame: Frame, subject: string, review: ReviewFlag | undefined | null): void {
  if (review === undefined || review === null) return;
  const reason =
    typeof review.reason === 'string' && review.reason !== '' ? review.reason : 'no reason given';
  report(frame, 'needs-review', 'review', `${subject} needs review: ${reason}`);
}

export interface AnnotationContext {
  readonly imageId: ImageId;
  readonly index: number;
  readonly image?: ImageSize;
}

/** Violations of one annotation alone (no instance counts, tags or image attributes). */
export function validateAnnotation(
  compiled: CompiledSchema,
  annotation: Annotation,
  context: AnnotationContext,
): Violation[] {
  const out: Violation[] = [];
  const frame = newFrame(out);
  enterImage(frame, context.imageId, context.image);
  checkAnnotation(frame, compiled, annotation, context.index);
  return out;
}

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
function checkImage(
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

export interface ProjectValidation {
  /** The first `maxStoredViolations` violations, in record order. */
  readonly violations: Violation[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly byCode: Record<ViolationCode, number>;
  readonly imagesWithErrors: number;
  readonly imagesChecked: number;
  readonly annotationsChecked: number;
  /** More violations were found than were stored. */
  readonly truncated: boolean;
}

export interface ValidateProjectOptions {
  /** Keep at most this many violations in the result (counting goes on); default 100,000. */
  readonly maxStoredViolations?: number;
}

/**
 * Validates every record, counting all violations while storing at most `maxStoredViolations`;
 * `onViolation` sees every one, stored or not, for streaming them elsewhere.
 */
export function validateProject(
  compiled: CompiledSchema,
  records: Iterable<ImageAnnotations>,
  sizes: (imageId: ImageId) => ImageSize | undefined,
  onViolation?: (violation: Violation) => void,
  options: ValidateProjectOptions = {},
): ProjectValidation {
  const cap = Math.max(0, options.maxStoredViolations ?? DEFAULT_MAX_STORED_VIOLATIONS);
  const byCode = Object.fromEntries(VIOLATION_CODES.map((code) => [code, 0])) as Record<
    ViolationCode,
    number
  >;
  const violations: Violation[] = [];
  const buffer: Violation[] = [];
  const frame = newFrame(buffer);
  const counts = new Int32Array(compiled.limitedClasses.length);
  let errorCount = 0;
  let warningCount = 0;
  let imagesWithErrors = 0;
  let imagesChecked = 0;
  let annotationsChecked = 0;
  let truncated = false;
  for (const record of records) {
    buffer.length = 0;
    enterImage(frame, record.imageId, sizes(record.imageId));
    checkImage(frame, compiled, record, counts);
    imagesChecked++;
    if (Array.isArray(record.annotations)) annotationsChecked += record.annotations.length;
    let hasError = false;
    for (let i = 0; i < buffer.length; i++) {
      const violation = buffer[i]!;
      if (violation.severity === 'error') {
        errorCount++;
        hasError = true;
      } else {
        warningCount++;
      }
      byCode[violation.code]++;
      if (violations.length < cap) violations.push(violation);
      else truncated = true;
      if (onViolation !== undefined) onViolation(violation);
    }
    if (hasError) imagesWithErrors++;
  }
  return {
    violations,
    errorCount,
    warningCount,
    byCode,
    imagesWithErrors,
    imagesChecked,
    annotationsChecked,
    truncated,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Questions the editor and the exporter ask

/**
 * Whether an attribute is shown (and, when required, needed) for these values: its condition holds. With
 * `scope` (the attributes of the same class or of the image), the controlling attribute must be shown too.
 */
export function attributeVisible(
  definition: AttributeDefinition,
  values: AttributeValues,
  scope?: readonly AttributeDefinition[],
): boolean {
  let current: AttributeDefinition | undefined = definition;
  for (let depth = 0; current?.when !== undefined; depth++) {
    const when: NonNullable<AttributeDefinition['when']> = current.when;
    const accepted = { has: (value: unknown) => when.values.includes(value as string | number | boolean) };
    if (!conditionMatches(accepted, readValue(values, when.attributeId, true))) return false;
    if (scope === undefined || depth >= scope.length) return true;
    current = scope.find((candidate) => candidate.id === when.attributeId);
  }
  return true;
}

/** Required attributes that are visible and still have no value: what the editor must prompt for. */
export function requiredAttributes(
  compiled: CompiledSchema,
  classId: string | null,
  values: AttributeValues,
): AttributeDefinition[] {
  const scope = classId === null ? compiled.imageScope : compiled.classes.get(classId)?.scope;
  if (scope === undefined) return [];
  const missing: AttributeDefinition[] = [];
  for (const attribute of scope.attributes) {
    if (
      attribute.required &&
      readValue(values, attribute.id, attribute.inheritedKey) === undefined &&
      conditionsHold(attribute.conditions, values)
    ) {
      missing.push(attribute.definition);
    }
  }
  return missing;
}

/** Whether the editor may create an annotation (or, for `tag`, an image tag) of this class and kind. */
export function canCreate(
  compiled: CompiledSchema,
  classId: string,
  geometryKind: SchemaGeometry,
): { ok: true } | { ok: false; reason: string } {
  const cls = compiled.classes.get(classId);
  if (cls === undefined) return { ok: false, reason: `Unknown class "${classId}"` };
  if (cls.isGroup) {
    const members = compiled.schema.classes.filter((other) => other.parentId === cls.id).map((c) => c.name);
    return {
      ok: false,
      reason: `${cls.name} is a group of classes and cannot be drawn${members.length > 0 ? `; use ${members.join(', ')}` : ''}`,
    };
  }
  const name = geometryKind === 'tag' ? 'an image tag' : geometryLabel(geometryKind);
  if (!cls.geometries.has(geometryKind)) {
    return {
      ok: false,
      reason: `${cls.name} may be drawn as ${geometryList(cls)}, not as ${name}`,
    };
  }
  if (geometryKind === 'keypoints' && cls.skeletonSize <= 0) {
    return { ok: false, reason: `${cls.name} has no skeleton, so its keypoints cannot be placed` };
  }
  return { ok: true };
}

/** Export of a version with error-level violations is refused unless a violations report goes with it. */
export function exportGate(
  result: { readonly errorCount: number },
  options: { readonly withReport: boolean },
): { allowed: boolean; reason?: string } {
  if (result.errorCount === 0 || options.withReport) return { allowed: true };
  return {
    allowed: false,
    reason: `${result.errorCount} error-level ${result.errorCount === 1 ? 'violation' : 'violations'}: fix ${result.errorCount === 1 ? 'it' : 'them'} or export with a violations report`,
  };
}
