/** What the Agreement tab shows, read off an agreement report: headline cards, table rows and plain-word readings. */

import type { AgreementReport } from '../../../src/core/qa/agreement';
import { mixColor } from '../evaluation/charts/scale';
import type { QaNames } from './qaProtocol';

/** What a table shows where a measure has no value (nothing to compare). */
export const NO_VALUE = '—';

export const formatRate = (value: number, digits = 2): string =>
  Number.isFinite(value) ? value.toFixed(digits) : NO_VALUE;
export const formatPercent = (value: number): string =>
  Number.isFinite(value) ? `${Math.round(value * 100)}%` : NO_VALUE;

/**
 * Landis & Koch (1977), "The measurement of observer agreement for categorical data", Biometrics 33:159–174:
 * < 0 poor, 0–0.20 slight, 0.21–0.40 fair, 0.41–0.60 moderate, 0.61–0.80 substantial, 0.81–1 almost perfect.
 */
export function kappaBand(kappa: number): string | null {
  if (!Number.isFinite(kappa)) return null;
  if (kappa < 0) return 'poor';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almost perfect';
}

export function kappaReading(kappa: number): string {
  const band = kappaBand(kappa);
  return band === null
    ? 'Not enough objects that every annotator drew to measure.'
    : `${band.charAt(0).toUpperCase()}${band.slice(1)} agreement on classes beyond chance (Landis & Koch 1977).`;
}

/**
 * Krippendorff (2004), "Content Analysis", §11.4: rely on α ≥ 0.800; 0.667 ≤ α < 0.800 allows tentative
 * conclusions only; below 0.667 the labels are not reliable.
 */
export function alphaReading(alpha: number): string {
  if (!Number.isFinite(alpha)) return 'Not enough shared objects to measure.';
  if (alpha >= 0.8) return 'Reliable: objects and classes agree well beyond chance (Krippendorff: α ≥ 0.8).';
  if (alpha >= 0.667) return 'Tentative: good enough for rough conclusions only (Krippendorff: 0.667–0.8).';
  return 'Unreliable: annotators often miss or rename each other’s objects (Krippendorff: α < 0.667).';
}

export const f1Reading = (f1: number): string =>
  Number.isFinite(f1)
    ? `${formatPercent(f1)} of the objects in a pair of annotators were drawn by both.`
    : 'No pair of annotators drew objects on the images they share.';

export const iouReading = (iou: number): string =>
  Number.isFinite(iou)
    ? `Objects drawn by both overlap by ${formatPercent(iou)} on average (intersection over union).`
    : 'No object was drawn by two annotators.';

export interface HeadlineCard {
  readonly id: 'images' | 'fleiss' | 'alpha' | 'f1' | 'iou';
  readonly label: string;
  /** The raw number, NaN when there is none. */
  readonly value: number;
  readonly display: string;
  /** What it is measured over, e.g. "over 120 objects". */
  readonly over: string;
  readonly reading: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function headlineCards(report: AgreementReport): HeadlineCard[] {
  const { overall } = report;
  const matched = report.pairs.reduce((sum, pair) => sum + pair.matched, 0);
  return [
    {
      id: 'images',
      label: 'Images compared',
      value: overall.images,
      display: String(overall.images),
      over: `labeled by 2 or more of ${plural(report.annotators.length, 'annotator')}`,
      reading: 'Only images two or more people labeled can be compared.',
    },
    {
      id: 'fleiss',
      label: "Fleiss' kappa",
      value: overall.fleissKappa.kappa,
      display: formatRate(overall.fleissKappa.kappa),
      over: `over ${plural(overall.fleissKappa.subjects, 'object')} every annotator of its image drew`,
      reading: kappaReading(overall.fleissKappa.kappa),
    },
    {
      id: 'alpha',
      label: "Krippendorff's alpha",
      value: overall.krippendorffAlpha.alpha,
      display: formatRate(overall.krippendorffAlpha.alpha),
      over: `over ${plural(overall.krippendorffAlpha.units, 'object')}, missed ones included`,
      reading: alphaReading(overall.krippendorffAlpha.alpha),
    },
    {
      id: 'f1',
      label: 'Mean pair F1',
      value: overall.meanF1,
      display: formatRate(overall.meanF1),
      over: `over ${plural(report.pairs.length, 'pair')} of annotators`,
      reading: f1Reading(overall.meanF1),
    },
    {
      id: 'iou',
      label: 'Mean IoU',
      value: overall.meanIou,
      display: formatRate(overall.meanIou),
      over: `over ${plural(matched, 'matched object')}`,
      reading: iouReading(overall.meanIou),
    },
  ];
}

/** NaN last, otherwise ascending: the worst first. */
const worstFirst = (x: number, y: number): number =>
  Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : Number.isNaN(y) ? -1 : x - y;

const nameIn = (names: Readonly<Record<string, string>>, id: string): string => names[id] ?? id;

export interface PairRow {
  readonly key: string;
  readonly a: string;
  readonly b: string;
  readonly images: number;
  readonly objectsA: number;
  readonly objectsB: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly meanIou: number;
  readonly kappa: number;
  /** Matched objects Cohen's kappa is over. */
  readonly kappaObjects: number;
}

/**
 * Pairs of annotators, the least alike first, each named in name order (the core orders a pair by id). A pair
 * shown the other way round swaps its object counts and precision with recall: precision is always b's
 * objects matched by a's, recall a's matched by b's.
 */
export function pairRows(report: AgreementReport, names: QaNames): PairRow[] {
  return report.pairs
    .map((pair) => {
      const common = {
        key: `${pair.a}|${pair.b}`,
        images: pair.images,
        f1: pair.f1,
        meanIou: pair.meanIou,
        kappa: pair.cohensKappa.kappa,
        kappaObjects: pair.cohensKappa.n,
      };
      const a = nameIn(names.users, pair.a);
      const b = nameIn(names.users, pair.b);
      return a <= b
        ? {
            ...common,
            a,
            b,
            objectsA: pair.objectsA,
            objectsB: pair.objectsB,
            precision: pair.precision,
            recall: pair.recall,
          }
        : {
            ...common,
            a: b,
            b: a,
            objectsA: pair.objectsB,
            objectsB: pair.objectsA,
            precision: pair.recall,
            recall: pair.precision,
          };
    })
    .sort((x, y) => worstFirst(x.f1, y.f1) || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
}

export interface AnnotatorRow {
  readonly annotator: string;
  readonly name: string;
  readonly images: number;
  readonly sharedImages: number;
  readonly objects: number;
  readonly meanF1: number;
  readonly meanIou: number;
  readonly classAgreement: number;
  readonly goldImages: number | null;
  readonly goldF1: number;
  readonly goldClassAccuracy: number;
}

/** Annotators, the least in line with their peers first. */
export function annotatorRows(report: AgreementReport, names: QaNames): AnnotatorRow[] {
  return report.perAnnotator
    .map((row) => ({
      annotator: row.annotator,
      name: nameIn(names.users, row.annotator),
      images: row.images,
      sharedImages: row.sharedImages,
      objects: row.objects,
      meanF1: row.meanF1,
      meanIou: row.meanIou,
      classAgreement: row.classAgreement,
      goldImages: row.gold?.images ?? null,
      goldF1: row.gold?.f1 ?? NaN,
      goldClassAccuracy: row.gold?.classAccuracy ?? NaN,
    }))
    .sort((x, y) => worstFirst(x.meanF1, y.meanF1) || (x.name < y.name ? -1 : 1));
}

/** Whether any annotator labeled a gold image: the gold columns are shown only then. */
export const hasGold = (report: AgreementReport): boolean =>
  report.perAnnotator.some((row) => row.gold !== null && row.gold.images > 0);

export interface ClassHeatmap {
  /** Column heads: annotator ids and names, in report order. */
  readonly annotators: readonly { readonly id: string; readonly name: string }[];
  readonly rows: readonly {
    readonly classId: string;
    readonly name: string;
    readonly objects: number;
    readonly f1: number;
    /** Per annotator column; null when the annotator drew no object of the class on compared images. */
    readonly cells: readonly ({ readonly objects: number; readonly agreement: number } | null)[];
  }[];
}

/** Classes (the least agreed first) × annotators: how often peers matched an annotator's objects of the class with the same class. */
export function classHeatmap(report: AgreementReport, names: QaNames): ClassHeatmap {
  const annotators = report.annotators.map((id) => ({ id, name: nameIn(names.users, id) }));
  const rows = report.perClass
    .map((row) => {
      const byAnnotator = new Map(row.byAnnotator.map((cell) => [cell.annotator, cell]));
      return {
        classId: row.classId,
        name: nameIn(names.classes, row.classId),
        objects: row.objects,
        f1: row.f1,
        cells: annotators.map(({ id }) => {
          const cell = byAnnotator.get(id);
          return cell && cell.objects > 0 ? { objects: cell.objects, agreement: cell.agreement } : null;
        }),
      };
    })
    .sort((x, y) => worstFirst(x.f1, y.f1) || (x.name < y.name ? -1 : 1));
  return { annotators, rows };
}

export interface AttributeRow {
  readonly attributeId: string;
  readonly name: string;
  readonly alpha: number;
  readonly agreed: number;
  readonly pairs: number;
}

export const attributeRows = (report: AgreementReport, names: QaNames): AttributeRow[] =>
  report.attributes
    .map((row) => ({
      attributeId: row.attributeId,
      name: nameIn(names.attributes, row.attributeId),
      alpha: row.krippendorffAlpha.alpha,
      agreed: row.agreed,
      pairs: row.pairs,
    }))
    .sort((x, y) => worstFirst(x.agreed, y.agreed) || (x.name < y.name ? -1 : 1));

export interface ImageRow {
  readonly imageId: string;
  readonly fileName: string;
  readonly annotators: string;
  readonly objects: number;
  readonly score: number;
  readonly meanF1: number;
  readonly meanIou: number;
  readonly classDisagreements: number;
}

/** Images in the report's order: the worst score first. */
export const imageRows = (report: AgreementReport, names: QaNames): ImageRow[] =>
  report.perImage.map((row) => ({
    imageId: row.imageId,
    fileName: nameIn(names.images, row.imageId),
    annotators: row.annotators.map((id) => nameIn(names.users, id)).join(', '),
    objects: row.objects,
    score: row.score,
    meanF1: row.meanF1,
    meanIou: row.meanIou,
    classDisagreements: row.classDisagreements,
  }));

/** A heatmap cell's colour: red at 0 agreement through amber to green at 1; grey without a value. */
export function agreementColor(value: number): string {
  if (!Number.isFinite(value)) return '#262b34';
  const t = Math.min(1, Math.max(0, value));
  return t < 0.5 ? mixColor('#8a2f2f', '#8a6a1f', t * 2) : mixColor('#8a6a1f', '#1f7a52', (t - 0.5) * 2);
}
