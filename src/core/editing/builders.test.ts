import { describe, expect, it } from 'vitest';
import type { Annotation } from '../annotations/types';
import {
  changeClass,
  copyAnnotations,
  createAnnotation,
  duplicateAnnotations,
  pasteAnnotations,
  setAttributes,
} from './builders';
import type { Built } from './editContext';
import { applyCommand, type Command } from './commands';
import { annotation, box, compiled, context, ids, record, streetRecord } from './testFixtures';

function accepted<E extends object>(result: Built<E>): E & { command: Command } {
  if (!result.ok) throw new Error(`refused (${result.code}): ${result.reason}`);
  return result;
}

const addedBy = (command: Command): Annotation[] =>
  command.kind === 'add-annotations' ? command.items.map((item) => item.annotation) : [];

const base = streetRecord();

describe('createAnnotation', () => {
  it('refuses what the schema forbids, saying why', () => {
    const ctx = context();
    const refusals = [
      createAnnotation(compiled, base, { classId: 'vehicle', geometry: box(0, 0) }, ctx),
      createAnnotation(compiled, base, { classId: 'truck', geometry: { kind: 'polygon', points: [] } }, ctx),
      createAnnotation(compiled, base, { classId: 'indoor', geometry: box(0, 0) }, ctx),
      createAnnotation(compiled, base, { classId: 'bicycle', geometry: box(0, 0) }, ctx),
      createAnnotation(
        compiled,
        base,
        { classId: 'person', geometry: { kind: 'keypoints', points: [{ x: 1, y: 1, visibility: 2 }] } },
        ctx,
      ),
    ];
    expect(refusals).toEqual([
      {
        ok: false,
        code: 'not-allowed',
        reason: 'Vehicle is a group of classes and cannot be drawn; use Car, Truck',
      },
      { ok: false, code: 'not-allowed', reason: 'Truck may be drawn as box, not as polygon' },
      { ok: false, code: 'not-allowed', reason: 'Indoor may be drawn as image tag, not as box' },
      { ok: false, code: 'not-allowed', reason: 'Unknown class "bicycle"' },
      { ok: false, code: 'not-allowed', reason: 'Person has 3 keypoints in its skeleton, not 1' },
    ]);
  });

  it('refuses a class past its per-image limit', () => {
    const ctx = context();
    const point = { kind: 'point', x: 1, y: 1 } as const;
    const second = accepted(createAnnotation(compiled, base, { classId: 'sign', geometry: point }, ctx));
    const withTwo = applyCommand(base, second.command);
    expect(createAnnotation(compiled, withTwo, { classId: 'sign', geometry: point }, ctx)).toEqual({
      ok: false,
      code: 'too-many-instances',
      reason: 'Sign allows at most 2 per image; this image would have 3',
    });
  });

  it('fills in defaults of visible attributes and reports required ones still empty', () => {
    const car = accepted(
      createAnnotation(compiled, base, { classId: 'car', geometry: box(0, 0) }, context()),
    );
    expect(car.annotation.attributes).toEqual({ occlusion: 'none', parked: false });
    expect(car.missing.map((a) => a.id)).toEqual(['plate']);

    const hidden = accepted(
      createAnnotation(
        compiled,
        base,
        {
          classId: 'car',
          geometry: box(0, 0),
          attributes: { occlusion: 'heavy', plate: 'X1', parked: true },
        },
        context(),
      ),
    );
    // occluder appears with occlusion heavy, so it gets its default too.
    expect(hidden.annotation.attributes).toEqual({
      occlusion: 'heavy',
      occluder: ['tree'],
      parked: true,
      plate: 'X1',
    });
    expect(hidden.missing).toEqual([]);

    const truck = accepted(
      createAnnotation(compiled, base, { classId: 'truck', geometry: box(0, 0) }, context()),
    );
    expect(truck.annotation.attributes).toEqual({});
    expect(truck.missing.map((a) => a.name)).toEqual(['loaded']);
  });

  it('drops values of attributes whose condition does not hold', () => {
    const car = accepted(
      createAnnotation(
        compiled,
        base,
        { classId: 'car', geometry: box(0, 0), attributes: { occluder: ['person'] } },
        context(),
      ),
    );
    expect(car.annotation.attributes).toEqual({ occlusion: 'none', parked: false });
  });

  it('refuses attribute ids the class lacks and values of the wrong kind', () => {
    const make = (attributes: Record<string, never> | Record<string, unknown>) =>
      createAnnotation(
        compiled,
        base,
        { classId: 'car', geometry: box(0, 0), attributes: attributes as Record<string, string> },
        context(),
      );
    expect(make({ color: 'red' })).toEqual({
      ok: false,
      code: 'unknown-attribute',
      reason: 'Car has no attribute "color"',
    });
    expect(make({ occlusion: 'purple' })).toMatchObject({
      code: 'invalid-value',
      reason: 'occlusion of Car must be one of none, partial, heavy, not "purple"',
    });
    expect(make({ speed: '12' })).toMatchObject({ code: 'invalid-value' });
    // Ranges are for validation to report, not for the editor to refuse.
    expect(make({ speed: 500 }).ok).toBe(true);
  });

  it('stamps the new annotation and puts it on top', () => {
    const { command, annotation: made } = accepted(
      createAnnotation(
        compiled,
        base,
        { classId: 'road', geometry: { kind: 'polyline', points: [] } },
        context(42, 'eve'),
      ),
    );
    expect(made).toEqual({
      id: 'new-1',
      classId: 'road',
      geometry: { kind: 'polyline', points: [] },
      attributes: {},
      schemaVersion: 2,
      createdBy: 'eve',
      createdAt: 42,
      updatedBy: 'eve',
      updatedAt: 42,
    });
    expect(
      applyCommand(base, command)
        .annotations.map((a) => a.id)
        .at(-1),
    ).toBe('new-1');
  });
});

describe('setAttributes on a multi-selection', () => {
  it('is one command for all selected annotations', () => {
    const { command } = accepted(
      setAttributes(compiled, base, ids('car-1', 'truck-1'), { occlusion: 'partial' }, context()),
    );
    expect(command.kind).toBe('update-annotations');
    const after = applyCommand(base, command);
    expect(after.annotations[0]!.attributes).toEqual({
      occlusion: 'partial',
      occluder: ['tree'],
      parked: true,
      plate: 'AB12',
    });
    expect(after.annotations[1]!.attributes).toEqual({ occlusion: 'partial', loaded: false });
  });

  it('refuses when one selected class lacks the attribute or the option', () => {
    expect(setAttributes(compiled, base, ids('car-1', 'truck-1'), { parked: false }, context())).toEqual({
      ok: false,
      code: 'unknown-attribute',
      reason: 'Truck has no attribute "parked"',
    });
    expect(
      setAttributes(compiled, base, ids('car-1', 'truck-1'), { occlusion: 'heavy' }, context()),
    ).toMatchObject({
      code: 'invalid-value',
      reason: 'occlusion of Truck must be one of none, partial, not "heavy"',
    });
  });

  it('clears with null, drops values whose condition stops holding, and reports required ones', () => {
    const partial = applyCommand(
      base,
      accepted(setAttributes(compiled, base, ids('car-1'), { occlusion: 'partial' }, context())).command,
    );
    const result = accepted(
      setAttributes(compiled, partial, ids('car-1'), { occlusion: 'none', plate: null }, context()),
    );
    expect(applyCommand(partial, result.command).annotations[0]!.attributes).toEqual({
      occlusion: 'none',
      parked: true,
    });
    expect(result.missing).toEqual([{ id: 'car-1', attributes: [expect.objectContaining({ id: 'plate' })] }]);
  });

  it('changes only annotations whose values differ, and says when none do', () => {
    const { command } = accepted(
      setAttributes(compiled, base, ids('car-1', 'truck-1'), { occlusion: 'none' }, context()),
    );
    expect(command.kind === 'update-annotations' && command.patches.map((p) => p.id)).toEqual(['truck-1']);
    expect(setAttributes(compiled, base, ids('car-1'), { parked: true }, context())).toMatchObject({
      code: 'no-change',
    });
    expect(setAttributes(compiled, base, [], { parked: true }, context())).toMatchObject({
      code: 'no-change',
    });
    expect(setAttributes(compiled, base, ids('ghost'), { parked: true }, context())).toEqual({
      ok: false,
      code: 'unknown-annotation',
      reason: 'No annotation ghost in this image',
    });
  });
});

describe('changeClass', () => {
  it('keeps attribute values the new class shares and fills its defaults', () => {
    const result = accepted(changeClass(compiled, base, ids('car-1'), 'truck', context(9, 'zed')));
    const truck = applyCommand(base, result.command).annotations[0]!;
    expect(truck).toMatchObject({
      classId: 'truck',
      attributes: { occlusion: 'none' },
      updatedBy: 'zed',
      schemaVersion: 2,
    });
    expect(result.missing).toEqual([
      { id: 'car-1', attributes: [expect.objectContaining({ id: 'loaded' })] },
    ]);
  });

  it('refuses a class that may not have the geometry, or that is full', () => {
    expect(changeClass(compiled, base, ids('car-1', 'person-1'), 'truck', context())).toEqual({
      ok: false,
      code: 'not-allowed',
      reason: 'Truck may be drawn as box, not as keypoints',
    });
    const points = record([
      annotation('s1', 'sign', { kind: 'point', x: 0, y: 0 }),
      annotation('s2', 'sign', { kind: 'point', x: 1, y: 0 }),
      annotation('r1', 'road', { kind: 'point', x: 2, y: 0 }),
    ]);
    expect(changeClass(compiled, points, ids('r1'), 'sign', context())).toMatchObject({
      code: 'too-many-instances',
    });
    expect(changeClass(compiled, points, ids('s1', 's2'), 'sign', context())).toMatchObject({
      code: 'no-change',
    });
  });
});

describe('duplicate, copy and paste', () => {
  it('duplicates with new ids on top, moved by the offset, stamped as new', () => {
    const result = accepted(
      duplicateAnnotations(compiled, base, ids('road-1', 'person-1'), context(77, 'kim'), { dx: 10, dy: 5 }),
    );
    expect(result.ids).toEqual(['new-1', 'new-2']);
    const after = applyCommand(base, result.command);
    expect(after.annotations.map((a) => a.id)).toEqual([
      'car-1',
      'truck-1',
      'person-1',
      'sign-1',
      'road-1',
      'new-1',
      'new-2',
    ]);
    const [person, road] = after.annotations.slice(-2);
    expect(person).toMatchObject({ classId: 'person', createdBy: 'kim', createdAt: 77 });
    expect(person!.review).toBeUndefined();
    expect(person!.geometry).toEqual({
      kind: 'keypoints',
      points: [
        { x: 15, y: 10, visibility: 2 },
        { x: 0, y: 0, visibility: 0 },
        { x: 17, y: 9, visibility: 1 },
      ],
      box: { x: 10, y: 5, width: 10, height: 20 },
    });
    expect(road!.geometry).toEqual({
      kind: 'polyline',
      points: [
        { x: 10, y: 5 },
        { x: 110, y: 10 },
      ],
    });
  });

  it('pastes into another image, skipping what its schema forbids and dropping unknown attributes', () => {
    const clipboard = [
      ...copyAnnotations(base, ids('car-1')),
      { classId: 'bicycle', geometry: box(0, 0), attributes: {} },
      { classId: 'car', geometry: box(1, 1), attributes: { occlusion: 'none', wheels: 4, parked: 'yes' } },
    ];
    const target = record([]);
    const result = accepted(
      pasteAnnotations(compiled, target, JSON.parse(JSON.stringify(clipboard)), context()),
    );
    expect(result.ids).toEqual(['new-1', 'new-2']);
    expect(result.skipped).toEqual([{ index: 1, reason: 'Unknown class "bicycle"' }]);
    expect(addedBy(result.command).map((a) => a.attributes)).toEqual([
      { occlusion: 'none', parked: true, plate: 'AB12' },
      { occlusion: 'none' },
    ]);
    expect(result.missing).toEqual([{ id: 'new-2', attributes: [expect.objectContaining({ id: 'plate' })] }]);
    expect(pasteAnnotations(compiled, target, clipboard.slice(1, 2), context())).toMatchObject({
      code: 'not-allowed',
    });
    expect(pasteAnnotations(compiled, target, [], context())).toMatchObject({ code: 'no-change' });
  });

  it('refuses duplicates past a class limit', () => {
    const one = accepted(duplicateAnnotations(compiled, base, ids('sign-1'), context()));
    const two = applyCommand(base, one.command);
    expect(duplicateAnnotations(compiled, two, ids('sign-1', 'car-1'), context())).toEqual({
      ok: false,
      code: 'too-many-instances',
      reason: 'Sign allows at most 2 per image; this image would have 3',
    });
  });
});
