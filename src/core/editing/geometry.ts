/** Geometry arithmetic the editing commands need, in image pixels. */

import type { Geometry } from '../annotations/types';

export interface Offset {
  readonly dx: number;
  readonly dy: number;
}

export const NO_OFFSET: Offset = { dx: 0, dy: 0 };

/** `geometry` moved by dx, dy. Keypoints marked absent (visibility 0) stay where they are, as COCO keeps them at 0,0. */
export function translateGeometry(geometry: Geometry, dx: number, dy: number): Geometry {
  if (dx === 0 && dy === 0) return geometry;
  switch (geometry.kind) {
    case 'box':
    case 'point':
      return { ...geometry, x: geometry.x + dx, y: geometry.y + dy };
    case 'rotated-box':
      return { ...geometry, cx: geometry.cx + dx, cy: geometry.cy + dy };
    case 'polygon':
    case 'polyline':
      return { ...geometry, points: geometry.points.map((p) => ({ ...p, x: p.x + dx, y: p.y + dy })) };
    case 'keypoints': {
      const points = geometry.points.map((p) =>
        p.visibility === 0 ? p : { ...p, x: p.x + dx, y: p.y + dy },
      );
      const box = geometry.box;
      return box === undefined
        ? { ...geometry, points }
        : { ...geometry, points, box: { ...box, x: box.x + dx, y: box.y + dy } };
    }
  }
}
