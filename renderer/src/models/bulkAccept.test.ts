import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { newPredictionRun } from '../../../src/core/predictions/runs';
import type { Prediction, RunId } from '../../../src/core/predictions/types';
import { SCHEMA_FORMAT, type AnnotationSchema } from '../../../src/core/schema/types';
import type { LabelLoopDatabase } from '../db/database';
import { addPredictionRun, decisionsFor } from '../db/predictions';
import { createProject } from '../db/projects';
import { applySchemaChange } from '../db/schemas';
import { openTestDatabase, probedImage } from '../db/testDatabase';
import { acceptRunAboveThreshold, undoLastBulkAccept } from './bulkAccept';

const SCHEMA: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'Street',
  classes: [
    {
      id: 'person',
      name: 'person',
      color: '#ff0000',
      geometries: ['box'],
      attributes: [],
      constraints: { minBoxWidth: 10 },
    },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

const prediction = (id: string, score: number, width = 40): Prediction => ({
  id,
  classId: 'person',
  label: 'person',
  score,
  geometry: { kind: 'box', x: 10, y: 10, width, height: 50 },
});

let db: LabelLoopDatabase;
let projectId: ProjectId;
const runId = 'run-1' as RunId;
const imgA = 'img-a' as ImageId;
const imgB = 'img-b' as ImageId;

beforeEach(async () => {
  db = openTestDatabase().db;
  projectId = (await createProject(db, 'Street')).id;
  await applySchemaChange(db, projectId, { type: 'edit-schema', schema: SCHEMA, summary: 'Street' }, 'test');
  await db.images.bulkAdd(
    [imgA, imgB].map((id, i) => ({
      ...probedImage(`${id}.jpg`, i + 1),
      id,
      projectId,
      status: i === 0 ? ('new' as const) : ('submitted' as const),
      importedAt: i,
    })),
  );
  const { run, perImage } = newPredictionRun(
    { id: runId, projectId, name: 'det', source: 'model', createdAt: 1 },
    [
      {
        imageId: imgA,
        predictions: [prediction('p0', 0.9), prediction('p1', 0.7, 4), prediction('p2', 0.2)],
      },
      { imageId: imgB, predictions: [prediction('p0', 0.8)] },
    ],
  );
  await addPredictionRun(db, { ...run, model: { scoreThreshold: 0.25 } as never }, perImage);
});
afterEach(() => db.close());

describe('accepting a whole run', () => {
  it('accepts every image’s predictions at or above the threshold with the editor’s checks, as one step', async () => {
    const outcome = await acceptRunAboveThreshold(db, runId, 0.5, { now: 1000 });
    expect(outcome).toEqual({
      accepted: 2,
      images: 2,
      skipped: 1,
      reasons: [{ reason: expect.stringContaining('smaller than the minimum'), count: 1 }],
    });
    const a = (await db.annotations.get(imgA))!;
    expect(a.annotations.map((x) => [x.classId, x.geometry])).toEqual([
      ['person', prediction('p0', 0).geometry],
    ]);
    expect(a.classIds).toEqual(['person']);
    expect(await decisionsFor(db, imgA)).toEqual({ 'run-1/p0': 'accepted' });
    // A new image is started by its first labels; a done one stays done.
    expect((await db.images.get(imgA))!.status).toBe('in-progress');
    expect((await db.images.get(imgB))!.status).toBe('submitted');
    expect((await db.predictionRuns.get(runId))!.model!.bulkAccepts).toHaveLength(1);

    // Nothing is accepted twice.
    expect((await acceptRunAboveThreshold(db, runId, 0.5, { now: 2000 })).accepted).toBe(0);
    expect((await db.predictionRuns.get(runId))!.model!.bulkAccepts).toHaveLength(1);
  });

  it('undo removes exactly what the accept added, keeping annotations edited since, and the predictions show again', async () => {
    await db.annotations.put({
      imageId: imgB,
      projectId,
      annotations: [],
      tags: [],
      attributes: {},
      classIds: [],
      updatedAt: 1,
    });
    await acceptRunAboveThreshold(db, runId, 0.5, { now: 1000 });
    // Someone edits the accepted box on image B afterwards.
    const b = (await db.annotations.get(imgB))!;
    await db.annotations.put({ ...b, annotations: [{ ...b.annotations[0]!, updatedAt: 5000 }] });

    expect(await undoLastBulkAccept(db, runId)).toEqual({ removed: 1, keptEdited: 1 });
    expect((await db.annotations.get(imgA))!.annotations).toEqual([]);
    expect((await db.annotations.get(imgB))!.annotations).toHaveLength(1);
    expect(await decisionsFor(db, imgA)).toEqual({});
    // The box kept on B stays accepted: its prediction does not come back to be accepted twice.
    expect(await decisionsFor(db, imgB)).toEqual({ 'run-1/p0': 'accepted' });
    expect((await db.predictionRuns.get(runId))!.model!.bulkAccepts).toEqual([]);
    expect(await undoLastBulkAccept(db, runId)).toEqual({ removed: 0, keptEdited: 0 });
  });

  it('signs the labels with the person working and logs each image, and its undo, in the audit', async () => {
    await acceptRunAboveThreshold(db, runId, 0.5, { user: 'u-lena', now: 1000 });
    expect((await db.annotations.get(imgA))!.annotations.map((a) => a.createdBy)).toEqual(['u-lena']);
    const row = (e: { imageId?: string; action: string; user: string; origin: string; summary: string }) =>
      `${e.imageId} ${e.action} ${e.user} ${e.origin}: ${e.summary}`;
    const accepted = (await db.audit.toArray()).filter((e) => e.at === 1000);
    expect(accepted.map(row).sort()).toEqual([
      "img-a image.status u-lena import: Status new → in-progress by accepting det's predictions",
      'img-a prediction.accepted u-lena import: Accepted 1 prediction of det at ≥ 0.5 (whole run)',
      'img-b prediction.accepted u-lena import: Accepted 1 prediction of det at ≥ 0.5 (whole run)',
    ]);
    expect(accepted.find((e) => e.imageId === imgA && e.action === 'prediction.accepted')!.after).toEqual({
      run: runId,
      threshold: 0.5,
      predictions: ['run-1/p0'],
      annotations: (await db.annotations.get(imgA))!.annotations.map((a) => a.id),
    });

    await undoLastBulkAccept(db, runId, { user: 'u-ben', now: 3000 });
    const undone = (await db.audit.toArray()).filter((e) => e.at === 3000);
    expect(undone.map(row).sort()).toEqual([
      'img-a prediction.cleared u-ben import: Undo: removed 1 annotation accepted from det',
      'img-b prediction.cleared u-ben import: Undo: removed 1 annotation accepted from det',
    ]);
    // The undo adds its own entries; the accept's stay (the log is never rewritten).
    expect(await db.audit.count()).toBe(5);
  });
});
