/** ISO 2859-1 (= ANSI/ASQ Z1.4) single sampling plans for attributes, normal inspection, for batch QA of annotations. */

import { mulberry32 } from '../versions/random';

export const STANDARD = 'ISO 2859-1:1999, normal inspection, single sampling' as const;

export const INSPECTION_LEVELS = ['S-1', 'S-2', 'S-3', 'S-4', 'I', 'II', 'III'] as const;
export type InspectionLevel = (typeof INSPECTION_LEVELS)[number];

export const CODE_LETTERS = [
  'A',
  'B',
  'C',
  'D',
  'E',
  'F',
  'G',
  'H',
  'J',
  'K',
  'L',
  'M',
  'N',
  'P',
  'Q',
  'R',
] as const;
export type CodeLetter = (typeof CODE_LETTERS)[number];

/** Code letter → sample size (ISO 2859-1 Table 2-A, "sample size" column). */
export const SAMPLE_SIZES: Readonly<Record<CodeLetter, number>> = {
  A: 2,
  B: 3,
  C: 5,
  D: 8,
  E: 13,
  F: 20,
  G: 32,
  H: 50,
  J: 80,
  K: 125,
  L: 200,
  M: 315,
  N: 500,
  P: 800,
  Q: 1250,
  R: 2000,
};

/**
 * The AQL series of Table 2-A. Up to 10 an AQL is percent nonconforming or nonconformities per 100 units;
 * above 10 it is nonconformities per 100 units only.
 */
export const AQL_SERIES = [
  0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15, 0.25, 0.4, 0.65, 1, 1.5, 2.5, 4, 6.5, 10, 15, 25, 40, 65, 100,
  150, 250, 400, 650, 1000,
] as const;

/** AQLs as the standard prints them, for explanations. */
const AQL_LABELS =
  '0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 10 15 25 40 65 100 150 250 400 650 1000'.split(
    ' ',
  );

export interface LotSizeRange {
  readonly minLot: number;
  /** Inclusive; Infinity for "500 001 and over". */
  readonly maxLot: number;
  readonly letters: Readonly<Record<InspectionLevel, CodeLetter>>;
}

const range = (minLot: number, maxLot: number, codes: string): LotSizeRange => {
  const letters = codes.split(' ') as CodeLetter[];
  return {
    minLot,
    maxLot,
    letters: Object.fromEntries(INSPECTION_LEVELS.map((level, i) => [level, letters[i]])) as Record<
      InspectionLevel,
      CodeLetter
    >,
  };
};

/** ISO 2859-1:1999 Table 1 (= Z1.4 Table I), sample size code letters. Columns: S-1 S-2 S-3 S-4 I II III. */
export const SAMPLE_SIZE_CODE_LETTERS: readonly LotSizeRange[] = [
  range(2, 8, 'A A A A A A B'),
  range(9, 15, 'A A A A A B C'),
  range(16, 25, 'A A B B B C D'),
  range(26, 50, 'A B B C C D E'),
  range(51, 90, 'B B C C C E F'),
  range(91, 150, 'B B C D D F G'),
  range(151, 280, 'B C D E E G H'),
  range(281, 500, 'B C D E F H J'),
  range(501, 1200, 'C C E F G J K'),
  range(1201, 3200, 'C D E G H K L'),
  range(3201, 10000, 'C D F G J L M'),
  range(10001, 35000, 'C D F H K M N'),
  range(35001, 150000, 'D E G J L N P'),
  range(150001, 500000, 'D E G J M P Q'),
  range(500001, Infinity, 'D E H K N Q R'),
];

/**
 * ISO 2859-1:1999 Table 2-A (= Z1.4 Table II-A), single sampling plans for normal inspection, one row per
 * code letter, one cell per AQL of AQL_SERIES (0.010 … 1000). "Ac/Re", or ↓ / ↑: use the first sampling
 * plan below / above the arrow, with that plan's sample size. Laid out like the printed table so the two can
 * be compared row by row. The standard's own edge cells are kept: A at AQL 10 points down (there is no row
 * above A) and R at 0.015 points up (no row below R); rows F–R stop at 21/22, only A–E reach 30/31 and
 * only B–E reach 44/45. Every one of the 416 cells (and Table 1) has been checked against an independent
 * double-blind transcription of GB/T 2828.1-2012 (identical to ISO 2859-1:1999), and the plan cells against
 * MIL-STD-105E / ISO 2859-1 reproductions; the sources and the cell-by-cell test are in samplingTable.test.ts.
 */
export const TABLE_2A_NORMAL: Readonly<Record<CodeLetter, string>> = {
  A: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31',
  B: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45',
  C: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑',
  D: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑     ↑',
  E: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑     ↑     ↑',
  F: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑',
  G: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  H: '↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  J: '↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  K: '↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  L: '↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  M: '↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  N: '↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  P: '↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  Q: '0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  R: '↑     ↑     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
};

export type Table2ACell = { readonly accept: number; readonly reject: number } | 'down' | 'up';

const parseCell = (text: string): Table2ACell => {
  if (text === '↓') return 'down';
  if (text === '↑') return 'up';
  const [accept, reject] = text.split('/').map(Number);
  return { accept: accept!, reject: reject! };
};

const TABLE_2A: Readonly<Record<CodeLetter, readonly Table2ACell[]>> = Object.fromEntries(
  CODE_LETTERS.map((letter) => [letter, TABLE_2A_NORMAL[letter].trim().split(/\s+/).map(parseCell)]),
) as Record<CodeLetter, Table2ACell[]>;

/** The raw Table 2-A cell (arrow or Ac/Re) for a code letter and an AQL of the series. */
export function table2ACell(letter: CodeLetter, aql: number): Table2ACell {
  return TABLE_2A[letter][aqlIndex(aql)]!;
}

export interface SamplingPlanRequest {
  readonly lotSize: number;
  /** An AQL from AQL_SERIES (percent nonconforming up to 10, nonconformities per 100 units above). */
  readonly aql: number;
  readonly level?: InspectionLevel;
}

export interface SamplingPlan {
  readonly lotSize: number;
  readonly aql: number;
  readonly level: InspectionLevel;
  /** The code letter Table 1 gives for the lot size and level. */
  readonly codeLetter: CodeLetter;
  /** The code letter whose plan is used after following Table 2-A's arrows (the codeLetter if none). */
  readonly planLetter: CodeLetter;
  /** Units to inspect: the plan's sample size, capped at the lot size (100 % inspection). */
  readonly sampleSize: number;
  /** Accept the lot with at most this many nonconforming units (or nonconformities). */
  readonly accept: number;
  /** Reject the lot with at least this many. */
  readonly reject: number;
  readonly standard: typeof STANDARD;
  readonly explanation: string;
}

function aqlIndex(aql: number): number {
  const index = AQL_SERIES.indexOf(aql as (typeof AQL_SERIES)[number]);
  if (index < 0)
    throw new RangeError(`AQL ${aql} is not in the ISO 2859-1 series (${AQL_SERIES.join(', ')}).`);
  return index;
}

/** The Table 1 code letter for a lot size at an inspection level. */
export function codeLetterFor(lotSize: number, level: InspectionLevel = 'II'): CodeLetter {
  if (!INSPECTION_LEVELS.includes(level))
    throw new RangeError(`Unknown inspection level "${level}"; use one of ${INSPECTION_LEVELS.join(', ')}.`);
  if (!Number.isInteger(lotSize) || lotSize < 2)
    throw new RangeError(`Lot size must be a whole number of at least 2 units, got ${lotSize}.`);
  const row = SAMPLE_SIZE_CODE_LETTERS.find((r) => lotSize >= r.minLot && lotSize <= r.maxLot)!;
  return row.letters[level];
}

const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const LEVEL_WORDS: Record<InspectionLevel, string> = {
  'S-1': 'special level S-1',
  'S-2': 'special level S-2',
  'S-3': 'special level S-3',
  'S-4': 'special level S-4',
  I: 'general level I',
  II: 'general level II',
  III: 'general level III',
};

/** The single sampling plan ISO 2859-1 prescribes under normal inspection, following Table 2-A's arrows. */
export function samplingPlan({ lotSize, aql, level = 'II' }: SamplingPlanRequest): SamplingPlan {
  const codeLetter = codeLetterFor(lotSize, level);
  const column = aqlIndex(aql);
  let row = CODE_LETTERS.indexOf(codeLetter);
  let cell = TABLE_2A[codeLetter][column]!;
  // An arrow means "use the first sampling plan below/above"; chains of arrows are followed to a plan.
  while (cell === 'down' || cell === 'up') {
    row += cell === 'down' ? 1 : -1;
    cell = TABLE_2A[CODE_LETTERS[row]!][column]!;
  }
  const planLetter = CODE_LETTERS[row]!;
  const planSize = SAMPLE_SIZES[planLetter];
  const sampleSize = Math.min(planSize, lotSize);
  const { accept, reject } = cell;

  const counted = aql > 10 ? 'nonconformities' : 'defective';
  const arrow =
    planLetter === codeLetter
      ? ''
      : ` (no plan at ${codeLetter} for this AQL; the table's arrow leads to code letter ${planLetter})`;
  const whole =
    planSize >= lotSize ? ` — the plan's sample of ${grouped(planSize)} covers the lot, so inspect all` : '';
  const explanation =
    `Lot of ${grouped(lotSize)} at ${LEVEL_WORDS[level]} → code letter ${codeLetter}; ` +
    `AQL ${AQL_LABELS[column]}${arrow} → sample ${grouped(sampleSize)}${whole}, ` +
    `accept with ≤ ${accept} ${counted}, reject with ≥ ${reject}`;

  return {
    lotSize,
    aql,
    level,
    codeLetter,
    planLetter,
    sampleSize,
    accept,
    reject,
    standard: STANDARD,
    explanation,
  };
}

/** Accept or reject a lot from the number of nonconforming units (or nonconformities) found in the sample. */
export function judgeLot(
  plan: Pick<SamplingPlan, 'accept' | 'reject'>,
  defectives: number,
): 'accept' | 'reject' {
  if (!Number.isInteger(defectives) || defectives < 0)
    throw new RangeError(`Defective count must be a whole number ≥ 0, got ${defectives}.`);
  // Single sampling has Re = Ac + 1, so every count falls on one side.
  return defectives <= plan.accept ? 'accept' : 'reject';
}

/**
 * n ids drawn uniformly without replacement, reproducibly from a seed: the first n steps of a Fisher–Yates
 * shuffle (Durstenfeld's in-place form, Knuth TAOCP vol. 2 §3.4.2 Algorithm P) driven by mulberry32.
 */
export function drawSample(ids: readonly string[], n: number, seed: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n > ids.length)
    throw new RangeError(`Sample size must be a whole number from 0 to ${ids.length}, got ${n}.`);
  if (!Number.isFinite(seed)) throw new RangeError(`Seed must be a finite number, got ${seed}.`);
  if (new Set(ids).size !== ids.length) throw new RangeError('Ids to sample from must be distinct.');
  const random = mulberry32(seed);
  const pool = ids.slice();
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}
