import { describe, expect, it } from 'vitest';
import { bringToFront, deleteAnnotations, moveAnnotations, reshapeAnnotations, sendToBack } from './arrange';
import { changeClass, createAnnotation, duplicateAnnotations, setAttributes } from './builders';
import { setImageAttributes, setTags } from './imageEdits';
import {
  annotationIdsOf,
  applyCommand,
  CommandMismatchError,
  composeCommands,
  describeCommand,
  invertCommand,
  type Command,
} from './commands';
import { box, compiled, context, ids, json, record, streetRecord } from './testFixtures';

function built(result: { ok: boolean; command?: Command; reason?: string }): Command {
  if (!result.ok || result.command === undefined) throw new Error(`refused: ${result.reason}`);
  return result.command;
}

const base = streetRecord();
const ctx = context(5000, 'bob');

const examples: [string, Command][] = [
  ['create', built(createAnnotation(compiled, base, { classId: 'car', geometry: box(1, 2) }, ctx))],
  ['delete two', built(deleteAnnotations(base, ids('truck-1', 'sign-1'), ctx))],
  [
    'delete all',
    built(deleteAnnotations(base, ids('car-1', 'truck-1', 'person-1', 'sign-1', 'road-1'), ctx)),
  ],
  ['move', built(moveAnnotations(base, ids('car-1', 'person-1', 'road-1'), 3, -2, ctx))],
  [
    'reshape',
    built(
      reshapeAnnotations(
        compiled,
        base,
        [
          {
            id: ids('car-1')[0]!,
            geometry: { kind: 'rotated-box', cx: 5, cy: 5, width: 4, height: 2, angle: 30 },
          },
        ],
        ctx,
      ),
    ),
  ],
  ['change class', built(changeClass(compiled, base, ids('car-1'), 'truck', ctx))],
  [
    'set attributes',
    built(setAttributes(compiled, base, ids('car-1'), { occlusion: 'heavy', plate: null }, ctx)),
  ],
  [
    'duplicate',
    built(duplicateAnnotations(compiled, base, ids('truck-1', 'road-1'), ctx, { dx: 10, dy: 10 })),
  ],
  ['bring to front', built(bringToFront(base, ids('car-1', 'sign-1'), ctx))],
  ['send to back', built(sendToBack(base, ids('sign-1', 'road-1'), ctx))],
  ['set tags', built(setTags(compiled, base, ['indoor'], ctx))],
  ['set image attributes', built(setImageAttributes(compiled, base, { weather: 'rain' }, ctx))],
  [
    'clear a review flag',
    {
      kind: 'update-annotations',
      patches: [
        {
          id: ids('person-1')[0]!,
          before: { review: base.annotations[2]!.review!, updatedAt: 100, updatedBy: 'importer' },
          after: { review: null, updatedAt: 5000, updatedBy: 'bob' },
        },
      ],
      updatedAt: { before: 100, after: 5000 },
    },
  ],
];

describe('applyCommand and invertCommand', () => {
  it.each(examples)('%s changes the record and its inverse restores it byte for byte', (_name, command) => {
    const before = json(base);
    const after = applyCommand(base, command);
    expect(json(after)).not.toBe(before);
    expect(json(base)).toBe(before);
    expect(after.updatedAt).toBe(5000);
    expect(json(applyCommand(after, invertCommand(command)))).toBe(before);
  });

  it.each(examples)('%s survives a JSON round trip (it is what the audit log stores)', (_name, command) => {
    const revived = JSON.parse(json(command)) as Command;
    expect(json(applyCommand(base, revived))).toBe(json(applyCommand(base, command)));
    expect(json(invertCommand(invertCommand(revived)))).toBe(json(command));
  });

  it('recomputes classIds from annotations and tags', () => {
    const withTag = applyCommand(base, built(setTags(compiled, base, ['outdoor'], ctx)));
    expect(withTag.classIds).toEqual(['car', 'outdoor', 'person', 'road', 'sign', 'truck']);
    const withoutCar = applyCommand(withTag, built(deleteAnnotations(withTag, ids('car-1'), ctx)));
    expect(withoutCar.classIds).toEqual(['outdoor', 'person', 'road', 'sign', 'truck']);
  });

  it('stamps who and when on touched annotations only, and createdAt/By on new ones', () => {
    const moved = applyCommand(base, built(moveAnnotations(base, ids('truck-1'), 1, 1, ctx)));
    expect(moved.annotations.map((a) => [a.id, a.updatedBy, a.updatedAt])).toEqual([
      ['car-1', 'importer', 100],
      ['truck-1', 'bob', 5000],
      ['person-1', 'importer', 100],
      ['sign-1', 'importer', 100],
      ['road-1', 'importer', 100],
    ]);
    const created = applyCommand(base, examples[0]![1]).annotations.at(-1)!;
    expect(created).toMatchObject({
      id: 'new-1',
      createdBy: 'bob',
      createdAt: 5000,
      updatedAt: 5000,
      schemaVersion: 2,
    });
  });

  it('puts removed annotations back at their places in the draw order', () => {
    const command = built(deleteAnnotations(base, ids('car-1', 'sign-1', 'road-1'), ctx));
    const removed = applyCommand(base, command);
    expect(removed.annotations.map((a) => a.id)).toEqual(['truck-1', 'person-1']);
    expect(applyCommand(removed, invertCommand(command)).annotations.map((a) => a.id)).toEqual([
      'car-1',
      'truck-1',
      'person-1',
      'sign-1',
      'road-1',
    ]);
  });

  it('refuses commands that do not fit the record', () => {
    const empty = record([]);
    expect(() => applyCommand(empty, examples[3]![1])).toThrow(CommandMismatchError);
    expect(() => applyCommand(empty, examples[1]![1])).toThrow(
      /cannot remove missing annotations truck-1, sign-1/,
    );
    const added = applyCommand(base, examples[0]![1]);
    expect(() => applyCommand(added, examples[0]![1])).toThrow(/already in the record/);
  });
});

describe('composeCommands', () => {
  it('turns consecutive moves into one update from the first before to the last after', () => {
    let current = base;
    let composed: Command | undefined;
    for (let i = 0; i < 60; i++) {
      const step = built(moveAnnotations(current, ids('car-1', 'sign-1'), 1, 0.5, context(6000 + i)));
      current = applyCommand(current, step);
      composed = composed === undefined ? step : composeCommands(composed, step);
    }
    expect(composed?.kind).toBe('update-annotations');
    expect(json(applyCommand(base, composed!))).toBe(json(current));
    expect(json(applyCommand(current, invertCommand(composed!)))).toBe(json(base));
    expect(current.annotations[0]!.geometry).toEqual(box(70, 40));
  });

  it('folds later updates of a new annotation into the add', () => {
    const add = built(
      createAnnotation(
        compiled,
        base,
        { classId: 'road', geometry: { kind: 'polyline', points: [] } },
        context(),
      ),
    );
    const added = applyCommand(base, add);
    const grow = built(
      reshapeAnnotations(
        compiled,
        added,
        [{ id: ids('new-1')[0]!, geometry: { kind: 'polyline', points: [{ x: 1, y: 1 }] } }],
        context(7000),
      ),
    );
    const composed = composeCommands(add, grow)!;
    expect(composed.kind).toBe('add-annotations');
    expect(json(applyCommand(base, composed))).toBe(json(applyCommand(added, grow)));
    expect(composeCommands(grow, add)).toBeUndefined();
  });

  it('does not merge different kinds of edit', () => {
    expect(composeCommands(examples[1]![1], examples[3]![1])).toBeUndefined();
  });
});

describe('describeCommand and annotationIdsOf', () => {
  it('names what a command did and which annotations it touched', () => {
    expect(examples.map(([, command]) => describeCommand(command))).toEqual([
      'Add 1 annotation',
      'Delete 2 annotations',
      'Delete 5 annotations',
      'Edit shape of 3 annotations',
      'Edit shape of 1 annotation',
      'Change class of 1 annotation',
      'Edit attributes of 1 annotation',
      'Add 2 annotations',
      'Change drawing order',
      'Change drawing order',
      'Change image tags',
      'Edit image attributes',
      'Review 1 annotation',
    ]);
    expect(annotationIdsOf(examples[3]![1])).toEqual(['car-1', 'person-1', 'road-1']);
    expect(annotationIdsOf(examples[10]![1])).toEqual([]);
  });

  it('keeps annotations it does not touch as the same objects', () => {
    const moved = applyCommand(base, examples[3]![1]);
    expect(moved.annotations[1]).toBe(base.annotations[1]);
    expect(moved.annotations[0]).not.toBe(base.annotations[0]);
  });
});
