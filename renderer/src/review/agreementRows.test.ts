import { describe, expect, it } from 'vitest';
import { agreementReport } from '../../../src/core/qa/agreement';
import {
  agreementColor,
  alphaReading,
  annotatorRows,
  attributeRows,
  classHeatmap,
  formatPercent,
  formatRate,
  hasGold,
  headlineCards,
  imageRows,
  kappaBand,
  kappaReading,
  pairRows,
} from './agreementRows';
import type { QaNames } from './qaProtocol';
import { box, label, labelSet as set } from '../../../src/core/qa/testFixtures';

/* i1: all three agree on a car. i2: Cara calls Ann's and Bob's car a truck and misses a person. */
const sets = [
  set('ann', 'i1', [label('car', box(0, 0), { color: 'red' })]),
  set('bob', 'i1', [label('car', box(0, 0), { color: 'red' })]),
  set('cara', 'i1', [label('car', box(0, 0), { color: 'blue' })]),
  set('ann', 'i2', [label('car', box(0, 0)), label('person', box(50, 50))]),
  set('bob', 'i2', [label('car', box(0, 0)), label('person', box(50, 50))]),
  set('cara', 'i2', [label('truck', box(0, 0))]),
];
const report = agreementReport(sets);
const names: QaNames = {
  images: { i1: 'one.jpg', i2: 'two.jpg' },
  users: { ann: 'Ann', bob: 'Bob', cara: 'Cara' },
  classes: { car: 'Car', truck: 'Truck', person: 'Person' },
  attributes: { color: 'Colour' },
};

describe('Landis & Koch bands', () => {
  it('names kappa by band, with the bounds in the lower band', () => {
    expect([-0.1, 0, 0.2, 0.21, 0.4, 0.41, 0.6, 0.61, 0.8, 0.81, 1].map(kappaBand)).toEqual([
      'poor',
      'slight',
      'slight',
      'fair',
      'fair',
      'moderate',
      'moderate',
      'substantial',
      'substantial',
      'almost perfect',
      'almost perfect',
    ]);
    expect(kappaBand(NaN)).toBeNull();
    expect(kappaReading(0.7)).toBe('Substantial agreement on classes beyond chance (Landis & Koch 1977).');
    expect(kappaReading(NaN)).toMatch(/^Not enough/);
  });

  it('reads alpha by Krippendorff’s cut-offs 0.667 and 0.8', () => {
    expect(alphaReading(0.85)).toMatch(/^Reliable/);
    expect(alphaReading(0.7)).toMatch(/^Tentative/);
    expect(alphaReading(0.5)).toMatch(/^Unreliable/);
  });

  it('shows a dash where a measure has no value', () => {
    expect(formatRate(NaN)).toBe('—');
    expect(formatRate(0.8251)).toBe('0.83');
    expect(formatPercent(0.756)).toBe('76%');
  });
});

describe('agreement rows', () => {
  it('puts the report’s overall numbers on the headline cards, with their counts', () => {
    const cards = headlineCards(report);
    expect(cards.map((c) => c.id)).toEqual(['images', 'fleiss', 'alpha', 'f1', 'iou']);
    expect(cards[0]).toMatchObject({ value: 2, display: '2' });
    expect(cards[1]!.value).toBe(report.overall.fleissKappa.kappa);
    expect(cards[1]!.over).toBe(
      `over ${report.overall.fleissKappa.subjects} objects every annotator of its image drew`,
    );
    expect(cards[2]!.value).toBe(report.overall.krippendorffAlpha.alpha);
    expect(cards[3]).toMatchObject({ value: report.overall.meanF1, over: 'over 3 pairs of annotators' });
    const matched = report.pairs.reduce((sum, p) => sum + p.matched, 0);
    expect(cards[4]).toMatchObject({
      value: report.overall.meanIou,
      over: `over ${matched} matched objects`,
    });
  });

  it('lists pairs by name, the least alike first, with the report’s values', () => {
    const rows = pairRows(report, names);
    expect(rows.map((r) => `${r.a}·${r.b}`)).toEqual(['Ann·Cara', 'Bob·Cara', 'Ann·Bob']);
    const annBob = report.pairs.find((p) => p.a === 'ann' && p.b === 'bob')!;
    expect(rows[2]).toMatchObject({ f1: annBob.f1, kappa: annBob.cohensKappa.kappa, images: 2 });
    expect(rows[2]!.f1).toBe(1);
  });

  it('names a pair in name order when the ids sort the other way, swapping counts and precision with recall', () => {
    // Ids: ann < cara, but Cara is shown as "Ada": Ada · Ann. Ann drew 3 objects, Cara 2; 2 matched.
    const renamed: QaNames = { ...names, users: { ...names.users, cara: 'Ada' } };
    const core = report.pairs.find((p) => p.a === 'ann' && p.b === 'cara')!;
    const row = pairRows(report, renamed).find((r) => r.key === 'ann|cara')!;
    expect([row.a, row.b, row.objectsA, row.objectsB]).toEqual(['Ada', 'Ann', 2, 3]);
    // Precision reads b against a: of Ann's 3 objects, 2 matched; recall: of Ada's 2, both.
    expect([row.precision, row.recall]).toEqual([2 / 3, 1]);
    expect([core.precision, core.recall]).toEqual([1, 2 / 3]);
    expect(row.f1).toBe(core.f1);
  });

  it('lists annotators worst first and shows gold only when someone labeled a gold image', () => {
    const rows = annotatorRows(report, names);
    expect(rows[0]!.name).toBe('Cara');
    expect(rows[0]!.meanF1).toBe(report.perAnnotator.find((r) => r.annotator === 'cara')!.meanF1);
    expect(hasGold(report)).toBe(false);
    const withGold = agreementReport(sets, { gold: [set('gold', 'i2', [label('car', box(0, 0))])] });
    expect(hasGold(withGold)).toBe(true);
    const cara = annotatorRows(withGold, names).find((r) => r.name === 'Cara')!;
    expect(cara).toMatchObject({ goldImages: 1, goldF1: 1, goldClassAccuracy: 0 });
  });

  it('lays classes against annotators with the report’s per-annotator agreement in each cell', () => {
    const heatmap = classHeatmap(report, names);
    expect(heatmap.annotators.map((a) => a.name)).toEqual(['Ann', 'Bob', 'Cara']);
    const truck = heatmap.rows.find((r) => r.name === 'Truck')!;
    expect(truck.cells[0]).toBeNull();
    expect(truck.cells[2]).toEqual({ objects: 1, agreement: 0 });
    const car = heatmap.rows.find((r) => r.name === 'Car')!;
    const reported = report.perClass
      .find((c) => c.classId === 'car')!
      .byAnnotator.find((c) => c.annotator === 'ann')!;
    expect(car.cells[0]).toEqual({ objects: reported.objects, agreement: reported.agreement });
    expect(heatmap.rows.map((r) => r.f1)).toEqual([...heatmap.rows.map((r) => r.f1)].sort((x, y) => x - y));
  });

  it('names attributes and keeps the report’s fraction agreed', () => {
    const rows = attributeRows(report, names);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Colour', pairs: 3 });
    expect(rows[0]!.agreed).toBeCloseTo(1 / 3, 12);
  });

  it('lists images worst first with file names and annotator names', () => {
    const rows = imageRows(report, names);
    expect(rows.map((r) => r.fileName)).toEqual(['two.jpg', 'one.jpg']);
    expect(rows[0]).toMatchObject({ annotators: 'Ann, Bob, Cara', classDisagreements: 2 });
    expect(rows[0]!.score).toBe(report.perImage[0]!.score);
  });

  it('colours full agreement green, none red and no value grey', () => {
    expect(agreementColor(1)).toBe('#1f7a52');
    expect(agreementColor(0)).toBe('#8a2f2f');
    expect(agreementColor(NaN)).toBe('#262b34');
  });
});
