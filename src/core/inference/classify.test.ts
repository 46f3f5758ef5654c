import { describe, expect, it } from 'vitest';
import { sigmoid, softmax, tagsFromLogits, topTags } from './classify';

describe('softmax', () => {
  it('gives probabilities that sum to 1 in the logits order', () => {
    const p = softmax([1, 2, 3]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const sum = e[0]! + e[1]! + e[2]!;
    expect([...p].map((v) => v.toFixed(12))).toEqual(e.map((v) => (v / sum).toFixed(12)));
  });

  it('stays finite for huge logits and is unchanged by a shift', () => {
    const p = softmax([1000, 1001, 1002]);
    expect([...p].every(Number.isFinite)).toBe(true);
    const q = softmax([0, 1, 2]);
    for (let i = 0; i < 3; i++) expect(p[i]).toBeCloseTo(q[i]!, 12);
    expect([...softmax([-1e6, 0])]).toEqual([0, 1]);
  });

  it('is uniform when every logit is −Infinity and empty for no logits', () => {
    expect([...softmax([-Infinity, -Infinity])]).toEqual([0.5, 0.5]);
    expect(softmax([]).length).toBe(0);
  });
});

describe('sigmoid', () => {
  it('is 0.5 at 0, symmetric, and does not overflow', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
  });
});

describe('topTags', () => {
  const names = ['cat', 'dog', 'bird', 'fish'];

  it('returns the k best at or above the threshold, best first, with names', () => {
    expect(topTags([0.1, 0.5, 0.3, 0.1], { k: 2, names })).toEqual([
      { classIndex: 1, name: 'dog', score: 0.5 },
      { classIndex: 2, name: 'bird', score: 0.3 },
    ]);
    expect(topTags([0.1, 0.5, 0.3, 0.1], { k: 5, threshold: 0.3 }).map((t) => t.classIndex)).toEqual([1, 2]);
  });

  it('breaks ties by class index and returns nothing for k 0', () => {
    expect(topTags([0.25, 0.25, 0.25, 0.25], { k: 3 }).map((t) => t.classIndex)).toEqual([0, 1, 2]);
    expect(topTags([0.25, 0.75], { k: 0 })).toEqual([]);
  });
});

describe('tagsFromLogits', () => {
  it('single-label: softmax then top-k', () => {
    const tags = tagsFromLogits([2, 0, 1], 'single-label', { k: 1, names: ['a', 'b', 'c'] });
    expect(tags).toEqual([{ classIndex: 0, name: 'a', score: softmax([2, 0, 1])[0] }]);
  });

  it('multi-label: each class on its own, several can pass', () => {
    const tags = tagsFromLogits([3, -3, 1, 0], 'multi-label', { threshold: 0.5 });
    expect(tags.map((t) => t.classIndex)).toEqual([0, 2, 3]);
    expect(tags[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 15);
    expect(tags[2]!.score).toBe(0.5);
  });
});
