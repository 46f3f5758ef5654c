/**
 * `labelloop agreement`: inter-annotator agreement of two or more COCO files labelling the same images —
 * per pair detection agreement, mean IoU and Cohen's kappa of classes, and Krippendorff's alpha over all.
 */

import { parseArgs } from 'node:util';
import { pairAgreement, matchAnnotators, type AgreementObject } from '../../core/qa/agreementMatch';
import { krippendorffAlphaNominal } from '../../core/qa/agreementStats';
import { InputError, readJson, UsageError } from './errors';
import type { CliIo } from './main';

const AGREEMENT_USAGE = `usage: labelloop agreement <a.json> <b.json> [<c.json> …] [--iou 0.5] [--json]

Inter-annotator agreement of COCO files that label the same images (matched by file_name; categories by
name). Objects are matched one-to-one per image by box IoU ≥ --iou, greedily by descending IoU and
regardless of class. Per pair: precision (B's objects matched in A), recall (A's matched in B), F1, mean IoU
of matched objects, and class agreement on matched objects (fraction and Cohen's kappa). Over all files:
Krippendorff's alpha (nominal) with the objects of the first file as units (see the report).
`;

/** How alpha's units are built; printed with the number so the reader knows what it measures. */
const UNIT_DEFINITION =
  "each object of the first file is a unit; every other file's value for it is the class of its object " +
  'matched to that one at the IoU threshold, or missing when it has none. Objects the first file lacks ' +
  'are not units.';

interface CocoAnnotations {
  readonly path: string;
  readonly imageNames: ReadonlySet<string>;
  readonly categoryCount: number;
  /** imageId = the image's file_name, classId = the category's name, so files compare by those. */
  readonly objects: readonly AgreementObject[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number | string =>
  typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

/** The boxes of a COCO file keyed by file name and category name; every problem is bad input naming the file. */
function readCoco(path: string, json: unknown): CocoAnnotations {
  if (!isRecord(json) || ![json.images, json.annotations, json.categories].every(Array.isArray))
    throw new InputError(
      `${path} is not a COCO file: it needs "images", "annotations" and "categories" lists`,
    );
  const problems: string[] = [];
  const imageNames = new Map<number | string, string>();
  const seenNames = new Set<string>();
  (json.images as unknown[]).forEach((image, i) => {
    if (!isRecord(image) || !isId(image.id) || typeof image.file_name !== 'string')
      problems.push(`images[${i}] needs an id and a file_name`);
    else if (seenNames.has(image.file_name))
      problems.push(`images[${i}]: file_name "${image.file_name}" appears twice`);
    else {
      imageNames.set(image.id, image.file_name);
      seenNames.add(image.file_name);
    }
  });
  const categoryNames = new Map<number | string, string>();
  (json.categories as unknown[]).forEach((category, i) => {
    if (!isRecord(category) || !isId(category.id) || typeof category.name !== 'string')
      problems.push(`categories[${i}] needs an id and a name`);
    else categoryNames.set(category.id, category.name);
  });
  const objects: AgreementObject[] = [];
  (json.annotations as unknown[]).forEach((annotation, i) => {
    if (!isRecord(annotation)) return problems.push(`annotations[${i}] is not an object`);
    const imageId = imageNames.get(annotation.image_id as number);
    const classId = categoryNames.get(annotation.category_id as number);
    const box = annotation.bbox;
    if (imageId === undefined)
      problems.push(`annotations[${i}]: image_id ${JSON.stringify(annotation.image_id)} is not an image`);
    else if (classId === undefined)
      problems.push(
        `annotations[${i}]: category_id ${JSON.stringify(annotation.category_id)} is not a category`,
      );
    else if (
      !Array.isArray(box) ||
      box.length !== 4 ||
      !box.every((v) => typeof v === 'number' && Number.isFinite(v)) ||
      box[2] < 0 ||
      box[3] < 0
    )
      problems.push(`annotations[${i}]: bbox must be [x, y, width, height] with width, height ≥ 0`);
    else
      objects.push({
        id: isId(annotation.id) ? String(annotation.id) : `#${i}`,
        imageId,
        classId,
        box: box as [number, number, number, number],
      });
  });
  if (problems.length > 0)
    throw new InputError(
      `${path} is not a valid COCO file:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`,
    );
  return { path, imageNames: seenNames, categoryCount: categoryNames.size, objects };
}

function iouFlag(value: string | undefined): number {
  if (value === undefined) return 0.5;
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= 1)) throw new UsageError(`--iou "${value}" must lie in (0, 1]`);
  return n;
}

/** NaN (an undefined ratio) is written as null in JSON and as n/a in text. */
const finite = (value: number): number | null => (Number.isNaN(value) ? null : value);
const fixed = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(4));

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map(
      (row) =>
        `  ${row
          .map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

function agreementReport(files: readonly CocoAnnotations[], iouThreshold: number) {
  const warnings: string[] = [];
  // Only images every file has are compared: an image missing from one file is not a disagreement.
  const shared = new Set(
    [...files[0]!.imageNames].filter((name) => files.every((f) => f.imageNames.has(name))),
  );
  for (const file of files) {
    const extra = [...file.imageNames].filter((name) => !shared.has(name));
    if (extra.length > 0)
      warnings.push(
        `${file.path}: ${extra.length} image(s) not in every file are left out (${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ', …' : ''})`,
      );
  }
  const objects = files.map((file) => file.objects.filter((o) => shared.has(o.imageId)));

  const pairs = [];
  for (let i = 0; i < files.length; i++)
    for (let j = i + 1; j < files.length; j++) {
      const result = pairAgreement(objects[i]!, objects[j]!, iouThreshold);
      const { kappa } = result.classAgreement;
      pairs.push({
        a: files[i]!.path,
        b: files[j]!.path,
        objectsA: result.countA,
        objectsB: result.countB,
        matched: result.matchedCount,
        precision: finite(result.precision),
        recall: finite(result.recall),
        f1: finite(result.f1),
        meanIou: finite(result.meanIou),
        classAgreement: {
          agreed: result.classAgreement.agreed,
          fraction: finite(result.classAgreement.fraction),
          cohensKappa: finite(kappa.kappa),
          observed: finite(kappa.observed),
          expected: finite(kappa.expected),
        },
      });
    }

  // Fleiss' kappa needs every unit rated by all files, which unmatched objects break; alpha allows
  // missing values. Units: the first file's objects, valued by each file's class of the matched object.
  const first = objects[0]!;
  const valueOf = objects.slice(1).map((other) => {
    const byFirst = new Map<AgreementObject, string>();
    for (const pair of matchAnnotators(first, other, iouThreshold).matched)
      byFirst.set(pair.a, pair.b.classId);
    return byFirst;
  });
  const units = first.map((object) => [object.classId, ...valueOf.map((m) => m.get(object) ?? null)]);
  const alpha = krippendorffAlphaNominal(units);

  return {
    iouThreshold,
    files: files.map((file, f) => ({
      path: file.path,
      images: file.imageNames.size,
      categories: file.categoryCount,
      objects: objects[f]!.length,
    })),
    sharedImages: shared.size,
    pairs,
    krippendorffAlpha: {
      alpha: finite(alpha.alpha),
      units: alpha.units,
      pairableValues: alpha.pairableValues,
      observedDisagreement: finite(alpha.observedDisagreement),
      expectedDisagreement: finite(alpha.expectedDisagreement),
      unitDefinition: UNIT_DEFINITION,
    },
    warnings,
  };
}

type AgreementReport = ReturnType<typeof agreementReport>;

function describeAgreement(report: AgreementReport): string {
  const { files, pairs, krippendorffAlpha: alpha } = report;
  const n = (value: number | null) => fixed(value ?? NaN);
  let text =
    `Agreement of ${files.length} files on ${report.sharedImages} shared images, ` +
    `objects matched at IoU ≥ ${report.iouThreshold.toFixed(2)}\n\n`;
  text += table([
    [
      'A',
      'B',
      'objects A',
      'objects B',
      'matched',
      'precision',
      'recall',
      'F1',
      'mean IoU',
      'same class',
      'kappa',
    ],
    ...pairs.map((p) => [
      p.a,
      p.b,
      String(p.objectsA),
      String(p.objectsB),
      String(p.matched),
      n(p.precision),
      n(p.recall),
      n(p.f1),
      n(p.meanIou),
      n(p.classAgreement.fraction),
      n(p.classAgreement.cohensKappa),
    ]),
  ]);
  text +=
    "  precision: B's objects matched in A; recall: A's objects matched in B; same class and kappa (Cohen's)\n" +
    '  are over the matched objects.\n\n';
  text +=
    `Krippendorff's alpha (nominal, all ${files.length} files): ${n(alpha.alpha)} ` +
    `(${alpha.units} units with 2 or more values, ${alpha.pairableValues} values)\n` +
    `  Units: ${UNIT_DEFINITION}\n`;
  return text;
}

export async function agreementCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      iou: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(AGREEMENT_USAGE);
    return 0;
  }
  if (positionals.length < 2)
    throw new UsageError(`needs two or more COCO files to compare, got ${positionals.length}`);
  const iouThreshold = iouFlag(values.iou);
  const files: CocoAnnotations[] = [];
  for (const path of positionals) files.push(readCoco(path, await readJson(io, path)));
  const report = agreementReport(files, iouThreshold);
  if (values.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  for (const warning of report.warnings) io.stderr(`warning: ${warning}\n`);
  io.stdout(describeAgreement(report));
  return 0;
}
