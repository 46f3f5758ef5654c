/**
 * The local-model calls: add an ONNX model to app data, review and save its card, and run it on a
 * project's images as a job that streams each image's results (objects, tags or an embedding).
 */

import { z } from 'zod';
import type { Geometry } from '../annotations/types';
import type { CardProblem, ModelCard, ModelInfo } from '../inference/card';
import type { InferredCard } from '../inference/cardInference';

const absolutePathLike = z
  .string()
  .min(1, 'a path is required')
  .max(4096, 'the path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'the path contains a NUL byte');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a model id is its 64-digit sha256');
const id = z.string().min(1).max(200);

/** Execution providers a run may ask for; CPU is always there, the others only in some onnxruntime builds. */
export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export interface ProviderInfo {
  readonly name: ExecutionProvider;
  /** Whether the installed onnxruntime-node can use it here. */
  readonly available: boolean;
}

/** A model in app data: its file, what it declares, the inferred card and the card the user saved. */
export interface ModelRecord {
  /** sha256 of the file: the model's id, and its file name under `<dataDir>/models/`. */
  readonly sha256: string;
  readonly fileName: string;
  readonly bytes: number;
  readonly addedAt: number;
  /** Shipped with LabelLoop (its card is reviewed already). */
  readonly bundled: boolean;
  readonly info: ModelInfo;
  readonly inferred: InferredCard;
  /** The reviewed card; null until the user saves one. A run needs it. */
  readonly card: ModelCard | null;
  /** What does not fit between the saved card and the model's tensors (empty when it fits). */
  readonly cardProblems: readonly CardProblem[];
}

export const addModelArgs = z.object({ path: absolutePathLike }).strict();
export const saveCardArgs = z.object({ sha256, card: z.unknown() }).strict();
export const removeModelArgs = z.object({ sha256 }).strict();

export const runImageSchema = z.object({ imageId: id, path: absolutePathLike }).strict().readonly();

export const startRunArgs = z
  .object({
    /** The renderer's run id; starting a run id again (resume) stops any job still running it. */
    runId: id,
    sha256,
    images: z.array(runImageSchema).min(1).max(1_000_000).readonly(),
    /** onnxruntime intra-op threads. */
    threads: z.number().int().min(1).max(64),
    provider: z.enum(EXECUTION_PROVIDERS),
    /** Replaces the card's score threshold for this run. */
    scoreThreshold: z.number().min(0).max(1).optional(),
    /**
     * The card to run with instead of the model's saved one: a resumed run keeps the card it was started
     * with, whatever was edited since. Checked like a saved card.
     */
    card: z.unknown().optional(),
  })
  .strict();
export type StartRunArgs = z.input<typeof startRunArgs>;

/** One object a model found, in upright image pixels, with the model's own class. */
export interface ModelObject {
  /** The model's class name ("text" for text detectors). */
  readonly label: string;
  readonly score: number;
  readonly geometry: Geometry;
}

/** One image's result; `error` set means the image was not predicted (it is reported and skipped). */
export interface RunImageResult {
  readonly imageId: string;
  readonly objects: readonly ModelObject[];
  /** Classifiers: classes at or above the score threshold, best first. */
  readonly tags?: readonly { readonly label: string; readonly score: number }[];
  /** Embedders: the image's vector (L2-normalised when the card says so). */
  readonly embedding?: readonly number[];
  readonly error?: string;
}

export interface RunOutput {
  readonly results: readonly RunImageResult[];
}

export interface RunSummary {
  /** Images with a result, failed ones included. */
  readonly processed: number;
  readonly failed: number;
  readonly objects: number;
  /** The provider the run used, and why it is not the one asked for. */
  readonly provider: ExecutionProvider;
  readonly providerNote?: string;
  readonly threads: number;
  readonly elapsedMs: number;
  /** From the start of the job to the first image's result. */
  readonly firstResultMs: number | null;
}
