/** Evaluation data in the project database: a run and the labels read as evaluation input, history, review tags. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Annotation } from '../../../src/core/annotations/types';
import { counts } from '../../../src/core/evaluation/failures';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { PredictionRun, RunId } from '../../../src/core/predictions/types';
import type { LabelLoopDatabase } from './database';
import {
  evaluationHistory,
  keysTagged,
  loadEvaluationInput,
  objectKey,
  saveEvaluation,
  tagsOf,
  toggleTag,
  type EvaluationRecord,
} from './evaluations';
import { addPredictionRun, deleteRun } from './predictions';
import { deleteProject } from './projects';
import { openTestDatabase } from './testDatabase';
import {
  addProject,
  annotation,
  box,
  imageLabels,
  imageRecord,
  labelClass,
  prediction,
  streetSchema,
} from './testFixtures';

const SCHEMA = streetSchema([
  labelClass('c-car', ['box', 'polygon']),
  labelClass('c-vehicle', []),
  labelClass('c-person', ['box', 'point']),
  labelClass('c-night', ['tag']),
]);

let db: LabelLoopDatabase;
let projectId: ProjectId;
/** img-1 … img-4, named so that file-name order (a, b, c, d) is not id order. */
const img = (n: number) => `img-${n}` as ImageId;
const FILE_NAMES = ['c.jpg', 'a.jpg', 'b.jpg', 'd.jpg'];

const addLabels = (project: ProjectId, imageId: ImageId, annotations: Annotation[]) =>
  db.annotations.put(imageLabels(project, imageId, annotations));

const run = (id: string, source: PredictionRun['source'], project = projectId): PredictionRun => ({
  id: id as RunId,
  projectId: project,
  name: id,
  source,
  createdAt: 1,
  imageCount: 3,
  predictionCount: 4,
});

beforeEach(async () => {
  db = openTestDatabase().db;
  projectId = await addProject(db, 'Street', SCHEMA);
  await db.images.bulkAdd(
    FILE_NAMES.map((fileName, i) => imageRecord(projectId, img(i + 1), fileName, i + 1, { importedAt: i })),
  );
  await addLabels(projectId, img(2), [
    annotation('a-car', 'c-car', box(10, 10, 100, 100)),
    annotation('a-point', 'c-person', { kind: 'point', x: 5, y: 5 }),
    annotation('a-person', 'c-person', box(200, 200, 50, 100)),
  ]);
  await addLabels(projectId, img(3), [
    annotation('a-poly', 'c-car', {
      kind: 'polygon',
      points: [
        { x: 0, y: 0 },
        { x: 100, y: 0 },
        { x: 0, y: 50 },
      ],
    }),
    annotation('a-gone', 'c-deleted-class', box(0, 0, 10, 10)),
  ]);
  await addLabels(projectId, img(1), [annotation('a-failed', 'c-person', box(0, 0, 20, 20))]);
  await addLabels(projectId, img(4), [annotation('a-later', 'c-car', box(0, 0, 20, 20))]);

  // A model run that finished a.jpg and b.jpg and failed on c.jpg; d.jpg was never run.
  await addPredictionRun(db, run('run-model', 'model'), [
    {
      imageId: img(2),
      predictions: [
        prediction('p1', 'c-car', box(10, 10, 100, 100), 0.9),
        prediction('p2', null, box(300, 300, 10, 10), 0.8),
      ],
    },
    { imageId: img(3), predictions: [prediction('p1', 'c-car', box(0, 0, 100, 50), 0.7)] },
    { imageId: img(1), predictions: [prediction('p1', 'c-person', box(0, 0, 20, 20), 0.6)] },
  ]);
  await db.runImages.bulkAdd([
    { runId: 'run-model' as RunId, imageId: img(2), projectId },
    { runId: 'run-model' as RunId, imageId: img(3), projectId },
    { runId: 'run-model' as RunId, imageId: img(1), projectId, error: 'decode failed' },
  ]);
  await addPredictionRun(db, run('run-import', 'import'), [
    { imageId: img(4), predictions: [prediction('p9', 'c-car', box(0, 0, 20, 20), 0.5)] },
  ]);
});
afterEach(() => db.close());

describe('loadEvaluationInput', () => {
  it("reads a model run's finished images in file-name order, with their labels and mapped predictions", async () => {
    const loaded = await loadEvaluationInput(db, projectId, 'run-model' as RunId, true);
    expect(loaded.input.images).toEqual([
      { id: img(2), width: 640, height: 480 },
      { id: img(3), width: 640, height: 480 },
    ]);
    expect(loaded.refs.images.map((i) => i.fileName)).toEqual(['a.jpg', 'b.jpg']);
    // Classes that can be drawn with an area are the categories: not the group, not the image tag.
    expect(loaded.input.categories).toEqual([
      { id: 'c-car', name: 'car' },
      { id: 'c-person', name: 'person' },
    ]);
    expect(loaded.input.groundTruth.map((g) => [g.id, g.imageId, g.categoryId, g.bbox])).toEqual([
      ['a-car', img(2), 'c-car', [10, 10, 100, 100]],
      ['a-person', img(2), 'c-person', [200, 200, 50, 100]],
      ['a-poly', img(3), 'c-car', [0, 0, 100, 50]],
    ]);
    expect(loaded.input.groundTruth[2]!.segmentation).toEqual({
      kind: 'polygons',
      rings: [[0, 0, 100, 0, 0, 50]],
    });
    expect(loaded.input.predictions.map((p) => [p.imageId, p.id, p.score])).toEqual([
      [img(2), 'p1', 0.9],
      [img(3), 'p1', 0.7],
    ]);
    expect(loaded.refs.annotations.map((a) => a.id)).toEqual(['a-car', 'a-person', 'a-poly']);
    expect(loaded.refs.predictions.map((p) => p.id)).toEqual(['p1', 'p1']);
    expect(loaded.refs.runId).toBe('run-model');
    // The point and the label of a deleted class; the unmapped prediction.
    expect(loaded.skipped).toEqual({ annotations: 2, predictions: 1 });
  });

  it('gives boxes without segmentation when masks are off', async () => {
    const loaded = await loadEvaluationInput(db, projectId, 'run-model' as RunId, false);
    expect(loaded.input.groundTruth.every((g) => g.segmentation === undefined)).toBe(true);
    expect(loaded.input.predictions.every((p) => p.segmentation === undefined)).toBe(true);
  });

  it('reads every project image for an imported run', async () => {
    const loaded = await loadEvaluationInput(db, projectId, 'run-import' as RunId, false);
    expect(loaded.refs.images.map((i) => [i.fileName, i.id])).toEqual([
      ['a.jpg', img(2)],
      ['b.jpg', img(3)],
      ['c.jpg', img(1)],
      ['d.jpg', img(4)],
    ]);
    expect(loaded.input.groundTruth.map((g) => g.id)).toEqual([
      'a-car',
      'a-person',
      'a-poly',
      'a-failed',
      'a-later',
    ]);
    expect(loaded.input.predictions.map((p) => [p.imageId, p.id])).toEqual([[img(4), 'p9']]);
    expect(loaded.skipped).toEqual({ annotations: 2, predictions: 0 });
  });

  it("refuses another project's run", async () => {
    const other = await addProject(db, 'Other', SCHEMA);
    await addPredictionRun(db, run('run-other', 'import', other), []);
    await expect(loadEvaluationInput(db, projectId, 'run-other' as RunId, false)).rejects.toThrow(
      'This run is not in the project any more.',
    );
    await expect(loadEvaluationInput(db, projectId, 'run-missing' as RunId, false)).rejects.toThrow(
      'not in the project',
    );
  });

  it('refuses a project without a schema', async () => {
    const bare = await addProject(db, 'Bare');
    await addPredictionRun(db, run('run-bare', 'import', bare), []);
    await expect(loadEvaluationInput(db, bare, 'run-bare' as RunId, false)).rejects.toThrow(
      'The project has no annotation schema',
    );
  });
});

const record = (runId: string, createdAt: number, project = projectId): Omit<EvaluationRecord, 'id'> => ({
  projectId: project,
  runId: runId as RunId,
  createdAt,
  masks: false,
  iouThreshold: 0.5,
  scoreThreshold: 0.3,
  stats: Array.from({ length: 12 }, () => createdAt / 10_000),
  total: counts(2, 1, 1),
  imageCount: 2,
});

describe('evaluation history', () => {
  it("lists a run's evaluations oldest first, and only that run's", async () => {
    const later = await saveEvaluation(db, record('run-model', 3000));
    const earlier = await saveEvaluation(db, record('run-model', 1000));
    await saveEvaluation(db, record('run-import', 2000));
    expect(later.id).not.toBe(earlier.id);
    const history = await evaluationHistory(db, projectId, 'run-model' as RunId);
    expect(history.map((h) => [h.id, h.createdAt])).toEqual([
      [earlier.id, 1000],
      [later.id, 3000],
    ]);
    expect(history[0]!.total).toEqual({ tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3, f1: 2 / 3 });
  });

  it("goes with its run: deleting the run deletes its evaluations and keeps other runs'", async () => {
    await saveEvaluation(db, record('run-model', 1000));
    await saveEvaluation(db, record('run-model', 2000));
    await saveEvaluation(db, record('run-import', 3000));
    await deleteRun(db, 'run-model' as RunId);
    expect(await evaluationHistory(db, projectId, 'run-model' as RunId)).toEqual([]);
    expect((await evaluationHistory(db, projectId, 'run-import' as RunId)).map((h) => h.createdAt)).toEqual([
      3000,
    ]);
  });
});

describe('review tags', () => {
  const key = objectKey.annotation('a-car');

  it('adds and removes tags, sorted, and deletes a record left without tags', async () => {
    expect(await toggleTag(db, projectId, key, img(2), 'wrong label', 5)).toEqual(['wrong label']);
    expect(await toggleTag(db, projectId, key, img(2), 'ambiguous', 6)).toEqual(['ambiguous', 'wrong label']);
    expect(await db.objectTags.get([projectId, key])).toEqual({
      projectId,
      key,
      imageId: img(2),
      tags: ['ambiguous', 'wrong label'],
      updatedAt: 6,
    });
    expect(await toggleTag(db, projectId, key, img(2), 'wrong label', 7)).toEqual(['ambiguous']);
    expect(await toggleTag(db, projectId, key, img(2), 'ambiguous', 8)).toEqual([]);
    expect(await db.objectTags.count()).toBe(0);
  });

  it('finds the keys tagged with one tag in one project, and reads tags by key', async () => {
    const predictionKey = objectKey.prediction('run-model' as RunId, 'p1');
    expect(predictionKey).toBe('p:run-model/p1');
    await toggleTag(db, projectId, key, img(2), 'missing label');
    await toggleTag(db, projectId, predictionKey, img(2), 'missing label');
    await toggleTag(db, projectId, predictionKey, img(2), 'reviewed');
    await toggleTag(db, projectId, objectKey.image(img(3)), img(3), 'reviewed');
    const other = await addProject(db, 'Other', SCHEMA);
    await toggleTag(db, other, objectKey.annotation('x'), img(9), 'missing label');

    expect(await keysTagged(db, projectId, 'missing label')).toEqual(new Set([key, predictionKey]));
    expect(await keysTagged(db, projectId, 'reviewed')).toEqual(new Set([predictionKey, 'i:img-3']));
    expect(await keysTagged(db, projectId, 'ambiguous')).toEqual(new Set());
    const tags = await tagsOf(db, projectId, [key, predictionKey, 'a:untagged']);
    expect([...tags]).toEqual([
      [key, ['missing label']],
      [predictionKey, ['missing label', 'reviewed']],
    ]);
  });

  it("goes with its project: deleting the project deletes its evaluations and tags, not another project's", async () => {
    const other = await addProject(db, 'Other', SCHEMA);
    await saveEvaluation(db, record('run-model', 1000));
    await saveEvaluation(db, record('run-x', 1000, other));
    await toggleTag(db, projectId, key, img(2), 'reviewed');
    await toggleTag(db, other, key, img(9), 'reviewed');
    await deleteProject(db, projectId);
    expect((await db.evaluations.toArray()).map((e) => e.projectId)).toEqual([other]);
    expect((await db.objectTags.toArray()).map((t) => t.projectId)).toEqual([other]);
  });
});
