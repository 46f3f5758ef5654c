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
  const countsA = new Map<string, number>();
  const countsB = new Map<string, number>();
  let n = 0;
  let agreed = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === null || y === null) continue;
    n++;
    if (x === y) agreed++;
    countsA.set(x, (countsA.get(x) ?? 0) + 1);
    countsB.set(y, (countsB.get(y) ?? 0) + 1);
  }
  if (n === 0) return { kappa: NaN, observed: NaN, expected: NaN, n };
  const observed = agreed / n;
  let expected = 0;
  for (const [category, count] of countsA) expected += (count / n) * ((countsB.get(category) ?? 0) / n);
  // pe = 1 only when both used a single, shared category, so po = 1 too and the ratio is 0/0: perfect agreement.
  const kappa = expected >= 1 ? 1 : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n };
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
  if (!(raters >= 2)) throw new RangeError(`fleissKappa needs at least 2 raters per subject, got ${raters}`);
  const totals = new Array<number>(categories).fill(0);
  let agreementSum = 0;
  counts.forEach((row, i) => {
    if (row.length !== categories)
      throw new RangeError(`subject ${i} has ${row.length} categories, subject 0 has ${categories}`);
    if (row.some((c) => !(Number.isInteger(c) && c >= 0)))
      throw new RangeError(`subject ${i} has a count that is not a non-negative integer`);
    const sum = row.reduce((s, c) => s + c, 0);
    if (sum !== raters) throw new RangeError(`subject ${i} has ${sum} ratings, subject 0 has ${raters}`);
    let pairs = 0;
    row.forEach((c, j) => {
      pairs += c * (c - 1);
      totals[j]! += c;
    });
    agreementSum += pairs / (raters * (raters - 1));
  });
  const subjects = counts.length;
  const observed = agreementSum / subjects;
  const expected = totals.reduce((sum, t) => sum + (t / (subjects * raters)) ** 2, 0);
  const kappa = expected >= 1 ? 1 : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, subjects, raters };
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
  // Only the diagonal and the marginals are needed for nominal data: Σ_{c≠k} o_ck = n − Σ_c o_cc.
  const diagonal = new Map<string, number>();
  const marginals = new Map<string, number>();
  let n = 0;
  let pairable = 0;
  for (const unit of units) {
    const counts = new Map<string, number>();
    let m = 0;
    for (const value of unit)
      if (value !== null) {
        counts.set(value, (counts.get(value) ?? 0) + 1);
        m++;
      }
    if (m < 2) continue;
    pairable++;
    n += m;
    for (const [category, count] of counts) {
      // Each value pairs with the m − 1 others of its unit; weight 1/(m − 1) makes every value count once.
      diagonal.set(category, (diagonal.get(category) ?? 0) + (count * (count - 1)) / (m - 1));
      marginals.set(category, (marginals.get(category) ?? 0) + count);
    }
  }
  if (n === 0)
    return {
      alpha: NaN,
      observedDisagreement: NaN,
      expectedDisagreement: NaN,
      pairableValues: 0,
      units: 0,
    };
  let agreeing = 0;
  for (const o of diagonal.values()) agreeing += o;
  let sameCategoryPairs = 0;
  for (const nc of marginals.values()) sameCategoryPairs += nc * nc;
  const disagreeing = n - agreeing;
  const chanceDisagreeing = n * n - sameCategoryPairs;
  const observedDisagreement = disagreeing / n;
  const expectedDisagreement = chanceDisagreeing / (n * (n - 1));
  const alpha = chanceDisagreeing === 0 ? 1 : 1 - ((n - 1) * disagreeing) / chanceDisagreeing;
  return { alpha, observedDisagreement, expectedDisagreement, pairableValues: n, units: pairable };
}
