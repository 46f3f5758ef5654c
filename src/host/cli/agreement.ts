/**
 * `labelloop agreement`: inter-annotator agreement of two or more COCO files labelling the same images,
 * computed by the app's own agreement report (the Agreement tab's numbers): per pair detection agreement,
 * mean IoU and Cohen's kappa of classes; Fleiss' kappa and Krippendorff's alpha over all; per class and image.
 */

import { parseArgs } from 'node:util';
import type { Annotation, AnnotationId, Geometry } from '../../core/annotations/types';
import { agreementReport, type LabelSet } from '../../core/qa/agreement';
import { InputError, readJson, UsageError } from './errors';
import type { CliIo } from './main';

const AGREEMENT_USAGE = `usage: labelloop agreement <a.json> <b.json> [<c.json> …] [--iou 0.5] [--json]

Inter-annotator agreement of COCO files that label the same images (matched by file_name; categories by
name), with the same report as the app's Review & QA → Agreement tab. Objects are boxes, or polygons where
an annotation's segmentation is one polygon; they are matched one-to-one per image and pair of files by
IoU ≥ --iou, greedily by descending IoU and regardless of class. Per pair: precision (B's objects matched
in A), recall (A's matched in B), F1, mean IoU of matched objects, and class agreement on matched objects
(fraction and Cohen's kappa); pairs list the files in name order (A before B). Over all files: Fleiss'
kappa and Krippendorff's alpha (nominal); per class and the images with the least agreement.
`;

/** How alpha's units are built; printed with the number so the reader knows what it measures. */
const UNIT_DEFINITION =
  'each group of objects the files drew alike (matched at the IoU threshold) is a unit; a file that drew ' +
  'nothing there gives "no object". Fleiss\' kappa uses the units every file drew.';

/** One COCO annotation: imageId = the image's file_name, classId = the category's name. */
interface CocoObject {
  readonly id: string;
  readonly imageId: string;
  readonly classId: string;
  readonly geometry: Geometry;
  readonly bbox: Geometry & { readonly kind: 'box' };
}

interface CocoAnnotations {
  readonly path: string;
  readonly imageNames: ReadonlySet<string>;
  /** Image file name → its size, where the file gives it (polygon IoU needs it). */
  readonly sizes: ReadonlyMap<string, { width: number; height: number }>;
  readonly categoryCount: number;
  readonly objects: readonly CocoObject[];
}

const boxOf = ([x, y, width, height]: number[]): Geometry & { readonly kind: 'box' } => ({
  kind: 'box',
  x: x!,
  y: y!,
  width: width!,
  height: height!,
});

/** A one-polygon segmentation as points; anything else (several polygons, RLE) is compared by its box. */
function polygonOf(segmentation: unknown): Geometry | undefined {
  if (!Array.isArray(segmentation) || segmentation.length !== 1) return undefined;
  const flat = segmentation[0] as unknown;
  if (!Array.isArray(flat) || flat.length < 6 || flat.length % 2 !== 0) return undefined;
  if (!flat.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  const points = [];
  for (let i = 0; i < flat.length; i += 2) points.push({ x: flat[i] as number, y: flat[i + 1] as number });
  return { kind: 'polygon', points };
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
  const sizes = new Map<string, { width: number; height: number }>();
  (json.images as unknown[]).forEach((image, i) => {
    if (!isRecord(image) || !isId(image.id) || typeof image.file_name !== 'string')
      problems.push(`images[${i}] needs an id and a file_name`);
    else if (seenNames.has(image.file_name))
      problems.push(`images[${i}]: file_name "${image.file_name}" appears twice`);
    else {
      imageNames.set(image.id, image.file_name);
      seenNames.add(image.file_name);
      if (typeof image.width === 'number' && typeof image.height === 'number')
        sizes.set(image.file_name, { width: image.width, height: image.height });
    }
  });
  const categoryNames = new Map<number | string, string>();
  (json.categories as unknown[]).forEach((category, i) => {
    if (!isRecord(category) || !isId(category.id) || typeof category.name !== 'string')
      problems.push(`categories[${i}] needs an id and a name`);
    else categoryNames.set(category.id, category.name);
  });
  const objects: CocoObject[] = [];
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
        geometry: polygonOf(annotation.segmentation) ?? boxOf(box as number[]),
        bbox: boxOf(box as number[]),
      });
  });
  if (problems.length > 0)
    throw new InputError(
      `${path} is not a valid COCO file:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`,
    );
  return { path, imageNames: seenNames, sizes, categoryCount: categoryNames.size, objects };
}

function iouFlag(value: string | undefined): number {
  if (value === undefined) return 0.5;
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n <= 1)) throw new UsageError(`--iou "${value}" must lie in (0, 1]`);
  return n;
}

/** NaN (an undefined ratio) is written as n/a in text. */ const fixed = (value: number) =>
  Number.isNaN(value) ? 'n/a' : value.toFixed(4);

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

/** The object's bounding box as its geometry (COCO's `bbox`, kept beside a polygon). */
const boxed = (object: CocoObject): CocoObject => ({ ...object, geometry: object.bbox });

/** One COCO object as the app's annotation: a box, or the polygon of a one-polygon segmentation. */
function annotationOf(object: CocoObject, file: string): Annotation {
  return {
    id: object.id as AnnotationId,
    classId: object.classId,
    geometry: object.geometry,
    attributes: {},
    schemaVersion: 0,
    createdBy: file,
    createdAt: 0,
    updatedBy: file,
    updatedAt: 0,
  };
}

/**
 * The app's agreement report (src/core/qa/agreement.ts, the Agreement tab's numbers) over the images every
 * file has: each file is an annotator, each image one label set per file.
 */
function fileAgreement(files: readonly CocoAnnotations[], iouThreshold: number) {
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
  const labelSets: LabelSet[] = [];
  for (const file of files) {
    const byImage = new Map<string, CocoObject[]>();
    for (const object of file.objects) {
      const list = byImage.get(object.imageId);
      if (list) list.push(object);
      else byImage.set(object.imageId, [object]);
    }
    let unsized = 0;
    for (const imageName of shared) {
      const size =
        file.sizes.get(imageName) ?? files.find((f) => f.sizes.has(imageName))?.sizes.get(imageName);
      const objects = byImage.get(imageName) ?? [];
      // Polygons are rasterised on the image (pycocotools): without its size, compare their boxes instead.
      if (size === undefined && objects.some((o) => o.geometry.kind === 'polygon')) unsized++;
      labelSets.push({
        annotator: file.path,
        imageId: imageName,
        ...(size ?? { width: 0, height: 0 }),
        annotations: objects.map((o) => annotationOf(size === undefined ? boxed(o) : o, file.path)),
      });
    }
    if (unsized > 0)
      warnings.push(
        `${file.path}: ${unsized} image(s) with polygons have no width and height in any file; their objects are compared as boxes`,
      );
  }
  const report = agreementReport(labelSets, { iouThreshold });
  return {
    files: files.map((file) => ({
      path: file.path,
      images: file.imageNames.size,
      categories: file.categoryCount,
      objects: file.objects.filter((o) => shared.has(o.imageId)).length,
    })),
    sharedImages: shared.size,
    ...report,
    warnings,
  };
}

type FileAgreement = ReturnType<typeof fileAgreement>;

/** JSON has no NaN: an undefined ratio is written as null. */
const nanToNull = (_key: string, value: unknown) =>
  typeof value === 'number' && Number.isNaN(value) ? null : value;

function describeAgreement(report: FileAgreement): string {
  const { files, pairs, overall } = report;
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
      fixed(p.precision),
      fixed(p.recall),
      fixed(p.f1),
      fixed(p.meanIou),
      fixed(p.classAgreement),
      fixed(p.cohensKappa.kappa),
    ]),
  ]);
  text +=
    "  precision: B's objects matched in A; recall: A's objects matched in B; same class and kappa (Cohen's)\n" +
    '  are over the matched objects.\n\n';
  text +=
    `Over all ${files.length} files: Fleiss' kappa ${fixed(overall.fleissKappa.kappa)} ` +
    `(${overall.fleissKappa.subjects} objects every file drew), Krippendorff's alpha (nominal) ` +
    `${fixed(overall.krippendorffAlpha.alpha)} (${overall.krippendorffAlpha.units} objects, ${overall.krippendorffAlpha.pairableValues} values)\n` +
    `  Units: ${UNIT_DEFINITION}\n`;
  if (report.perClass.length > 0) {
    text += '\nPer class\n';
    text += table([
      ['class', '', 'objects', 'F1'],
      ...report.perClass.map((c) => [c.classId, '', String(c.objects), fixed(c.f1)]),
    ]);
  }
  const worst = report.perImage.slice(0, 10);
  if (worst.length > 0) {
    text += '\nImages with the least agreement\n';
    text += table([
      ['image', '', 'objects', 'F1', 'mean IoU', 'renamed', 'score'],
      ...worst.map((i) => [
        i.imageId,
        '',
        String(i.objects),
        fixed(i.meanF1),
        fixed(i.meanIou),
        String(i.classDisagreements),
        fixed(i.score),
      ]),
    ]);
  }
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
  const report = fileAgreement(files, iouThreshold);
  if (values.json) {
    io.stdout(`${JSON.stringify(report, nanToNull, 2)}\n`);
    return 0;
  }
  for (const warning of report.warnings) io.stderr(`warning: ${warning}\n`);
  io.stdout(describeAgreement(report));
  return 0;
}
