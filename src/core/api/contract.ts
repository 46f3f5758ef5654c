/** The one typed contract between the UI and the host: every call, its validated arguments and its result. */

import { z } from 'zod';
import type { ApiError, Result } from './errors';
import type { ImportProblem, ImportSummary, ProbedImage } from '../images/types';
import type { JobId, RootId } from '../ids';

const id = z.string().min(1).max(200);
const absolutePathLike = z
  .string()
  .min(1, 'a path is required')
  .max(4096, 'the path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'the path contains a NUL byte');

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
  'jobs.cancel': { args: z.object({ jobId: id }).strict(), result: returns<{ cancelled: boolean }>() },
  /** Native pickers exist only in Electron; browser mode answers `unsupported` and the UI browses instead. */
  'dialog.pickFolder': { args: z.object({}).strict(), result: returns<{ path: string | null }>() },
  'dialog.pickFiles': { args: z.object({}).strict(), result: returns<{ paths: string[] }>() },
  /** Directory listing for the in-app folder browser (browser mode has no native dialog). */
  'fs.listDir': {
    args: z.object({ path: absolutePathLike.optional() }).strict(),
    result: returns<DirectoryListing>(),
  },
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
/** Every job event the host can push (one job kind today). */
export type AnyJobEvent = ImportJobEvent;

/** What the UI holds: the same shape over Electron IPC and over loopback HTTP. */
export interface ApiClient {
  readonly transport: 'electron' | 'browser';
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>>;
  onJobEvent(listener: (event: AnyJobEvent) => void): () => void;
  /** A URL the renderer can put in an <img>, for a media path from `media.ts`. */
  mediaUrl(mediaPath: string): string;
}
