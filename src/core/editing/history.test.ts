import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnnotationId } from '../annotations/types';
import type { ImageStatus } from '../images/types';
import { bringToFront, deleteAnnotations, moveAnnotations, reshapeAnnotations, sendToBack } from './arrange';
import {
  changeClass,
  createAnnotation,
  duplicateAnnotations,
  pasteAnnotations,
  setAttributes,
  copyAnnotations,
} from './builders';
import { setDisplayFlag } from './display';
import type { Built, CreateContext } from './editContext';
import { applyEdit, setDecisions, setStatus, type Edit, type EditedImage } from './edits';
import {
  applyWithoutStep,
  begin,
  cancel,
  canRedo,
  canUndo,
  commit,
  committedImage,
  createHistory,
  DEFAULT_HISTORY_LIMIT,
  isDirty,
  markSaved,
  pendingSince,
  perform,
  redo,
  undo,
  type History,
} from './history';
import { setImageAttributes, setTags } from './imageEdits';
import { box, compiled, context, editedImage, ids, json } from './testFixtures';

const command = (result: Built): Edit => {
  if (!result.ok) throw new Error(`refused (${result.code}): ${result.reason}`);
  return result.command;
};

const repeat = (history: History, times: number, step: (h: History) => History): History => {
  let current = history;
  for (let i = 0; i < times; i++) current = step(current);
  return current;
};

const nudge = (history: History, at: number, dx = 1): History =>
  perform(history, command(moveAnnotations(history.present.record, ids('car-1'), dx, 0, context(at))), {
    coalesce: { key: 'nudge:car-1', at },
  });

describe('undo and redo', () => {
  it('undoes 600 steps back to the initial image and redoes them to the last, byte for byte', () => {
    const start = editedImage();
    const ctx = context();
    let history = createHistory(start);
    for (let i = 0; i < 600; i++) {
      const r = history.present.record;
      const edit =
        i % 3 === 0
          ? command(
              createAnnotation(
                compiled,
                r,
                { classId: 'car', geometry: box(i, i) },
                { ...ctx, now: 2000 + i },
              ),
            )
          : i % 3 === 1
            ? command(moveAnnotations(r, [r.annotations.at(-1)!.id], 1, 2, { ...ctx, now: 2000 + i }))
            : command(
                setAttributes(
                  compiled,
                  r,
                  [r.annotations.at(-1)!.id],
                  { plate: `P${i}` },
                  { ...ctx, now: 2000 + i },
                ),
              );
      history = perform(history, edit);
    }
    const last = json(history.present);
    expect(history.undoStack).toHaveLength(600);
    expect(history.present.record.annotations).toHaveLength(205);

    const undone = repeat(history, 600, undo);
    expect(json(undone.present)).toBe(json(start));
    expect(canUndo(undone)).toBe(false);
    expect(json(repeat(undone, 600, redo).present)).toBe(last);
  });

  it('keeps the last 1,000 steps by default and drops older ones', () => {
    let history = createHistory(editedImage());
    expect(history.limit).toBe(DEFAULT_HISTORY_LIMIT);
    const states: string[] = [];
    for (let i = 0; i < 1005; i++) {
      states.push(json(history.present));
      history = nudge(history, i * 10_000);
    }
    expect(history.undoStack).toHaveLength(1000);
    const undone = repeat(history, 1005, undo);
    expect(json(undone.present)).toBe(states[5]);
    expect(() => createHistory(editedImage(), { limit: 0 })).toThrow(RangeError);
  });

  it('clears redo when a new edit is made', () => {
    let history = nudge(createHistory(editedImage()), 0);
    history = nudge(history, 5000);
    history = undo(history);
    expect(canRedo(history)).toBe(true);
    history = perform(history, command(deleteAnnotations(history.present.record, ids('sign-1'), context())));
    expect(canRedo(history)).toBe(false);
    expect(redo(history)).toBe(history);
  });

  it('makes a multi-selection attribute edit one step', () => {
    const start = editedImage();
    const edit = command(
      setAttributes(compiled, start.record, ids('car-1', 'truck-1'), { occlusion: 'partial' }, context()),
    );
    const history = perform(createHistory(start), edit);
    expect(history.undoStack).toHaveLength(1);
    expect(history.undoStack[0]!.label).toBe('Edit attributes of 2 annotations');
    expect(json(undo(history).present)).toBe(json(start));
  });

  it('covers hiding, locking and the image status, which live beside the labels', () => {
    const start = editedImage();
    let history = perform(
      createHistory(start),
      setDisplayFlag(start.display, 'hidden', ids('car-1', 'sign-1'), true)!,
    );
    history = perform(history, setDisplayFlag(history.present.display, 'locked', ids('road-1'), true)!);
    history = perform(history, setStatus(history.present, 'submitted')!);
    expect(history.present.display).toEqual({ hidden: ['car-1', 'sign-1'], locked: ['road-1'] });
    expect(history.present.record).toBe(start.record);
    expect(history.undoStack.map((step) => step.label)).toEqual(['Hide', 'Lock', 'Mark image submitted']);
    expect(json(repeat(history, 3, undo).present)).toBe(json(start));
  });
});

describe('transactions', () => {
  const drag = (history: History, moves: number): History => {
    let current = begin(history, 'Move');
    for (let i = 0; i < moves; i++) {
      const r = current.present.record;
      current = perform(
        current,
        command(moveAnnotations(r, ids('car-1', 'truck-1'), 2, 1, context(3000 + i))),
      );
    }
    return current;
  };

  it('makes a drag of 60 moves one step, kept as one update', () => {
    const start = editedImage();
    const dragged = commit(drag(createHistory(start), 60));
    expect(dragged.undoStack).toHaveLength(1);
    expect(dragged.undoStack[0]!.label).toBe('Move');
    expect(dragged.undoStack[0]!.edits).toHaveLength(1);
    expect(dragged.present.record.annotations[0]!.geometry).toEqual(box(130, 70));
    expect(pendingSince(dragged, 0)).toHaveLength(1);
    const undone = undo(dragged);
    expect(json(undone.present)).toBe(json(start));
    expect(json(redo(undone).present)).toBe(json(dragged.present));
  });

  it('restores the state at begin when cancelled (Esc), leaving no step and nothing to save', () => {
    const start = nudge(createHistory(editedImage()), 0);
    const dragging = drag(start, 60);
    expect(dragging.present.record.annotations[1]!.geometry).toEqual(box(170, 110, 40, 30));
    expect(committedImage(dragging)).toBe(start.present);
    expect(pendingSince(dragging, start.seq)).toEqual([]);
    const cancelled = cancel(dragging);
    expect(json(cancelled.present)).toBe(json(start.present));
    expect(cancelled.undoStack).toEqual(start.undoStack);
    expect(json(undo(dragging).present)).toBe(json(start.present));
  });

  it('leaves no step for a transaction without edits, and commits an open one on begin', () => {
    const history = createHistory(editedImage());
    expect(commit(begin(history))).toMatchObject({ undoStack: [], seq: 0 });
    const twice = begin(drag(history, 3), 'Again');
    expect(twice.undoStack).toHaveLength(1);
    expect(twice.transaction?.label).toBe('Again');
  });

  it('keeps a drawn shape and its resize together as one add', () => {
    const start = editedImage();
    let history = begin(createHistory(start), 'Draw box');
    const ctx: CreateContext = context(10);
    history = perform(
      history,
      command(createAnnotation(compiled, start.record, { classId: 'truck', geometry: box(0, 0, 1, 1) }, ctx)),
    );
    for (let size = 2; size <= 30; size++) {
      const shapes = [{ id: 'new-1' as AnnotationId, geometry: box(0, 0, size, size) }];
      history = perform(
        history,
        command(reshapeAnnotations(compiled, history.present.record, shapes, context(10 + size))),
      );
    }
    history = commit(history);
    expect(history.undoStack[0]!.edits.map((edit) => edit.kind)).toEqual(['add-annotations']);
    expect(history.present.record.annotations.at(-1)!.geometry).toEqual(box(0, 0, 30, 30));
    expect(json(undo(history).present)).toBe(json(start));
  });
});

describe('coalescing', () => {
  it('makes a held nudge one step and starts a new one after a pause', () => {
    let history = createHistory(editedImage());
    for (let i = 0; i < 20; i++) history = nudge(history, 1000 + i * 30);
    expect(history.undoStack).toHaveLength(1);
    expect(pendingSince(history, 0)).toHaveLength(20);
    history = nudge(history, 1000 + 19 * 30 + 2000);
    expect(history.undoStack).toHaveLength(2);
    expect(history.present.record.annotations[0]!.geometry).toEqual(box(31, 10));
    expect(undo(history).present.record.annotations[0]!.geometry).toEqual(box(30, 10));
    expect(repeat(history, 2, undo).present.record.annotations[0]!.geometry).toEqual(box(10, 10));
  });

  it('does not join a step across an undo or another kind of edit', () => {
    const remove = (h: History) =>
      perform(h, command(deleteAnnotations(h.present.record, ids('sign-1'), context())));
    const between = nudge(remove(nudge(createHistory(editedImage()), 0)), 10);
    expect(between.undoStack.map((step) => step.label)).toEqual([
      'Edit shape of 1 annotation',
      'Delete 1 annotation',
      'Edit shape of 1 annotation',
    ]);
    const afterUndo = nudge(undo(remove(nudge(createHistory(editedImage()), 0))), 10);
    expect(afterUndo.undoStack).toHaveLength(2);
    expect(afterUndo.present.record.annotations[0]!.geometry).toEqual(box(12, 10));
  });
});

describe('edits outside history', () => {
  const prelabels = (image: EditedImage, ctx: CreateContext): Edit =>
    command(
      pasteAnnotations(
        compiled,
        image.record,
        [
          { classId: 'truck', geometry: box(200, 200), attributes: {} },
          { classId: 'road', geometry: { kind: 'polyline', points: [] }, attributes: {} },
        ],
        ctx,
      ),
    );

  it('loads pre-labels without a step: undo keeps them and still undoes earlier edits', () => {
    let history = nudge(createHistory(editedImage()), 0);
    history = applyWithoutStep(history, prelabels(history.present, context(50, 'model')));
    expect(history.undoStack).toHaveLength(1);
    history = undo(history);
    expect(history.present.record.annotations.map((a) => a.id)).toEqual([
      'car-1',
      'truck-1',
      'person-1',
      'sign-1',
      'road-1',
      'new-1',
      'new-2',
    ]);
    expect(history.present.record.annotations[0]!.geometry).toEqual(box(10, 10));
    expect(pendingSince(history, 0).map((entry) => entry.origin)).toEqual(['do', 'silent', 'undo']);
  });

  it('clears history when the outside edit touches what a step touched', () => {
    let history = nudge(createHistory(editedImage()), 0);
    history = applyWithoutStep(
      history,
      command(deleteAnnotations(history.present.record, ids('car-1'), context())),
    );
    expect(canUndo(history)).toBe(false);
    expect(history.present.record.annotations).toHaveLength(4);
  });

  it('replays an open drag on top of pre-labels that arrive during it; Esc keeps the pre-labels', () => {
    let history = begin(createHistory(editedImage()));
    history = perform(
      history,
      command(moveAnnotations(history.present.record, ids('car-1'), 5, 5, context())),
    );
    history = applyWithoutStep(history, prelabels(history.present, context(60, 'model')));
    expect(history.transaction?.base.record.annotations).toHaveLength(7);
    expect(history.present.record.annotations[0]!.geometry).toEqual(box(15, 15));
    expect(history.present.record.annotations).toHaveLength(7);
    const escaped = cancel(history);
    expect(escaped.present.record.annotations[0]!.geometry).toEqual(box(10, 10));
    expect(escaped.present.record.annotations).toHaveLength(7);
  });
});

describe('autosave journal', () => {
  it('lists edits since the last save and forgets them once saved', () => {
    const start = editedImage();
    let history = createHistory(start);
    expect(isDirty(history)).toBe(false);
    history = nudge(history, 0);
    history = perform(history, command(setTags(compiled, history.present.record, ['indoor'], context())));
    const mark = history.seq;
    const saved = committedImage(history);
    // An edit lands while the save is in flight.
    history = undo(history);
    history = markSaved(history, mark);
    expect(isDirty(history)).toBe(true);
    expect(pendingSince(history).map((entry) => [entry.seq, entry.origin, entry.edit.kind])).toEqual([
      [3, 'undo', 'set-tags'],
    ]);
    const replayed = pendingSince(history, mark).reduce(
      (image, entry) => applyEdit(image, entry.edit),
      saved,
    );
    expect(json(replayed)).toBe(json(committedImage(history)));
    expect(isDirty(markSaved(history, history.seq))).toBe(false);
  });
});

// --- Property tests ---------------------------------------------------------------------------------

type Op =
  | { t: 'create'; cls: number; x: number; y: number }
  | { t: 'move'; pick: number; dx: number; dy: number }
  | { t: 'drag'; pick: number; moves: number; keep: boolean }
  | { t: 'nudge'; pick: number; count: number; gap: number }
  | { t: 'delete' | 'front' | 'back' | 'dup' | 'paste'; pick: number }
  | { t: 'class'; pick: number; cls: number }
  | { t: 'attr'; pick: number; value: number }
  | { t: 'tags'; tag: number }
  | { t: 'weather'; value: number }
  | { t: 'flag'; pick: number; locked: boolean; on: boolean }
  | { t: 'status'; value: number }
  | { t: 'undo' | 'redo' }
  | { t: 'prelabel'; x: number };

const pick = fc.nat({ max: 1023 });
const delta = fc.integer({ min: -20, max: 20 });
const commonOps: fc.Arbitrary<Op>[] = [
  fc.record({ t: fc.constant('create' as const), cls: fc.nat(5), x: delta, y: delta }),
  fc.record({ t: fc.constant('move' as const), pick, dx: delta, dy: delta }),
  fc.record({
    t: fc.constant('drag' as const),
    pick,
    moves: fc.integer({ min: 1, max: 8 }),
    keep: fc.boolean(),
  }),
  fc.record({
    t: fc.constant('nudge' as const),
    pick,
    count: fc.integer({ min: 1, max: 5 }),
    gap: fc.nat(1500),
  }),
  fc.record({
    t: fc.constantFrom(
      'delete' as const,
      'front' as const,
      'back' as const,
      'dup' as const,
      'paste' as const,
    ),
    pick,
  }),
  fc.record({ t: fc.constant('class' as const), pick, cls: fc.nat(5) }),
  fc.record({ t: fc.constant('attr' as const), pick, value: fc.nat(3) }),
  fc.record({ t: fc.constant('tags' as const), tag: fc.nat(2) }),
  fc.record({ t: fc.constant('weather' as const), value: fc.nat(2) }),
  fc.record({ t: fc.constant('flag' as const), pick, locked: fc.boolean(), on: fc.boolean() }),
  fc.record({ t: fc.constant('status' as const), value: fc.nat(2) }),
  fc.record({ t: fc.constantFrom('undo' as const, 'redo' as const) }),
];
const prelabelOp: fc.Arbitrary<Op> = fc.record({ t: fc.constant('prelabel' as const), x: delta });

const CLASSES = ['car', 'truck', 'person', 'sign', 'road', 'vehicle'];
const STATUSES: ImageStatus[] = ['new', 'in-progress', 'submitted', 'in-review', 'accepted', 'rejected'];
const geometryFor = (cls: string, x: number, y: number) =>
  cls === 'sign'
    ? ({ kind: 'point', x, y } as const)
    : cls === 'road'
      ? ({ kind: 'polyline', points: [{ x, y }] } as const)
      : box(x, y);

/** Runs ops as an editor would, each command through a JSON round trip; refused ones are skipped. */
function run(ops: readonly Op[]): { start: EditedImage; history: History } {
  const start = editedImage();
  let history = createHistory(start);
  let clock = 10_000;
  let counter = 0;
  const ctx = (): CreateContext => ({
    now: (clock += 10),
    author: 'prop',
    schemaVersion: 2,
    newId: () => `gen-${++counter}`,
  });
  const chosen = (bits: number): AnnotationId[] => {
    const all = history.present.record.annotations.map((a) => a.id);
    if (all.length === 0) return [];
    const some = all.filter((_, i) => (bits >> (i % 10)) & 1);
    return some.length > 0 ? some : [all[bits % all.length]!];
  };
  const doEdit = (edit: Built | Edit | undefined, options?: Parameters<typeof perform>[2]) => {
    if (edit === undefined || ('ok' in edit && !edit.ok)) return;
    const raw = 'ok' in edit ? (edit.ok ? edit.command : undefined) : edit;
    history = perform(history, JSON.parse(JSON.stringify(raw)) as Edit, options);
  };
  for (const op of ops) {
    const r = history.present.record;
    switch (op.t) {
      case 'create':
        doEdit(
          createAnnotation(
            compiled,
            r,
            { classId: CLASSES[op.cls]!, geometry: geometryFor(CLASSES[op.cls]!, op.x, op.y) },
            ctx(),
          ),
        );
        break;
      case 'move':
        doEdit(moveAnnotations(r, chosen(op.pick), op.dx, op.dy, ctx()));
        break;
      case 'drag': {
        history = begin(history);
        for (let i = 0; i < op.moves; i++) {
          doEdit(moveAnnotations(history.present.record, chosen(op.pick), 1, -1, ctx()));
        }
        history = op.keep ? commit(history) : cancel(history);
        break;
      }
      case 'nudge':
        for (let i = 0; i < op.count; i++) {
          const at = (clock += op.gap);
          doEdit(moveAnnotations(history.present.record, chosen(op.pick), 0, 1, ctx()), {
            coalesce: { key: `nudge:${op.pick}`, at },
          });
        }
        break;
      case 'delete':
        doEdit(deleteAnnotations(r, chosen(op.pick), ctx()));
        break;
      case 'front':
        doEdit(bringToFront(r, chosen(op.pick), ctx()));
        break;
      case 'back':
        doEdit(sendToBack(r, chosen(op.pick), ctx()));
        break;
      case 'dup':
        doEdit(duplicateAnnotations(compiled, r, chosen(op.pick), ctx(), { dx: 3, dy: 3 }));
        break;
      case 'paste':
        doEdit(pasteAnnotations(compiled, r, copyAnnotations(r, chosen(op.pick)), ctx(), { dx: 5, dy: 0 }));
        break;
      case 'class':
        doEdit(changeClass(compiled, r, chosen(op.pick), CLASSES[op.cls]!, ctx()));
        break;
      case 'attr':
        doEdit(
          setAttributes(
            compiled,
            r,
            chosen(op.pick),
            { occlusion: ['none', 'partial', 'heavy', 'none'][op.value]! },
            ctx(),
          ),
        );
        break;
      case 'tags':
        doEdit(setTags(compiled, r, [[], ['indoor'], ['outdoor']][op.tag]!, ctx()));
        break;
      case 'weather':
        doEdit(setImageAttributes(compiled, r, { weather: [null, 'sun', 'rain'][op.value]! }, ctx()));
        break;
      case 'flag':
        doEdit(
          setDisplayFlag(history.present.display, op.locked ? 'locked' : 'hidden', chosen(op.pick), op.on),
        );
        break;
      case 'status':
        doEdit(setStatus(history.present, STATUSES[op.value]!));
        break;
      case 'undo':
        history = undo(history);
        break;
      case 'redo':
        history = redo(history);
        break;
      case 'prelabel': {
        const made = pasteAnnotations(
          compiled,
          r,
          [{ classId: 'truck', geometry: box(op.x, 0), attributes: {} }],
          ctx(),
        );
        if (made.ok) history = applyWithoutStep(history, made.command);
        break;
      }
    }
  }
  return { start, history };
}

describe('properties', () => {
  it('undoing every step restores the initial image and redoing them all reaches the final one', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(...commonOps), { maxLength: 40 }), (ops) => {
        const { start, history } = run(ops);
        const steps = history.undoStack.length;
        const undone = repeat(history, steps, undo);
        expect(json(undone.present)).toBe(json(start));
        expect(json(repeat(undone, steps, redo).present)).toBe(json(history.present));
      }),
      { numRuns: 200 },
    );
  });

  it('replaying the journal on the saved image gives the image to save, pre-labels included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(...commonOps, prelabelOp), { maxLength: 40 }), (ops) => {
        const { start, history } = run(ops);
        const replayed = pendingSince(history, 0).reduce(
          (image, entry) => applyEdit(image, entry.edit),
          start,
        );
        expect(json(replayed)).toBe(json(committedImage(history)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('decisions on predictions', () => {
  it('makes accepting predictions one step with the annotations it adds; undo removes both', () => {
    const start = editedImage();
    const created = createAnnotation(
      compiled,
      start.record,
      { classId: 'truck', geometry: box(200, 200) },
      context(),
    );
    const accept = setDecisions(start, { 'run-1/p1': 'accepted' })!;
    let history = begin(createHistory(start));
    history = perform(history, accept);
    history = commit(perform(history, command(created)));
    expect(history.undoStack.map((step) => step.label)).toEqual(['Accept 1 prediction']);
    expect(history.present.decisions).toEqual({ 'run-1/p1': 'accepted' });
    expect(history.present.record.annotations).toHaveLength(6);
    const undone = undo(history);
    expect(json(undone.present)).toBe(json(start));
    expect(json(redo(undone).present)).toBe(json(history.present));
  });
});
