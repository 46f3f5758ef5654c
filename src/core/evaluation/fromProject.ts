/**
 * A project's labels and a run's predictions as evaluation input: every shape with an area becomes a box (or
 * a polygon for mask IoU); points and polylines have no area and are left out, as COCO leaves out keypoints.
 */

import type { Annotation, Geometry } from '../annotations/types';
import { geometryBounds, isEmptyBounds, rotatedBoxCorners } from '../geometry/shapes';
import { polygonArea } from '../geometry/polygons';
import type { Prediction } from '../predictions/types';
import type { Box, GroundTruthObject, PredictedObject, Segmentation } from './types';

/** Attribute names that mark a crowd region (COCO's `iscrowd`), as imports and schemas name them. */
export const CROWD_ATTRIBUTES = ['iscrowd', 'crowd', 'is_crowd'] as const;

function boxOf(geometry: Geometry): Box | undefined {
  if (geometry.kind === 'point' || geometry.kind === 'polyline') return undefined;
  if (geometry.kind === 'keypoints') {
    const box = geometry.box;
    return box ? [box.x, box.y, box.width, box.height] : undefined;
  }
  const b = geometryBounds(geometry);
  return isEmptyBounds(b) ? undefined : [b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY];
}

function ringOf(geometry: Geometry): number[] | undefined {
  switch (geometry.kind) {
    case 'polygon':
      return geometry.points.flatMap((p) => [p.x, p.y]);
    case 'rotated-box':
      return rotatedBoxCorners(geometry).flatMap((p) => [p.x, p.y]);
    case 'box': {
      const { x, y, width: w, height: h } = geometry;
      return [x, y, x, y + h, x + w, y + h, x + w, y];
    }
    case 'keypoints': {
      if (!geometry.box) return undefined;
      const { x, y, width: w, height: h } = geometry.box;
      return [x, y, x, y + h, x + w, y + h, x + w, y];
    }
    default:
      return undefined;
  }
}

/** The area COCO would store: a polygon's own area, else the box's. */
function areaOf(geometry: Geometry, box: Box): number {
  if (geometry.kind === 'polygon') return polygonArea(geometry.points);
  return box[2] * box[3];
}

export function isCrowd(annotation: Annotation): boolean {
  return CROWD_ATTRIBUTES.some(
    (name) => annotation.attributes[name] === true || annotation.attributes[name] === 1,
  );
}

export function groundTruthObject(
  imageId: string,
  annotation: Annotation,
  masks: boolean,
): GroundTruthObject | undefined {
  const bbox = boxOf(annotation.geometry);
  if (!bbox) return undefined;
  const ring = masks ? ringOf(annotation.geometry) : undefined;
  const segmentation: Segmentation | undefined = ring ? { kind: 'polygons', rings: [ring] } : undefined;
  return {
    id: annotation.id,
    imageId,
    categoryId: annotation.classId,
    bbox,
    area: areaOf(annotation.geometry, bbox),
    iscrowd: isCrowd(annotation),
    ...(segmentation ? { segmentation } : {}),
  };
}

/** Unmapped predictions (no schema class) are not evaluated: they could never become labels. */
export function predictedObject(
  imageId: string,
  key: string,
  prediction: Prediction,
  masks: boolean,
): PredictedObject | undefined {
  if (prediction.classId === null) return undefined;
  const bbox = boxOf(prediction.geometry);
  if (!bbox) return undefined;
  const ring = masks ? ringOf(prediction.geometry) : undefined;
  return {
    id: key,
    imageId,
    categoryId: prediction.classId,
    bbox,
    score: prediction.score,
    area: masks ? areaOf(prediction.geometry, bbox) : bbox[2] * bbox[3],
    ...(ring ? { segmentation: { kind: 'polygons', rings: [ring] } as Segmentation } : {}),
  };
}
