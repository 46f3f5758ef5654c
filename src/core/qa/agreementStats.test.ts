import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../versions/random';
import {
  addCohensKappaItem,
  addFleissKappaSubject,
  addNominalAlphaUnit,
  cohensKappa,
  cohensKappaOf,
  fleissKappa,
  fleissKappaOf,
  krippendorffAlphaNominal,
  newCohensKappaTally,
  newFleissKappaTally,
  newNominalAlphaTally,
  nominalAlphaOf,
} from './agreementStats';

/** Two label lists from a 2×2 table: [yes-yes, yes-no, no-yes, no-no]. */
function fromTable([yy, yn, ny, nn]: readonly [number, number, number, number]) {
  const a: string[] = [];
  const b: string[] = [];
  const add = (count: number, x: string, y: string) => {
    for (let i = 0; i < count; i++) {
      a.push(x);
      b.push(y);
    }
  };
  add(yy, 'yes', 'yes');
  add(yn, 'yes', 'no');
  add(ny, 'no', 'yes');
  add(nn, 'no', 'no');
  return { a, b };
}

describe('cohensKappa', () => {
  it('reproduces the 50-item textbook table (Wikipedia, "Cohen\'s kappa", worked example): κ = 0.4', () => {
    // 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no. po = 35/50 = 0.7; A says yes 25/50 = 0.5, B 30/50 = 0.6,
    // so pe = 0.5·0.6 + 0.5·0.4 = 0.5 and κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
    const { a, b } = fromTable([20, 5, 10, 15]);
    const result = cohensKappa(a, b);
    expect(result.n).toBe(50);
    expect(result.observed).toBeCloseTo(0.7, 12);
    expect(result.expected).toBeCloseTo(0.5, 12);
    expect(result.kappa).toBeCloseTo(0.4, 12);
  });

  it('skips items either annotator left unlabelled', () => {
    const { a, b } = fromTable([20, 5, 10, 15]);
    const result = cohensKappa([...a, null, 'yes'], [...b, 'no', null]);
    expect(result.n).toBe(50);
    expect(result.kappa).toBeCloseTo(0.4, 12);
  });

  it('is 1 when both annotators give every item the same single category (pe = 1 defined as perfect)', () => {
    expect(cohensKappa(['car', 'car', 'car'], ['car', 'car', 'car'])).toEqual({
      kappa: 1,
      observed: 1,
      expected: 1,
      n: 3,
    });
  });

  it('is 0 for agreement at chance level and negative below it', () => {
    // Each says yes half the time, independently: po = pe = 0.5.
    expect(cohensKappa(['y', 'y', 'n', 'n'], ['y', 'n', 'y', 'n']).kappa).toBe(0);
    expect(cohensKappa(['y', 'n'], ['n', 'y']).kappa).toBe(-1);
  });

  it('is NaN with no item labelled by both, and rejects lists of different lengths', () => {
    expect(cohensKappa([null, 'a'], ['b', null]).kappa).toBeNaN();
    expect(() => cohensKappa(['a'], ['a', 'b'])).toThrow(RangeError);
  });
});

// Fleiss (1971) as worked in Wikipedia's "Fleiss' kappa" article: 10 subjects, 5 categories, 14 raters;
// P̄ = 0.378, P̄e = 0.213, κ = 0.210.
const WIKIPEDIA_EXAMPLE = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

describe('fleissKappa', () => {
  it('reproduces the worked example: P̄ = 0.378, P̄e = 0.213, κ = 0.210', () => {
    const result = fleissKappa(WIKIPEDIA_EXAMPLE);
    expect(result.subjects).toBe(10);
    expect(result.raters).toBe(14);
    // Exactly: Σ n_ij(n_ij − 1) = 688 over 10·14·13 = 1820 rater pairs, so P̄ = 688/1820 (the article's
    // Σ Pi = 3.780 is rounded); column totals 20, 28, 39, 21, 32 of 140 ratings give P̄e = 0.2128.
    expect(result.observed).toBeCloseTo(688 / 1820, 12);
    expect(result.observed.toFixed(3)).toBe('0.378');
    expect(result.expected).toBeCloseTo((20 ** 2 + 28 ** 2 + 39 ** 2 + 21 ** 2 + 32 ** 2) / 140 ** 2, 12);
    expect(result.expected.toFixed(3)).toBe('0.213');
    expect(result.kappa.toFixed(3)).toBe('0.210');
  });

  it('equals Cohen-style perfect agreement when every subject gets unanimous, varied ratings', () => {
    expect(
      fleissKappa([
        [3, 0],
        [0, 3],
      ]).kappa,
    ).toBe(1);
  });

  it('rejects unequal rater counts, fewer than 2 raters and ragged rows', () => {
    expect(() =>
      fleissKappa([
        [2, 1],
        [1, 1],
      ]),
    ).toThrow(/subject 1 has 2 ratings, subject 0 has 3/);
    expect(() => fleissKappa([[1, 0]])).toThrow(RangeError);
    expect(() => fleissKappa([[1, 1], [2]])).toThrow(RangeError);
    expect(() => fleissKappa([])).toThrow(RangeError);
  });
});

describe('krippendorffAlphaNominal', () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C (nominal data, any number
  // of observers, missing data): 4 observers × 12 units, α = 0.743. The same matrix is the example of R's
  // DescTools::KrippAlpha (search.r-project.org/CRAN/refmans/DescTools/html/KrippAlpha.html).
  const _ = null;
  const OBSERVERS = [
    ['1', '2', '3', '3', '2', '1', '4', '1', '2', _, _, _],
    ['1', '2', '3', '3', '2', '2', '4', '1', '2', '5', _, '3'],
    [_, '3', '3', '3', '2', '3', '4', '2', '2', '5', '1', _],
    ['1', '2', '3', '3', '2', '4', '4', '1', '2', '5', '1', _],
  ];
  const UNITS = OBSERVERS[0]!.map((_value, u) => OBSERVERS.map((observer) => observer[u]!));

  it('reproduces the paper: n = 40 pairable values in 11 units, α = 0.743', () => {
    const result = krippendorffAlphaNominal(UNITS);
    expect(result.units).toBe(11);
    expect(result.pairableValues).toBe(40);
    // By hand, as in the paper's coincidence matrix: Σ o_cc = 7 + 10 + 8 + 4 + 3 = 32 (o_11 = 7, o_22 = 10, o_33 = 8, o_44 = 4, o_55 = 3 with
    // the 1/(m_u − 1) weights); n_c = 9, 13, 10, 5, 3, so α = 1 − 39·(40 − 32) / (40² − Σ n_c²).
    const expected = 1 - (39 * (40 - 32)) / (40 ** 2 - (9 ** 2 + 13 ** 2 + 10 ** 2 + 5 ** 2 + 3 ** 2));
    expect(result.alpha).toBeCloseTo(expected, 12);
    expect(result.alpha.toFixed(3)).toBe('0.743');
  });

  it('equals Cohen-like perfect agreement and drops units with one value', () => {
    const result = krippendorffAlphaNominal([
      ['a', 'a', null],
      ['b', null, 'b'],
      ['c', null, null],
    ]);
    expect(result).toMatchObject({ alpha: 1, units: 2, pairableValues: 4, observedDisagreement: 0 });
  });

  it('is 1 when every pairable value is one category, and NaN with nothing pairable', () => {
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['a', 'a', 'a'],
      ]).alpha,
    ).toBe(1);
    expect(krippendorffAlphaNominal([['a', null], [null]]).alpha).toBeNaN();
  });
});

describe('accumulated versions', () => {
  const CATEGORIES = ['car', 'truck', 'bus', 'person', 'bike', 'sign', 'light'];
  /** Categories numbered in an order unrelated to when they are met, as a caller interning ids would. */
  const number = new Map(CATEGORIES.map((c, i) => [c, (i * 5) % CATEGORIES.length]));

  it('equal cohensKappa to the bit on 200 random label lists with gaps', () => {
    const random = mulberry32(1);
    for (let trial = 0; trial < 200; trial++) {
      const used = CATEGORIES.slice(0, 1 + Math.floor(random() * CATEGORIES.length));
      const label = () => (random() < 0.1 ? null : used[Math.floor(random() * used.length)]!);
      const a = Array.from({ length: Math.floor(random() * 60) }, label);
      const b = a.map((x) => (random() < 0.7 ? x : label()));
      const tally = newCohensKappaTally();
      a.forEach((x, i) => {
        const y = b[i]!;
        if (x !== null && y !== null) addCohensKappaItem(tally, number.get(x)!, number.get(y)!);
      });
      expect(cohensKappaOf(tally)).toStrictEqual(cohensKappa(a, b));
    }
  });

  it('equal fleissKappa to the bit on 200 random count tables', () => {
    const random = mulberry32(2);
    for (let trial = 0; trial < 200; trial++) {
      const raters = 2 + Math.floor(random() * 6);
      const used = 1 + Math.floor(random() * CATEGORIES.length);
      const subjects = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
        Array.from({ length: raters }, () => Math.floor(random() * used)),
      );
      // The table's columns in the order categories are met, as agreementReport builds it.
      const column = new Map<number, number>();
      for (const s of subjects) for (const c of s) if (!column.has(c)) column.set(c, column.size);
      const rows = subjects.map((s) => {
        const row = new Array<number>(column.size).fill(0);
        for (const c of s) row[column.get(c)!]!++;
        return row;
      });
      const tally = newFleissKappaTally(raters);
      for (const s of subjects)
        addFleissKappaSubject(
          tally,
          s.map((c) => (c * 5) % 7),
        );
      expect(fleissKappaOf(tally)).toStrictEqual(fleissKappa(rows));
    }
  });

  it('equal krippendorffAlphaNominal to the bit on 200 random unit lists with missing values', () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 200; trial++) {
      const used = CATEGORIES.slice(0, 1 + Math.floor(random() * CATEGORIES.length));
      const missing = random() * 0.5;
      const units = Array.from({ length: Math.floor(random() * 50) }, () =>
        Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
          random() < missing ? null : used[Math.floor(random() * used.length)]!,
        ),
      );
      const tally = newNominalAlphaTally();
      for (const unit of units)
        addNominalAlphaUnit(
          tally,
          unit.map((v) => (v === null ? -1 : number.get(v)!)),
          unit.length,
        );
      expect(nominalAlphaOf(tally)).toStrictEqual(krippendorffAlphaNominal(units));
    }
  });

  it('reproduce the published examples: Fleiss 0.210 and Krippendorff 0.743', () => {
    const fleiss = newFleissKappaTally(14);
    // Wikipedia's table as each subject's 14 ratings.
    for (const row of WIKIPEDIA_EXAMPLE)
      addFleissKappaSubject(
        fleiss,
        row.flatMap((count, c) => new Array<number>(count).fill(c)),
      );
    expect(fleissKappaOf(fleiss).kappa.toFixed(3)).toBe('0.210');

    const _ = -1;
    const observers = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ];
    const alpha = newNominalAlphaTally();
    for (let u = 0; u < 12; u++)
      addNominalAlphaUnit(
        alpha,
        observers.map((o) => o[u]!),
        4,
      );
    expect(nominalAlphaOf(alpha)).toMatchObject({ units: 11, pairableValues: 40 });
    expect(nominalAlphaOf(alpha).alpha.toFixed(3)).toBe('0.743');
  });
});
