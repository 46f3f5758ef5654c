/**
 * Table 1 and Table 2-A of ISO 2859-1 checked cell by cell against independent transcriptions.
 *
 * Primary source (all 16 × 26 cells of Table 2-A, all of Table 1): the golden fixtures of
 * github.com/nihantao-crosis/quality-platform, src/core/__tests__/fixtures/
 * gbt2828-1-2012-tables-2abc-full16.tsv (AQL 0.010–10), gbt2828-1-2012-tables-2abc-aql15-1000.tsv
 * (AQL 15–1000, a double-blind transcription of the printed page, 490 cells, no disagreement) and
 * gbt2828-1-2012-table1-levels.tsv. They transcribe GB/T 2828.1-2012 Tables 1 and 2-A (printed page 15);
 * GB/T 2828.1-2012 is identical to ISO 2859-1:1999. Each cell there is the plan reached after following
 * the arrows, "final code letter/n/Ac/Re", so a cell whose final letter is the row's own letter must be an
 * Ac/Re cell of ours, one whose final letter lies below must be ↓ and one above must be ↑.
 *
 * Second sources (partial, from stored copies of public pages):
 * - MIL-STD-105E Table II-A (= Z1.4 Table II-A), as reproduced in scribd.com/document/563507790/Tablas
 *   ("MIL-STD-105E Page 19 of 74") and in the "AQL Sampling Chart" (ANSI/ASQC Z1.4/MIL-STD-105E/ISO 2859,
 *   zh.scribd.com/document/339359187 and pdfcoffee.com/aql-sampling-chart-pdf-free.html): the Ac/Re plans
 *   of every row, left to right. The same chart's Table I equals Table 1 below.
 * - qualitycontrolpartners.com/aql-tables (ISO 2859-1): which cells of rows A–L print a plan, AQL 0.065–6.5.
 * - nibs.org/FMOC/DPW_AC/AC-TABLE.ASC (Table 1-A, "developed from MIL-STD-105E Table II-A"): Re numbers and
 *   arrows of rows A–Q, AQL 0.65–15. It draws A at AQL 10 as ↑, which has no plan above it; ISO 2859-1
 *   (GB/T 2828.1 above) has ↓ there, so that one cell is left out of the NIBS comparison.
 */

import { describe, expect, it } from 'vitest';
import {
  AQL_SERIES,
  CODE_LETTERS,
  INSPECTION_LEVELS,
  SAMPLE_SIZE_CODE_LETTERS,
  SAMPLE_SIZES,
  TABLE_2A_NORMAL,
  codeLetterFor,
  samplingPlan,
  table2ACell,
  type CodeLetter,
} from './sampling';

/** GB/T 2828.1-2012 Table 2-A as resolved plans, one row per code letter, AQL 0.010 … 1000. */
const GBT_2828_1_TABLE_2A = `
A Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 G/32/0/1 F/20/0/1 E/13/0/1 D/8/0/1 C/5/0/1 B/3/0/1 A/2/0/1 C/5/1/2 B/3/1/2 A/2/1/2 A/2/2/3 A/2/3/4 A/2/5/6 A/2/7/8 A/2/10/11 A/2/14/15 A/2/21/22 A/2/30/31
B Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 G/32/0/1 F/20/0/1 E/13/0/1 D/8/0/1 C/5/0/1 B/3/0/1 A/2/0/1 C/5/1/2 B/3/1/2 B/3/2/3 B/3/3/4 B/3/5/6 B/3/7/8 B/3/10/11 B/3/14/15 B/3/21/22 B/3/30/31 B/3/44/45
C Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 G/32/0/1 F/20/0/1 E/13/0/1 D/8/0/1 C/5/0/1 B/3/0/1 D/8/1/2 C/5/1/2 C/5/2/3 C/5/3/4 C/5/5/6 C/5/7/8 C/5/10/11 C/5/14/15 C/5/21/22 C/5/30/31 C/5/44/45 B/3/44/45
D Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 G/32/0/1 F/20/0/1 E/13/0/1 D/8/0/1 C/5/0/1 E/13/1/2 D/8/1/2 D/8/2/3 D/8/3/4 D/8/5/6 D/8/7/8 D/8/10/11 D/8/14/15 D/8/21/22 D/8/30/31 D/8/44/45 C/5/44/45 B/3/44/45
E Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 G/32/0/1 F/20/0/1 E/13/0/1 D/8/0/1 F/20/1/2 E/13/1/2 E/13/2/3 E/13/3/4 E/13/5/6 E/13/7/8 E/13/10/11 E/13/14/15 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
F Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 G/32/0/1 F/20/0/1 E/13/0/1 G/32/1/2 F/20/1/2 F/20/2/3 F/20/3/4 F/20/5/6 F/20/7/8 F/20/10/11 F/20/14/15 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
G Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 G/32/0/1 F/20/0/1 H/50/1/2 G/32/1/2 G/32/2/3 G/32/3/4 G/32/5/6 G/32/7/8 G/32/10/11 G/32/14/15 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
H Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 G/32/0/1 J/80/1/2 H/50/1/2 H/50/2/3 H/50/3/4 H/50/5/6 H/50/7/8 H/50/10/11 H/50/14/15 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
J Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 H/50/0/1 K/125/1/2 J/80/1/2 J/80/2/3 J/80/3/4 J/80/5/6 J/80/7/8 J/80/10/11 J/80/14/15 J/80/21/22 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
K Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 J/80/0/1 L/200/1/2 K/125/1/2 K/125/2/3 K/125/3/4 K/125/5/6 K/125/7/8 K/125/10/11 K/125/14/15 K/125/21/22 J/80/21/22 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
L Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 K/125/0/1 M/315/1/2 L/200/1/2 L/200/2/3 L/200/3/4 L/200/5/6 L/200/7/8 L/200/10/11 L/200/14/15 L/200/21/22 K/125/21/22 J/80/21/22 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
M Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 L/200/0/1 N/500/1/2 M/315/1/2 M/315/2/3 M/315/3/4 M/315/5/6 M/315/7/8 M/315/10/11 M/315/14/15 M/315/21/22 L/200/21/22 K/125/21/22 J/80/21/22 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
N Q/1250/0/1 P/800/0/1 N/500/0/1 M/315/0/1 P/800/1/2 N/500/1/2 N/500/2/3 N/500/3/4 N/500/5/6 N/500/7/8 N/500/10/11 N/500/14/15 N/500/21/22 M/315/21/22 L/200/21/22 K/125/21/22 J/80/21/22 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
P Q/1250/0/1 P/800/0/1 N/500/0/1 Q/1250/1/2 P/800/1/2 P/800/2/3 P/800/3/4 P/800/5/6 P/800/7/8 P/800/10/11 P/800/14/15 P/800/21/22 N/500/21/22 M/315/21/22 L/200/21/22 K/125/21/22 J/80/21/22 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
Q Q/1250/0/1 P/800/0/1 R/2000/1/2 Q/1250/1/2 Q/1250/2/3 Q/1250/3/4 Q/1250/5/6 Q/1250/7/8 Q/1250/10/11 Q/1250/14/15 Q/1250/21/22 P/800/21/22 N/500/21/22 M/315/21/22 L/200/21/22 K/125/21/22 J/80/21/22 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
R Q/1250/0/1 P/800/0/1 R/2000/1/2 R/2000/2/3 R/2000/3/4 R/2000/5/6 R/2000/7/8 R/2000/10/11 R/2000/14/15 R/2000/21/22 Q/1250/21/22 P/800/21/22 N/500/21/22 M/315/21/22 L/200/21/22 K/125/21/22 J/80/21/22 H/50/21/22 G/32/21/22 F/20/21/22 E/13/21/22 E/13/30/31 E/13/44/45 D/8/44/45 C/5/44/45 B/3/44/45
`;

/** GB/T 2828.1-2012 Table 1: lot size range, then S-1 S-2 S-3 S-4 I II III. */
const GBT_2828_1_TABLE_1 = `
2 8 A A A A A A B
9 15 A A A A A B C
16 25 A A B B B C D
26 50 A B B C C D E
51 90 B B C C C E F
91 150 B B C D D F G
151 280 B C D E E G H
281 500 B C D E F H J
501 1200 C C E F G J K
1201 3200 C D E G H K L
3201 10000 C D F G J L M
10001 35000 C D F H K M N
35001 150000 D E G J L N P
150001 500000 D E G J M P Q
500001 - D E H K N Q R
`;

const rows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));

/** A lot size and inspection level whose Table 1 code letter is the given one. */
const lotFor = (letter: CodeLetter) => {
  for (const level of INSPECTION_LEVELS)
    for (const r of SAMPLE_SIZE_CODE_LETTERS)
      if (r.letters[level] === letter) return { lotSize: r.minLot, level };
  throw new Error(`no lot gets code letter ${letter}`);
};

const show = (letter: CodeLetter, aql: number): string => {
  const cell = table2ACell(letter, aql);
  return cell === 'up' ? '↑' : cell === 'down' ? '↓' : `${cell.accept}/${cell.reject}`;
};

describe('Table 2-A against GB/T 2828.1-2012 (= ISO 2859-1:1999), every cell', () => {
  const reference = new Map(rows(GBT_2828_1_TABLE_2A).map(([letter, ...cells]) => [letter, cells]));

  it('has 16 rows of 26 cells, one per code letter and AQL', () => {
    expect([...reference.keys()]).toEqual([...CODE_LETTERS]);
    for (const cells of reference.values()) expect(cells).toHaveLength(AQL_SERIES.length);
    for (const letter of CODE_LETTERS)
      expect(TABLE_2A_NORMAL[letter].trim().split(/\s+/)).toHaveLength(AQL_SERIES.length);
  });

  const cases = CODE_LETTERS.flatMap((letter) =>
    AQL_SERIES.map((aql, column) => [letter, aql, reference.get(letter)![column]!] as const),
  );

  it.each(cases)('%s at AQL %f resolves to %s', (letter, aql, expected) => {
    const [finalLetter, n, ac, re] = expected.split('/');
    const row = CODE_LETTERS.indexOf(letter);
    const target = CODE_LETTERS.indexOf(finalLetter as CodeLetter);
    expect(target).toBeGreaterThanOrEqual(0);
    // The raw cell: a plan of its own row, or an arrow pointing towards the row whose plan is used.
    expect(show(letter, aql)).toBe(target === row ? `${ac}/${re}` : target > row ? '↓' : '↑');
    // The plan samplingPlan reaches by following the arrows from a lot that gets this code letter.
    const p = samplingPlan({ aql, ...lotFor(letter) });
    expect(p.codeLetter).toBe(letter);
    expect([p.planLetter, SAMPLE_SIZES[p.planLetter], p.accept, p.reject]).toEqual([
      finalLetter,
      Number(n),
      Number(ac),
      Number(re),
    ]);
  });
});

describe('Table 1 against GB/T 2828.1-2012 (= ISO 2859-1:1999), every cell', () => {
  const reference = rows(GBT_2828_1_TABLE_1);

  it('has the same 15 lot size ranges', () => {
    expect(SAMPLE_SIZE_CODE_LETTERS.map((r) => [r.minLot, r.maxLot])).toEqual(
      reference.map(([min, max]) => [Number(min), max === '-' ? Infinity : Number(max)]),
    );
  });

  it.each(reference)('lots %s to %s: S-1 … III are %s %s %s %s %s %s %s', (min, max, ...letters) => {
    for (const lot of [Number(min), max === '-' ? 10_000_000 : Number(max)])
      expect(INSPECTION_LEVELS.map((level) => codeLetterFor(lot, level))).toEqual(letters);
  });
});

describe('second sources (partial)', () => {
  // MIL-STD-105E Table II-A: the plans of each row from left to right (scribd "Tablas" prints B–E's last
  // plan as "44 65", a slip for 44 45: Re = Ac + 1 everywhere in the table).
  const series = ['0/1', '1/2', '2/3', '3/4', '5/6', '7/8', '10/11', '14/15', '21/22', '30/31', '44/45'];
  const planCount: Record<CodeLetter, number> = {
    A: 10,
    B: 11,
    C: 11,
    D: 11,
    E: 11,
    F: 9,
    G: 9,
    H: 9,
    J: 9,
    K: 9,
    L: 9,
    M: 9,
    N: 9,
    P: 9,
    Q: 9,
    R: 9,
  };

  it.each([...CODE_LETTERS])('MIL-STD-105E row %s lists the same plans in the same order', (letter) => {
    const plans = AQL_SERIES.map((aql) => show(letter, aql)).filter((c) => c !== '↑' && c !== '↓');
    const expected = series.slice(0, planCount[letter]);
    expect(plans).toEqual(letter === 'R' ? expected.slice(1) : expected);
  });

  // qualitycontrolpartners.com/aql-tables, AQL 0.065 … 6.5: "." is a cell without a plan (an arrow).
  const qcp: Record<string, string> = {
    A: '. . . . . . . . . . 0/1',
    B: '. . . . . . . . . 0/1 .',
    C: '. . . . . . . . 0/1 . .',
    D: '. . . . . . . 0/1 . . 1/2',
    E: '. . . . . . 0/1 . . 1/2 2/3',
    F: '. . . . . 0/1 . . 1/2 2/3 3/4',
    G: '. . . . 0/1 . . 1/2 2/3 3/4 5/6',
    H: '. . . 0/1 . . 1/2 2/3 3/4 5/6 7/8',
    J: '. . 0/1 . . 1/2 2/3 3/4 5/6 7/8 10/11',
    K: '. 0/1 . . 1/2 2/3 3/4 5/6 7/8 10/11 14/15',
    L: '0/1 . . 1/2 2/3 3/4 5/6 7/8', // the stored copy stops after AQL 1.5
  };

  it.each(Object.entries(qcp))('qualitycontrolpartners row %s: %s', (letter, expected) => {
    const cells = expected.split(' ');
    const aqls = AQL_SERIES.filter((a) => a >= 0.065 && a <= 6.5).slice(0, cells.length);
    const ours = aqls
      .map((aql) => show(letter as CodeLetter, aql))
      .map((c) => (c === '↑' || c === '↓' ? '.' : c));
    expect(ours.join(' ')).toBe(expected);
  });

  // NIBS Table 1-A (MIL-STD-105E, level II rows), AQL 0.65 … 15: Re numbers, \/ arrowhead down, /\ arrowhead
  // up, || an arrow's shaft (either direction).
  const nibs: Record<string, string> = {
    A: '|| || || || \\/ 1 /\\ \\/',
    B: '|| || || \\/ 1 /\\ \\/ 2',
    C: '|| || \\/ 1 /\\ \\/ 2 3',
    D: '|| \\/ 1 /\\ \\/ 2 3 4',
    E: '\\/ 1 /\\ \\/ 2 3 4 6',
    F: '1 /\\ \\/ 2 3 4 6 8',
    G: '/\\ \\/ 2 3 4 6 8 11',
    H: '\\/ 2 3 4 6 8 11 15',
    J: '2 3 4 6 8 11 15 22',
    K: '3 4 6 8 11 15 22 /\\',
    L: '4 6 8 11 15 22 /\\ ||',
    M: '6 8 11 15 22 /\\ || ||',
    N: '8 11 15 22 /\\ || || ||',
    P: '11 15 22 /\\ || || || ||',
    Q: '15 22 /\\ || || || || ||',
  };

  it.each(Object.entries(nibs))('NIBS row %s: %s', (letter, expected) => {
    const aqls = AQL_SERIES.filter((a) => a >= 0.65 && a <= 15);
    expected.split(' ').forEach((mark, i) => {
      const aql = aqls[i]!;
      if (letter === 'A' && aql === 10) return; // NIBS ↑ where ISO 2859-1 has ↓ (see the header)
      const cell = table2ACell(letter as CodeLetter, aql);
      if (mark === '\\/') expect(cell, `${letter} ${aql}`).toBe('down');
      else if (mark === '/\\') expect(cell, `${letter} ${aql}`).toBe('up');
      else if (mark === '||') expect(['up', 'down'], `${letter} ${aql}`).toContain(cell);
      else expect(cell, `${letter} ${aql}`).toMatchObject({ reject: Number(mark) });
    });
  });
});
