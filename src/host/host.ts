/** The host: every contract handler, the job runner and media resolution, with no transport attached. */

import { readdir, stat } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { AppInfo, ExportJobEvent, ImportJobEvent, ImportOutput } from '../core/api/contract';
import type { ExportSummary } from '../core/api/exports';
import type { ImportSummary } from '../core/images/types';
import type { ContentHash } from '../core/ids';
import { HostError } from '../core/api/errors';
import { parseMediaPath } from '../core/api/media';
import { extensionOf, IMAGE_EXTENSIONS } from '../core/images/types';
import { firstRunSample, maxInputPixels as envMaxInputPixels } from './config';
import type { Handlers } from './dispatch';
import { runImport } from './images/importJob';
import { perceptualHashes } from './images/perceptualHashes';
import { qualityOfImages } from './images/qualityOfImages';
import { cropHashes } from './images/cropHashes';
import { createExportSessions } from './export/exportJob';
import { createJobRunner, type JobRunner } from './jobs';
import { resolveMedia, type MediaFile } from './media';
import { openRootRegistry, type RootRegistry } from './roots';
// Labeled-dataset import.
import type { DatasetImportJobEvent } from '../core/api/contract';
import type { DatasetImportOutput, DatasetImportSummary } from '../core/api/datasets';
import { createDatasetInspections, runDatasetImport } from './datasets/importJob';
// Local models and runs.
import type { RunJobEvent } from '../core/api/contract';
import type { RunOutput, RunSummary } from '../core/api/models';
import { availableProviders, chooseProvider } from './inference/providers';
import { runModel } from './inference/runJob';
import { createModelRegistry } from './models/registry';
import { checkCardAgainstModel, validateModelCard, type ModelCard } from '../core/inference/card';
import { createSample } from './samples/sample';

/** Native file pickers, which only Electron has. */
export interface Pickers {
  pickFolder(): Promise<string | null>;
  pickFiles(): Promise<string[]>;
}

export interface HostOptions {
  readonly dataDir: string;
  readonly transport: AppInfo['transport'];
  readonly version: string;
  readonly pickers?: Pickers;
  readonly maxInputPixels?: number;
  readonly importConcurrency?: number;
  /** The built model-run worker (`dist/host/runWorker.mjs`); runs are refused without it. */
  readonly runWorkerPath?: string;
  /** Overrides LABELLOOP_SAMPLE (tests). */
  readonly firstRunSample?: boolean;
}

export interface Host {
  readonly handlers: Handlers;
  readonly jobs: JobRunner;
  readonly roots: RootRegistry;
  readonly dataDir: string;
  /** Resolves a media path such as `files/<root>/a/b.jpg` or `cache/thumbs/<hash>.webp`. */
  media(rawPath: string): Promise<MediaFile | { ok: false; status: 400 | 403 | 404; reason: string }>;
}

const LISTING_LIMIT = 5000;

/** A card a run brings with it (a resumed run's own), refused with its problems when it is not valid. */
function cardForRun(value: unknown): ModelCard {
  const checked = validateModelCard(value);
  if (!checked.ok)
    throw new HostError(
      'invalid-argument',
      `the run's model card is not valid: ${checked.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
    );
  return checked.card;
}
const RUN_WORKER_HEAP_MB = 4096;

export async function createHost(options: HostOptions): Promise<Host> {
  const dataDir = resolve(options.dataDir);
  const maxInputPixels = options.maxInputPixels ?? envMaxInputPixels();
  const roots = await openRootRegistry(dataDir);
  const jobs = createJobRunner();
  const exportSessions = createExportSessions(roots);
  const datasetInspections = createDatasetInspections({ dataDir });
  const models = createModelRegistry(dataDir);
  /** The job running each renderer run id: starting a run again (resume) stops the old job first. */
  const runJobs = new Map<string, string>();
  const unsupported = (what: string) =>
    new HostError(
      'unsupported',
      `${what} needs the desktop app; in browser mode, browse to a folder instead`,
    );

  const handlers: Handlers = {
    'app.info': async () => ({
      version: options.version,
      transport: options.transport,
      dataDir,
      maxInputPixels,
      homeDir: homedir(),
      userName: osUserName(),
      firstRunSample: options.firstRunSample ?? firstRunSample(),
    }),
    'roots.register': ({ projectId, path }) => roots.register(projectId, path),
    'roots.forgetProject': async ({ projectId }) => ({ removed: await roots.forgetProject(projectId) }),
    'images.startImport': async ({ projectId, sources }) => {
      for (const source of sources) {
        const paths = source.kind === 'folder' ? [source.path] : source.paths;
        const relative = paths.find((p) => !isAbsolute(p));
        if (relative !== undefined)
          throw new HostError('invalid-argument', `"${relative}" is not an absolute path`);
      }
      for (const source of sources) {
        if (source.kind !== 'folder') continue;
        const info = await stat(source.path).catch(() => undefined);
        if (!info) throw new HostError('not-found', `folder "${source.path}" does not exist`);
        if (!info.isDirectory()) throw new HostError('invalid-argument', `"${source.path}" is not a folder`);
      }
      const jobId = jobs.start<ImportOutput, ImportSummary>(
        (job) =>
          runImport(
            projectId,
            sources,
            { dataDir, maxInputPixels, roots, concurrency: options.importConcurrency },
            job,
          ),
        (event): ImportJobEvent => event,
      );
      return { jobId };
    },
    'images.perceptualHashes': ({ hashes }) => perceptualHashes(dataDir, hashes as ContentHash[]),
    'images.quality': ({ images }) => qualityOfImages(roots, images, maxInputPixels),
    'images.cropHashes': ({ items }) => cropHashes(roots, items, maxInputPixels),
    'jobs.cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'exports.begin': (args) => exportSessions.begin(args),
    'exports.append': async ({ exportId, images }) => exportSessions.append(exportId, images),
    'exports.commit': async ({ exportId }) => ({
      jobId: jobs.start<never, ExportSummary>(
        exportSessions.take(exportId),
        (event): ExportJobEvent => event,
      ),
    }),
    'exports.discard': async ({ exportId }) => ({ discarded: exportSessions.discard(exportId) }),
    // --- Labeled-dataset import ----------------------------------------------------------------------
    'datasets.inspect': async (args) => {
      for (const path of [args.path, args.images])
        if (path !== undefined && !isAbsolute(path))
          throw new HostError('invalid-argument', `"${path}" is not an absolute path`);
      return datasetInspections.inspect(args);
    },
    'datasets.startImport': async ({ projectId, inspectId }) => {
      const read = datasetInspections.take(inspectId);
      if (!read)
        throw new HostError(
          'not-found',
          'that dataset is no longer inspected (it was imported, replaced or expired); inspect it again',
        );
      const jobId = jobs.start<DatasetImportOutput, DatasetImportSummary>(
        (job) =>
          runDatasetImport(
            projectId,
            read,
            { dataDir, maxInputPixels, roots, concurrency: options.importConcurrency },
            job,
          ),
        (event): DatasetImportJobEvent => event,
      );
      return { jobId };
    },
    // --- end of labeled-dataset import ---------------------------------------------------------------
    // --- Local models and runs -----------------------------------------------------------------------
    'models.list': async () => ({ models: await models.list(), providers: availableProviders() }),
    'models.add': async ({ path }) => {
      if (!isAbsolute(path)) throw new HostError('invalid-argument', `"${path}" is not an absolute path`);
      return models.add(path);
    },
    'models.saveCard': ({ sha256, card }) => models.saveCard(sha256, card),
    'models.remove': async ({ sha256 }) => ({ removed: await models.remove(sha256) }),
    'runs.start': async ({ runId, sha256, images, threads, provider, scoreThreshold, card: asked }) => {
      const workerPath = options.runWorkerPath;
      if (!workerPath) throw new HostError('unsupported', 'this build of LabelLoop cannot run models');
      const model = await models.get(sha256);
      const card = asked === undefined ? model.card : cardForRun(asked);
      if (!card)
        throw new HostError(
          'invalid-argument',
          `review and save the card of ${model.fileName} before running it`,
        );
      const problems = asked === undefined ? model.cardProblems : checkCardAgainstModel(card, model.info);
      if (problems.length > 0)
        throw new HostError(
          'invalid-argument',
          `the card of ${model.fileName} does not fit the model: ${problems[0]!.message}`,
        );
      const relative = images.find((image) => !isAbsolute(image.path));
      if (relative) throw new HostError('invalid-argument', `"${relative.path}" is not an absolute path`);
      const previous = runJobs.get(runId);
      if (previous) jobs.cancel(previous);
      const chosen = chooseProvider(provider, availableProviders());
      const jobId = jobs.start<RunOutput, RunSummary>(
        async (job) => {
          try {
            const summary = await runModel(
              {
                modelPath: model.path,
                card,
                images,
                threads,
                provider: chosen.provider,
                ...(scoreThreshold !== undefined && { scoreThreshold }),
              },
              job,
              // A worker whose JavaScript heap passes this is stopped and restarted on the next image,
              // instead of taking the host down (onnxruntime's and sharp's buffers are outside it).
              { workerPath, memoryLimitMb: RUN_WORKER_HEAP_MB },
            );
            const note = [chosen.note, summary.providerNote].filter(Boolean).join(' ');
            return note ? { ...summary, providerNote: note } : summary;
          } finally {
            if (runJobs.get(runId) === job.jobId) runJobs.delete(runId);
          }
        },
        (event): RunJobEvent => event,
      );
      runJobs.set(runId, jobId);
      return {
        jobId,
        provider: chosen.provider,
        ...(chosen.note !== undefined && { providerNote: chosen.note }),
      };
    },
    'samples.create': () => createSample(dataDir),
    // --- end of local models and runs ----------------------------------------------------------------
    'dialog.pickFolder': async () => {
      if (!options.pickers) throw unsupported('The system folder picker');
      return { path: await options.pickers.pickFolder() };
    },
    'dialog.pickFiles': async () => {
      if (!options.pickers) throw unsupported('The system file picker');
      return { paths: await options.pickers.pickFiles() };
    },
    'fs.listDir': async ({ path }) => {
      const dir = path ?? homedir();
      if (!isAbsolute(dir)) throw new HostError('invalid-argument', `"${dir}" is not an absolute path`);
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new HostError('not-found', `folder "${dir}" does not exist`);
        if (code === 'ENOTDIR') throw new HostError('invalid-argument', `"${dir}" is not a folder`);
        throw new HostError('io', `cannot list "${dir}": ${code ?? String(error)}`);
      }
      const listed = entries
        .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isFile()))
        .map((e) => ({
          name: e.name,
          kind: e.isDirectory() ? ('dir' as const) : ('file' as const),
          isImage: e.isFile() && IMAGE_EXTENSIONS[extensionOf(e.name)] !== undefined,
        }))
        .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1))
        .slice(0, LISTING_LIMIT);
      const parent = dirname(dir);
      return { path: join(dir), parent: parent === dir ? null : parent, entries: listed };
    },
  };

  return {
    handlers,
    jobs,
    roots,
    dataDir,
    async media(rawPath) {
      const parsed = parseMediaPath(rawPath);
      if (!parsed.ok) return parsed;
      return resolveMedia(parsed.request, roots, dataDir, maxInputPixels);
    },
  };
}

/** The logged-in user's name, or "" where the system has none to give (a container without a passwd entry). */
function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}
