/** Annotations as stored: pixel geometry in image space, attribute values, and who made them under which schema. */

import type { Brand, ImageId, ProjectId } from '../ids';

export type AnnotationId = Brand<string, 'AnnotationId'>;

/** A point in image pixels (what we store); 0,0 is the top-left corner of the upright image. */
export interface ImagePoint {
  readonly x: number;
  readonly y: number;
}

/** COCO keypoint visibility: 0 absent (not labeled), 1 labeled but occluded, 2 labeled and visible. */
export type KeypointVisibility = 0 | 1 | 2;

export type Geometry =
  | {
      readonly kind: 'box';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly height: number;
    }
  | {
      readonly kind: 'rotated-box';
      /** Centre, size, and rotation in degrees clockwise (image y grows downwards). */
      readonly cx: number;
      readonly cy: number;
      readonly width: number;
      readonly height: number;
      readonly angle: number;
    }
  | { readonly kind: 'polygon'; readonly points: readonly ImagePoint[] }
  | { readonly kind: 'polyline'; readonly points: readonly ImagePoint[] }
  | { readonly kind: 'point'; readonly x: number; readonly y: number }
  | {
      readonly kind: 'keypoints';
      /** One entry per skeleton keypoint, in the schema's order. */
      readonly points: readonly (ImagePoint & { readonly visibility: KeypointVisibility })[];
      /** The instance's box, when drawn; keypoints may be required to lie inside it. */
      readonly box?: {
        readonly x: number;
        readonly y: number;
        readonly width: number;
        readonly height: number;
      };
    };

export type GeometryKind = Geometry['kind'];

/** What people call each geometry, in lower case: "rotated box", "keypoints". */
export const GEOMETRY_KIND_NAMES: Readonly<Record<GeometryKind, string>> = {
  box: 'box',
  'rotated-box': 'rotated box',
  polygon: 'polygon',
  polyline: 'polyline',
  point: 'point',
  keypoints: 'keypoints',
};

/** single-choice: option id; multi-choice: option ids; boolean; number; text. */
export type AttributeValue = string | readonly string[] | boolean | number;
export type AttributeValues = Readonly<Record<string, AttributeValue>>;

/** Why an annotation waits for a person (schema split, required attribute added, …). */
export interface ReviewFlag {
  readonly reason: string;
  readonly since: number;
  /** Schema version whose change raised the flag. */
  readonly schemaVersion: number;
}

export interface Annotation {
  readonly id: AnnotationId;
  readonly classId: string;
  readonly geometry: Geometry;
  readonly attributes: AttributeValues;
  /** The schema version the annotation was made (or last migrated) under. */
  readonly schemaVersion: number;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedBy: string;
  readonly updatedAt: number;
  readonly review?: ReviewFlag;
}

/** All labels of one image in one record (one IndexedDB row per image, not per object). */
export interface ImageAnnotations {
  readonly imageId: ImageId;
  readonly projectId: ProjectId;
  readonly annotations: readonly Annotation[];
  /** Image-level tags: ids of classes that allow the `tag` geometry. */
  readonly tags: readonly string[];
  readonly attributes: AttributeValues;
  /** Distinct class ids of annotations and tags, for dataset-wide queries (a multiEntry index). */
  readonly classIds: readonly string[];
  readonly updatedAt: number;
  /** Why the image itself waits for a person (its tag's class was split or deleted, an image attribute became required). */
  readonly review?: ReviewFlag;
}

export const classIdsOf = (annotations: readonly Annotation[], tags: readonly string[]): string[] =>
  [...new Set([...annotations.map((a) => a.classId), ...tags])].sort();
