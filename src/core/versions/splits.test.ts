import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImageId } from '../ids';
import { seededRandom } from './random';
import {
  assignSplits,
  groupByFolder,
  type SplitCandidate,
  type SplitOptions,
  type SplitStrategy,
} from './splits';
import { SPLITS, type Split } from './types';

const candidates = (
  n: number,
  label = (_i: number): string[] => [],
  group?: (i: number) => string | undefined,
) =>
  Array.from({ length: n }, (_, i): SplitCandidate => {
    const g = group?.(i);
    return {
      imageId: `img-${String(i).padStart(5, '0')}` as ImageId,
      classIds: label(i),
      ...(g === undefined ? {} : { group: g }),
    };
  });

const sizes = (splits: ReadonlyMap<ImageId, Split>) => {
  const out = { train: 0, val: 0, test: 0 };
  for (const split of splits.values()) out[split]++;
  return out;
};

const ratios = { train: 0.7, val: 0.2, test: 0.1 };
const STRATEGIES: SplitStrategy[] = ['random', 'stratified', 'group'];

describe('seededRandom', () => {
  it('gives the same numbers for the same seed on every run, and numbers in [0, 1)', () => {
    const first = Array.from({ length: 3 }, seededRandom('labelloop'));
    expect(Array.from({ length: 3 }, seededRandom('labelloop'))).toEqual(first);
    // Pinned values: a change here would silently reshuffle every user's splits.
    expect(first.map((x) => x.toFixed(6))).toMatchInlineSnapshot(`
      [
        "0.484288",
        "0.041677",
        "0.898219",
      ]
    `);
    const random = seededRandom(42);
    for (let i = 0; i < 1000; i++) expect(random()).toSatisfy((x: number) => x >= 0 && x < 1);
  });
});

describe('assignSplits', () => {
  const images = candidates(
    200,
    (i) => (i % 3 === 0 ? ['car'] : ['person']),
    (i) => `seq-${Math.floor(i / 4)}`,
  );

  it.each(STRATEGIES)('%s: the same seed gives the same splits, another seed other splits', (strategy) => {
    const options: SplitOptions = { ratios, seed: 7, strategy };
    const first = assignSplits(images, options);
    expect([...assignSplits(images, options)]).toEqual([...first]);
    expect([...assignSplits([...images].reverse(), options)]).toEqual([...first]);
    const other = assignSplits(images, { ...options, seed: 8 });
    expect([...other].filter(([id, split]) => first.get(id) !== split).length).toBeGreaterThan(20);
  });

  it('random: every split is within one image of its ratio, for any size and ratios', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.tuple(fc.nat(10), fc.nat(10), fc.nat(10)).filter(([a, b, c]) => a + b + c > 0),
        fc.string(),
        (n, [train, val, test], seed) => {
          const result = assignSplits(candidates(n), {
            ratios: { train, val, test },
            seed,
            strategy: 'random',
          });
          expect(result.size).toBe(n);
          const got = sizes(result);
          const total = train + val + test;
          for (const split of SPLITS) {
            expect(Math.abs(got[split] - (n * { train, val, test }[split]) / total)).toBeLessThan(1);
          }
        },
      ),
    );
  });

  it('random: 1000 images at 70/20/10 split into exactly 700, 200 and 100', () => {
    expect(sizes(assignSplits(candidates(1000), { ratios, seed: 'x', strategy: 'random' }))).toEqual({
      train: 700,
      val: 200,
      test: 100,
    });
  });

  it('stratified: every class, rare ones included, lands close to 70/20/10, much closer than a random split', () => {
    // Multi-label set: a common class, a middling one, and two rare ones that co-occur with them.
    const random = seededRandom('dataset');
    const multiLabel = candidates(1000, () => {
      const labels: string[] = [];
      if (random() < 0.6) labels.push('car');
      if (random() < 0.3) labels.push('person');
      if (random() < 0.04) labels.push('bicycle');
      if (random() < 0.02) labels.push('bus');
      return labels;
    });
    // Largest gap, over classes and splits, between a class's share in a split and that split's ratio.
    const worstDeviation = (splits: ReadonlyMap<ImageId, Split>) => {
      let worst = 0;
      for (const label of ['car', 'person', 'bicycle', 'bus']) {
        const withLabel = multiLabel.filter((image) => image.classIds.includes(label));
        for (const split of SPLITS) {
          const share =
            withLabel.filter((image) => splits.get(image.imageId) === split).length / withLabel.length;
          worst = Math.max(worst, Math.abs(share - ratios[split]));
        }
      }
      return worst;
    };
    const seeds = [1, 2, 3, 4, 5];
    const stratified = seeds.map((seed) =>
      worstDeviation(assignSplits(multiLabel, { ratios, seed, strategy: 'stratified' })),
    );
    const shuffledOnly = seeds.map((seed) =>
      worstDeviation(assignSplits(multiLabel, { ratios, seed, strategy: 'random' })),
    );
    expect(Math.max(...stratified)).toBeLessThan(0.03);
    expect(Math.min(...shuffledOnly)).toBeGreaterThan(Math.max(...stratified));
    expect(sizes(assignSplits(multiLabel, { ratios, seed: 1, strategy: 'stratified' }))).toEqual({
      train: 700,
      val: 200,
      test: 100,
    });
  });

  it('group: never puts two images of one group in different splits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }), { maxLength: 300 }),
        fc.integer(),
        (groups, seed) => {
          const images = candidates(groups.length, undefined, (i) =>
            groups[i] === undefined ? undefined : `g${groups[i]}`,
          );
          const result = assignSplits(images, { ratios, seed, strategy: 'group' });
          const splitOfGroup = new Map<string, Split>();
          for (const image of images) {
            if (image.group === undefined) continue;
            const split = result.get(image.imageId)!;
            expect(splitOfGroup.get(image.group) ?? split).toBe(split);
            splitOfGroup.set(image.group, split);
          }
          expect(result.size).toBe(images.length);
        },
      ),
    );
  });

  it('group: 100 sequences of 10 frames fill 70/20/10 exactly, whole sequences each', () => {
    const frames = candidates(1000, undefined, (i) => `seq-${Math.floor(i / 10)}`);
    expect(sizes(assignSplits(frames, { ratios, seed: 3, strategy: 'group' }))).toEqual({
      train: 700,
      val: 200,
      test: 100,
    });
  });

  it.each(STRATEGIES)(
    '%s: adding 20%% new images moves no old image and brings totals back to the ratios',
    (strategy) => {
      const old = candidates(
        1000,
        (i) => (i % 5 === 0 ? ['bus'] : ['car']),
        (i) => `seq-${Math.floor(i / 5)}`,
      );
      const existing = assignSplits(old, { ratios, seed: 1, strategy });
      // New images: new sequences, except the first five frames which extend an old sequence.
      const added = candidates(
        1200,
        (i) => (i % 5 === 0 ? ['bus'] : ['car']),
        (i) => `seq-${Math.floor(i / 5)}`,
      ).slice(995);
      const all = [...old, ...added];
      const result = assignSplits(all, { ratios, seed: 99, strategy, existing });
      for (const [id, split] of existing) expect(result.get(id)).toBe(split);
      const got = sizes(result);
      for (const split of SPLITS)
        expect(Math.abs(got[split] - ratios[split] * all.length)).toBeLessThanOrEqual(5);
      if (strategy === 'group') expect(result.get(added[0]!.imageId)).toBe(existing.get(old[995]!.imageId));
    },
  );

  it('fills the shortfall when old splits are off target, without moving them', () => {
    const old = candidates(100);
    const existing = new Map(old.map((image) => [image.imageId, 'train' as Split]));
    const all = candidates(200);
    const got = sizes(
      assignSplits(all, { ratios: { train: 1, val: 1, test: 0 }, seed: 1, strategy: 'random', existing }),
    );
    expect(got).toEqual({ train: 100, val: 100, test: 0 });
  });

  it('refuses negative or all-zero ratios', () => {
    expect(() =>
      assignSplits([], { ratios: { train: -1, val: 1, test: 1 }, seed: 1, strategy: 'random' }),
    ).toThrow(RangeError);
    expect(() =>
      assignSplits([], { ratios: { train: 0, val: 0, test: 0 }, seed: 1, strategy: 'random' }),
    ).toThrow(/above zero/);
  });
});

describe('groupByFolder', () => {
  it('groups by the folder part of a relative path, with images at the root in one group', () => {
    expect(groupByFolder('cam1/2024-05-01/0001.jpg')).toBe('cam1/2024-05-01');
    expect(groupByFolder('cam1\\0001.jpg')).toBe('cam1');
    expect(groupByFolder('0001.jpg')).toBe('.');
  });
});
