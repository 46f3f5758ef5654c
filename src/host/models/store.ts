/**
 * Keeps the models a user adds in app data, named by content hash (`<dataDir>/models/<sha256>.onnx`), so
 * a model moved or edited on disk never changes what a past run used. Copies are atomic.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelInfo } from '../../core/inference/card';
import { inferCard, type InferredCard } from '../../core/inference/cardInference';
import { NotOnnxError, readModelInfo } from './modelInfo';

export interface StoredModel {
  readonly sha256: string;
  readonly bytes: number;
  /** Where the copy lives: `<dataDir>/models/<sha256>.onnx`. */
  readonly path: string;
  readonly info: ModelInfo;
  readonly inferred: InferredCard;
}

export const modelsDir = (dataDir: string): string => join(dataDir, 'models');
export const storedModelPath = (dataDir: string, sha256: string): string =>
  join(modelsDir(dataDir), `${sha256}.onnx`);

const CHUNK = 1024 * 1024;

/** Copies `source` into `dir` as a temp file, hashing on the way, and fsyncs it before anyone renames it. */
async function copyHashed(
  source: string,
  dir: string,
): Promise<{ temp: string; sha256: string; bytes: number }> {
  const temp = join(dir, `incoming.${randomBytes(6).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  const input = await open(source, 'r');
  let bytes = 0;
  try {
    const output = await open(temp, 'wx');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, CHUNK, bytes);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        await output.write(buffer, 0, bytesRead);
        bytes += bytesRead;
      }
      await output.sync();
    } finally {
      await output.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    await input.close();
  }
  return { temp, sha256: hash.digest('hex'), bytes };
}

/**
 * Adds a model file to app data: checks that it is ONNX (reading its header), copies it under its
 * sha256, and infers a card. A file that is not ONNX fails with "x.onnx is not an ONNX model: …" and
 * leaves nothing behind.
 */
export async function addModelFile(dataDir: string, sourcePath: string): Promise<StoredModel> {
  const name = basename(sourcePath);
  let info: ModelInfo;
  try {
    info = await readModelInfo(sourcePath);
  } catch (error) {
    if (error instanceof NotOnnxError)
      throw new NotOnnxError(`${name} is not an ONNX model: ${error.message}.`);
    throw error;
  }
  await mkdir(modelsDir(dataDir), { recursive: true });
  const { temp, sha256, bytes } = await copyHashed(sourcePath, modelsDir(dataDir));
  const path = storedModelPath(dataDir, sha256);
  // The same bytes are the same model: keep the copy already there.
  if ((await stat(path).catch(() => undefined))?.isFile()) await rm(temp, { force: true });
  else await rename(temp, path);
  return { sha256, bytes, path, info, inferred: inferCard(info, name) };
}
