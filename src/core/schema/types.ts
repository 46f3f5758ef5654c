/**
 * The annotation schema: what may be labeled and how. Mirrors schemas/annotation-schema.schema.json,
 * the format users read and write; `document.ts` checks a document against both.
 */

import type { AttributeValue } from '../annotations/types';

/** What a class may be drawn as; `tag` means "may be an image-level tag". */
export const GEOMETRY_KINDS = [
  'box',
  'rotated-box',
  'polygon',
  'polyline',
  'point',
  'keypoints',
  'tag',
] as const;
export type SchemaGeometry = (typeof GEOMETRY_KINDS)[number];

export interface ChoiceOption {
  readonly id: string;
  readonly label: string;
  readonly hotkey?: string;
}

/** Shown, and required when `required`, only while another attribute of the same scope has one of `values`. */
export interface AttributeCondition {
  readonly attributeId: string;
  readonly values: readonly (string | number | boolean)[];
}

interface AttributeBase {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly required: boolean;
  readonly when?: AttributeCondition;
}

export type AttributeDefinition =
  | (AttributeBase & {
      readonly type: 'single-choice';
      readonly options: readonly ChoiceOption[];
      readonly default?: string;
    })
  | (AttributeBase & {
      readonly type: 'multi-choice';
      readonly options: readonly ChoiceOption[];
      readonly default?: readonly string[];
    })
  | (AttributeBase & { readonly type: 'boolean'; readonly default?: boolean })
  | (AttributeBase & {
      readonly type: 'number';
      readonly min?: number;
      readonly max?: number;
      readonly step?: number;
      readonly unit?: string;
      readonly default?: number;
    })
  | (AttributeBase & {
      readonly type: 'text';
      readonly maxLength?: number;
      /** An ECMAScript regular expression the whole value must match. */
      readonly pattern?: string;
      readonly default?: string;
    });

export type AttributeType = AttributeDefinition['type'];

export interface Skeleton {
  /** Keypoint names in order; annotations store one point per name, in this order. */
  readonly keypoints: readonly string[];
  /** Pairs of keypoint names joined by a line. */
  readonly edges: readonly (readonly [string, string])[];
  /** Left/right pairs swapped by a horizontal flip (e.g. left_eye ↔ right_eye). */
  readonly flipPairs: readonly (readonly [string, string])[];
}

export interface ClassConstraints {
  readonly minBoxWidth?: number;
  readonly minBoxHeight?: number;
  readonly minPolygonVertices?: number;
  readonly maxInstancesPerImage?: number;
  /** Shapes must lie inside the image (default true). */
  readonly insideImage?: boolean;
  /** Keypoints must lie inside their instance's box (default false). */
  readonly keypointsInsideBox?: boolean;
}

export interface LabelClass {
  /** Stable id: annotations refer to it; renaming a class never changes it. */
  readonly id: string;
  readonly name: string;
  /** #rrggbb */
  readonly color: string;
  readonly hotkey?: string;
  readonly description?: string;
  /** A group class this class belongs to (vehicle → car, truck). */
  readonly parentId?: string;
  /** Empty for pure groups, which organise classes but are not drawn. */
  readonly geometries: readonly SchemaGeometry[];
  readonly skeleton?: Skeleton;
  readonly attributes: readonly AttributeDefinition[];
  readonly constraints?: ClassConstraints;
}

export interface ImageTagging {
  /** Every image needs at least one tag before it can be done. */
  readonly requireAtLeastOne: boolean;
  /** More than one tag per image allowed (multi-label); otherwise exactly one at most. */
  readonly multiLabel: boolean;
}

export interface AnnotationSchema {
  readonly $schema?: string;
  /** Version of the document format (not of this schema's content). */
  readonly format: 'labelloop.annotation-schema/1';
  readonly name: string;
  readonly description?: string;
  readonly classes: readonly LabelClass[];
  /** Attributes of the image itself (weather, time of day…). */
  readonly imageAttributes: readonly AttributeDefinition[];
  readonly tagging: ImageTagging;
}

export const SCHEMA_FORMAT = 'labelloop.annotation-schema/1' as const;

export type { AttributeValue };

/** A saved version of a project's schema (immutable once written). */
export interface SchemaVersion {
  readonly version: number;
  readonly schema: AnnotationSchema;
  readonly createdAt: number;
  readonly author: string;
  /** What changed relative to the previous version, in words. */
  readonly message: string;
}
