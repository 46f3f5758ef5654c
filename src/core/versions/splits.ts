/**
 * Train/val/test assignment by ratio and seed: random, stratified by class, or keeping leakage groups whole,
 * and stable across versions (assigned images never move; new ones fill the ratios around them).
 */

import type { ImageId } from '../ids';
import { compareIds, perSplit } from './order';
import { seededRandom, shuffled } from './random';
import { SPLITS, type Split } from './types';

export interface SplitCandidate {
  readonly imageId: ImageId;
  /** Classes the image holds (annotations and tags); stratification balances each of them. */
  readonly classIds: readonly string[];
  /** Leakage group: images with the same value land in one split under the `group` strategy. */
  readonly group?: string;
}

export type SplitRatios = Readonly<Record<Split, number>>;
export type SplitStrategy = 'random' | 'stratified' | 'group';

export interface SplitOptions {
  /** Relative sizes; normalised, so 70/20/10 and 0.7/0.2/0.1 are the same. */
  readonly ratios: SplitRatios;
  readonly seed: number | string;
  readonly strategy: SplitStrategy;
  /** Splits from earlier versions; these images keep them. */
  readonly existing?: ReadonlyMap<ImageId, Split>;
}

/**
 * A split for every image. The result depends on the set of images, the options and nothing else (not the
 * order images are passed in): candidates are sorted by id before the seeded shuffle. Throws RangeError
 * for negative, non-finite or all-zero ratios.
 */
export function assignSplits(images: readonly SplitCandidate[], options: SplitOptions): Map<ImageId, Split> {
  const ratios = normalizeRatios(options.ratios);
  const random = seededRandom(options.seed);
  const byId = new Map<ImageId, SplitCandidate>();
  for (const image of images) if (!byId.has(image.imageId)) byId.set(image.imageId, image);
  const sorted = [...byId.values()].sort((a, b) => compareIds(a.imageId, b.imageId));

  const assigned = new Map<ImageId, Split>();
  const fresh: SplitCandidate[] = [];
  for (const image of sorted) {
    const kept = options.existing?.get(image.imageId);
    if (kept === undefined) fresh.push(image);
    else assigned.set(image.imageId, kept);
  }

  const context: SplitContext = { ratios, random, all: sorted, fresh, assigned };
  if (options.strategy === 'random') assignRandom(context);
  else if (options.strategy === 'stratified') assignStratified(context);
  else assignGroups(context);

  // Insertion order follows image ids, so iterating the map is deterministic too.
  return new Map(sorted.map((image) => [image.imageId, assigned.get(image.imageId)!]));
}

/** The folder an image's relative path sits in, as a group: frames of one capture usually share a folder. */
export function groupByFolder(relPath: string): string {
  const path = relPath.replace(/\\/g, '/');
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '.' : path.slice(0, slash);
}

interface SplitContext {
  readonly ratios: SplitRatios;
  readonly random: () => number;
  readonly all: readonly SplitCandidate[];
  readonly fresh: readonly SplitCandidate[];
  /** Filled in place: starts with the kept splits, ends with every image. */
  readonly assigned: Map<ImageId, Split>;
}

function normalizeRatios(ratios: SplitRatios): SplitRatios {
  const values = SPLITS.map((split) => ratios[split]);
  if (values.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new RangeError(`split ratios must be finite and not negative, got ${JSON.stringify(ratios)}`);
  }
  const total = values.reduce((sum, value) => sum + value, 0);
  if (total <= 0) throw new RangeError('at least one split ratio must be above zero');
  return perSplit((split) => ratios[split] / total);
}

/** Images already in each split, among those being assigned now. */
function keptSizes(context: SplitContext): Record<Split, number> {
  const sizes = perSplit(() => 0);
  for (const split of context.assigned.values()) sizes[split]++;
  return sizes;
}

/**
 * How many new images each split takes: each split's shortfall against its ratio of the final total, with
 * `count` shared out by largest remainder (Hamilton's method) so the sizes add up exactly and each is
 * within one image of its share. Splits already over target take none; old images are never moved.
 */
function newImageQuotas(context: SplitContext, count: number): Record<Split, number> {
  const total = context.all.length;
  const kept = keptSizes(context);
  const shortfall = perSplit((split) => Math.max(0, context.ratios[split] * total - kept[split]));
  return apportion(count, shortfall);
}

function apportion(count: number, weights: Readonly<Record<Split, number>>): Record<Split, number> {
  const sum = SPLITS.reduce((s, split) => s + weights[split], 0);
  if (sum <= 0 || count === 0) return perSplit((split) => (split === 'train' ? count : 0));
  const exact = perSplit((split) => (count * weights[split]) / sum);
  const quotas = perSplit((split) => Math.floor(exact[split]));
  let left = count - SPLITS.reduce((s, split) => s + quotas[split], 0);
  const byRemainder = SPLITS.filter((split) => weights[split] > 0).sort(
    (a, b) => exact[b] - quotas[b] - (exact[a] - quotas[a]),
  );
  for (let i = 0; left > 0; i = (i + 1) % byRemainder.length, left--) quotas[byRemainder[i]!]++;
  return quotas;
}

/** Shuffle, then cut the new images by quota in split order. */
function assignRandom(context: SplitContext): void {
  const quotas = newImageQuotas(context, context.fresh.length);
  fill(shuffled(context.fresh, context.random), quotas, context.assigned);
}

function fill(
  images: readonly SplitCandidate[],
  quotas: Record<Split, number>,
  out: Map<ImageId, Split>,
): void {
  let index = 0;
  for (const split of SPLITS) {
    for (let n = 0; n < quotas[split] && index < images.length; n++) out.set(images[index++]!.imageId, split);
  }
}

/**
 * Iterative stratification for multi-label data (Sechidis, Tsoumakas & Vlahavas 2011, "On the
 * Stratification of Multi-Label Data", ECML PKDD, Algorithm 1): take the label with the fewest images
 * left, give each of its images to the split that most wants that label (ties: the split that wants the
 * most images, then random), repeat. One change: a split whose quota is full takes no more, so split
 * sizes match the ratios exactly. Kept images count towards each label's desired numbers.
 */
function assignStratified(context: SplitContext): void {
  const { ratios, random, assigned } = context;
  const capacity = newImageQuotas(context, context.fresh.length);

  const labelsOf = (image: SplitCandidate) => [...new Set(image.classIds)];
  const totalPerLabel = new Map<string, number>();
  const keptPerLabel = new Map<string, Record<Split, number>>();
  for (const image of context.all) {
    const kept = assigned.get(image.imageId);
    for (const label of labelsOf(image)) {
      totalPerLabel.set(label, (totalPerLabel.get(label) ?? 0) + 1);
      if (kept === undefined) continue;
      let row = keptPerLabel.get(label);
      if (!row) keptPerLabel.set(label, (row = perSplit(() => 0)));
      row[kept]++;
    }
  }
  const wanted = new Map<string, Record<Split, number>>();
  for (const [label, total] of totalPerLabel) {
    const kept = keptPerLabel.get(label);
    wanted.set(
      label,
      perSplit((split) => ratios[split] * total - (kept?.[split] ?? 0)),
    );
  }

  const order = shuffled(context.fresh, random);
  const imagesWith = new Map<string, SplitCandidate[]>();
  const unlabeled: SplitCandidate[] = [];
  for (const image of order) {
    const labels = labelsOf(image);
    if (labels.length === 0) unlabeled.push(image);
    for (const label of labels) {
      let list = imagesWith.get(label);
      if (!list) imagesWith.set(label, (list = []));
      list.push(image);
    }
  }
  const remaining = new Map([...imagesWith].map(([label, list]) => [label, list.length]));
  // Random tie-breaking between equally rare labels, fixed by the seed.
  const labels = shuffled([...imagesWith.keys()].sort(compareIds), random);

  for (;;) {
    let rarest: string | undefined;
    for (const label of labels) {
      const left = remaining.get(label)!;
      if (left > 0 && (rarest === undefined || left < remaining.get(rarest)!)) rarest = label;
    }
    if (rarest === undefined) break;
    const want = wanted.get(rarest)!;
    for (const image of imagesWith.get(rarest)!) {
      if (assigned.has(image.imageId)) continue;
      const open = SPLITS.filter((split) => capacity[split] > 0);
      const split = pickBest(open, [(s) => want[s], (s) => capacity[s]], random);
      assigned.set(image.imageId, split);
      capacity[split]--;
      for (const label of labelsOf(image)) {
        wanted.get(label)![split]--;
        remaining.set(label, remaining.get(label)! - 1);
      }
    }
  }
  fill(unlabeled, capacity, assigned);
}

/** The split scoring highest on the first key, ties broken by the next keys, then at random. */
function pickBest(
  splits: readonly Split[],
  keys: readonly ((split: Split) => number)[],
  random: () => number,
): Split {
  let best = [...splits];
  for (const key of keys) {
    const top = Math.max(...best.map(key));
    best = best.filter((split) => key(split) === top);
    if (best.length === 1) return best[0]!;
  }
  return best[Math.floor(random() * best.length)]!;
}

/**
 * Whole groups to one split, so near-identical frames never sit on both sides of an evaluation. A new
 * image whose group already has images joins their split (the most common one, should an older version
 * have split the group). Other groups go largest first, each to the split furthest below its target
 * (greedy number partitioning, Graham's LPT rule); images without a group are groups of one.
 */
function assignGroups(context: SplitContext): void {
  const { ratios, assigned } = context;
  const total = context.all.length;

  const keptSplitsOfGroup = new Map<string, Record<Split, number>>();
  for (const image of context.all) {
    const kept = assigned.get(image.imageId);
    if (kept === undefined || image.group === undefined) continue;
    let row = keptSplitsOfGroup.get(image.group);
    if (!row) keptSplitsOfGroup.set(image.group, (row = perSplit(() => 0)));
    row[kept]++;
  }

  const groups = new Map<string, SplitCandidate[]>();
  const units: SplitCandidate[][] = [];
  for (const image of context.fresh) {
    const row = image.group === undefined ? undefined : keptSplitsOfGroup.get(image.group);
    if (row) {
      assigned.set(
        image.imageId,
        pickBest(SPLITS, [(s) => row[s]], () => 0),
      );
    } else if (image.group === undefined) {
      units.push([image]);
    } else {
      let members = groups.get(image.group);
      if (!members) groups.set(image.group, (members = []));
      members.push(image);
    }
  }
  for (const key of [...groups.keys()].sort(compareIds)) units.push(groups.get(key)!);

  const sizes = keptSizes(context);
  const open = SPLITS.filter((split) => ratios[split] > 0);
  // Shuffle first so equal-sized groups fall in a seeded random order; the sort is stable.
  const largestFirst = shuffled(units, context.random).sort((a, b) => b.length - a.length);
  for (const unit of largestFirst) {
    const split = pickBest(open, [(s) => ratios[s] * total - sizes[s], (s) => ratios[s]], () => 0);
    for (const image of unit) assigned.set(image.imageId, split);
    sizes[split] += unit.length;
  }
}
