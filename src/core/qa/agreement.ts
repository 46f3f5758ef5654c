/** The project's agreement report: how alike annotators label the same images, per pair, class, attribute, annotator and image. */

import type { AttributeValue, Geometry } from '../annotations/types';
import {
  count,
  f1Of,
  goldAccuracy,
  matchImage,
  newTally,
  type GoldAccuracy,
  type LabelSet,
  type MatchTally,
} from './agreementMatch';
import {
  addCohensKappaItem,
  addFleissKappaSubject,
  addNominalAlphaUnit,
  cohensKappaOf,
  fleissKappaOf,
  newCohensKappaTally,
  newFleissKappaTally,
  newNominalAlphaTally,
  nominalAlphaOf,
  type CohensKappa,
  type CohensKappaTally,
  type FleissKappa,
  type FleissKappaTally,
  type KrippendorffAlpha,
  type NominalAlphaTally,
} from './agreementStats';

export interface AgreementOptions {
  /** Objects are the same object at IoU ≥ this (shapeIous); 0.5 by default. */
  readonly iouThreshold?: number;
  /** Attribute ids to compare; every attribute seen on a compared image by default. */
  readonly attributes?: readonly string[];
  /** Known labels of gold images (their `annotator` is ignored): each annotator's accuracy against them. */
  readonly gold?: readonly LabelSet[];
}

export type { GoldAccuracy, LabelSet };

/** The category an annotator who labeled an image gets in a unit where they drew no object. */
export const NO_OBJECT = '∅';

export interface PairReport {
  readonly a: string;
  readonly b: string;
  /** Images both labeled. */
  readonly images: number;
  readonly objectsA: number;
  readonly objectsB: number;
  readonly matched: number;
  /** b against a, as pairAgreement: precision = matched / objectsB, recall = matched / objectsA. */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly meanIou: number;
  /** Fraction of matched objects given the same class. */
  readonly classAgreement: number;
  readonly cohensKappa: CohensKappa;
}

export interface OverallReport {
  /** Images labeled by two or more annotators: the only ones compared. */
  readonly images: number;
  /** Class, over objects every annotator of their image drew (see agreementReport). */
  readonly fleissKappa: FleissKappa;
  /** Class or NO_OBJECT, over every object anyone drew (see agreementReport). */
  readonly krippendorffAlpha: KrippendorffAlpha;
  /** Mean of the pairs' F1. */
  readonly meanF1: number;
  /** Mean IoU of every pair of matched objects. */
  readonly meanIou: number;
}

export interface AttributeReport {
  readonly attributeId: string;
  /** Over matched objects where two or more annotators set the attribute. */
  readonly krippendorffAlpha: KrippendorffAlpha;
  /** Of `pairs`, the fraction with the same value. */
  readonly agreed: number;
  /** Matched pairs of objects that both have the attribute. */
  readonly pairs: number;
}

export interface AnnotatorReport {
  readonly annotator: string;
  /** Everything the annotator labeled, shared with another annotator or not. */
  readonly images: number;
  readonly objects: number;
  /** Images another annotator labeled too. */
  readonly sharedImages: number;
  /** Mean F1 of the pairs the annotator is in. */
  readonly meanF1: number;
  readonly meanIou: number;
  readonly classAgreement: number;
  /** null when no gold was given. */
  readonly gold: GoldAccuracy | null;
}

export interface ClassReport {
  readonly classId: string;
  /** Objects of the class on compared images, all annotators together. */
  readonly objects: number;
  /** 2 · (matched pairs both of this class) / (objects of this class on both sides), over every pair. */
  readonly f1: number;
  /** Of the annotator's objects of the class, per peer, the fraction the peer matched with the same class. */
  readonly byAnnotator: readonly {
    readonly annotator: string;
    readonly objects: number;
    readonly agreement: number;
  }[];
}

export interface ImageReport {
  readonly imageId: string;
  readonly annotators: readonly string[];
  readonly objects: number;
  /** Per pair 2·matched / (objects of both), 1 when both drew nothing; averaged over pairs. */
  readonly meanF1: number;
  readonly meanIou: number;
  /** Matched pairs of objects named differently. */
  readonly classDisagreements: number;
  /** Of matched pairs, the fraction named alike; 1 with none. */
  readonly classAgreement: number;
  /** meanF1 × classAgreement, in [0, 1]: both missing objects and renamed objects lower it. */
  readonly score: number;
}

export interface AgreementReport {
  readonly iouThreshold: number;
  readonly annotators: readonly string[];
  readonly pairs: readonly PairReport[];
  readonly overall: OverallReport;
  readonly attributes: readonly AttributeReport[];
  readonly perAnnotator: readonly AnnotatorReport[];
  readonly perClass: readonly ClassReport[];
  /** Worst score first. */
  readonly perImage: readonly ImageReport[];
}

/** Plain code-unit order, so reports read the same on every locale. */
export const byName = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/**
 * An attribute value as a category: multi-choice values sorted, so picking order does not matter. An attribute
 * has one type in a schema, so a text value cannot be mistaken for a number's or a list's spelling.
 */
export const attributeCategory = (value: AttributeValue): string =>
  typeof value === 'string'
    ? value
    : Array.isArray(value)
      ? JSON.stringify(value.length < 2 ? value : [...(value as readonly string[])].sort(byName))
      : String(value);

const mean = (values: readonly number[]): number => {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length === 0 ? NaN : defined.reduce((s, v) => s + v, 0) / defined.length;
};
const ratio = (part: number, whole: number): number => (whole === 0 ? NaN : part / whole);
const NO_FLEISS: FleissKappa = { kappa: NaN, observed: NaN, expected: NaN, subjects: 0, raters: 0 };

interface PairTally {
  readonly a: string;
  readonly b: string;
  images: number;
  objectsA: number;
  objectsB: number;
  readonly tally: MatchTally;
  /** Classes of the matched objects (as class numbers), for Cohen's kappa. */
  readonly kappa: CohensKappaTally;
}

/** `sides`: objects of the class counted once per peer they were compared with; `agreed` likewise. */
interface ClassTally {
  objects: number;
  sides: number;
  agreed: number;
}

interface AnnotatorTally {
  sharedImages: number;
  readonly tally: MatchTally;
  /** By class number: this annotator's tally of the class; and the same by class id, for the report. */
  readonly classes: (ClassTally | undefined)[];
  readonly classesById: Map<string, ClassTally>;
}

interface AttributeTally {
  pairs: number;
  agreed: number;
  /** Value categories (attributeCategory) numbered as met, for the alpha tally. */
  readonly categories: Map<string, number>;
  readonly alpha: NominalAlphaTally;
  /** The cluster being read: its members' category numbers, and which cluster that was. */
  readonly unit: number[];
  unitLength: number;
  cluster: number;
}

const newClassTally = (): ClassTally => ({ objects: 0, sides: 0, agreed: 0 });
const newAttributeTally = (): AttributeTally => ({
  pairs: 0,
  agreed: 0,
  categories: new Map(),
  alpha: newNominalAlphaTally(),
  unit: [],
  unitLength: 0,
  cluster: -1,
});
const newAnnotatorTally = (): AnnotatorTally => ({
  sharedImages: 0,
  tally: newTally(),
  classes: [],
  classesById: new Map(),
});

/** Hoisted so the hot loops below make no closure per call. */
const newList = <T>(): T[] => [];

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** A string's number in `numbers`, given the next free one when it is new. */
function numberOf(numbers: Map<string, number>, key: string): number {
  let value = numbers.get(key);
  if (value === undefined) numbers.set(key, (value = numbers.size));
  return value;
}

/** Label sets by image, each image's sets in annotator order; one set per annotator per image. */
function byImage(labelSets: readonly LabelSet[]): Map<string, LabelSet[]> {
  const images = new Map<string, LabelSet[]>();
  for (const set of labelSets) getOr(images, set.imageId, newList<LabelSet>).push(set);
  for (const [imageId, sets] of images) {
    sets.sort((x, y) => byName(x.annotator, y.annotator));
    for (let k = 1; k < sets.length; k++)
      if (sets[k]!.annotator === sets[k - 1]!.annotator)
        throw new RangeError(`${sets[k]!.annotator} has two label sets for image ${imageId}`);
  }
  return images;
}

/** Fleiss' kappa needs the same number of raters per unit: the most common count is used (ties: the larger). */
function fleissOf(tallies: Map<number, FleissKappaTally>): FleissKappa {
  let best: FleissKappaTally | undefined;
  for (const tally of tallies.values())
    if (
      !best ||
      tally.subjects > best.subjects ||
      (tally.subjects === best.subjects && tally.raters > best.raters)
    )
      best = tally;
  return best && best.subjects > 0 ? fleissKappaOf(best) : NO_FLEISS;
}

/**
 * The agreement report over images labeled by two or more annotators. Objects are matched class-agnostically
 * at IoU ≥ the threshold (matchImage): one-to-one per annotator pair for pair, class, attribute and image
 * figures; clusters across all annotators of an image for the chance-corrected measures, where each cluster
 * is a unit:
 * - Krippendorff's alpha: every annotator who labeled the image gives the member's class, or NO_OBJECT when
 *   they drew none (an object one annotator drew and another did not is a disagreement, as in CVAT and Label
 *   Studio); annotators who did not label the image are missing;
 * - Fleiss' kappa: the classes of clusters every annotator of the image drew, so it measures naming of
 *   objects all found (see fleissOf for images with different numbers of annotators).
 *
 * Projects have ~100,000 clusters: each is added to running tallies (agreementStats' accumulated versions)
 * and classes are numbered, so nothing is kept per cluster or object.
 */
export function agreementReport(
  labelSets: readonly LabelSet[],
  options: AgreementOptions = {},
): AgreementReport {
  const iouThreshold = options.iouThreshold ?? 0.5;
  const onlyAttributes = options.attributes ? new Set(options.attributes) : undefined;
  const images = byImage(labelSets);
  const setsOf = new Map<string, LabelSet[]>();
  for (const set of labelSets) getOr(setsOf, set.annotator, newList<LabelSet>).push(set);
  const annotators = [...setsOf.keys()].sort(byName);
  const annotatorNumber = new Map(annotators.map((annotator, k) => [annotator, k]));
  const annotatorCount = annotators.length;

  /** By annotator numbers a · count + b: the pair's tally; and the tallies in the order first met. */
  const pairTallyAt: (PairTally | undefined)[] = [];
  const pairTallies: PairTally[] = [];
  const annotatorTallies = new Map<string, AnnotatorTally>();
  /** Class ids numbered as met (NO_OBJECT among them); by number, the tally of every annotator together. */
  const classNumbers = new Map<string, number>();
  const classTallyAt: (ClassTally | undefined)[] = [];
  const classTallies = new Map<string, ClassTally>();
  const attributeTallies = new Map<string, AttributeTally>();
  const classAlpha = newNominalAlphaTally();
  const fleissTallies = new Map<number, FleissKappaTally>();
  const imageReports: ImageReport[] = [];
  const compares = (attributeId: string) => !onlyAttributes || onlyAttributes.has(attributeId);
  for (const id of options.attributes ?? []) attributeTallies.set(id, newAttributeTally());

  // Scratch reused from image to image, to spare the garbage collector.
  const shapes: Geometry[][] = [];
  /** Class numbers of the image's objects, annotator after annotator from objectStart[rater]. */
  const objectClass: number[] = [];
  const objectStart: number[] = [];
  const raterTallies: AnnotatorTally[] = [];
  const raterNumbers: number[] = [];
  const unit: number[] = [];
  const touched: AttributeTally[] = [];
  let clusterSerial = 0;
  for (const [imageId, sets] of images) {
    const r = sets.length;
    if (r < 2) continue;
    shapes.length = r;
    let objects = 0;
    for (let k = 0; k < r; k++) {
      const set = sets[k]!;
      const annotations = set.annotations;
      const geometries = (shapes[k] ??= []);
      geometries.length = annotations.length;
      const mine = getOr(annotatorTallies, set.annotator, newAnnotatorTally);
      mine.sharedImages++;
      raterTallies[k] = mine;
      raterNumbers[k] = annotatorNumber.get(set.annotator)!;
      objectStart[k] = objects;
      for (let i = 0; i < annotations.length; i++) {
        const a = annotations[i]!;
        geometries[i] = a.geometry;
        const c = numberOf(classNumbers, a.classId);
        objectClass[objects + i] = c;
        let total = classTallyAt[c];
        if (!total) classTallies.set(a.classId, (total = classTallyAt[c] = newClassTally()));
        let own = mine.classes[c];
        if (!own) mine.classesById.set(a.classId, (own = mine.classes[c] = newClassTally()));
        // Each object is compared once with every peer on the image.
        total.objects++;
        total.sides += r - 1;
        own.objects++;
        own.sides += r - 1;
        for (const id in a.attributes) if (compares(id)) getOr(attributeTallies, id, newAttributeTally);
      }
      objects += annotations.length;
    }
    const { pairs, clusters } = matchImage(shapes, sets[0]!, iouThreshold);

    const image = newTally();
    let f1Sum = 0;
    for (const pair of pairs) {
      const setA = sets[pair.a]!;
      const setB = sets[pair.b]!;
      const at = raterNumbers[pair.a]! * annotatorCount + raterNumbers[pair.b]!;
      let tallies = pairTallyAt[at];
      if (!tallies) {
        tallies = pairTallyAt[at] = {
          a: setA.annotator,
          b: setB.annotator,
          images: 0,
          objectsA: 0,
          objectsB: 0,
          tally: newTally(),
          kappa: newCohensKappaTally(),
        };
        pairTallies.push(tallies);
      }
      const sides = setA.annotations.length + setB.annotations.length;
      tallies.images++;
      tallies.objectsA += setA.annotations.length;
      tallies.objectsB += setB.annotations.length;
      f1Sum += sides === 0 ? 1 : (2 * pair.matched.length) / sides;
      const startA = objectStart[pair.a]!;
      const startB = objectStart[pair.b]!;
      const tallyA = raterTallies[pair.a]!;
      const tallyB = raterTallies[pair.b]!;
      for (const m of pair.matched) {
        const x = setA.annotations[m.a]!;
        const y = setB.annotations[m.b]!;
        const classX = objectClass[startA + m.a]!;
        const classY = objectClass[startB + m.b]!;
        const same = classX === classY;
        count(tallies.tally, m.iou, same);
        count(image, m.iou, same);
        count(tallyA.tally, m.iou, same);
        count(tallyB.tally, m.iou, same);
        addCohensKappaItem(tallies.kappa, classX, classY);
        if (same) {
          classTallyAt[classX]!.agreed += 2;
          tallyA.classes[classX]!.agreed++;
          tallyB.classes[classY]!.agreed++;
        }
        for (const id in x.attributes) {
          const valueY = y.attributes[id];
          if (valueY === undefined || !compares(id)) continue;
          const tally = attributeTallies.get(id)!;
          tally.pairs++;
          if (attributeCategory(x.attributes[id]!) === attributeCategory(valueY)) tally.agreed++;
        }
      }
    }

    const noObject = numberOf(classNumbers, NO_OBJECT);
    for (const cluster of clusters) {
      const { members } = cluster;
      for (let k = 0; k < r; k++) unit[k] = noObject;
      for (const member of members)
        unit[member.rater] = objectClass[objectStart[member.rater]! + member.object]!;
      addNominalAlphaUnit(classAlpha, unit, r);
      if (members.length === r) {
        let fleiss = fleissTallies.get(r);
        if (!fleiss) fleissTallies.set(r, (fleiss = newFleissKappaTally(r)));
        addFleissKappaSubject(fleiss, unit);
      }
      if (members.length < 2) continue;
      clusterSerial++;
      touched.length = 0;
      for (const member of members) {
        const { attributes } = sets[member.rater]!.annotations[member.object]!;
        for (const id in attributes) {
          if (!compares(id)) continue;
          const tally = attributeTallies.get(id)!;
          if (tally.cluster !== clusterSerial) {
            tally.cluster = clusterSerial;
            tally.unitLength = 0;
            touched.push(tally);
          }
          tally.unit[tally.unitLength++] = numberOf(tally.categories, attributeCategory(attributes[id]!));
        }
      }
      for (const tally of touched)
        if (tally.unitLength >= 2) addNominalAlphaUnit(tally.alpha, tally.unit, tally.unitLength);
    }

    const classAgreement = image.matched === 0 ? 1 : image.sameClass / image.matched;
    const meanF1 = f1Sum / pairs.length;
    imageReports.push({
      imageId,
      annotators: sets.map((set) => set.annotator),
      objects,
      meanF1,
      meanIou: ratio(image.iouSum, image.matched),
      classDisagreements: image.matched - image.sameClass,
      classAgreement,
      score: meanF1 * classAgreement,
    });
  }

  const pairReports: PairReport[] = [...pairTallies]
    .sort((p, q) => byName(p.a, q.a) || byName(p.b, q.b))
    .map((p) => {
      const precision = ratio(p.tally.matched, p.objectsB);
      const recall = ratio(p.tally.matched, p.objectsA);
      return {
        a: p.a,
        b: p.b,
        images: p.images,
        objectsA: p.objectsA,
        objectsB: p.objectsB,
        matched: p.tally.matched,
        precision,
        recall,
        f1: f1Of(precision, recall),
        meanIou: ratio(p.tally.iouSum, p.tally.matched),
        classAgreement: ratio(p.tally.sameClass, p.tally.matched),
        cohensKappa: cohensKappaOf(p.kappa),
      };
    });

  const all = newTally();
  for (const p of pairTallies) {
    all.matched += p.tally.matched;
    all.iouSum += p.tally.iouSum;
  }
  const gold = options.gold ? new Map(options.gold.map((set) => [set.imageId, set])) : undefined;

  return {
    iouThreshold,
    annotators,
    pairs: pairReports,
    overall: {
      images: imageReports.length,
      fleissKappa: fleissOf(fleissTallies),
      krippendorffAlpha: nominalAlphaOf(classAlpha),
      meanF1: mean(pairReports.map((p) => p.f1)),
      meanIou: ratio(all.iouSum, all.matched),
    },
    attributes: [...attributeTallies]
      .sort(([x], [y]) => byName(x, y))
      .map(([attributeId, tally]) => ({
        attributeId,
        krippendorffAlpha: nominalAlphaOf(tally.alpha),
        agreed: ratio(tally.agreed, tally.pairs),
        pairs: tally.pairs,
      })),
    perAnnotator: annotators.map((annotator) => {
      const sets = setsOf.get(annotator)!;
      const tally = annotatorTallies.get(annotator)?.tally ?? newTally();
      return {
        annotator,
        images: sets.length,
        objects: sets.reduce((sum, set) => sum + set.annotations.length, 0),
        sharedImages: annotatorTallies.get(annotator)?.sharedImages ?? 0,
        meanF1: mean(pairReports.filter((p) => p.a === annotator || p.b === annotator).map((p) => p.f1)),
        meanIou: ratio(tally.iouSum, tally.matched),
        classAgreement: ratio(tally.sameClass, tally.matched),
        gold: gold ? goldAccuracy(sets, gold, iouThreshold) : null,
      };
    }),
    perClass: [...classTallies]
      .sort(([x], [y]) => byName(x, y))
      .map(([classId, tally]) => ({
        classId,
        objects: tally.objects,
        f1: ratio(tally.agreed, tally.sides),
        byAnnotator: annotators.map((annotator) => {
          const mine = annotatorTallies.get(annotator)?.classesById.get(classId);
          return {
            annotator,
            objects: mine?.objects ?? 0,
            agreement: mine ? ratio(mine.agreed, mine.sides) : NaN,
          };
        }),
      })),
    perImage: imageReports.sort((x, y) => x.score - y.score || byName(x.imageId, y.imageId)),
  };
}
