/** Edits of where annotations are: moving, reshaping (resize, rotate, vertices), deleting and draw order. */

import type { AnnotationId, Geometry, ImageAnnotations } from '../annotations/types';
import { canCreate, type CompiledSchema } from '../schema/validate';
import { isRefusal, recordStamp, refuse, selected, type Built, type EditContext } from './editContext';
import type { AnnotationPatch, ZMove } from './commands';
import { translateGeometry } from './geometry';

/** Moves the selection by dx, dy pixels: one command however many are selected. */
export function moveAnnotations(
  record: ImageAnnotations,
  ids: readonly AnnotationId[],
  dx: number,
  dy: number,
  ctx: EditContext,
): Built {
  if (!Number.isFinite(dx) || !Number.isFinite(dy))
    return refuse('invalid-value', 'A move must be by finite pixels');
  if (dx === 0 && dy === 0) return refuse('no-change', 'A move by 0 pixels changes nothing');
  const found = selected(record, ids);
  if (isRefusal(found)) return found;
  const patches: AnnotationPatch[] = found.map(({ annotation: a }) => ({
    id: a.id,
    before: { geometry: a.geometry, updatedBy: a.updatedBy, updatedAt: a.updatedAt },
    after: { geometry: translateGeometry(a.geometry, dx, dy), updatedBy: ctx.author, updatedAt: ctx.now },
  }));
  return { ok: true, command: { kind: 'update-annotations', patches, updatedAt: recordStamp(record, ctx) } };
}

/**
 * New geometry for some annotations, as the canvas computed it (resize, rotate, vertex edits). A change of
 * kind (box to polygon) must be one the class allows, and keypoints keep their skeleton's count.
 */
export function reshapeAnnotations(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  shapes: readonly { readonly id: AnnotationId; readonly geometry: Geometry }[],
  ctx: EditContext,
): Built {
  const found = selected(
    record,
    shapes.map((shape) => shape.id),
  );
  if (isRefusal(found)) return found;
  const geometryOf = new Map(shapes.map((shape) => [shape.id, shape.geometry]));
  const patches: AnnotationPatch[] = [];
  for (const { annotation: a } of found) {
    const geometry = geometryOf.get(a.id)!;
    if (geometry.kind !== a.geometry.kind) {
      const allowed = canCreate(compiled, a.classId, geometry.kind);
      if (!allowed.ok) return refuse('not-allowed', allowed.reason);
    }
    if (
      geometry.kind === 'keypoints' &&
      a.geometry.kind === 'keypoints' &&
      geometry.points.length !== a.geometry.points.length
    ) {
      return refuse(
        'not-allowed',
        'Keypoints can be moved but not added or removed; mark them absent instead',
      );
    }
    patches.push({
      id: a.id,
      before: { geometry: a.geometry, updatedBy: a.updatedBy, updatedAt: a.updatedAt },
      after: { geometry, updatedBy: ctx.author, updatedAt: ctx.now },
    });
  }
  return { ok: true, command: { kind: 'update-annotations', patches, updatedAt: recordStamp(record, ctx) } };
}

export function deleteAnnotations(
  record: ImageAnnotations,
  ids: readonly AnnotationId[],
  ctx: EditContext,
): Built {
  const found = selected(record, ids);
  if (isRefusal(found)) return found;
  return {
    ok: true,
    command: { kind: 'remove-annotations', items: found, updatedAt: recordStamp(record, ctx) },
  };
}

/** Draws the selection above everything else, keeping its own order. */
export function bringToFront(
  record: ImageAnnotations,
  ids: readonly AnnotationId[],
  ctx: EditContext,
): Built {
  const found = selected(record, ids);
  if (isRefusal(found)) return found;
  const last = record.annotations.length - 1;
  if (found.every((item, j) => item.index === last - (found.length - 1) + j)) {
    return refuse('no-change', 'Already in front');
  }
  // Once j earlier ones have gone to the end, the j-th selected sits j places lower.
  const moves: ZMove[] = found.map((item, j) => ({ id: item.annotation.id, from: item.index - j, to: last }));
  return { ok: true, command: { kind: 'reorder-annotations', moves, updatedAt: recordStamp(record, ctx) } };
}

/** Draws the selection below everything else, keeping its own order. */
export function sendToBack(record: ImageAnnotations, ids: readonly AnnotationId[], ctx: EditContext): Built {
  const found = selected(record, ids);
  if (isRefusal(found)) return found;
  if (found.every((item, j) => item.index === j)) return refuse('no-change', 'Already at the back');
  // Earlier selected ones moved from below it to below it, so each is still at its own index.
  const moves: ZMove[] = found.map((item, j) => ({ id: item.annotation.id, from: item.index, to: j }));
  return { ok: true, command: { kind: 'reorder-annotations', moves, updatedAt: recordStamp(record, ctx) } };
}
