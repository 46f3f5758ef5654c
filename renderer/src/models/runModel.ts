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
    imageTotal: options.imageIds.length,
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
  await db.transaction('rw', db.predictionRuns, db.runPlans, async () => {
    await db.predictionRuns.add(run);
    await db.runPlans.add({ runId, projectId: options.projectId, imageIds: options.imageIds });
  });
  onStarted?.(runId);
  await continueModelRun(api, db, runId);
  return runId;
}

/** Images of a run that have no result yet, in the run's order. */
export async function remainingImages(db: LabelLoopDatabase, run: PredictionRun): Promise<ImageId[]> {
  const done = new Set(
    (await db.runImages.where('runId').equals(run.id).primaryKeys()).map(([, imageId]) => imageId),
  );
  const plan = await db.runPlans.get(run.id);
  return (plan?.imageIds ?? []).filter((id) => !done.has(id));
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
/** Runs this window is continuing: a second Resume (a double click) while one is starting does nothing. */
const continuing = new Set<RunId>();

export async function continueModelRun(api: ApiClient, db: LabelLoopDatabase, runId: RunId): Promise<void> {
  if (continuing.has(runId)) return;
  continuing.add(runId);
  try {
    await continueOnce(api, db, runId);
  } finally {
    continuing.delete(runId);
  }
}

async function continueOnce(api: ApiClient, db: LabelLoopDatabase, runId: RunId): Promise<void> {
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
  const total = details.imageTotal;
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
          // The card the run started with: a resume never mixes two cards' settings in one run.
          card: details.card,
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

/** One image's result as it is saved, and what it adds to the run's counters. */
interface SavedImage {
  readonly record: RunImageRecord;
  readonly row: ImagePredictions | null;
  readonly failed: number;
  readonly flagged: number;
  readonly predictions: number;
  readonly unmapped: Readonly<Record<string, number>>;
}

function toSaved(
  run: PredictionRun,
  compiled: ReturnType<typeof compileSchema>,
  result: RunOutput['results'][number],
  image: { width: number; height: number } | undefined,
): SavedImage {
  const imageId = result.imageId as ImageId;
  const base = { runId: run.id, imageId, projectId: run.projectId };
  if (result.error !== undefined)
    return {
      record: { ...base, error: result.error },
      row: null,
      failed: 1,
      flagged: 0,
      predictions: 0,
      unmapped: {},
    };
  const mapped = mapModelResult(
    result,
    imageId,
    image ?? { width: 0, height: 0 },
    compiled,
    run.model!.classMap,
  );
  return {
    record: { ...base, ...(result.embedding && { embedding: Float32Array.from(result.embedding) }) },
    row:
      mapped.predictions.length > 0 || mapped.tags.length > 0
        ? { ...base, predictions: mapped.predictions, ...(mapped.tags.length > 0 && { tags: mapped.tags }) }
        : null,
    failed: 0,
    flagged: mapped.flagged,
    predictions: mapped.predictions.length,
    unmapped: mapped.unmapped,
  };
}

/**
 * Saves one batch of results: each image's predictions, its result row, and the run's counters, at once.
 * An image that already has a result row (sent twice, by two jobs of one run) is not saved or counted again.
 */
async function saveBatch(
  db: LabelLoopDatabase,
  run: PredictionRun,
  compiled: ReturnType<typeof compileSchema>,
  output: RunOutput,
  images?: ReadonlyMap<ImageId, { width: number; height: number }>,
): Promise<void> {
  const saved = output.results.map((result) =>
    toSaved(run, compiled, result, images?.get(result.imageId as ImageId)),
  );
  await db.transaction('rw', [db.predictionRuns, db.predictions, db.runImages], async () => {
    const current = await db.predictionRuns.get(run.id);
    if (!current?.model) return;
    const existing = await db.runImages.bulkGet(
      saved.map((s) => [run.id, s.record.imageId] as [RunId, ImageId]),
    );
    const fresh = saved.filter((_, i) => existing[i] === undefined);
    const rows = fresh.flatMap((s) => (s.row ? [s.row] : []));
    await db.predictions.bulkPut(rows);
    await db.runImages.bulkPut(fresh.map((s) => s.record));
    const sum = (pick: (s: SavedImage) => number) => fresh.reduce((total, s) => total + pick(s), 0);
    const unmapped = { ...current.model.unmapped };
    for (const s of fresh)
      for (const [label, count] of Object.entries(s.unmapped))
        unmapped[label] = (unmapped[label] ?? 0) + count;
    await db.predictionRuns.put({
      ...current,
      imageCount: current.imageCount + rows.length,
      predictionCount: current.predictionCount + sum((s) => s.predictions),
      model: {
        ...current.model,
        processed: current.model.processed + fresh.length,
        failed: current.model.failed + sum((s) => s.failed),
        flagged: current.model.flagged + sum((s) => s.flagged),
        unmapped,
      },
    });
  });
}

/**
 * Runs a run's failed images again (a file that was missing or unreadable may be back): their error rows
 * go, with their count, in one transaction, then the run continues with them.
 */
export async function retryFailedImages(api: ApiClient, db: LabelLoopDatabase, runId: RunId): Promise<void> {
  await db.transaction('rw', [db.predictionRuns, db.runImages], async () => {
    const run = await db.predictionRuns.get(runId);
    if (!run?.model) return;
    const failed = (await db.runImages.where('runId').equals(runId).toArray()).filter(
      (r) => r.error !== undefined,
    );
    await db.runImages.bulkDelete(failed.map((r) => [runId, r.imageId] as [RunId, ImageId]));
    await db.predictionRuns.put({
      ...run,
      model: {
        ...run.model,
        processed: run.model.processed - failed.length,
        failed: run.model.failed - failed.length,
      },
    });
  });
  await continueModelRun(api, db, runId);
}

/** The failed images of a run, with why. */
export async function runErrors(
  db: LabelLoopDatabase,
  runId: RunId,
): Promise<{ imageId: ImageId; error: string }[]> {
  const rows = await db.runImages.where('runId').equals(runId).toArray();
  return rows.flatMap((row) => (row.error !== undefined ? [{ imageId: row.imageId, error: row.error }] : []));
}
