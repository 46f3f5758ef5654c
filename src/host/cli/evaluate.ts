/**
 * `labelloop evaluate` and `labelloop mine`: COCO metrics for a results file against COCO ground truth, and
 * the failure cases and likely label errors behind them, ranked for review.
 */

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { STAT_NAMES } from '../../core/evaluation/accumulate';
import { readCocoEvaluationInput } from '../../core/evaluation/cocoInput';
import { scoreSweep } from '../../core/evaluation/curves';
import { evaluate, type Evaluation } from '../../core/evaluation/evaluate';
import { objectOutcomes, type Counts } from '../../core/evaluation/failures';
import {
  failureCases,
  imageMistakenness,
  labelErrors,
  type FailureCase,
  type FailureKind,
  type LabelErrorCandidate,
} from '../../core/evaluation/mining';
import {
  checkParams,
  COCO_AREA_RANGES,
  COCO_PARAMS,
  parseIouThresholds,
  TINY_RELATIVE_RANGE,
} from '../../core/evaluation/params';
import type { EvalId, EvaluationInput, EvaluationParams } from '../../core/evaluation/types';
import { writeFileAtomic } from '../atomicWrite';
import { InputError, readJson, UsageError } from './errors';
import type { CliIo } from './main';

const EVALUATE_USAGE = `usage: labelloop evaluate --gt <gt.json> --pred <preds.json> [--iou 0.5:0.95] [--iou-type bbox|segm]
  [--max-dets 1,10,100] [--score 0.5] [--json]

COCO detection metrics, equal to pycocotools' COCOeval: the twelve summary numbers, AP for objects under
5 % of their image, precision/recall/F1 at --score and the first IoU threshold, AP and the best-F1 score
threshold per class (worst first), and the most frequent confusions. --iou: 0.5, 0.5,0.75 or
start:stop[:step]. <preds.json> is a COCO results list whose image and category ids are the GT's.
`;

/** The options `evaluate` and `mine` share: the two files, matching and thresholds, output. */
const INPUT_OPTIONS = {
  gt: { type: 'string' },
  pred: { type: 'string' },
  iou: { type: 'string' },
  'iou-type': { type: 'string' },
  score: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const MINE_USAGE = `usage: labelloop mine --gt <gt.json> --pred <preds.json> --out <failures.json> [--iou 0.5] [--score 0.3]
  [--limit 1000] [--iou-type bbox|segm] [--json]

Writes the failure cases at one IoU and score threshold, each kind ranked for review (false positives,
false negatives, confusions, poor localization, duplicates), the likely label errors by mistakenness
(wrong-class, missing-box, badly-placed) and the images to review first. --limit caps each list.
`;

const BACKGROUND = 'background';

/** Indented JSON with lists of numbers on one line each (boxes, confusion rows), so reports stay readable. */
const NUMBER_LIST = /\[\n\s+((?:-?[\d.eE+-]+|null)(?:,\n\s+(?:-?[\d.eE+-]+|null))*)\n\s*\]/g;
const jsonText = (value: unknown): string =>
  `${JSON.stringify(value, null, 2).replace(NUMBER_LIST, (_, items: string) => `[${items.split(/,\s+/).join(', ')}]`)}\n`;

/** -1 is COCO's "no ground truth"; NaN (an undefined ratio) is written as null. */
const finite = (value: number): number | null => (Number.isNaN(value) ? null : value);
const fixed = (value: number, digits = 4) =>
  value < 0 || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

function scoreFlag(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw new UsageError(`--score "${value}" must lie in [0, 1]`);
  return n;
}

function iouTypeFlag(value: string | undefined): 'bbox' | 'segm' {
  if (value === undefined || value === 'bbox' || value === 'segm') return value ?? 'bbox';
  throw new UsageError(`--iou-type must be one of bbox, segm, not "${value}"`);
}

function iouFlag(value: string | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  const parsed = parseIouThresholds(value);
  if ('reason' in parsed) throw new UsageError(parsed.reason);
  return parsed;
}

/** Both files, read and checked as pycocotools would load them; warnings go to stderr. */
async function readInputs(io: CliIo, gtPath: string, predPath: string, iouType: 'bbox' | 'segm') {
  const gt = await readJson(io, gtPath);
  const preds = await readJson(io, predPath);
  const read = readCocoEvaluationInput(gt, preds, { iouType });
  if (!read.ok)
    throw new InputError(
      `cannot evaluate ${predPath} against ${gtPath}:\n  ${read.problems.join('\n  ')}${read.problems.length >= 20 ? '\n  … (first 20 problems)' : ''}`,
    );
  for (const warning of read.warnings) io.stderr(`warning: ${warning}\n`);
  const fileNames = new Map<EvalId, string>();
  const images = (gt as { images: unknown[] }).images;
  for (const image of images as { id?: EvalId; file_name?: unknown }[])
    if (image.id !== undefined && typeof image.file_name === 'string')
      fileNames.set(image.id, image.file_name);
  return { input: read.input, warnings: read.warnings, fileNames };
}

const countsJson = (c: Counts) => ({
  tp: c.tp,
  fp: c.fp,
  fn: c.fn,
  precision: finite(c.precision),
  recall: finite(c.recall),
  f1: finite(c.f1),
});

/** The IoU threshold index per-class best-F1 thresholds are taken at: 0.5 when evaluated, else the first. */
const sweepIndex = (params: EvaluationParams) => Math.max(0, params.iouThresholds.indexOf(0.5));

function describeThresholds(values: readonly number[]): string {
  if (values.length <= 2) return values.map((v) => v.toFixed(2)).join(',');
  return `${values[0]!.toFixed(2)}:${values[values.length - 1]!.toFixed(2)} (${values.length} thresholds)`;
}

/** Off-diagonal confusion cells, most frequent first (row = ground truth, column = prediction). */
function topConfusions(confusion: Int32Array, labels: readonly string[], limit: number) {
  const size = labels.length;
  const cells: { gt: string; predicted: string; count: number }[] = [];
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if (r !== c && confusion[r * size + c]! > 0)
        cells.push({ gt: labels[r]!, predicted: labels[c]!, count: confusion[r * size + c]! });
  return cells.sort((a, b) => b.count - a.count).slice(0, limit);
}

function table(rows: readonly (readonly string[])[], rightAligned: (column: number) => boolean): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map(
      (row) =>
        `  ${row
          .map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

/** STAT_NAMES with the AR caps that were used (cocoStats reads maxDets[0..2]; COCO's are 1, 10, 100). */
function statNames(maxDets: readonly number[]): string[] {
  const cap = (i: number) => maxDets[Math.min(i, maxDets.length - 1)]!;
  return STAT_NAMES.map((name, i) => (i >= 6 && i <= 8 ? `AR@${cap(i - 6)}` : name));
}

function evaluationReport(evaluation: Evaluation, scoreThreshold: number) {
  const { params, input } = evaluation;
  const outcomes = objectOutcomes(evaluation, 0, scoreThreshold);
  const t = sweepIndex(params);
  const perClass = evaluation.perClass.map((c, k) => {
    const best = scoreSweep(evaluation, t, k).best;
    return {
      ...c,
      apByArea: Object.fromEntries(params.areaRanges.map((range, a) => [range.label, c.apByArea[a]!])),
      atThreshold: countsJson(outcomes.perClass[k]!),
      bestF1: best
        ? {
            iou: params.iouThresholds[t]!,
            threshold: best.threshold,
            f1: best.f1,
            precision: best.precision,
            recall: best.recall,
          }
        : null,
    };
  });
  const labels = [...input.categories.map((c) => c.name), BACKGROUND];
  return {
    stats: Object.fromEntries(statNames(params.maxDets).map((name, i) => [name, evaluation.stats[i]!])),
    statsArray: [...evaluation.stats],
    apByArea: Object.fromEntries(params.areaRanges.map((range, a) => [range.label, evaluation.apByArea[a]!])),
    iouType: params.iouType,
    iouThresholds: [...params.iouThresholds],
    maxDets: [...params.maxDets],
    scoreThreshold,
    atThreshold: { iou: outcomes.iouThreshold, ...countsJson(outcomes.total) },
    counts: {
      images: input.images.length,
      groundTruth: input.groundTruth.length,
      predictions: input.predictions.length,
      categories: input.categories.length,
    },
    perClass,
    confusion: {
      labels,
      counts: labels.map((_, r) =>
        Array.from(outcomes.confusion.subarray(r * labels.length, (r + 1) * labels.length)),
      ),
    },
    topConfusions: topConfusions(outcomes.confusion, labels, 10),
  };
}

type EvaluationReport = ReturnType<typeof evaluationReport>;

function describeEvaluation(report: EvaluationReport): string {
  const { counts, atThreshold: at } = report;
  let text =
    `COCO ${report.iouType} evaluation: ${counts.images} images, ${counts.groundTruth} ground-truth objects, ` +
    `${counts.predictions} predictions, ${counts.categories} categories\n` +
    `IoU ${describeThresholds(report.iouThresholds)}, max detections ${report.maxDets.join(',')}\n\n`;
  const areaRows = Object.entries(report.apByArea)
    .filter(([label]) => !COCO_AREA_RANGES.some((range) => range.label === label))
    .map(([label, ap]) => [`AP ${label}`, fixed(ap)]);
  text += table(
    [...Object.entries(report.stats).map(([name, v]) => [name, fixed(v)]), ...areaRows],
    (c) => c > 0,
  );
  if (!report.maxDets.includes(100)) text += '  (AP is taken at 100 detections, as pycocotools does)\n';
  text +=
    `\nAt score ≥ ${report.scoreThreshold}, IoU ${at.iou.toFixed(2)}: precision ${fixed(at.precision ?? NaN)}, ` +
    `recall ${fixed(at.recall ?? NaN)}, F1 ${fixed(at.f1 ?? NaN)} (TP ${at.tp}, FP ${at.fp}, FN ${at.fn})\n`;

  const shown = report.perClass.filter((c) => c.gtCount > 0 || c.predCount > 0);
  const sorted = [...shown].sort(
    (a, b) =>
      Number(a.gtCount === 0) - Number(b.gtCount === 0) || a.ap - b.ap || a.name.localeCompare(b.name),
  );
  const iou = sorted.find((c) => c.bestF1)?.bestF1?.iou ?? report.iouThresholds[0]!;
  text += `\nPer class, worst AP first (best F1 over score thresholds at IoU ${iou.toFixed(2)}):\n`;
  text += table(
    [
      ['class', 'GT', 'pred', 'AP', 'AP50', 'AP75', 'best score', 'F1'],
      ...sorted.map((c) => [
        c.name,
        String(c.gtCount),
        String(c.predCount),
        fixed(c.ap),
        fixed(c.ap50),
        fixed(c.ap75),
        c.bestF1 ? (c.bestF1.f1 > 0 ? c.bestF1.threshold.toFixed(3) : '-') : 'n/a',
        c.bestF1 ? fixed(c.bestF1.f1) : 'n/a',
      ]),
    ],
    (c) => c > 0,
  );
  const hidden = report.perClass.length - shown.length;
  if (hidden > 0) text += `  (${hidden} categories with no objects and no predictions not shown)\n`;
  text += `\nTop confusions at score ≥ ${report.scoreThreshold} (ground truth → predicted; background = no object):\n`;
  text +=
    report.topConfusions.length === 0
      ? '  none\n'
      : table(
          report.topConfusions.map((c) => [`${c.gt} → ${c.predicted}`, String(c.count)]),
          (c) => c > 0,
        );
  return text;
}

export async function evaluateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...INPUT_OPTIONS, 'max-dets': { type: 'string' } },
  });
  if (values.help) {
    io.stdout(EVALUATE_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.gt === undefined || values.pred === undefined)
    throw new UsageError('--gt <gt.json> and --pred <preds.json> are required');
  const iouType = iouTypeFlag(values['iou-type']);
  const iouThresholds = iouFlag(values.iou, COCO_PARAMS.iouThresholds);
  const maxDets =
    values['max-dets'] === undefined ? [...COCO_PARAMS.maxDets] : values['max-dets'].split(',').map(Number);
  // The relative range is one more bucket: the twelve COCO stats read only the pixel ranges by label.
  const params = { iouType, iouThresholds, maxDets, areaRanges: [...COCO_AREA_RANGES, TINY_RELATIVE_RANGE] };
  const problems = checkParams(params);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  const scoreThreshold = scoreFlag(values.score, 0.5);

  const { input, warnings } = await readInputs(io, values.gt, values.pred, iouType);
  const report = evaluationReport(evaluate(input, params), scoreThreshold);
  io.stdout(values.json ? jsonText({ ...report, warnings }) : describeEvaluation(report));
  return 0;
}

/** What a failure case says about the objects involved, in the files' own ids and names. */
function caseDescriber(
  input: EvaluationInput,
  fileNames: ReadonlyMap<EvalId, string>,
  predIou: Float64Array,
) {
  const names = new Map(input.categories.map((c) => [c.id, c.name]));
  const category = (id: EvalId) => names.get(id) ?? String(id);
  const image = (index: number) => {
    const id = input.images[index]!.id;
    const fileName = fileNames.get(id);
    return { image_id: id, ...(fileName === undefined ? {} : { file_name: fileName }) };
  };
  const gt = (g: number) => {
    if (g < 0) return null;
    const object = input.groundTruth[g]!;
    return { id: object.id, category: category(object.categoryId), bbox: object.bbox };
  };
  const prediction = (n: number) => {
    if (n < 0) return null;
    const p = input.predictions[n]!;
    return { index: n, category: category(p.categoryId), score: p.score, bbox: p.bbox };
  };
  return {
    image,
    failure: (c: FailureCase) => ({
      ...image(c.image),
      reason: c.reason,
      iou: c.iou,
      gt: gt(c.gt),
      prediction: prediction(c.pred),
    }),
    labelError: (c: LabelErrorCandidate) => ({
      kind: c.kind,
      mistakenness: c.mistakenness,
      ...image(c.image),
      iou: c.gt >= 0 ? predIou[c.pred]! : null,
      gt: gt(c.gt),
      prediction: prediction(c.pred),
    }),
  };
}

const KINDS: readonly [FailureKind, string][] = [
  ['false-positive', 'falsePositives'],
  ['false-negative', 'falseNegatives'],
  ['confusion', 'confusions'],
  ['localization', 'localization'],
  ['duplicate', 'duplicates'],
];

export async function mineCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...INPUT_OPTIONS, out: { type: 'string' }, limit: { type: 'string' } },
  });
  if (values.help) {
    io.stdout(MINE_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.gt === undefined || values.pred === undefined || values.out === undefined)
    throw new UsageError('--gt <gt.json>, --pred <preds.json> and --out <failures.json> are required');
  if ([values.gt, values.pred].some((input) => resolve(input) === resolve(values.out!)))
    throw new UsageError(`--out ${values.out} is one of the inputs; choose another file for the failures`);
  const iouType = iouTypeFlag(values['iou-type']);
  const iou = iouFlag(values.iou, [0.5]);
  if (iou.length !== 1) throw new UsageError(`--iou takes one threshold for mining, not "${values.iou}"`);
  const scoreThreshold = scoreFlag(values.score, 0.3);
  const limit = values.limit === undefined ? 1000 : Number(values.limit);
  if (!(Number.isInteger(limit) && limit >= 1))
    throw new UsageError(`--limit "${values.limit}" must be a positive integer`);

  const { input, warnings, fileNames } = await readInputs(io, values.gt, values.pred, iouType);
  const evaluation = evaluate(input, { iouType, iouThresholds: iou });
  const outcomes = objectOutcomes(evaluation, 0, scoreThreshold);
  const describe = caseDescriber(input, fileNames, outcomes.predIou);
  const cases = failureCases(evaluation, outcomes);
  const errors = labelErrors(evaluation, outcomes);
  const mistakenness = imageMistakenness(input.images.length, errors);
  const { perImage } = outcomes;
  const errorsOf = (i: number) => perImage[3 * i + 1]! + perImage[3 * i + 2]!;
  const images = input.images
    .map((_, i) => i)
    .sort((a, b) => mistakenness[b]! - mistakenness[a]! || errorsOf(b) - errorsOf(a) || a - b)
    .slice(0, limit)
    .map((i) => ({
      ...describe.image(i),
      mistakenness: mistakenness[i]!,
      tp: perImage[3 * i]!,
      fp: perImage[3 * i + 1]!,
      fn: perImage[3 * i + 2]!,
    }));

  const errorKinds = { 'wrong-class': 0, 'missing-box': 0, 'badly-placed': 0 };
  for (const e of errors) errorKinds[e.kind]++;
  const summary = {
    ...Object.fromEntries(KINDS.map(([kind, key]) => [key, cases[kind].length])),
    labelErrors: errors.length,
    ...errorKinds,
  };
  const result = {
    params: {
      gt: resolve(values.gt),
      pred: resolve(values.pred),
      iouType,
      iouThreshold: iou[0]!,
      scoreThreshold,
      limit,
    },
    summary: { ...summary, ...countsJson(outcomes.total) },
    ...Object.fromEntries(
      KINDS.map(([kind, key]) => [key, cases[kind].slice(0, limit).map(describe.failure)]),
    ),
    labelErrors: errors.slice(0, limit).map(describe.labelError),
    images,
    warnings,
  };
  try {
    await writeFileAtomic(values.out, jsonText(result));
  } catch (error) {
    throw new InputError(`cannot write ${values.out}: ${(error as Error).message}`);
  }
  if (values.json) {
    io.stdout(jsonText({ out: resolve(values.out), summary: result.summary }));
    return 0;
  }
  let text = `wrote ${values.out}: failures at IoU ${iou[0]!.toFixed(2)}, score ≥ ${scoreThreshold} `;
  text += `(TP ${outcomes.total.tp}, FP ${outcomes.total.fp}, FN ${outcomes.total.fn})\n`;
  text += table(
    [
      ...KINDS.map(([kind, key]) => [key, String(cases[kind].length)]),
      ...Object.entries(errorKinds).map(([kind, count]) => [`label errors: ${kind}`, String(count)]),
    ],
    (c) => c > 0,
  );
  if (errors.length > 0) {
    text += '\nMost likely label errors:\n';
    text += table(
      result.labelErrors
        .slice(0, 5)
        .map((e) => [
          e.mistakenness.toFixed(3),
          e.kind,
          e.file_name ?? String(e.image_id),
          e.gt ? `GT ${String(e.gt.id)} ${e.gt.category}` : '',
          e.prediction ? `predicted ${e.prediction.category} (${e.prediction.score.toFixed(2)})` : '',
        ]),
      (c) => c === 0,
    );
  }
  io.stdout(text);
  return 0;
}
