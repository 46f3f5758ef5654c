/** The one typed contract between the UI and the host: every call, its validated arguments and its result. */

import { z } from 'zod';
import type { ApiError, Result } from './errors';
import type { ImportProblem, ImportSummary, ProbedImage } from '../images/types';
import type { JobId, RootId } from '../ids';
import type { ImageQuality } from '../quality/imageStats';
import { exportBeginSchema, exportImageSchema, type ExportSummary } from './exports';
// Labeled-dataset import.
import {
  inspectDatasetArgs,
  startDatasetImportArgs,
  type DatasetImportOutput,
  type DatasetImportSummary,
  type DatasetInspection,
} from './datasets';
// Local models and runs.
import {
  addModelArgs,
  removeModelArgs,
  saveCardArgs,
  startRunArgs,
  type ExecutionProvider,
  type ModelRecord,
  type ProviderInfo,
  type RunOutput,
  type RunSummary,
} from './models';
import type { CardProblem } from '../inference/card';

const id = z.string().min(1).max(200);
/** Also what keeps a hash safe to join into a cache path. */
const contentHash = z.string().regex(/^[0-9a-f]{64}$/, 'a content hash is 64 lower-case hex digits');
const absolutePathLike = z
  .string()
  .min(1, 'a path is required')
  .max(4096, 'the path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'the path contains a NUL byte');

/**
 * A path inside a root as the import records it: forward slashes, no empty, `.` or `..` segments. Links
 * and Windows separators that still lead out are refused when the root resolves the path.
 */
const relativePath = z
  .string()
  .min(1)
  .max(4096)
  .refine(
    (p) => !p.includes('\0') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    'a relative path has forward slashes and no empty, "." or ".." segments',
  );

export const importSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), path: absolutePathLike }),
  z.object({ kind: z.literal('files'), paths: z.array(absolutePathLike).min(1).max(100_000) }),
]);
export type ImportSource = z.infer<typeof importSourceSchema>;

export interface AppInfo {
  readonly version: string;
  readonly transport: 'electron' | 'browser';
  readonly dataDir: string;
  readonly maxInputPixels: number;
  readonly homeDir: string;
  /** The operating system's name for the person logged in: the first profile's suggested name. */
  readonly userName: string;
  /** Whether the UI creates the sample project when it starts with no projects. */
  readonly firstRunSample: boolean;
}

export interface DirectoryListing {
  readonly path: string;
  readonly parent: string | null;
  readonly entries: readonly { name: string; kind: 'dir' | 'file'; isImage: boolean }[];
}

/** A phantom for the result type: the contract carries the type, not a value. */
const returns = <R>(): R => undefined as R;

export const contract = {
  'app.info': { args: z.object({}).strict(), result: returns<AppInfo>() },
  /** Lets the host serve files under `path` to this project; returns the root's id. */
  'roots.register': {
    args: z.object({ projectId: id, path: absolutePathLike }).strict(),
    result: returns<{ rootId: RootId; path: string }>(),
  },
  /** Stops serving every root of a deleted project. Files on disk are never touched. */
  'roots.forgetProject': {
    args: z.object({ projectId: id }).strict(),
    result: returns<{ removed: number }>(),
  },
  'images.startImport': {
    args: z.object({ projectId: id, sources: z.array(importSourceSchema).min(1).max(1000) }).strict(),
    result: returns<{ jobId: JobId }>(),
  },
  /**
   * Difference hashes (16 hex characters) of already imported images, from their cached thumbnails; for
   * images imported before the import computed them. Keyed by content hash; missing thumbnails are left out.
   */
  'images.perceptualHashes': {
    args: z.object({ hashes: z.array(contentHash).min(1).max(5000) }).strict(),
    result: returns<Record<string, string>>(),
  },
  /**
   * Brightness, contrast and sharpness of already imported images, measured from their original files;
   * for images imported before the import measured them. Keyed by content hash; images whose file is
   * missing, unreadable or no longer has that content are left out. Only files under registered roots.
   */
  'images.quality': {
    args: z
      .object({
        images: z
          .array(z.object({ rootId: id, relPath: relativePath, sha256: contentHash }).strict())
          .min(1)
          .max(1000),
      })
      .strict(),
    result: returns<Record<string, ImageQuality>>(),
  },
  /**
   * The dHash (16 hex digits) of each object's crop of its upright original, in the order asked: boxes
   * are `[x, y, width, height]` in upright image pixels, clamped to the image. `null` for a box under
   * 2 × 2 px and for a missing, unreadable or changed file. Only files under registered roots.
   */
  'images.cropHashes': {
    args: z
      .object({
        items: z
          .array(
            z
              .object({
                rootId: id,
                relPath: relativePath,
                sha256: contentHash,
                box: z.tuple([
                  z.number().finite(),
                  z.number().finite(),
                  z.number().finite().min(0),
                  z.number().finite().min(0),
                ]),
              })
              .strict(),
          )
          .min(1)
          .max(2000),
      })
      .strict(),
    result: returns<(string | null)[]>(),
  },
  'jobs.cancel': { args: z.object({ jobId: id }).strict(), result: returns<{ cancelled: boolean }>() },
  /** Native pickers exist only in Electron; browser mode answers `unsupported` and the UI browses instead. */
  'dialog.pickFolder': { args: z.object({}).strict(), result: returns<{ path: string | null }>() },
  'dialog.pickFiles': { args: z.object({}).strict(), result: returns<{ paths: string[] }>() },
  /** Directory listing for the in-app folder browser (browser mode has no native dialog). */
  'fs.listDir': {
    args: z.object({ path: absolutePathLike.optional() }).strict(),
    result: returns<DirectoryListing>(),
  },
  // Exporting a dataset version: begin with the settings, append the planned images in batches, commit to
  // start the writing job (progress, cancel), or discard a begun export.
  'exports.begin': { args: exportBeginSchema, result: returns<{ exportId: string }>() },
  'exports.append': {
    args: z
      .object({ exportId: id, images: z.array(exportImageSchema).min(1).max(10_000).readonly() })
      .strict(),
    result: returns<{ received: number }>(),
  },
  'exports.commit': { args: z.object({ exportId: id }).strict(), result: returns<{ jobId: JobId }>() },
  'exports.discard': { args: z.object({ exportId: id }).strict(), result: returns<{ discarded: boolean }>() },
  // --- Labeled-dataset import (COCO, YOLO, VOC, labelme, CVAT): src/core/api/datasets.ts -------------
  /** Reads a dataset and keeps it on the host under an inspect id; answers what the mapping dialog needs. */
  'datasets.inspect': { args: inspectDatasetArgs, result: returns<DatasetInspection>() },
  /** Imports an inspected dataset into a project as a job (DatasetImportJobEvent). */
  'datasets.startImport': { args: startDatasetImportArgs, result: returns<{ jobId: JobId }>() },
  // --- end of labeled-dataset import ---------------------------------------------------------------------
  // --- Local models and runs: src/core/api/models.ts -----------------------------------------------------
  /** The models in app data (bundled ones first) and the execution providers this onnxruntime has. */
  'models.list': {
    args: z.object({}).strict(),
    result: returns<{ models: ModelRecord[]; providers: ProviderInfo[] }>(),
  },
  /** Copies an .onnx file into app data by content hash and infers a card for review. */
  'models.add': { args: addModelArgs, result: returns<ModelRecord>() },
  /** Validates a reviewed card and saves it when valid; otherwise answers its problems by JSON pointer. */
  'models.saveCard': {
    args: saveCardArgs,
    result: returns<{ model: ModelRecord | null; problems: CardProblem[] }>(),
  },
  'models.remove': { args: removeModelArgs, result: returns<{ removed: boolean }>() },
  /** Runs a model with a saved card on images as a job (RunJobEvent); says which provider it got. */
  'runs.start': {
    args: startRunArgs,
    result: returns<{ jobId: JobId; provider: ExecutionProvider; providerNote?: string }>(),
  },
  /** Writes the first-run sample (rendered text and shapes with ground truth) and says where it is. */
  'samples.create': {
    args: z.object({}).strict(),
    result: returns<{ annotations: string; images: string }>(),
  },
  // --- end of local models and runs ----------------------------------------------------------------------
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export type CallArgs<N extends CallName> = z.input<Contract[N]['args']>;
export type ParsedArgs<N extends CallName> = z.output<Contract[N]['args']>;
export type CallResult<N extends CallName> = Contract[N]['result'];
export const CALL_NAMES = Object.keys(contract) as CallName[];
export const isCallName = (name: string): name is CallName => Object.hasOwn(contract, name);

/** Job events: long work reports progress, output batches, and exactly one of done / failed / cancelled. */
export type JobEvent<Output, Summary> =
  | {
      readonly jobId: JobId;
      readonly type: 'progress';
      readonly done: number;
      readonly total: number;
      readonly ratePerSecond: number;
      readonly etaSeconds: number | null;
    }
  | { readonly jobId: JobId; readonly type: 'output'; readonly output: Output }
  | { readonly jobId: JobId; readonly type: 'done'; readonly summary: Summary }
  | { readonly jobId: JobId; readonly type: 'cancelled'; readonly summary: Summary }
  | { readonly jobId: JobId; readonly type: 'failed'; readonly error: ApiError };

export interface ImportOutput {
  /** Folders registered for this import; sent once, in the first batch, so the UI can remember them. */
  readonly roots: readonly { rootId: RootId; path: string }[];
  readonly images: readonly ProbedImage[];
  readonly problems: readonly ImportProblem[];
}
export type ImportJobEvent = JobEvent<ImportOutput, ImportSummary>;
/** Labeled-dataset import: its output and summary extend the image import's. */
export type DatasetImportJobEvent = JobEvent<DatasetImportOutput, DatasetImportSummary>;
/** An export writes files and reports only progress and its ending. */
export type ExportJobEvent = JobEvent<never, ExportSummary>;
/** A model run streams each image's results. */
export type RunJobEvent = JobEvent<RunOutput, RunSummary>;
/** Every job event the host can push; a listener knows which kind by the job id it started. */
export type AnyJobEvent = ImportJobEvent | ExportJobEvent | DatasetImportJobEvent | RunJobEvent;

/** What the UI holds: the same shape over Electron IPC and over loopback HTTP. */
export interface ApiClient {
  readonly transport: 'electron' | 'browser';
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>>;
  onJobEvent(listener: (event: AnyJobEvent) => void): () => void;
  /** A URL the renderer can put in an <img>, for a media path from `media.ts`. */
  mediaUrl(mediaPath: string): string;
}
