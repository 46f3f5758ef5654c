import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyJobEvent, ApiClient, CallName } from '../../../src/core/api/contract';
import type { ModelRecord, RunOutput, RunSummary } from '../../../src/core/api/models';
import { fail, ok, type Result } from '../../../src/core/api/errors';
import type { ImageId, JobId, ProjectId } from '../../../src/core/ids';
import { yoloCard } from '../../../src/core/inference/testCards';
import type { RunId } from '../../../src/core/predictions/types';
import { SCHEMA_FORMAT, type AnnotationSchema } from '../../../src/core/schema/types';
import type { LabelLoopDatabase } from '../db/database';
import { createProject } from '../db/projects';
import { predictionsFor } from '../db/predictions';
import { applySchemaChange } from '../db/schemas';
import { openTestDatabase, probedImage } from '../db/testDatabase';
import {
  continueModelRun,
  remainingImages,
  retryFailedImages,
  runErrors,
  startModelRun,
  useRunProgress,
} from './runModel';

const SCHEMA: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'Street',
  classes: [
    {
      id: 'c-person',
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

const card = yoloCard({ classes: ['person', 'car'] });
const model: ModelRecord = {
  sha256: 'a'.repeat(64),
  fileName: 'yolo.onnx',
  bytes: 1000,
  addedAt: 1,
  bundled: false,
  info: { inputs: [], outputs: [], metadata: {} },
  inferred: { card, confidence: 'high', missing: [], notes: [] },
  card,
  cardProblems: [],
};

const box = (x: number, width: number) => ({ kind: 'box' as const, x, y: 10, width, height: 40 });
const summary = (processed: number): RunSummary => ({
  processed,
  failed: 0,
  objects: 0,
  provider: 'cpu',
  threads: 2,
  elapsedMs: 100,
  firstResultMs: 20,
});

/**
 * A host whose `runs.start` answers with a new job and then plays the events `script` returns for the
 * images it was asked to run.
 */
function fakeHost(script: (images: readonly { imageId: string }[], jobId: JobId) => AnyJobEvent[]) {
  const listeners = new Set<(event: AnyJobEvent) => void>();
  const starts: { images: { imageId: string; path: string }[]; threads: number; provider: string }[] = [];
  const cancelled: string[] = [];
  const api: ApiClient = {
    transport: 'browser',
    call: (async (name: CallName, args: never): Promise<Result<unknown>> => {
      if (name === 'jobs.cancel') {
        cancelled.push((args as { jobId: string }).jobId);
        return ok({ cancelled: true });
      }
      if (name !== 'runs.start') return fail('unknown-call', `the fake host has no "${name}"`);
      const request = args as (typeof starts)[number];
      starts.push(request);
      const jobId = `job-${starts.length}` as JobId;
      const events = script(request.images, jobId);
      setTimeout(() => events.forEach((event) => listeners.forEach((listener) => listener(event))), 0);
      return ok({ jobId, provider: 'cpu' });
    }) as ApiClient['call'],
    onJobEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mediaUrl: (path) => path,
  };
  return { api, starts, cancelled };
}

const output = (jobId: JobId, results: RunOutput['results']): AnyJobEvent => ({
  jobId,
  type: 'output',
  output: { results },
});

let db: LabelLoopDatabase;
let projectId: ProjectId;
let ids: ImageId[];
beforeEach(async () => {
  db = openTestDatabase().db;
  projectId = (await createProject(db, 'Street')).id;
  await applySchemaChange(db, projectId, { type: 'edit-schema', schema: SCHEMA, summary: 'Street' }, 'test');
  ids = ['img-a', 'img-b', 'img-c', 'img-d'] as ImageId[];
  await db.images.bulkAdd(
    ids.map((id, i) => ({
      ...probedImage(`${id}.jpg`, i + 1),
      id,
      projectId,
      status: 'new' as const,
      importedAt: i,
    })),
  );
});
afterEach(() => db.close());

const options = (imageIds = ids) => ({
  projectId,
  model,
  imageIds,
  classMap: { person: 'c-person', car: null },
  threads: 2,
  provider: 'cpu' as const,
  scoreThreshold: 0.3,
});

describe('model runs', () => {
  it('records the run, saves mapped predictions per image, counts failures, unmapped classes and flags', async () => {
    const host = fakeHost((images, jobId) => [
      { jobId, type: 'progress', done: 2, total: images.length, ratePerSecond: 4, etaSeconds: 0.5 },
      output(jobId, [
        {
          imageId: 'img-a',
          objects: [
            { label: 'person', score: 0.9, geometry: box(0, 30) },
            { label: 'car', score: 0.8, geometry: box(50, 30) },
            { label: 'person', score: 0.5, geometry: box(100, 4) },
          ],
        },
        { imageId: 'img-b', objects: [], error: 'img-b.jpg could not be decoded: unsupported image format' },
      ]),
      output(jobId, [
        { imageId: 'img-c', objects: [] },
        { imageId: 'img-d', objects: [{ label: 'person', score: 0.7, geometry: box(5, 20) }] },
      ]),
      { jobId, type: 'done', summary: summary(4) },
    ]);
    const runId = await startModelRun(host.api, db, options());

    expect(host.starts[0]!.images).toEqual(
      ids.map((id) => ({ imageId: id, path: `/data/photos/${id}.jpg` })),
    );
    const run = (await db.predictionRuns.get(runId))!;
    expect(run).toMatchObject({ source: 'model', imageCount: 2, predictionCount: 3 });
    expect(run.name).toBe(`${card.name} · run 1`);
    const next = await startModelRun(
      fakeHost((_, jobId) => [{ jobId, type: 'done', summary: summary(0) }]).api,
      db,
      options(),
    );
    expect((await db.predictionRuns.get(next))!.name).toBe(`${card.name} · run 2`);
    expect(run.model).toMatchObject({
      status: 'done',
      sha256: model.sha256,
      task: 'detect',
      card,
      scoreThreshold: 0.3,
      threads: 2,
      processed: 4,
      failed: 1,
      flagged: 1,
      unmapped: { car: 1 },
      elapsedMs: 100,
      firstResultMs: 20,
    });
    const onA = await predictionsFor(db, 'img-a' as ImageId);
    expect(onA[0]!.predictions.map((p) => [p.classId, p.score, p.flags?.length ?? 0])).toEqual([
      ['c-person', 0.9, 0],
      ['c-person', 0.5, 1],
    ]);
    expect(await runErrors(db, runId)).toEqual([
      { imageId: 'img-b', error: 'img-b.jpg could not be decoded: unsupported image format' },
    ]);
    expect(useRunProgress.getState().runs[runId]).toBeUndefined();
  });

  it('keeps what a cancelled run saved, and resuming runs only the images without a result', async () => {
    let call = 0;
    const host = fakeHost((images, jobId) => {
      call++;
      if (call === 1)
        return [
          output(jobId, [
            { imageId: 'img-a', objects: [{ label: 'person', score: 0.9, geometry: box(0, 30) }] },
          ]),
          { jobId, type: 'cancelled', summary: summary(1) },
        ];
      return [
        output(
          jobId,
          images.map((image) => ({ imageId: image.imageId, objects: [] })),
        ),
        { jobId, type: 'done', summary: summary(images.length) },
      ];
    });
    const runId = await startModelRun(host.api, db, options());
    let run = (await db.predictionRuns.get(runId))!;
    expect(run.model).toMatchObject({ status: 'cancelled', processed: 1 });
    expect(await remainingImages(db, run)).toEqual(['img-b', 'img-c', 'img-d']);

    await continueModelRun(host.api, db, runId);
    expect(host.starts[1]!.images.map((i) => i.imageId)).toEqual(['img-b', 'img-c', 'img-d']);
    run = (await db.predictionRuns.get(runId))!;
    expect(run.model).toMatchObject({ status: 'done', processed: 4, elapsedMs: 200 });
    expect(run.predictionCount).toBe(1);
    expect(await remainingImages(db, run)).toEqual([]);
  });

  it('a run left "running" by a closed app resumes where its saved results end', async () => {
    const host = fakeHost((images, jobId) => [
      output(jobId, [{ imageId: images[0]!.imageId, objects: [] }]),
      { jobId, type: 'failed', error: { code: 'internal', message: 'the worker crashed' } },
    ]);
    const runId = await startModelRun(host.api, db, options());
    expect((await db.predictionRuns.get(runId))!.model).toMatchObject({
      status: 'failed',
      error: 'the worker crashed',
      processed: 1,
    });
    // As if the window closed mid-run: the record still says running, with one image saved.
    await db.predictionRuns.update(runId, { 'model.status': 'running' } as never);
    const resumed = fakeHost((images, jobId) => [
      output(
        jobId,
        images.map((image) => ({ imageId: image.imageId, objects: [] })),
      ),
      { jobId, type: 'done', summary: summary(images.length) },
    ]);
    await continueModelRun(resumed.api, db, runId);
    expect(resumed.starts[0]!.images.map((i) => i.imageId)).toEqual(['img-b', 'img-c', 'img-d']);
    expect((await db.predictionRuns.get(runId))!.model).toMatchObject({ status: 'done', processed: 4 });
  });

  it('records images deleted from the project since the run was planned as failed, and runs the rest', async () => {
    const host = fakeHost((images, jobId) => [
      output(
        jobId,
        images.map((image) => ({ imageId: image.imageId, objects: [] })),
      ),
      { jobId, type: 'done', summary: summary(images.length) },
    ]);
    await db.images.delete('img-c' as ImageId);
    const runId = await startModelRun(host.api, db, options());
    expect(host.starts[0]!.images.map((i) => i.imageId)).toEqual(['img-a', 'img-b', 'img-d']);
    expect((await db.predictionRuns.get(runId))!.model).toMatchObject({
      status: 'done',
      processed: 4,
      failed: 1,
    });
    expect(await runErrors(db, runId)).toEqual([
      { imageId: 'img-c', error: 'the image is no longer in the project' },
    ]);
  });

  it('continues a run once however often Resume is pressed, and counts an image sent twice once', async () => {
    let call = 0;
    const host = fakeHost((images, jobId) => {
      call++;
      if (call === 1) return [{ jobId, type: 'cancelled', summary: summary(0) }];
      const twice = output(jobId, [
        { imageId: images[0]!.imageId, objects: [{ label: 'person', score: 0.9, geometry: box(0, 30) }] },
      ]);
      return [
        twice,
        twice,
        output(
          jobId,
          images.slice(1).map((image) => ({ imageId: image.imageId, objects: [] })),
        ),
        { jobId, type: 'done', summary: summary(images.length) },
      ];
    });
    const runId = await startModelRun(host.api, db, options());
    await Promise.all([continueModelRun(host.api, db, runId), continueModelRun(host.api, db, runId)]);
    expect(host.starts).toHaveLength(2);
    const run = (await db.predictionRuns.get(runId))!;
    expect(run.model).toMatchObject({ status: 'done', processed: 4 });
    expect(run).toMatchObject({ imageCount: 1, predictionCount: 1 });
  });

  it('retries the failed images of a run, and only those', async () => {
    let call = 0;
    const host = fakeHost((images, jobId) => {
      call++;
      return [
        output(
          jobId,
          images.map((image) =>
            call === 1 && image.imageId === 'img-b'
              ? { imageId: 'img-b', objects: [], error: 'img-b.jpg: the file does not exist.' }
              : { imageId: image.imageId, objects: [{ label: 'person', score: 0.9, geometry: box(0, 30) }] },
          ),
        ),
        { jobId, type: 'done', summary: summary(images.length) },
      ];
    });
    const runId = await startModelRun(host.api, db, options());
    expect((await db.predictionRuns.get(runId))!.model).toMatchObject({ processed: 4, failed: 1 });
    await retryFailedImages(host.api, db, runId);
    expect(host.starts[1]!.images.map((i) => i.imageId)).toEqual(['img-b']);
    const run = (await db.predictionRuns.get(runId))!;
    expect(run.model).toMatchObject({ status: 'done', processed: 4, failed: 0 });
    expect(run.predictionCount).toBe(4);
    expect(await runErrors(db, runId)).toEqual([]);
  });

  it('records a refused start as a failed run with the host message', async () => {
    const api: ApiClient = {
      ...fakeHost(() => []).api,
      call: (async () =>
        fail(
          'invalid-argument',
          'review and save the card of yolo.onnx before running it',
        )) as ApiClient['call'],
    };
    const runId = await startModelRun(api, db, options());
    expect((await db.predictionRuns.get(runId as RunId))!.model).toMatchObject({
      status: 'failed',
      error: 'review and save the card of yolo.onnx before running it',
    });
  });
});
