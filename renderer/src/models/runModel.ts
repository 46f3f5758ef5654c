/**
 * Model runs from the UI: the run record is written first (model, card, thresholds, the images it covers),
 * then the host job streams results that are mapped into the schema and saved a batch at a time with the
 * run's counters. A run that stops for any reason (cancel, a crash, closing the app) keeps every saved
 * image, and resuming runs only the images without a result.
 */

import { create } from 'zustand';
import type { ApiClient } from '../../../src/core/api/contract';
import type { ExecutionProvider, ModelRecord, RunOutput, RunSummary } from '../../../src/core/api/models';
import type { ModelCard } from '../../../src/core/inference/card';
import type { ImageId, JobId, ProjectId } from '../../../src/core/ids';
import { mapModelResult } from '../../../src/core/predictions/fromModel';
import type {
  ImagePredictions,
  ModelRunDetails,
  PredictionRun,
  RunId,
  RunImageRecord,
} from '../../../src/core/predictions/types';
import { compileSchema } from '../../../src/core/schema/validate';
import { followJob } from '../api/followJob';
import { newId, type LabelLoopDatabase } from '../db/database';
import { currentSchema } from '../db/schemas';

/** Live progress of the runs this window is following, by run id. */
export interface RunProgress {
  readonly projectId: ProjectId;
  readonly name: string;
  readonly jobId: JobId | null;
  /** Images with a result, this job's and earlier ones'. */
  readonly done: number;
  readonly total: number;
  readonly ratePerSecond: number;
  readonly etaSeconds: number | null;
  readonly cancelling: boolean;
}

interface RunProgressState {
  readonly runs: Readonly<Record<string, RunProgress>>;
  set(runId: RunId, progress: RunProgress | null): void;
}

export const useRunProgress = create<RunProgressState>((set) => ({
  runs: {},
  set: (runId, progress) =>
    set((state) => {
      const runs = { ...state.runs };
      if (progress) runs[runId] = progress;
      else delete runs[runId];
      return { runs };
    }),
}));

export interface StartRunOptions {
  readonly projectId: ProjectId;
  readonly model: ModelRecord;
  readonly imageIds: readonly ImageId[];
  readonly classMap: Readonly<Record<string, string | null>>;
  readonly threads: number;
  readonly provider: ExecutionProvider;
  readonly scoreThreshold: number;
}

/** Records a new run and starts it; resolves with its id once the host job has ended. */
export async function startModelRun(
  api: ApiClient,
  db: LabelLoopDatabase,
  options: StartRunOptions,
  onStarted?: (runId: RunId) => void,
): Promise<RunId> {
  const { model } = options;
  const card = model.card as ModelCard;
  const runId = newId<RunId>();
  // Runs of one model are told apart by number in the editor's layers and the runs list.
  const earlier = await db.predictionRuns.where('projectId').equals(options.projectId).toArray();
  const number = earlier.filter((r) => r.model?.sha256 === model.sha256).length + 1;
  const details: ModelRunDetails = {
    sha256: model.sha256,
    fileName: model.fileName,
    task: card.task,
    card,
    classMap: options.classMap,
    scoreThreshold: options.scoreThreshold,
    nmsThreshold: card.thresholds.nms ?? null,
    threads: options.threads,
    provider: options.provider,
    imageIds: options.imageIds,
    status: 'running',
    processed: 0,
    failed: 0,
    unmapped: {},
    flagged: 0,
    elapsedMs: 0,
    firstResultMs: null,
    finishedAt: null,
  };
  const run: PredictionRun = {
    id: runId,
    projectId: options.projectId,
    name: `${card.name || model.fileName} · run ${number}`,
    source: 'model',
    createdAt: Date.now(),
    imageCount: 0,
    predictionCount: 0,
    model: details,
  };
  await db.predictionRuns.add(run);
  onStarted?.(runId);
  await continueModelRun(api, db, runId);
  return runId;
}

/** Images of a run that have no result yet, in the run's order. */
export async function remainingImages(db: LabelLoopDatabase, run: PredictionRun): Promise<ImageId[]> {
  const done = new Set(
    (await db.runImages.where('runId').equals(run.id).primaryKeys()).map(([, imageId]) => imageId),
  );
  return (run.model?.imageIds ?? []).filter((id) => !done.has(id));
}

const updateRun = async (
  db: LabelLoopDatabase,
  runId: RunId,
  change: (details: ModelRunDetails, run: PredictionRun) => Partial<ModelRunDetails>,
) =>
  db.transaction('rw', db.predictionRuns, async () => {
    const run = await db.predictionRuns.get(runId);
    if (!run?.model) return;
    await db.predictionRuns.put({ ...run, model: { ...run.model, ...change(run.model, run) } });
  });

/**
 * Runs (or resumes) a recorded run on its images without a result. Resolves when the job has ended and
 * everything it sent is saved; the run's status then says how it ended.
 */
export async function continueModelRun(api: ApiClient, db: LabelLoopDatabase, runId: RunId): Promise<void> {
  const progress = useRunProgress.getState();
  const run = await db.predictionRuns.get(runId);
  if (!run?.model) throw new Error(`run ${runId} is not a model run`);
  const details = run.model;
  const schema = await currentSchema(db, run.projectId);
  if (!schema) {
    await updateRun(db, runId, () => ({ status: 'failed', error: 'the project has no annotation schema' }));
    return;
  }
  const compiled = compileSchema(schema.schema);
  const remaining = await remainingImages(db, run);
  const total = details.imageIds.length;
  const doneBefore = total - remaining.length;
  if (remaining.length === 0) {
    await updateRun(db, runId, () => ({ status: 'done', finishedAt: Date.now() }));
    return;
  }
  const images = new Map(
    (await db.images.bulkGet(remaining)).flatMap((image) => (image ? [[image.id, image] as const] : [])),
  );
  await updateRun(db, runId, () => ({ status: 'running' }));
  progress.set(runId, {
    projectId: run.projectId,
    name: run.name,
    jobId: null,
    done: doneBefore,
    total,
    ratePerSecond: 0,
    etaSeconds: null,
    cancelling: false,
  });

  const startedAt = Date.now();
  const toRun = remaining.flatMap((imageId) => {
    const image = images.get(imageId);
    return image ? [{ imageId, path: image.path }] : [];
  });
  try {
    // Images deleted from the project since the run was planned are recorded as failed, not run.
    const missing = remaining.filter((id) => !images.has(id));
    if (missing.length > 0)
      await saveBatch(db, run, compiled, {
        results: missing.map((imageId) => ({
          imageId,
          objects: [],
          error: 'the image is no longer in the project',
        })),
      });
    if (toRun.length === 0) {
      await updateRun(db, runId, () => ({ status: 'done', finishedAt: Date.now() }));
      return;
    }
    let providerNote: { provider: string; note: string } | null = null;
    await followJob<RunOutput, RunSummary>(api, {
      start: async () => {
        const started = await api.call('runs.start', {
          runId,
          sha256: details.sha256,
          images: toRun,
          threads: details.threads,
          provider: details.provider as ExecutionProvider,
          scoreThreshold: details.scoreThreshold,
        });
        if (started.ok && started.value.providerNote !== undefined)
          providerNote = { provider: started.value.provider, note: started.value.providerNote };
        return started;
      },
      started: async (jobId) => {
        const current = useRunProgress.getState().runs[runId];
        if (current) progress.set(runId, { ...current, jobId });
        const chosen = providerNote;
        if (chosen)
          await updateRun(db, runId, () => ({ provider: chosen.provider, providerNote: chosen.note }));
      },
      progress: (event) => {
        const current = useRunProgress.getState().runs[runId];
        if (current)
          progress.set(runId, {
            ...current,
            done: doneBefore + missing.length + event.done,
            ratePerSecond: event.ratePerSecond,
            etaSeconds: event.etaSeconds,
          });
      },
      writeBatch: (batch) => saveBatch(db, run, compiled, batch, images),
      failedWrite: 'saving predictions failed',
      ended: (ending, writeError) =>
        updateRun(db, runId, (previous) =>
          ending.type === 'failed'
            ? {
                status: 'failed',
                error: ending.error.message,
                elapsedMs: previous.elapsedMs + (Date.now() - startedAt),
                finishedAt: Date.now(),
              }
            : {
                status: writeError !== null ? 'failed' : ending.type,
                ...(writeError !== null && { error: writeError }),
                provider: ending.summary.provider,
                ...(ending.summary.providerNote !== undefined && {
                  providerNote: ending.summary.providerNote,
                }),
                elapsedMs: previous.elapsedMs + ending.summary.elapsedMs,
                firstResultMs: previous.firstResultMs ?? ending.summary.firstResultMs,
                finishedAt: Date.now(),
              },
        ),
    });
  } finally {
    useRunProgress.getState().set(runId, null);
  }
}

/** Asks the host to stop a run this window follows; what it already saved stays. */
export async function cancelModelRun(api: ApiClient, runId: RunId): Promise<void> {
  const state = useRunProgress.getState();
  const current = state.runs[runId];
  if (!current?.jobId) return;
  state.set(runId, { ...current, cancelling: true });
  await api.call('jobs.cancel', { jobId: current.jobId });
}

/** Saves one batch of results: each image's predictions, its result row, and the run's counters, at once. */
async function saveBatch(
  db: LabelLoopDatabase,
  run: PredictionRun,
  compiled: ReturnType<typeof compileSchema>,
  output: RunOutput,
  images?: ReadonlyMap<ImageId, { width: number; height: number }>,
): Promise<void> {
  const classMap = run.model!.classMap;
  const rows: ImagePredictions[] = [];
  const records: RunImageRecord[] = [];
  const unmapped: Record<string, number> = {};
  let failed = 0;
  let flagged = 0;
  let predictions = 0;
  for (const result of output.results) {
    const imageId = result.imageId as ImageId;
    if (result.error !== undefined) {
      failed++;
      records.push({ runId: run.id, imageId, projectId: run.projectId, error: result.error });
      continue;
    }
    const image = images?.get(imageId);
    const mapped = mapModelResult(result, imageId, image ?? { width: 0, height: 0 }, compiled, classMap);
    for (const [label, count] of Object.entries(mapped.unmapped))
      unmapped[label] = (unmapped[label] ?? 0) + count;
    flagged += mapped.flagged;
    predictions += mapped.predictions.length;
    if (mapped.predictions.length > 0 || mapped.tags.length > 0)
      rows.push({
        runId: run.id,
        imageId,
        projectId: run.projectId,
        predictions: mapped.predictions,
        ...(mapped.tags.length > 0 && { tags: mapped.tags }),
      });
    records.push({
      runId: run.id,
      imageId,
      projectId: run.projectId,
      ...(result.embedding && { embedding: Float32Array.from(result.embedding) }),
    });
  }
  await db.transaction('rw', [db.predictionRuns, db.predictions, db.runImages], async () => {
    const current = await db.predictionRuns.get(run.id);
    if (!current?.model) return;
    await db.predictions.bulkPut(rows);
    await db.runImages.bulkPut(records);
    const merged = { ...current.model.unmapped };
    for (const [label, count] of Object.entries(unmapped)) merged[label] = (merged[label] ?? 0) + count;
    await db.predictionRuns.put({
      ...current,
      imageCount: current.imageCount + rows.length,
      predictionCount: current.predictionCount + predictions,
      model: {
        ...current.model,
        processed: current.model.processed + records.length,
        failed: current.model.failed + failed,
        flagged: current.model.flagged + flagged,
        unmapped: merged,
      },
    });
  });
}

/** The failed images of a run, with why. */
export async function runErrors(
  db: LabelLoopDatabase,
  runId: RunId,
): Promise<{ imageId: ImageId; error: string }[]> {
  const rows = await db.runImages.where('runId').equals(runId).toArray();
  return rows.flatMap((row) => (row.error !== undefined ? [{ imageId: row.imageId, error: row.error }] : []));
}
