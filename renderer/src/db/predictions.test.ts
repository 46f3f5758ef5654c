/** Prediction runs in the project database: stored whole, read per image, decisions saved, runs deleted cleanly. */

import { afterEach, describe, expect, it } from 'vitest';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { Prediction, PredictionRun, RunId } from '../../../src/core/predictions/types';
import type { LabelLoopDatabase } from './database';
import {
  addPredictionRun,
  decisionsFor,
  deleteProjectPredictions,
  deleteRun,
  listRuns,
  predictionsFor,
  saveDecisions,
} from './predictions';
import { openTestDatabase } from './testDatabase';

const open: LabelLoopDatabase[] = [];
function freshDatabase(): LabelLoopDatabase {
  const { db } = openTestDatabase();
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const projectId = 'prj-1' as ProjectId;
const imgA = 'img-a' as ImageId;
const imgB = 'img-b' as ImageId;
const imgC = 'img-c' as ImageId;

const prediction = (id: string, score: number, classId: string | null = 'car'): Prediction => ({
  id,
  classId,
  label: classId ?? 'bicycle',
  score,
  geometry: { kind: 'box', x: 10, y: 20, width: 30, height: 40 },
});

const run = (id: string, createdAt: number, name = `${id}.json`, project = projectId): PredictionRun => ({
  id: id as RunId,
  projectId: project,
  name,
  source: 'import',
  createdAt,
  imageCount: 2,
  predictionCount: 3,
});

describe('prediction runs', () => {
  it('stores a run with its predictions and reads every run back for one image', async () => {
    const db = freshDatabase();
    await addPredictionRun(db, run('run-1', 1000), [
      { imageId: imgA, predictions: [prediction('p1', 0.9), prediction('p2', 0.4, null)] },
      { imageId: imgB, predictions: [prediction('p1', 0.7)] },
      { imageId: imgC, predictions: [] },
    ]);
    await addPredictionRun(db, run('run-2', 2000, 'yolo-v9'), [
      { imageId: imgA, predictions: [prediction('p1', 0.3)] },
    ]);

    expect((await listRuns(db, projectId)).map((r) => [r.id, r.name])).toEqual([
      ['run-2', 'yolo-v9'],
      ['run-1', 'run-1.json'],
    ]);
    const onA = await predictionsFor(db, imgA);
    expect(onA.map((row) => [row.runId, row.projectId, row.predictions.map((p) => [p.id, p.score])])).toEqual(
      [
        [
          'run-1',
          'prj-1',
          [
            ['p1', 0.9],
            ['p2', 0.4],
          ],
        ],
        ['run-2', 'prj-1', [['p1', 0.3]]],
      ],
    );
    expect(await predictionsFor(db, imgC)).toEqual([]);
    expect(await db.predictions.count()).toBe(3);
  });

  it('stores nothing of a run whose write fails part-way', async () => {
    const db = freshDatabase();
    await addPredictionRun(db, run('run-1', 1000), [{ imageId: imgA, predictions: [prediction('p1', 0.9)] }]);
    // The same run id again: the run row is refused, so its predictions must not be written either.
    await expect(
      addPredictionRun(db, run('run-1', 2000), [{ imageId: imgB, predictions: [prediction('p1', 0.9)] }]),
    ).rejects.toThrow();
    expect(await predictionsFor(db, imgB)).toEqual([]);
    expect(await listRuns(db, projectId)).toHaveLength(1);
  });

  it("lists only the project's own runs", async () => {
    const db = freshDatabase();
    await addPredictionRun(db, run('run-1', 1000), []);
    await addPredictionRun(db, run('run-x', 1000, 'other', 'prj-2' as ProjectId), []);
    expect((await listRuns(db, projectId)).map((r) => r.id)).toEqual(['run-1']);
  });
});

describe('decisions', () => {
  it('saves and reads back the decisions on one image, and removes the row when none are left', async () => {
    const db = freshDatabase();
    expect(await decisionsFor(db, imgA)).toEqual({});
    await saveDecisions(db, projectId, imgA, { 'run-1/p1': 'accepted', 'run-1/p2': 'rejected' });
    expect(await decisionsFor(db, imgA)).toEqual({ 'run-1/p1': 'accepted', 'run-1/p2': 'rejected' });
    await saveDecisions(db, projectId, imgA, { 'run-1/p1': 'accepted' });
    expect(await decisionsFor(db, imgA)).toEqual({ 'run-1/p1': 'accepted' });
    await saveDecisions(db, projectId, imgA, {});
    expect(await db.decisions.count()).toBe(0);
  });
});

describe('deleteRun', () => {
  it("deletes the run, its predictions and the decisions on them, keeping other runs' decisions", async () => {
    const db = freshDatabase();
    await addPredictionRun(db, run('run-1', 1000), [
      { imageId: imgA, predictions: [prediction('p1', 0.9)] },
      { imageId: imgB, predictions: [prediction('p1', 0.9)] },
    ]);
    await addPredictionRun(db, run('run-2', 2000), [{ imageId: imgA, predictions: [prediction('p1', 0.5)] }]);
    await saveDecisions(db, projectId, imgA, { 'run-1/p1': 'accepted', 'run-2/p1': 'rejected' });
    await saveDecisions(db, projectId, imgB, { 'run-1/p1': 'rejected' });

    await deleteRun(db, 'run-1' as RunId);

    expect((await listRuns(db, projectId)).map((r) => r.id)).toEqual(['run-2']);
    expect((await predictionsFor(db, imgA)).map((row) => row.runId)).toEqual(['run-2']);
    expect(await predictionsFor(db, imgB)).toEqual([]);
    expect(await decisionsFor(db, imgA)).toEqual({ 'run-2/p1': 'rejected' });
    expect(await db.decisions.get(imgB)).toBeUndefined();
  });

  it("deletes all of a project's predictions with the project", async () => {
    const db = freshDatabase();
    await addPredictionRun(db, run('run-1', 1000), [{ imageId: imgA, predictions: [prediction('p1', 0.9)] }]);
    await addPredictionRun(db, run('run-x', 1000, 'other', 'prj-2' as ProjectId), [
      { imageId: imgB, predictions: [prediction('p1', 0.9)] },
    ]);
    await saveDecisions(db, projectId, imgA, { 'run-1/p1': 'accepted' });
    await deleteProjectPredictions(db, projectId);
    expect(await db.predictionRuns.count()).toBe(1);
    expect(await db.predictions.count()).toBe(1);
    expect(await db.decisions.count()).toBe(0);
  });
});
