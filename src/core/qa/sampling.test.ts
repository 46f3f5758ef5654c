/**
 * ISO 2859-1 single sampling (normal inspection): Table 1 code letters, Table 2-A plans with arrows, lot
 * judgement and seeded sampling. Cells are checked against public reproductions named at each test.
 */

import { describe, expect, it } from 'vitest';
import {
  AQL_SERIES,
  CODE_LETTERS,
  INSPECTION_LEVELS,
  SAMPLE_SIZE_CODE_LETTERS,
  SAMPLE_SIZES,
  codeLetterFor,
  drawSample,
  judgeLot,
  samplingPlan,
  table2ACell,
  type InspectionLevel,
} from './sampling';

const plan = (lotSize: number, aql: number, level: InspectionLevel = 'II') => {
  const p = samplingPlan({ lotSize, aql, level });
  return [p.codeLetter, p.planLetter, p.sampleSize, p.accept, p.reject] as const;
};

describe('Table 1: sample size code letters', () => {
  // Columns S-1 S-2 S-3 S-4 I II III, as in ISO 2859-1 Table 1, Z1.4 Table I (pdfcoffee.com "AQL sampling
  // chart", scribd "Plan-Ilha" Tabela I, wisetool.com/sampling.htm).
  const letters = (lot: number) => INSPECTION_LEVELS.map((level) => codeLetterFor(lot, level)).join(' ');

  it.each([
    [2, 'A A A A A A B'],
    [8, 'A A A A A A B'],
    [9, 'A A A A A B C'],
    [15, 'A A A A A B C'],
    [16, 'A A B B B C D'],
    [50, 'A B B C C D E'],
    [51, 'B B C C C E F'],
    [280, 'B C D E E G H'],
    [281, 'B C D E F H J'],
    [1200, 'C C E F G J K'],
    [1201, 'C D E G H K L'],
    [3200, 'C D E G H K L'],
    [3201, 'C D F G J L M'],
    [10000, 'C D F G J L M'],
    [10001, 'C D F H K M N'],
    [35001, 'D E G J L N P'],
    [500000, 'D E G J M P Q'],
    [500001, 'D E H K N Q R'],
    [10_000_000, 'D E H K N Q R'],
  ])('lot %i gets letters %s', (lot, expected) => {
    expect(letters(lot)).toBe(expected);
  });

  it('covers every lot size from 2 upward without gaps or overlaps', () => {
    SAMPLE_SIZE_CODE_LETTERS.forEach((r, i) => {
      const next = SAMPLE_SIZE_CODE_LETTERS[i + 1];
      if (next) expect(next.minLot).toBe(r.maxLot + 1);
    });
    expect(SAMPLE_SIZE_CODE_LETTERS[0]!.minLot).toBe(2);
    expect(SAMPLE_SIZE_CODE_LETTERS.at(-1)!.maxLot).toBe(Infinity);
  });

  it('maps code letters to the standard sample sizes', () => {
    expect(CODE_LETTERS.map((l) => SAMPLE_SIZES[l])).toEqual([
      2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000,
    ]);
  });
});

describe('Table 2-A: single sampling plans, normal inspection', () => {
  it('lot 3,000 at level II, AQL 1.0 is code K: sample 125, Ac 3, Re 4', () => {
    const p = samplingPlan({ lotSize: 3000, aql: 1.0 });
    expect([p.codeLetter, p.planLetter, p.sampleSize, p.accept, p.reject]).toEqual(['K', 'K', 125, 3, 4]);
    expect(p.standard).toBe('ISO 2859-1:1999, normal inspection, single sampling');
    expect(p.explanation).toBe(
      'Lot of 3,000 at general level II → code letter K; AQL 1.0 → sample 125, accept with ≤ 3 defective, reject with ≥ 4',
    );
  });

  // aqlrule.com/manual/examples.html, Example 1: lot 1,000, level II, AQL 1.5 → J, 80, Ac 3 Re 4.
  it('lot 1,000 at level II, AQL 1.5 → J: 80, Ac 3, Re 4', () => {
    expect(plan(1000, 1.5)).toEqual(['J', 'J', 80, 3, 4]);
  });

  // aqlrule.com Example 2: lot 20, level I, AQL 1.5 → B; arrows down through C to D: 8, Ac 0 Re 1.
  it('follows a chain of down arrows: lot 20, level I, AQL 1.5 → B → D: 8, Ac 0, Re 1', () => {
    expect(plan(20, 1.5, 'I')).toEqual(['B', 'D', 8, 0, 1]);
  });

  // qualitysky.com/fqas: lot 5,000, level II → 200; AQL 2.5 → Ac 10.
  it('lot 5,000 at level II, AQL 2.5 → L: 200, Ac 10, Re 11', () => {
    expect(plan(5000, 2.5)).toEqual(['L', 'L', 200, 10, 11]);
  });

  // aqlinspectorsrule.com/below: the 0/1 plan sits under Q for 0.010, P for 0.015, N for 0.025, M for 0.040.
  it.each([
    ['Q', 0.01],
    ['P', 0.015],
    ['N', 0.025],
    ['M', 0.04],
  ] as const)('the 0/1 plan for the smallest AQLs: %s at %f', (letter, aql) => {
    expect(table2ACell(letter, aql)).toEqual({ accept: 0, reject: 1 });
  });

  // aqlinspectorsrule.com/below: "for AQL 0.015 and code letter R move to letter P: 800, Ac 0, Re 1".
  it('follows up arrows at the bottom edge: code R, AQL 0.015 → P: 800, Ac 0, Re 1', () => {
    expect(plan(600000, 0.015, 'III')).toEqual(['R', 'P', 800, 0, 1]);
  });

  // aqlinspectorsrule.com/manual/notes.html: "AQL of 10 and Code Letter A … for Normal … use Code Letter C".
  it('row A at AQL 10 points down to C: 5, Ac 1, Re 2', () => {
    expect(table2ACell('A', 10)).toBe('down');
    expect(plan(8, 10)).toEqual(['A', 'C', 5, 1, 2]);
  });

  it('a small code letter with a small AQL follows the arrow down to a large sample', () => {
    // Lot 3,000 at S-1 is code C (5); at AQL 0.010 the arrow leads to Q: 1,250, Ac 0, Re 1.
    expect(plan(3000, 0.01, 'S-1')).toEqual(['C', 'Q', 1250, 0, 1]);
  });

  it('a large code letter with a large AQL follows the arrow up to a smaller sample', () => {
    // Lot 3,000 at level II is K (125); AQL 25 has no plan at K, the up arrows end at H: 50, Ac 21, Re 22.
    expect(plan(3000, 25)).toEqual(['K', 'H', 50, 21, 22]);
    // Code F at AQL 150 goes up to E: 13, Ac 30, Re 31 (rows F and below stop at 21/22; E reaches 44/45).
    expect(plan(100, 150)).toEqual(['F', 'E', 13, 30, 31]);
    // Code G at AQL 400 goes up past E to D: 8, Ac 44, Re 45.
    expect(plan(200, 400)).toEqual(['G', 'D', 8, 44, 45]);
    // Code C at AQL 1000 goes up to B: 3, Ac 44, Re 45.
    expect(plan(20, 1000)).toEqual(['C', 'B', 3, 44, 45]);
  });

  it('after the 0/1 plan a row reads ↑ then ↓ before 1/2 (K: 0.10, 0.15, 0.25, 0.40)', () => {
    expect(table2ACell('K', 0.1)).toEqual({ accept: 0, reject: 1 });
    expect(plan(3000, 0.15)).toEqual(['K', 'J', 80, 0, 1]);
    expect(plan(3000, 0.25)).toEqual(['K', 'L', 200, 1, 2]);
    expect(plan(3000, 0.4)).toEqual(['K', 'K', 125, 1, 2]);
  });

  // Row tails as printed (GB/T 2828.1-2012 = ISO 2859-1 Table 2-A; MIL-STD-105E Table II-A, see
  // samplingTable.test.ts): A, B, C from AQL 100; D, E, F from AQL 25. ↑ cells continue past the last plan.
  it.each([
    ['A', 100, '5/6 7/8 10/11 14/15 21/22 30/31'],
    ['B', 100, '7/8 10/11 14/15 21/22 30/31 44/45'],
    ['C', 100, '10/11 14/15 21/22 30/31 44/45 ↑'],
    ['D', 25, '5/6 7/8 10/11 14/15 21/22 30/31 44/45 ↑ ↑'],
    ['E', 25, '7/8 10/11 14/15 21/22 30/31 44/45 ↑ ↑ ↑'],
    ['F', 25, '10/11 14/15 21/22 ↑ ↑ ↑ ↑ ↑ ↑'],
  ] as const)('row %s from AQL %f reads %s', (letter, from, expected) => {
    const cells = AQL_SERIES.filter((a) => a >= from).map((a) => {
      const c = table2ACell(letter, a);
      return c === 'up' ? '↑' : c === 'down' ? '↓' : `${c.accept}/${c.reject}`;
    });
    expect(cells.join(' ')).toBe(expected);
  });

  it.each([
    // (letter, AQL) → (n, Ac, Re), widely reproduced level-II cells.
    ['E', 6.5, 13, 2, 3],
    ['E', 1.0, 13, 0, 1],
    ['G', 2.5, 32, 2, 3],
    ['H', 2.5, 50, 3, 4],
    ['J', 2.5, 80, 5, 6],
    ['K', 0.65, 125, 2, 3],
    ['K', 4.0, 125, 10, 11],
    ['M', 1.0, 315, 7, 8],
    ['N', 0.65, 500, 7, 8],
    ['F', 10, 20, 5, 6],
  ] as const)('code %s at AQL %f: %i, Ac %i, Re %i', (letter, aql, n, accept, reject) => {
    expect(table2ACell(letter, aql)).toEqual({ accept, reject });
    expect(SAMPLE_SIZES[letter]).toBe(n);
  });

  it('every cell resolves to a plan with Re = Ac + 1 and the standard Ac series', () => {
    const series = [0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 44];
    for (const level of INSPECTION_LEVELS)
      for (const r of SAMPLE_SIZE_CODE_LETTERS)
        for (const aql of AQL_SERIES) {
          const p = samplingPlan({ lotSize: r.minLot, aql, level });
          expect(p.reject).toBe(p.accept + 1);
          expect(series).toContain(p.accept);
        }
  });

  it('plans run along diagonals: one code letter down is one AQL step left', () => {
    for (let i = 0; i + 1 < CODE_LETTERS.length; i++)
      for (let j = 1; j < AQL_SERIES.length; j++) {
        const here = table2ACell(CODE_LETTERS[i + 1]!, AQL_SERIES[j - 1]!);
        const there = table2ACell(CODE_LETTERS[i]!, AQL_SERIES[j]!);
        if (typeof here === 'object' && typeof there === 'object') expect(here).toEqual(there);
      }
  });

  it('"80 of 3,000 images": level II gives 125 at most AQLs; 80 comes only from these cells', () => {
    expect(samplingPlan({ lotSize: 3000, aql: 1.0 }).sampleSize).toBe(125);
    const eighty = INSPECTION_LEVELS.flatMap((level) =>
      AQL_SERIES.filter((aql) => samplingPlan({ lotSize: 3000, aql, level }).sampleSize === 80).map(
        (aql) => `${level}@${aql}`,
      ),
    );
    expect(eighty).toEqual([
      'S-1@0.15',
      'S-2@0.15',
      'S-3@0.15',
      'S-4@0.15',
      'I@0.15',
      'I@0.65',
      'II@0.15',
      'II@15',
      'III@15',
    ]);
    expect(plan(3000, 0.65, 'I')).toEqual(['H', 'J', 80, 1, 2]);
  });

  it('caps the sample at the lot size (100 % inspection)', () => {
    // Lot 10 at level II is B (3); AQL 0.65 points down to F (20), more than the lot.
    const p = samplingPlan({ lotSize: 10, aql: 0.65 });
    expect([p.codeLetter, p.planLetter, p.sampleSize, p.accept, p.reject]).toEqual(['B', 'F', 10, 0, 1]);
    expect(p.explanation).toContain('covers the lot, so inspect all');
    expect(samplingPlan({ lotSize: 2, aql: 65 }).sampleSize).toBe(2);
  });

  it('words nonconformities for AQLs above 10', () => {
    expect(samplingPlan({ lotSize: 3000, aql: 15 }).explanation).toContain('≤ 21 nonconformities');
  });

  it('rejects bad input with clear RangeErrors', () => {
    expect(() => samplingPlan({ lotSize: 1, aql: 1 })).toThrow(RangeError);
    expect(() => samplingPlan({ lotSize: 1, aql: 1 })).toThrow(/at least 2/);
    expect(() => samplingPlan({ lotSize: 10.5, aql: 1 })).toThrow(RangeError);
    expect(() => samplingPlan({ lotSize: 100, aql: 2 })).toThrow(/AQL 2 is not in the ISO 2859-1 series/);
    expect(() => samplingPlan({ lotSize: 100, aql: 1, level: 'IV' as InspectionLevel })).toThrow(
      /Unknown inspection level "IV"/,
    );
  });
});

describe('judgeLot', () => {
  const p = samplingPlan({ lotSize: 3000, aql: 1.0 });

  it('accepts at Ac and rejects at Re', () => {
    expect(judgeLot(p, 0)).toBe('accept');
    expect(judgeLot(p, 3)).toBe('accept');
    expect(judgeLot(p, 4)).toBe('reject');
    expect(judgeLot(p, 100)).toBe('reject');
  });

  it('refuses negative or fractional counts', () => {
    expect(() => judgeLot(p, -1)).toThrow(RangeError);
    expect(() => judgeLot(p, 1.5)).toThrow(RangeError);
  });
});

describe('drawSample', () => {
  const ids = Array.from({ length: 3000 }, (_, i) => `img-${i}`);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(drawSample(ids, 125, 42)).toEqual(drawSample(ids, 125, 42));
    expect(drawSample(ids, 125, 42)).not.toEqual(drawSample(ids, 125, 43));
  });

  it('draws n distinct ids from the input', () => {
    const sample = drawSample(ids, 125, 7);
    expect(sample).toHaveLength(125);
    expect(new Set(sample).size).toBe(125);
    for (const id of sample) expect(ids).toContain(id);
    expect(drawSample(ids, 3000, 7).slice().sort()).toEqual(ids.slice().sort());
    expect(drawSample(ids, 0, 7)).toEqual([]);
  });

  it('picks each id about equally often over many seeds', () => {
    const small = Array.from({ length: 10 }, (_, i) => `id-${i}`);
    const counts = new Map(small.map((id) => [id, 0]));
    const seeds = 20000;
    for (let seed = 0; seed < seeds; seed++)
      for (const id of drawSample(small, 3, seed)) counts.set(id, counts.get(id)! + 1);
    // Expected 20000 × 3 / 10 = 6000 each; binomial sd ≈ 65, so ±5 % is > 4 sd.
    for (const count of counts.values()) expect(Math.abs(count - 6000)).toBeLessThan(300);
  });

  it('refuses impossible requests', () => {
    expect(() => drawSample(ids, 3001, 1)).toThrow(RangeError);
    expect(() => drawSample(ids, -1, 1)).toThrow(RangeError);
    expect(() => drawSample(['a', 'a'], 1, 1)).toThrow(/distinct/);
  });
});
