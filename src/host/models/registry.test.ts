import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostError } from '../../core/api/errors';
import type { ModelCard } from '../../core/inference/card';
import { createModelRegistry, type ModelRegistry } from './registry';
import { storedModelPath } from './store';

const YOLOV8N = resolve(__dirname, '../../../../shared/assets/models/yolov8n_int8.onnx');
const haveYolo = existsSync(YOLOV8N);

describe('the model registry', () => {
  let dir: string;
  let registry: ModelRegistry;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'labelloop-registry-'));
    registry = createModelRegistry(join(dir, 'data'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists the bundled PP-OCRv4 text detector with its reviewed card on a fresh data dir', async () => {
    const models = await registry.list();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({
      bundled: true,
      fileName: 'ch_PP-OCRv4_det_infer.onnx',
      card: { task: 'text-detect', decoder: 'dbnet', provenance: { source: 'bundled' } },
      cardProblems: [],
    });
    await expect(registry.remove(models[0]!.sha256)).rejects.toThrow('cannot be removed');
  });

  it.skipIf(!haveYolo)(
    'adds a model with no card until one is saved; refuses a card that does not fit, naming the tensor',
    async () => {
      const added = await registry.add(YOLOV8N);
      expect(added).toMatchObject({ fileName: 'yolov8n_int8.onnx', bundled: false, card: null });
      expect(added.inferred.card).toMatchObject({ task: 'detect', decoder: 'yolov8' });
      expect((await registry.list()).map((m) => m.sha256)).toContain(added.sha256);

      const wrong = {
        ...added.inferred.card,
        classes: added.inferred.card.classes.slice(0, 79),
      } as ModelCard;
      const refused = await registry.saveCard(added.sha256, wrong);
      expect(refused.model).toBeNull();
      expect(refused.problems[0]?.message).toMatch(/output0 .*84 rows|80 classes|79/);

      const invalid = await registry.saveCard(added.sha256, { ...added.inferred.card, task: 'juggle' });
      expect(invalid.problems[0]?.path).toBe('/task');

      const saved = await registry.saveCard(added.sha256, added.inferred.card);
      expect(saved.problems).toEqual([]);
      expect(saved.model?.card).toEqual(added.inferred.card);
      // Adding the same file again keeps the saved card.
      expect((await registry.add(YOLOV8N)).card).toEqual(added.inferred.card);
      expect((await registry.get(added.sha256)).path).toBe(storedModelPath(join(dir, 'data'), added.sha256));

      expect(await registry.remove(added.sha256)).toBe(true);
      expect(existsSync(storedModelPath(join(dir, 'data'), added.sha256))).toBe(false);
      await expect(registry.get(added.sha256)).rejects.toBeInstanceOf(HostError);
    },
  );

  it('refuses a file that is not an ONNX model, saying so, and keeps nothing', async () => {
    const fake = join(dir, 'weights.onnx');
    await writeFile(fake, 'this is not a model');
    await expect(registry.add(fake)).rejects.toThrow(/weights\.onnx is not an ONNX model/);
    await expect(registry.add(join(dir, 'missing.onnx'))).rejects.toThrow(/does not exist/);
    expect((await registry.list()).filter((m) => !m.bundled)).toEqual([]);
  });
});
