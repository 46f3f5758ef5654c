import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { bringToFront, deleteAnnotations, moveAnnotations, reshapeAnnotations, sendToBack } from './arrange';
import { applyCommand, type Command } from './commands';
import type { Built } from './editContext';
import { box, compiled, context, ids, streetRecord } from './testFixtures';

const base = streetRecord();

function applied(result: Built): ReturnType<typeof streetRecord> {
  if (!result.ok) throw new Error(`refused (${result.code}): ${result.reason}`);
  return applyCommand(base, result.command);
}

const order = (result: Built): string[] => applied(result).annotations.map((a) => a.id);
const geometryOf = (result: Built, id: string): Geometry =>
  applied(result).annotations.find((a) => a.id === id)!.geometry;

describe('moveAnnotations', () => {
  it('moves every kind of geometry by the same pixels in one command', () => {
    const result = moveAnnotations(base, ids('car-1', 'person-1', 'sign-1', 'road-1'), 4, -3, context());
    expect(result.ok && result.command.kind === 'update-annotations' && result.command.patches).toHaveLength(
      4,
    );
    expect(geometryOf(result, 'car-1')).toEqual(box(14, 7));
    expect(geometryOf(result, 'sign-1')).toEqual({ kind: 'point', x: 7, y: 1 });
    expect(geometryOf(result, 'road-1')).toEqual({
      kind: 'polyline',
      points: [
        { x: 4, y: -3 },
        { x: 104, y: 2 },
      ],
    });
    // The absent keypoint (visibility 0) stays at 0,0 as COCO stores it.
    expect(geometryOf(result, 'person-1')).toEqual({
      kind: 'keypoints',
      points: [
        { x: 9, y: 2, visibility: 2 },
        { x: 0, y: 0, visibility: 0 },
        { x: 11, y: 1, visibility: 1 },
      ],
      box: { x: 4, y: -3, width: 10, height: 20 },
    });
  });

  it('moves a rotated box by its centre', () => {
    const rotated: Geometry = { kind: 'rotated-box', cx: 10, cy: 10, width: 4, height: 2, angle: 45 };
    const record = applied(
      reshapeAnnotations(compiled, base, [{ id: ids('car-1')[0]!, geometry: rotated }], context()),
    );
    const moved = moveAnnotations(record, ids('car-1'), 1, 2, context());
    expect(moved.ok && applyCommand(record, moved.command).annotations[0]!.geometry).toEqual({
      ...rotated,
      cx: 11,
      cy: 12,
    });
  });

  it('says a move by nothing, or of nothing, changes nothing', () => {
    expect(moveAnnotations(base, ids('car-1'), 0, 0, context())).toMatchObject({ code: 'no-change' });
    expect(moveAnnotations(base, [], 1, 0, context())).toMatchObject({ code: 'no-change' });
    expect(moveAnnotations(base, ids('car-1'), NaN, 0, context())).toMatchObject({ code: 'invalid-value' });
  });
});

describe('reshapeAnnotations', () => {
  it('refuses a kind the class does not allow and keypoints added or removed', () => {
    expect(
      reshapeAnnotations(
        compiled,
        base,
        [{ id: ids('truck-1')[0]!, geometry: { kind: 'polygon', points: [] } }],
        context(),
      ),
    ).toEqual({ ok: false, code: 'not-allowed', reason: 'Truck may be drawn as box, not as polygon' });
    const twoPoints: Geometry = {
      kind: 'keypoints',
      points: [
        { x: 1, y: 1, visibility: 2 },
        { x: 2, y: 2, visibility: 2 },
      ],
    };
    expect(
      reshapeAnnotations(compiled, base, [{ id: ids('person-1')[0]!, geometry: twoPoints }], context()),
    ).toMatchObject({
      code: 'not-allowed',
    });
  });
});

describe('deleteAnnotations', () => {
  it('removes the selection and refuses ids not in the image', () => {
    expect(order(deleteAnnotations(base, ids('truck-1', 'road-1'), context()))).toEqual([
      'car-1',
      'person-1',
      'sign-1',
    ]);
    expect(deleteAnnotations(base, ids('truck-1', 'gone'), context())).toMatchObject({
      code: 'unknown-annotation',
    });
  });
});

describe('z-order', () => {
  it('brings the selection to the front and sends it to the back, keeping its own order', () => {
    expect(order(bringToFront(base, ids('sign-1', 'car-1'), context()))).toEqual([
      'truck-1',
      'person-1',
      'road-1',
      'car-1',
      'sign-1',
    ]);
    expect(order(sendToBack(base, ids('road-1', 'person-1'), context()))).toEqual([
      'person-1',
      'road-1',
      'car-1',
      'truck-1',
      'sign-1',
    ]);
  });

  it('touches no annotation, only the record, and says when nothing would move', () => {
    const result = bringToFront(base, ids('car-1'), context(900));
    const after = applied(result);
    expect(after.updatedAt).toBe(900);
    expect(after.annotations.every((a) => a.updatedAt === 100)).toBe(true);
    expect(bringToFront(base, ids('sign-1', 'road-1'), context())).toMatchObject({ code: 'no-change' });
    expect(sendToBack(base, ids('car-1', 'truck-1'), context())).toMatchObject({ code: 'no-change' });
    expect((result as { command: Command }).command.kind).toBe('reorder-annotations');
  });
});
