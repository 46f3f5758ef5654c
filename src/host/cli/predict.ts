/**
 * `labelloop predict` and `labelloop card`: run an ONNX model, described by a model card (given or inferred),
 * on a folder of images and write COCO results or YOLO text files; print the inferred card to start one.
 */

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkCardAgainstModel,
  validateModelCard,
  type ModelCard,
  type ModelInfo,
} from '../../core/inference/card';
import { inferCard } from '../../core/inference/cardInference';
import { extensionOf, IMAGE_EXTENSIONS } from '../../core/images/types';
import { kindOf, walkFiles } from '../datasets/files';
import type { Geometry } from '../../core/annotations/types';
import { HostError } from '../../core/api/errors';
import { openCardRunner } from '../inference/cardRunner';
import { UnsupportedCardError } from '../inference/fromCard';
import { NotOnnxError, readModelInfo } from '../models/modelInfo';
import { InputError, readJson, UsageError } from './errors';
import type { CliIo } from './main';

const PREDICT_USAGE = `usage: labelloop predict --model <m.onnx> [--card <card.json>] --images <folder> --out <file|folder>
  [--format coco|yolo] [--category-ids name|index] [--score <0-1>] [--threads <n>] [--json]

Runs the model on every image under <folder>, one at a time, and writes
  coco: one COCO results file [{"image_id", "category_id", "bbox": [x, y, w, h], "score"}], image_id the
        image's path under <folder> (a number when its name is all digits), category_id the class name
        (what the app's "Import predictions" maps to schema classes by name), or with --category-ids index
        the class index, the names then in <out>.categories.json ({"categories": [{"id", "name"}]});
  yolo: one <stem>.txt per image under the --out folder, lines "class cx cy w h score", normalized
        (segmentation: "class x1 y1 x2 y2 ... score"; classification: "score name").
Instance masks are written as polygons (COCO "segmentation"), classifiers as {image_id, category_id, score}
per class above the threshold, embedders as {image_id, embedding} (COCO format only).
Without --card the card is inferred from the model; when that leaves fields to fill in, write one with
\`labelloop card\`. --score replaces the card's score threshold; --threads sets onnxruntime's threads.
An image that cannot be read is listed at the end and the others are still written (exit 1).
`;

const CARD_USAGE = `usage: labelloop card --model <m.onnx> [--out <card.json>] [--json]

Prints (or writes to --out) the model card inferred from the model's metadata and output shapes, as a
starting point to edit and pass to \`labelloop predict --card\`. Placeholder fields are listed.
`;

async function readModel(path: string): Promise<ModelInfo> {
  try {
    return await readModelInfo(path);
  } catch (error) {
    if (error instanceof NotOnnxError) throw new InputError(`${path}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${path}: ${code ?? (error as Error).message}`);
  }
}

/** Writes a file whole or not at all: a temporary sibling, then a rename. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

const list = (lines: readonly string[]) => lines.map((line) => `\n  ${line}`).join('');

/** The card to run: --card validated, or the inferred one when it is complete. */
async function cardFor(io: CliIo, modelPath: string, cardPath: string | undefined, info: ModelInfo) {
  if (cardPath !== undefined) {
    const checked = validateModelCard(await readJson(io, cardPath));
    if (!checked.ok)
      throw new InputError(
        `${cardPath} is not a valid model card:${list(checked.problems.map((p) => p.message))}`,
      );
    return checked.card;
  }
  const inferred = inferCard(info, basename(modelPath));
  if (inferred.missing.length > 0)
    throw new InputError(
      `the model card inferred from ${modelPath} leaves fields to fill in: ${inferred.missing.join(', ')}${
        inferred.missing.includes('/classes') ? ' (the class names)' : ''
      }.${list(inferred.notes)}\nWrite a card with \`labelloop card --model ${modelPath} --out card.json\`, fill them in, and pass --card card.json.`,
    );
  return inferred.card;
}

/** One image's predictions in image pixels, whatever the task. */
interface ImagePrediction {
  readonly classIndex: number;
  readonly label: string;
  readonly score: number;
  /** Absent for image-level results (classifier tags). */
  readonly box?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly polygon?: readonly { readonly x: number; readonly y: number }[];
}

interface PredictedImage {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly predictions: readonly ImagePrediction[];
  readonly embedding?: readonly number[];
  readonly ms: number;
}

interface Runner {
  run(file: string): Promise<PredictedImage>;
  close(): Promise<void>;
}

/** The geometry of a model object as a box (its bounds) and, for shapes, a polygon. */
function placed(geometry: Geometry): Pick<ImagePrediction, 'box' | 'polygon'> {
  if (geometry.kind === 'box') {
    const { x, y, width, height } = geometry;
    return { box: { x, y, width, height } };
  }
  const points = geometry.kind === 'polygon' ? geometry.points : [];
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x, y] = [Math.min(...xs), Math.min(...ys)];
  return { box: { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y }, polygon: points };
}

/** The same runner the app's model runs use (cardRunner.ts), one image at a time on this thread. */
async function openRunner(
  model: string,
  card: ModelCard,
  threads: number | undefined,
  scoreThreshold: number | undefined,
): Promise<Runner> {
  const runner = await openCardRunner(model, card, {
    threads: threads ?? 2,
    provider: 'cpu',
    ...(scoreThreshold !== undefined && { scoreThreshold }),
  });
  const indexOf = (label: string) => Math.max(0, card.classes.indexOf(label));
  return {
    async run(file) {
      const started = performance.now();
      const prepared = await runner.prepare(file);
      const result = await runner.infer(prepared);
      const predictions: ImagePrediction[] = [
        ...result.objects.map((o) => ({
          classIndex: indexOf(o.label),
          label: o.label,
          score: o.score,
          ...placed(o.geometry),
        })),
        ...(result.tags ?? []).map((t) => ({ classIndex: indexOf(t.label), label: t.label, score: t.score })),
      ];
      return {
        path: file,
        ...prepared.source,
        predictions,
        ...(result.embedding && { embedding: result.embedding }),
        ms: performance.now() - started,
      };
    },
    close: () => runner.close(),
  };
}

/** preds.json → preds.categories.json */
const categoriesPath = (out: string): string => out.replace(/(\.json)?$/i, '.categories.json');

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** COCO's own files are named by id (000000397133.jpg is 397133): such names become numbers, when unique. */
function imageIds(relPaths: readonly string[]): Map<string, number | string> {
  const stem = (path: string) => basename(path).replace(/\.[^.]*$/, '');
  const numbers = relPaths.map((p) => (/^\d+$/.test(stem(p)) ? Number(stem(p)) : undefined));
  const counts = new Map<number, number>();
  for (const n of numbers) if (n !== undefined) counts.set(n, (counts.get(n) ?? 0) + 1);
  return new Map(
    relPaths.map((p, i) => {
      const n = numbers[i];
      return [p, n !== undefined && Number.isSafeInteger(n) && counts.get(n) === 1 ? n : p];
    }),
  );
}

function cocoResults(
  images: readonly (PredictedImage & { relPath: string })[],
  ids: Map<string, number | string>,
  categoryIds: 'name' | 'index',
): Record<string, unknown>[] {
  return images.flatMap((image): Record<string, unknown>[] => {
    const image_id = ids.get(image.relPath)!;
    // Embedders: one entry per image with its vector.
    if (image.embedding) return [{ image_id, embedding: image.embedding.map((v) => round(v, 6)) }];
    return image.predictions.map((p) => ({
      image_id,
      category_id: categoryIds === 'name' ? p.label : p.classIndex,
      ...(p.box && { bbox: [p.box.x, p.box.y, p.box.width, p.box.height].map((v) => round(v, 2)) }),
      score: round(p.score, 5),
      ...(p.polygon && { segmentation: [p.polygon.flatMap((q) => [round(q.x, 2), round(q.y, 2)])] }),
    }));
  });
}

/**
 * Ultralytics' save_txt with save_conf, normalized to the upright image: detect "class cx cy w h score",
 * segment "class x1 y1 x2 y2 … score" (the polygon), classify "score name" (top classes).
 */
const yoloLines = (image: PredictedImage): string =>
  image.predictions
    .map((p) => {
      const nx = (x: number) => (x / image.width).toFixed(6);
      const ny = (y: number) => (y / image.height).toFixed(6);
      if (!p.box) return `${p.score.toFixed(2)} ${p.label}`;
      if (p.polygon)
        return [
          String(p.classIndex),
          ...p.polygon.flatMap((q) => [nx(q.x), ny(q.y)]),
          p.score.toFixed(6),
        ].join(' ');
      const { x, y, width, height } = p.box;
      return [
        String(p.classIndex),
        nx(x + width / 2),
        ny(y + height / 2),
        nx(width),
        ny(height),
        p.score.toFixed(6),
      ].join(' ');
    })
    .map((line) => `${line}\n`)
    .join('');

const number = (value: string | undefined, flag: string, ok: (n: number) => boolean): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !ok(n))
    throw new UsageError(`${flag} "${value}" is out of range`);
  return n;
};

export async function predictCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      card: { type: 'string' },
      images: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      'category-ids': { type: 'string' },
      score: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(PREDICT_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  for (const flag of ['model', 'images', 'out'] as const)
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  const format = values.format ?? 'coco';
  if (format !== 'coco' && format !== 'yolo')
    throw new UsageError(`--format must be one of coco, yolo, not "${format}"`);
  const categoryIds = values['category-ids'] ?? 'name';
  if (categoryIds !== 'name' && categoryIds !== 'index')
    throw new UsageError(`--category-ids must be one of name, index, not "${categoryIds}"`);
  const score = number(values.score, '--score', (n) => n >= 0 && n <= 1);
  const threads = number(values.threads, '--threads', (n) => Number.isInteger(n) && n >= 1);
  const model = values.model!;
  const folder = values.images!;
  const out = values.out!;

  const info = await readModel(model);
  const card: ModelCard = await cardFor(io, model, values.card, info);
  const mismatches = checkCardAgainstModel(card, info);
  if (mismatches.length > 0)
    throw new InputError(
      `the card does not fit ${model}:${list(mismatches.map((p) => `${p.path}: ${p.message}`))}`,
    );
  if (format === 'yolo' && card.task === 'embed')
    throw new InputError(
      'an embedding model gives vectors, which YOLO text files cannot hold; use --format coco',
    );
  if ((await kindOf(folder)) !== 'folder') throw new InputError(`${folder} is not a folder`);
  const relPaths = await walkFiles(folder, (name) => IMAGE_EXTENSIONS[extensionOf(name)] !== undefined);
  if (relPaths.length === 0) throw new InputError(`${folder} holds no images`);
  if (format === 'yolo' && (await kindOf(out)) === 'file')
    throw new InputError(`${out} is a file; --format yolo writes one text file per image into a folder`);

  let runner: Runner;
  try {
    runner = await openRunner(model, card, threads, score);
  } catch (error) {
    if (error instanceof HostError || error instanceof UnsupportedCardError)
      throw new InputError(error.message);
    throw new InputError(`onnxruntime cannot load ${model}: ${(error as Error).message}`);
  }
  const done: (PredictedImage & { relPath: string })[] = [];
  const failures: { path: string; reason: string }[] = [];
  const ids = imageIds(relPaths);
  const classNames = card.task === 'text-detect' ? ['text'] : card.classes;
  const writeCoco = () => writeAtomically(out, `${JSON.stringify(cocoResults(done, ids, categoryIds))}\n`);
  // The names of index ids, as a COCO ground-truth file lists them (what cocoReferences reads).
  if (format === 'coco' && categoryIds === 'index')
    await writeAtomically(
      categoriesPath(out),
      `${JSON.stringify({ categories: classNames.map((name, id) => ({ id, name })) }, null, 2)}\n`,
    );
  // Ctrl-C stops after the current image and the predictions so far are written; a second one quits.
  let interrupted = false;
  const stop = () => {
    interrupted = true;
  };
  process.once('SIGINT', stop);
  try {
    for (const relPath of relPaths) {
      if (interrupted) break;
      let image: PredictedImage;
      try {
        image = await runner.run(join(folder, relPath));
      } catch (error) {
        failures.push({ path: relPath, reason: (error as Error).message.split('\n')[0]! });
        continue;
      }
      done.push({ ...image, relPath });
      // Written as each image finishes, so an interrupted run keeps what it predicted.
      if (format === 'yolo' && image.predictions.length > 0)
        await writeAtomically(join(out, relPath.replace(/\.[^./]*$/, '.txt')), yoloLines(image));
    }
  } finally {
    process.off('SIGINT', stop);
    await runner.close();
    // Whatever happened, the images predicted so far are written.
    if (format === 'coco') await writeCoco();
  }

  const perClass: Record<string, number> = {};
  for (const image of done)
    for (const p of image.predictions) perClass[p.label] = (perClass[p.label] ?? 0) + 1;
  const detections = Object.values(perClass).reduce((a, b) => a + b, 0);
  const msPerImage = done.length > 0 ? done.reduce((sum, i) => sum + i.ms, 0) / done.length : 0;
  const summary = {
    model: resolve(model),
    card: card.name,
    task: card.task,
    format,
    output: resolve(out),
    images: relPaths.length,
    predicted: done.length,
    detections,
    perClass,
    classes: classNames.length,
    failures,
    interrupted,
    msPerImage: round(msPerImage, 1),
  };
  if (values.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const counts = Object.entries(perClass)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([label, count]) => `  ${String(count).padStart(6)}  ${label}\n`)
      .join('');
    io.stdout(
      `${done.length} of ${relPaths.length} images predicted with ${card.name}, ${detections} detections, ` +
        `${round(msPerImage, 1)} ms/image; written to ${out}${format === 'yolo' ? '/ (YOLO text)' : ' (COCO results)'}\n` +
        counts,
    );
  }
  if (interrupted)
    io.stderr(
      `labelloop predict: interrupted after ${done.length + failures.length} of ${relPaths.length} images; the predictions so far are written\n`,
    );
  if (failures.length > 0) {
    io.stderr(
      `labelloop predict: ${failures.length} image${failures.length === 1 ? '' : 's'} could not be predicted:${list(
        failures.map((f) => `${f.path}: ${f.reason}`),
      )}\n`,
    );
    return 1;
  }
  return interrupted ? 130 : 0;
}

export async function cardCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(CARD_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.model === undefined) throw new UsageError('--model is required');
  const inferred = inferCard(await readModel(values.model), basename(values.model));
  const text = `${JSON.stringify(inferred.card, null, 2)}\n`;
  if (values.out !== undefined) await writeAtomically(values.out, text);
  if (values.json) {
    io.stdout(
      `${JSON.stringify({ ...inferred, ...(values.out !== undefined && { output: resolve(values.out) }) }, null, 2)}\n`,
    );
    return 0;
  }
  if (values.out === undefined) io.stdout(text);
  const about = [
    `card inferred with ${inferred.confidence} confidence${values.out !== undefined ? `, written to ${values.out}` : ''}`,
    ...(inferred.missing.length > 0 ? [`fill in: ${inferred.missing.join(', ')}`] : []),
    ...inferred.notes,
  ];
  // With no --out the card is on stdout; the notes go to stderr so the card can be redirected to a file.
  (values.out === undefined ? io.stderr : io.stdout)(`${about.join('\n')}\n`);
  return 0;
}
