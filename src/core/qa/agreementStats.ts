/** Chance-corrected agreement on class labels: Cohen's kappa (two annotators), Fleiss' kappa and Krippendorff's alpha. */

export interface CohensKappa {
  /** (po − pe) / (1 − pe); 1 when both annotators used one and the same category throughout (pe = 1, po = 1). */
  readonly kappa: number;
  /** po: the fraction of items given the same category. */
  readonly observed: number;
  /** pe: the agreement expected by chance from each annotator's own category frequencies. */
  readonly expected: number;
  /** Items labelled by both annotators (pairs with a null on either side are skipped). */
  readonly n: number;
}

/**
 * Cohen's (1960) kappa of two annotators' labels for the same items; null = no label, and such items are
 * skipped. NaN when no item has both labels.
 */
export function cohensKappa(a: readonly (string | null)[], b: readonly (string | null)[]): CohensKappa {
  if (a.length !== b.length)
    throw new RangeError(`cohensKappa needs labels for the same items, got ${a.length} and ${b.length}`);
  const number = interner();
  const tally = newCohensKappaTally();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== null && y !== null) addCohensKappaItem(tally, number(x), number(y));
  }
  return cohensKappaOf(tally);
}

export interface FleissKappa {
  readonly kappa: number;
  /** P̄: the mean over subjects of the fraction of agreeing rater pairs. */
  readonly observed: number;
  /** P̄e: Σ pj², pj the share of all ratings that went to category j. */
  readonly expected: number;
  /** Subjects (rows). */
  readonly subjects: number;
  /** Raters per subject (every row's sum). */
  readonly raters: number;
}

/**
 * Fleiss' (1971) kappa: `counts[i][j]` raters put subject i in category j; every subject has the same number
 * of raters m ≥ 2 (RangeError otherwise). Kappa is 1 when P̄e = 1 (all ratings in one category), as for Cohen's.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissKappa {
  if (counts.length === 0) throw new RangeError('fleissKappa needs at least one subject');
  const categories = counts[0]!.length;
  const raters = counts[0]!.reduce((sum, c) => sum + c, 0);
  const tally = newFleissKappaTally(raters);
  const ratings: number[] = [];
  counts.forEach((row, i) => {
    if (row.length !== categories)
      throw new RangeError(`subject ${i} has ${row.length} categories, subject 0 has ${categories}`);
    if (row.some((c) => !(Number.isInteger(c) && c >= 0)))
      throw new RangeError(`subject ${i} has a count that is not a non-negative integer`);
    const sum = row.reduce((s, c) => s + c, 0);
    if (sum !== raters) throw new RangeError(`subject ${i} has ${sum} ratings, subject 0 has ${raters}`);
    ratings.length = 0;
    row.forEach((c, j) => {
      for (let k = 0; k < c; k++) ratings.push(j);
    });
    addFleissKappaSubject(tally, ratings);
  });
  return fleissKappaOf(tally);
}

export interface KrippendorffAlpha {
  /** 1 − Do/De; 1 when every pairable value is the same category (De = 0); NaN with no pairable values. */
  readonly alpha: number;
  /** Do = Σ_{c≠k} o_ck / n: observed disagreement. */
  readonly observedDisagreement: number;
  /** De = Σ_{c≠k} n_c·n_k / (n(n − 1)): disagreement expected by chance. */
  readonly expectedDisagreement: number;
  /** n: pairable values (values in units with at least 2 of them). */
  readonly pairableValues: number;
  /** Units with at least 2 values; the others cannot be paired and are dropped. */
  readonly units: number;
}

/**
 * Krippendorff's alpha for nominal data, from the coincidence matrix (Krippendorff 2011, "Computing
 * Krippendorff's Alpha-Reliability", section C): `units[u][c]` is coder c's category for unit u, null when
 * missing. o_ck = Σ_u (number of c–k pairs of values in u, ordered, from different coders) / (m_u − 1);
 * n_c = Σ_k o_ck; α = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k.
 */
export function krippendorffAlphaNominal(units: readonly (readonly (string | null)[])[]): KrippendorffAlpha {
  const number = interner();
  const tally = newNominalAlphaTally();
  for (const unit of units)
    addNominalAlphaUnit(
      tally,
      unit.map((value) => (value === null ? -1 : number(value))),
      unit.length,
    );
  return nominalAlphaOf(tally);
}

/** Category names as 0, 1, 2… in the order first met. */
function interner(): (name: string) => number {
  const numbers = new Map<string, number>();
  return (name) => {
    let n = numbers.get(name);
    if (n === undefined) numbers.set(name, (n = numbers.size));
    return n;
  };
}

// ---------------------------------------------------------------------------------------------------------
// The measures accumulated item by item, for project-wide reports: nothing is kept per item, and categories
// are small integers the caller numbers (e.g. interned class ids). The list versions above feed them.

/** Grows `values` with zeros until index `at` exists. */
function reach(values: number[], at: number): void {
  while (values.length <= at) values.push(0);
}

/** Cohen's kappa accumulated pair by pair (cohensKappa without the two label lists). */
export interface CohensKappaTally {
  n: number;
  agreed: number;
  readonly countsA: number[];
  readonly countsB: number[];
  /** Categories in the order a first used them: the order cohensKappa sums pe in. */
  readonly orderA: number[];
}

export const newCohensKappaTally = (): CohensKappaTally => ({
  n: 0,
  agreed: 0,
  countsA: [],
  countsB: [],
  orderA: [],
});

/** One item both annotators labeled: category `x` from a, `y` from b (both ≥ 0). */
export function addCohensKappaItem(tally: CohensKappaTally, x: number, y: number): void {
  const { countsA, countsB } = tally;
  reach(countsA, x);
  reach(countsB, y);
  tally.n++;
  if (x === y) tally.agreed++;
  if (countsA[x] === 0) tally.orderA.push(x);
  countsA[x]!++;
  countsB[y]!++;
}

export function cohensKappaOf(tally: CohensKappaTally): CohensKappa {
  const { n, countsA, countsB } = tally;
  if (n === 0) return { kappa: NaN, observed: NaN, expected: NaN, n };
  const observed = tally.agreed / n;
  let expected = 0;
  for (const category of tally.orderA) expected += (countsA[category]! / n) * ((countsB[category] ?? 0) / n);
  const kappa = expected >= 1 ? 1 : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n };
}

/** Fleiss' kappa accumulated subject by subject, for a fixed number of raters (fleissKappa without the rows). */
export interface FleissKappaTally {
  readonly raters: number;
  subjects: number;
  /** Σ over subjects of P_i, the fraction of agreeing rater pairs. */
  agreementSum: number;
  /** Ratings per category over all subjects. */
  readonly totals: number[];
  /** Categories in the order first met: fleissKappa's column order. */
  readonly order: number[];
  /** Per-category counts of the subject being added; all zero between calls. */
  readonly scratch: number[];
}

export function newFleissKappaTally(raters: number): FleissKappaTally {
  if (!(Number.isInteger(raters) && raters >= 2))
    throw new RangeError(`fleissKappa needs at least 2 raters per subject, got ${raters}`);
  return { raters, subjects: 0, agreementSum: 0, totals: [], order: [], scratch: [] };
}

/** One subject: `categories[0 … raters − 1]` are the raters' categories (≥ 0), in any order. */
export function addFleissKappaSubject(tally: FleissKappaTally, categories: ArrayLike<number>): void {
  const { raters, totals, scratch } = tally;
  for (let i = 0; i < raters; i++) {
    const c = categories[i]!;
    reach(scratch, c);
    reach(totals, c);
    if (scratch[c] === 0 && totals[c] === 0) tally.order.push(c);
    scratch[c]!++;
  }
  // Σ c(c − 1) over the subject's categories is an integer, so the order it is summed in does not matter.
  let pairs = 0;
  for (let i = 0; i < raters; i++) {
    const c = categories[i]!;
    const count = scratch[c]!;
    if (count === 0) continue;
    pairs += count * (count - 1);
    totals[c]! += count;
    scratch[c] = 0;
  }
  tally.agreementSum += pairs / (raters * (raters - 1));
  tally.subjects++;
}

export function fleissKappaOf(tally: FleissKappaTally): FleissKappa {
  const { subjects, raters } = tally;
  if (subjects === 0) throw new RangeError('fleissKappa needs at least one subject');
  const observed = tally.agreementSum / subjects;
  let expected = 0;
  for (const c of tally.order) expected += (tally.totals[c]! / (subjects * raters)) ** 2;
  const kappa = expected >= 1 ? 1 : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, subjects, raters };
}

/**
 * Krippendorff's nominal alpha accumulated unit by unit: the coincidence matrix's diagonal o_cc and marginals
 * n_c, which is all nominal data needs (see krippendorffAlphaNominal).
 */
export interface NominalAlphaTally {
  /** Σ_u count_c(count_c − 1) / (m_u − 1) per category. */
  readonly diagonal: number[];
  readonly marginals: number[];
  /** Categories in the order first paired: krippendorffAlphaNominal's summing order. */
  readonly order: number[];
  /** Pairable values and units so far. */
  n: number;
  units: number;
  /** Per-category counts of the unit being added; all zero between calls. */
  readonly scratch: number[];
}

export const newNominalAlphaTally = (): NominalAlphaTally => ({
  diagonal: [],
  marginals: [],
  order: [],
  n: 0,
  units: 0,
  scratch: [],
});

/** One unit: `values[0 … length − 1]` are its coders' categories, negative for a missing value. */
export function addNominalAlphaUnit(
  tally: NominalAlphaTally,
  values: ArrayLike<number>,
  length: number,
): void {
  let m = 0;
  for (let i = 0; i < length; i++) if (values[i]! >= 0) m++;
  if (m < 2) return;
  const { diagonal, marginals, scratch } = tally;
  for (let i = 0; i < length; i++) {
    const c = values[i]!;
    if (c < 0) continue;
    reach(scratch, c);
    scratch[c]!++;
  }
  tally.units++;
  tally.n += m;
  for (let i = 0; i < length; i++) {
    const c = values[i]!;
    if (c < 0) continue;
    const count = scratch[c]!;
    if (count === 0) continue;
    reach(diagonal, c);
    reach(marginals, c);
    // Every pairable unit adds at least 1 to a category it holds, so a zero marginal means "not seen yet".
    if (marginals[c] === 0) tally.order.push(c);
    diagonal[c]! += (count * (count - 1)) / (m - 1);
    marginals[c]! += count;
    scratch[c] = 0;
  }
}

export function nominalAlphaOf(tally: NominalAlphaTally): KrippendorffAlpha {
  const { n } = tally;
  if (n === 0)
    return {
      alpha: NaN,
      observedDisagreement: NaN,
      expectedDisagreement: NaN,
      pairableValues: 0,
      units: 0,
    };
  let agreeing = 0;
  let sameCategoryPairs = 0;
  for (const c of tally.order) {
    agreeing += tally.diagonal[c]!;
    sameCategoryPairs += tally.marginals[c]! * tally.marginals[c]!;
  }
  const disagreeing = n - agreeing;
  const chanceDisagreeing = n * n - sameCategoryPairs;
  const observedDisagreement = disagreeing / n;
  const expectedDisagreement = chanceDisagreeing / (n * (n - 1));
  const alpha = chanceDisagreeing === 0 ? 1 : 1 - ((n - 1) * disagreeing) / chanceDisagreeing;
  return { alpha, observedDisagreement, expectedDisagreement, pairableValues: n, units: tally.units };
}
