/**
 * `labelloop`: the command line for ML engineers, on the same core as the app. Each command prints
 * plain text, or JSON with `--json`; exit code 0 on success, 1 on bad input (with a message naming it),
 * 2 on wrong usage.
 */

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readManifest } from '../../core/export/manifest';
import { describeManifestDiff, diffManifests } from '../../core/export/manifestDiff';
import { parseSchemaDocument } from '../../core/schema/document';
import {
  CONVERT_TARGETS,
  planConversion,
  writeConversion,
  YOLO_TASKS,
  type ConvertTarget,
} from '../datasets/convert';
import { detectFormat } from '../datasets/detectFormat';
import { kindOf } from '../datasets/files';
import {
  DATASET_FORMATS,
  DatasetReadError,
  readDatasetFromDisk,
  type DatasetFormat,
  type DatasetOnDisk,
} from '../datasets/readDataset';
import {
  describeConversion,
  describeValidation,
  groupProblems,
  objectsPerLabel,
  type ConversionSummary,
} from '../datasets/report';
import { validateDataset } from '../../core/formats/validateDataset';
import { agreementCommand } from './agreement';
import { InputError, readJson, UsageError } from './errors';
import { evaluateCommand, mineCommand } from './evaluate';
import { cardCommand, predictCommand } from './predict';
import { qaCommand } from './qaReport';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readText: (path: string) => Promise<string>;
}

const USAGE = `usage: labelloop <command> [options]

commands:
  convert --from <format|auto> --to <format> <in> <out>   convert a dataset between formats
  validate --schema <schema.json> <dataset>                check a dataset against an annotation schema
  diff <manifestA> <manifestB>                             what changed between two exported dataset versions
  predict --model <m.onnx> --images <dir> --out <out>      run an ONNX model on a folder of images
  card --model <m.onnx> [--out <card.json>]                the model card inferred from a model, to edit
  evaluate --gt <gt.json> --pred <preds.json>              COCO metrics of predictions against ground truth
  mine --gt <gt.json> --pred <preds.json> --out <f.json>   failure cases and likely label errors, ranked
  agreement <a.json> <b.json> [<c.json> …] [--iou 0.5]     inter-annotator agreement of COCO files
  qa report --project <dir> --out <report.html>            a project's QA report (HTML, --csv <dir>) from
                                                           the QA data the app saved into <dir>

Every command takes --json. Exit codes: 0 done, 1 bad input or an invalid dataset, 2 wrong usage.

Run \`labelloop <command> --help\` for a command's options.
`;

async function diffCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout('usage: labelloop diff <manifestA> <manifestB> [--json]\n');
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError('diff needs two manifest.json paths');
  const manifests = [];
  for (const path of positionals) {
    const read = readManifest(await readJson(io, path));
    if (!read.ok)
      throw new InputError(`${path} is not a LabelLoop dataset manifest:\n  ${read.problems.join('\n  ')}`);
    manifests.push(read.manifest);
  }
  const diff = diffManifests(manifests[0]!, manifests[1]!);
  io.stdout(values.json ? `${JSON.stringify(diff, null, 2)}\n` : describeManifestDiff(diff));
  return 0;
}

const CONVERT_USAGE = `usage: labelloop convert --from <${DATASET_FORMATS.join('|')}|auto> --to <${CONVERT_TARGETS.join('|')}> <in> <out>
  [--images copy|hardlink|none] [--task ${YOLO_TASKS.join('|')}] [--image-dir <folder>] [--strict] [--json]

Reads the dataset at <in>, writes it in the --to format into the new folder <out> (atomically: all or
nothing), and copies (default) or hard-links the images into the layout that format expects.
--image-dir: where the images are when they are not beside the labels (COCO, VOC, CVAT).
--task: what YOLO label lines hold (default: the input's YOLO task, else from the shapes).
Problems in single items are reported and the rest is converted (exit 0); with --strict they fail (exit 1).
`;

const VALIDATE_USAGE = `usage: labelloop validate --schema <schema.json> <dataset> [--from <${DATASET_FORMATS.join('|')}|auto>]
  [--image-dir <folder>] [--strict] [--json]

Maps each label to a schema class (by id, then by name ignoring case) and checks every object and image
against the schema. Exit 1 on any error-level violation or a label that is not a class of the schema
(with --strict also on problems reading the dataset), 0 otherwise.
`;

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
  }
  return value as T;
}

/** Reads a dataset, guessing its format for `auto`; a dataset that cannot be read at all is bad input. */
async function readInput(
  path: string,
  from: DatasetFormat | 'auto',
  imageDir: string | undefined,
): Promise<DatasetOnDisk> {
  if ((await kindOf(path)) === undefined) throw new InputError(`cannot read ${path}: ENOENT`);
  const format = from === 'auto' ? await detectFormat(path) : from;
  if (format === undefined) {
    throw new InputError(`cannot tell the format of ${path}; pass --from ${DATASET_FORMATS.join('|')}`);
  }
  try {
    return await readDatasetFromDisk(path, format, imageDir === undefined ? {} : { images: imageDir });
  } catch (error) {
    if (error instanceof DatasetReadError) throw new InputError(error.message);
    throw error;
  }
}

async function convertCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      images: { type: 'string' },
      task: { type: 'string' },
      'image-dir': { type: 'string' },
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(CONVERT_USAGE);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError('convert needs an input and an output path');
  const from = oneOf(values.from ?? 'auto', [...DATASET_FORMATS, 'auto' as const], '--from')!;
  if (values.to === undefined) throw new UsageError(`--to is required (${CONVERT_TARGETS.join(', ')})`);
  const to: ConvertTarget = oneOf(values.to, CONVERT_TARGETS, '--to')!;
  const images = oneOf(values.images ?? 'copy', ['copy', 'hardlink', 'none'] as const, '--images')!;
  const task = oneOf(values.task, YOLO_TASKS, '--task');
  const [input, output] = positionals as [string, string];
  if ((await kindOf(output)) !== undefined) {
    throw new InputError(`${output} already exists; choose a new folder for the converted dataset`);
  }

  const read = await readInput(input, from, values['image-dir']);
  const plan = planConversion(read, to, { images, ...(task && { task }) });
  const problems = read.dataset.problems.length + plan.problems.length;
  if (values.strict && problems > 0) {
    const groups = groupProblems([...read.dataset.problems, ...plan.problems]);
    const first = groups.map((g) => `\n  ${g.count}× ${g.reason}`).join('');
    throw new InputError(`${problems} problems with --strict; nothing was written:${first}`);
  }
  let files;
  try {
    files = await writeConversion(output, plan);
  } catch (error) {
    throw new InputError(`cannot write ${output}: ${(error as Error).message}`);
  }
  const objects = read.dataset.images.reduce((n, image) => n + image.annotations.length, 0);
  const summary: ConversionSummary = {
    from: read.format,
    to,
    input: resolve(input),
    output: resolve(output),
    images: read.dataset.images.length,
    objects,
    perLabel: objectsPerLabel(read.dataset),
    imagesWritten: plan.images,
    imagesMode: images,
    ...(plan.task && { task: plan.task }),
    files: files.length,
    bytes: files.reduce((n, file) => n + file.bytes, 0),
    readProblems: groupProblems(read.dataset.problems),
    writeProblems: groupProblems(plan.problems),
    problems,
  };
  io.stdout(values.json ? `${JSON.stringify(summary, null, 2)}\n` : describeConversion(summary));
  return 0;
}

async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      schema: { type: 'string' },
      from: { type: 'string' },
      'image-dir': { type: 'string' },
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(VALIDATE_USAGE);
    return 0;
  }
  if (values.schema === undefined) throw new UsageError('--schema <schema.json> is required');
  if (positionals.length !== 1) throw new UsageError('validate needs one dataset path');
  const from = oneOf(values.from ?? 'auto', [...DATASET_FORMATS, 'auto' as const], '--from')!;

  let text: string;
  try {
    text = await io.readText(values.schema);
  } catch (error) {
    throw new InputError(
      `cannot read ${values.schema}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const parsed = parseSchemaDocument(text);
  if (!parsed.ok) {
    const lines = parsed.problems
      .slice(0, 10)
      .map((p) => `\n  ${p.line !== undefined ? `line ${p.line}:${p.column ?? 0} ` : ''}${p.message}`);
    throw new InputError(`${values.schema} is not a valid annotation schema:${lines.join('')}`);
  }

  const dataset = positionals[0]!;
  const read = await readInput(dataset, from, values['image-dir']);
  const result = validateDataset(read.dataset, parsed.schema);
  const readProblems = groupProblems(read.dataset.problems);
  const failed = !result.ok || (values.strict === true && read.dataset.problems.length > 0);
  io.stdout(
    values.json
      ? `${JSON.stringify({ dataset: resolve(dataset), format: read.format, ...result, ok: !failed, readProblems }, null, 2)}\n`
      : describeValidation(dataset, result, readProblems) +
          (failed && result.ok
            ? `invalid with --strict: ${read.dataset.problems.length} problems reading the dataset\n`
            : ''),
  );
  return failed ? 1 : 0;
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  convert: convertCommand,
  validate: validateCommand,
  diff: diffCommand,
  predict: predictCommand,
  card: cardCommand,
  evaluate: evaluateCommand,
  mine: mineCommand,
  agreement: agreementCommand,
  qa: qaCommand,
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`labelloop: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`labelloop ${command}: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      io.stderr(`labelloop ${command}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export const nodeIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readText: (path) => readFile(path, 'utf8'),
};
