/** Helpers of the annotator checks: the peers' median without re-sorting. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianWithout } from './consistencyAnnotators';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

describe('medianWithout', () => {
  it("equals the median of the others' values, repeated values included", () => {
    const value = fc.integer({ min: 0, max: 5 });
    fc.assert(
      fc.property(fc.array(value), fc.array(value, { minLength: 1 }), (mine, theirs) => {
        const everyone = Float64Array.from([...mine, ...theirs]).sort();
        expect(medianWithout(everyone, Float64Array.from(mine).sort())).toBe(median(theirs));
      }),
    );
  });
});
