import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import type { EditedImage } from '../editing/edits';
import { createHistory, undo } from '../editing/history';
import { box, context, editedImage, json, record, streetSchema } from '../editing/testFixtures';
import { compileSchema } from '../schema/validate';
import {
  acceptPredictions,
  performAsOneStep,
  predictionsAbove,
  rejectPredictions,
  visiblePredictions,
} from './accept';
import type { Prediction, RunId } from './types';

const run = 'run-1' as RunId;

const prediction = (
  id: string,
  classId: string | null,
  score: number,
  geometry: Geometry = box(100, 100),
): Prediction => ({
  id,
  classId,
  label: classId ?? 'bicycle',
  score,
  geometry,
});

// Street schema with a minimum truck size: the constraint createAnnotation leaves to validation.
const compiled = compileSchema({
  ...streetSchema,
  classes: streetSchema.classes.map((c) =>
    c.id === 'truck' ? { ...c, constraints: { minBoxWidth: 8, minBoxHeight: 8 } } : c,
  ),
});

const empty = (): EditedImage => editedImage(record([]));

describe('visiblePredictions', () => {
  const predictions = [
    prediction('p1', 'car', 0.9),
    prediction('p2', 'car', 0.5),
    prediction('p3', 'truck', 0.49),
  ];

  it('shows predictions at or above the threshold that nobody has decided on', () => {
    const decisions = { 'run-1/p1': 'rejected' as const, 'other/p2': 'accepted' as const };
    expect(visiblePredictions(predictions, 0.5, decisions, run).map((p) => p.id)).toEqual(['p2']);
    expect(visiblePredictions(predictions, 0, {}, run).map((p) => p.id)).toEqual(['p1', 'p2', 'p3']);
  });

  it('lists what "accept all" takes most confident first', () => {
    const shuffled = [predictions[2]!, predictions[1]!, predictions[0]!];
    expect(predictionsAbove(shuffled, 0.4, {}, run).map((p) => p.id)).toEqual(['p1', 'p2', 'p3']);
  });
});

describe('acceptPredictions', () => {
  it('adds accepted predictions as annotations in one command and marks them accepted', () => {
    const image = empty();
    const result = acceptPredictions(
      compiled,
      image,
      run,
      [
        prediction('p1', 'car', 0.9, box(10, 20, 30, 40)),
        prediction('p2', 'truck', 0.8, box(50, 60, 70, 80)),
      ],
      context(),
      { width: 640, height: 480 },
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.accepted).toBe(2);
    expect(result.skipped).toEqual([]);
    expect(result.annotationIds).toEqual(['new-1', 'new-2']);
    expect(result.edits.map((edit) => edit.kind)).toEqual(['set-decisions', 'add-annotations']);

    const history = performAsOneStep(createHistory(image), result.edits);
    const after = history.present;
    expect(after.decisions).toEqual({ 'run-1/p1': 'accepted', 'run-1/p2': 'accepted' });
    expect(after.record.annotations.map((a) => [a.id, a.classId, a.geometry, a.createdBy])).toEqual([
      ['new-1', 'car', { kind: 'box', x: 10, y: 20, width: 30, height: 40 }, 'alice'],
      ['new-2', 'truck', { kind: 'box', x: 50, y: 60, width: 70, height: 80 }, 'alice'],
    ]);
    // The car's defaults are filled in as when drawn, and its required plate is asked for.
    expect(after.record.annotations[0]!.attributes).toEqual({ occlusion: 'none', parked: false });
    expect(result.missing.map((m) => [m.id, m.attributes.map((a) => a.id)])).toEqual([
      ['new-1', ['plate']],
      ['new-2', ['loaded']],
    ]);
    expect(history.undoStack.map((step) => step.label)).toEqual(['Accept 2 predictions']);
    expect(json(undo(history).present)).toBe(json(image));
  });

  it('skips predictions drawing would refuse, each with the reason, and accepts the rest', () => {
    const predictions = [
      prediction('p1', null, 0.95),
      prediction('p2', 'road', 0.9),
      prediction('p3', 'truck', 0.85, box(10, 10, 4, 30)),
      prediction('p4', 'car', 0.8, box(600, 400, 100, 50)),
      prediction('p5', 'sign', 0.7, { kind: 'point', x: 1, y: 1 }),
      prediction('p6', 'sign', 0.6, { kind: 'point', x: 2, y: 2 }),
      prediction('p7', 'sign', 0.5, { kind: 'point', x: 3, y: 3 }),
      prediction('p8', 'vehicle', 0.4),
    ];
    const result = acceptPredictions(compiled, empty(), run, predictions, context(), {
      width: 640,
      height: 480,
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.accepted).toBe(2);
    expect(result.annotationIds).toEqual(['new-1', 'new-2']);
    expect(result.skipped).toEqual([
      { predictionId: 'p1', reason: 'model class bicycle is not mapped to a schema class' },
      { predictionId: 'p2', reason: 'Road may be drawn as polyline, not as box' },
      { predictionId: 'p3', reason: 'box 4×30 px is smaller than the minimum 8×8 px for Truck' },
      {
        predictionId: 'p4',
        reason: 'box of Car spans x 600–700, y 400–450 px, outside the 640×480 image',
      },
      {
        predictionId: 'p7',
        reason: 'Sign allows at most 2 per image; this image would have 3',
      },
      {
        predictionId: 'p8',
        reason: 'Vehicle is a group of classes and cannot be drawn; use Car, Truck',
      },
    ]);
    expect(result.edits[0]).toEqual({
      kind: 'set-decisions',
      before: { 'run-1/p5': null, 'run-1/p6': null },
      after: { 'run-1/p5': 'accepted', 'run-1/p6': 'accepted' },
    });
  });

  it('counts the annotations already on the image against per-image limits', () => {
    const image = editedImage(); // already has one sign
    const result = acceptPredictions(
      compiled,
      image,
      run,
      [
        prediction('p1', 'sign', 0.9, { kind: 'point', x: 1, y: 1 }),
        prediction('p2', 'sign', 0.8, { kind: 'point', x: 2, y: 2 }),
      ],
      context(),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.accepted).toBe(1);
    expect(result.skipped.map((s) => s.predictionId)).toEqual(['p2']);
  });

  it('is refused with the first reason when nothing can be accepted', () => {
    expect(acceptPredictions(compiled, empty(), run, [prediction('p1', null, 0.9)], context())).toEqual({
      ok: false,
      code: 'no-change',
      reason: 'The prediction cannot be accepted: model class bicycle is not mapped to a schema class',
    });
  });

  it('does not accept a prediction twice', () => {
    const image: EditedImage = { ...empty(), decisions: { 'run-1/p1': 'accepted' } };
    const result = acceptPredictions(compiled, image, run, [prediction('p1', 'car', 0.9)], context());
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('already accepted') });
  });
});

describe('rejectPredictions', () => {
  it('marks predictions rejected as one undoable edit, and makes none when they already are', () => {
    const image = empty();
    const edit = rejectPredictions(image, run, ['p1', 'p2'])!;
    const history = performAsOneStep(createHistory(image), [edit]);
    expect(history.present.decisions).toEqual({ 'run-1/p1': 'rejected', 'run-1/p2': 'rejected' });
    expect(history.undoStack.map((step) => step.label)).toEqual(['Reject 2 predictions']);
    expect(rejectPredictions(history.present, run, ['p2'])).toBeUndefined();
  });
});
