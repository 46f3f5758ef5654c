/**
 * Near-duplicate grouping benchmark (`npx tsx bench/nearDuplicates.ts [--quick]`): nearDuplicateGroups of
 * src/core/versions/groups.ts on 100,000 random 64-bit dHashes plus 5,000 planted copies 0–6 bits from a
 * random one of them, at the default distance 6 (7 bands of 9–10 bits).
 *
 * Prints one JSON line per metric on stdout; notes go to stderr.
 * - near_duplicate_groups_N: median of 5 runs; baseline an all-pairs scan (pre-parsed halves) of the first 10,000 hashes scaled
 *   by (N / 10,000)² (the scan is quadratic), so the ratio is what the band index saves.
 * Checks every planted copy landed in its original's group. The LCG's consecutive words are correlated, so
 * a handful of "random" hashes are genuinely within 6 bits of each other (8 pairs here, each checked).
 */

import type { ImageId } from '../src/core/ids';
import { hammingDistance, nearDuplicateGroups, type HashedImage } from '../src/core/versions/groups';
import { note, prng } from './support/common';

const QUICK = process.argv.includes('--quick');
const RANDOM = QUICK ? 20_000 : 100_000;
const PLANTED = QUICK ? 1_000 : 5_000;
const RUNS = 5;

const random = prng(7);
const word = () => Math.floor(random() * 2 ** 32);
const hex = (hi: number, lo: number) =>
  (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

const items: HashedImage[] = [];
const id = (n: number) => `img-${String(n).padStart(6, '0')}` as ImageId;
for (let i = 0; i < RANDOM; i++) items.push({ imageId: id(i), dhash: hex(word(), word()) });
const planted: [ImageId, ImageId][] = [];
for (let i = 0; i < PLANTED; i++) {
  const original = items[Math.floor(random() * RANDOM)]!;
  let hi = parseInt(original.dhash.slice(0, 8), 16);
  let lo = parseInt(original.dhash.slice(8), 16);
  const bits = new Set<number>();
  const flips = Math.floor(random() * 7);
  while (bits.size < flips) bits.add(Math.floor(random() * 64));
  for (const bit of bits) {
    if (bit < 32) hi ^= 1 << bit;
    else lo ^= 1 << (bit - 32);
  }
  const copy = id(RANDOM + i);
  items.push({ imageId: copy, dhash: hex(hi, lo) });
  planted.push([copy, original.imageId]);
}

const times: number[] = [];
let result = nearDuplicateGroups(items, 6);
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  result = nearDuplicateGroups(items, 6);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(RUNS / 2)]!;

const missed = planted.filter(([copy, original]) => result.groups.get(copy) !== result.groups.get(original));
if (missed.length > 0) throw new Error(`${missed.length} planted near-duplicates were not grouped`);

// The baseline gets the same head start as the index: hashes parsed into 32-bit halves up front.
const SAMPLE = 10_000;
const his = Uint32Array.from(items.slice(0, SAMPLE), (item) => parseInt(item.dhash.slice(0, 8), 16));
const los = Uint32Array.from(items.slice(0, SAMPLE), (item) => parseInt(item.dhash.slice(8), 16));
const scanStart = performance.now();
let close = 0;
for (let i = 0; i < SAMPLE; i++)
  for (let j = i + 1; j < SAMPLE; j++)
    if (popcount(his[i]! ^ his[j]!) + popcount(los[i]! ^ los[j]!) <= 6) close++;
const scan = (performance.now() - scanStart) * (items.length / SAMPLE) ** 2;
if (hammingDistance(items[0]!.dhash, items[0]!.dhash) !== 0) throw new Error('hammingDistance is broken');

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

const clusters = new Set(result.groups.values()).size;
note(
  `${items.length.toLocaleString('en')} hashes → ${clusters.toLocaleString('en')} groups, ` +
    `${result.cappedBuckets} capped buckets, all ${PLANTED} planted copies found; ${close} close pairs in the scan sample`,
);
const metric = {
  metric: `near_duplicate_groups_${items.length}`,
  value: Math.round(median),
  unit: 'ms',
  baseline: Math.round(scan),
  ratio: Math.round((median / scan) * 1000) / 1000,
};
console.log(JSON.stringify(metric));
