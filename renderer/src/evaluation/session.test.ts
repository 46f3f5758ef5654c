/** One evaluation held in memory: evaluate once, then change thresholds and list objects without reading again. */

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Annotation } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { RunId } from '../../../src/core/predictions/types';
import type { LabelLoopDatabase } from '../db/database';
import { evaluationHistory } from '../db/evaluations';
import { addPredictionRun } from '../db/predictions';
import { openTestDatabase } from '../db/testDatabase';
import {
  addProject,
  annotation,
  box,
  imageLabels,
  imageRecord,
  labelClass,
  prediction,
  streetSchema,
} from '../db/testFixtures';
import { createEvaluationSession } from './session';

const SCHEMA = streetSchema([labelClass('c-car', ['box']), labelClass('c-person', ['box'])]);

const RUN = 'run-1' as RunId;
const imgA = 'img-a' as ImageId;
const imgB = 'img-b' as ImageId;
let db: LabelLoopDatabase;
let projectId: ProjectId;

/**
 * a.jpg: the car found (0.9) and found again (0.4, a duplicate), the person missed, a person on nothing (0.8).
 * b.jpg: the car missed, the person found (0.7). At score 0.5: 2 true positives, 1 false positive, 2 missed.
 */
beforeEach(async () => {
  db = openTestDatabase().db;
  projectId = await addProject(db, 'Street', SCHEMA);
  await db.images.bulkAdd(
    [imgA, imgB].map((id, i) => imageRecord(projectId, id, `${id.slice(4)}.jpg`, i + 1, { importedAt: i })),
  );
  const labels = (imageId: ImageId, annotations: Annotation[]) =>
    db.annotations.put(imageLabels(projectId, imageId, annotations));
  await labels(imgA, [
    annotation('a-car', 'c-car', box(0, 0, 100, 100)),
    annotation('a-person', 'c-person', box(200, 200, 50, 100)),
  ]);
  await labels(imgB, [
    annotation('b-car', 'c-car', box(10, 10, 80, 80)),
    annotation('b-person', 'c-person', box(300, 100, 60, 120)),
  ]);
  await addPredictionRun(
    db,
    {
      id: RUN,
      projectId,
      name: 'detector',
      source: 'import',
      createdAt: 1,
      imageCount: 2,
      predictionCount: 4,
    },
    [
      {
        imageId: imgA,
        predictions: [
          prediction('p-car', 'c-car', box(0, 0, 100, 100), 0.9),
          prediction('p-ghost', 'c-person', box(400, 10, 50, 50), 0.8),
          prediction('p-again', 'c-car', box(2, 2, 100, 100), 0.4),
        ],
      },
      { imageId: imgB, predictions: [prediction('p-person', 'c-person', box(300, 100, 60, 120), 0.7)] },
    ],
  );
});
afterEach(() => db.close());

const request = (scoreThreshold?: number) => ({
  projectId,
  runId: RUN,
  masks: false,
  iouIndex: 0,
  now: 5000,
  ...(scoreThreshold === undefined ? {} : { scoreThreshold }),
});
const tally = (summary: { total: { tp: number; fp: number; fn: number } }) => [
  summary.total.tp,
  summary.total.fp,
  summary.total.fn,
];

describe('createEvaluationSession', () => {
  it('evaluates a run against the labels and saves the headline numbers', async () => {
    const session = createEvaluationSession(db);
    const view = await session.evaluate(request(0.5));
    expect(tally(view.summary)).toEqual([2, 1, 2]);
    expect(view.summary.imageCount).toBe(2);
    expect(view.summary.classes.map((c) => [c.name, c.atThreshold.tp, c.atThreshold.fn])).toEqual([
      ['car', 1, 1],
      ['person', 1, 1],
    ]);
    expect(view.skipped).toEqual({ annotations: 0, predictions: 0 });

    const history = await evaluationHistory(db, projectId, RUN);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      projectId,
      runId: RUN,
      createdAt: 5000,
      masks: false,
      iouThreshold: 0.5,
      scoreThreshold: 0.5,
      imageCount: 2,
      total: { tp: 2, fp: 1, fn: 2 },
    });
    expect(history[0]!.stats).toEqual(view.summary.stats);
  });

  it('starts at the best-F1 threshold when none is given', async () => {
    // F1 at 0.9: 2/5, at 0.8: 2/6, at 0.7: 4/7, at 0.4: 4/8.
    const view = await createEvaluationSession(db).evaluate(request());
    expect(view.summary.scoreThreshold).toBe(0.7);
    expect(view.summary.sweep.best?.f1).toBeCloseTo(4 / 7, 12);
    expect(tally(view.summary)).toEqual([2, 1, 2]);
    expect((await evaluationHistory(db, projectId, RUN))[0]!.scoreThreshold).toBe(0.7);
  });

  it('changes thresholds without reading the database again', async () => {
    const session = createEvaluationSession(db);
    await session.evaluate(request(0.5));
    const reads = vi.spyOn(db.predictions, 'where');
    const annotationReads = vi.spyOn(db.annotations, 'bulkGet');
    expect(tally(session.threshold(0, 0))).toEqual([2, 2, 2]);
    expect(tally(session.threshold(0, 0.95))).toEqual([0, 0, 4]);
    // At IoU 0.95 the exact boxes still match.
    expect(tally(session.threshold(9, 0.5))).toEqual([2, 1, 2]);
    expect(reads).not.toHaveBeenCalled();
    expect(annotationReads).not.toHaveBeenCalled();
    expect(await evaluationHistory(db, projectId, RUN)).toHaveLength(1);
  });

  it('names the prediction and image behind a false positive, and the labelled object behind a miss', async () => {
    const session = createEvaluationSession(db);
    await session.evaluate(request(0.5));
    const { items, total } = session.objects({ kind: 'false-positive' });
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({
      kind: 'false-positive',
      imageId: imgA,
      fileName: 'a.jpg',
      pred: {
        predictionId: 'p-ghost',
        classId: 'c-person',
        className: 'person',
        box: [400, 10, 50, 50],
        score: 0.8,
      },
      tagKey: 'p:run-1/p-ghost',
    });
    expect(items[0]!.gt).toBeUndefined();

    const missed = session.objects({ kind: 'false-negative' }).items;
    expect(missed.map((m) => [m.fileName, m.gt?.annotationId, m.gt?.className, m.tagKey]).sort()).toEqual([
      ['a.jpg', 'a-person', 'person', 'a:a-person'],
      ['b.jpg', 'b-car', 'car', 'a:b-car'],
    ]);

    // A lower threshold brings the duplicate in, named with the car it repeats.
    session.threshold(0, 0.3);
    expect(session.objects({ kind: 'duplicate' }).items).toEqual([
      expect.objectContaining({
        gt: expect.objectContaining({ annotationId: 'a-car' }),
        pred: expect.objectContaining({ predictionId: 'p-again' }),
        tagKey: 'a:a-car',
      }),
    ]);
  });

  it('lists only tagged objects, or objects of tagged images, counted over the whole list', async () => {
    const session = createEvaluationSession(db);
    await session.evaluate(request(0.5));
    const missed = (tagged: string[]) =>
      session.objects({ kind: 'false-negative' }, tagged).items.map((m) => m.gt?.annotationId);
    expect(missed(['a:b-car'])).toEqual(['b-car']);
    expect(missed([`i:${imgA}`])).toEqual(['a-person']);
    expect(missed([])).toEqual([]);
    const paged = session.objects({ kind: 'false-negative', offset: 1, limit: 1 }, ['a:a-person', 'a:b-car']);
    expect(paged.total).toBe(2);
    expect(paged.items).toHaveLength(1);
  });

  it('refuses to list objects or change thresholds before anything is evaluated', () => {
    const session = createEvaluationSession(db);
    expect(() => session.objects({ kind: 'false-positive' })).toThrow('Nothing has been evaluated yet.');
    expect(() => session.threshold(0, 0.5)).toThrow('Nothing has been evaluated yet.');
  });
});
