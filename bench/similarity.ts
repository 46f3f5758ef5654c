/**
 * Similarity-search benchmark (`npx tsx bench/similarity.ts [--quick]`): src/core/mining/similarity.ts on
 * 100,000 random 512-d embeddings (uniform in [−1, 1), float32) and 100,000 random 64-bit dHashes.
 *
 * Prints one JSON line per metric on stdout, `{"metric", "value", "unit", "baseline"?, "ratio"?}`; notes go
 * to stderr. Every fast result is checked equal to its baseline's.
 * - vector_set_N_D: vectorSet packing N row views into one array (median of 3).
 * - normalize_N_D: normalizedVectorSet, the one-off unit-length copy (median of 3).
 * - nearest_embedding_top10_N_D: median of 21 single nearestByEmbedding queries (normalised set cached);
 *   baseline a full sort: every distance with the same dot product (cosineDistance), then all
 *   indices sorted by (distance, index), median of 5.
 * - nearest_embedding_top10_x1000_N_D: 1,000 queries one after another (total ms); baseline the full-sort
 *   median × 1,000 (scaled, not run).
 * - hash_set_N: parsing N hex hashes (hashSet); nearest_hash_top10_N: nearestByHash (parse + scan, what
 *   one call from the UI costs); nearest_hash_set_top10_N: nearestInHashSet over parsed hashes. Baseline
 *   for both: versions/groups.ts hammingDistance on every string, then a full sort. Medians of 21.
 */

import {
  cosineDistance,
  hashSet,
  nearestByEmbedding,
  nearestByHash,
  nearestInHashSet,
  normalizedVectorSet,
  vectorSet,
  type Neighbour,
  type VectorSet,
} from '../src/core/mining/similarity';
import { hammingDistance } from '../src/core/versions/groups';
import { note, prng } from './support/common';

const QUICK = process.argv.includes('--quick');
const N = QUICK ? 20_000 : 100_000;
const DIM = 512;
const K = 10;
const QUERIES = QUICK ? 100 : 1_000;
const HASHES = 100_000;

const random = prng(17);
const round = (ms: number) => Math.round(ms * 100) / 100;
const metric = (name: string, value: number, baseline?: number) =>
  console.log(
    JSON.stringify({
      metric: name,
      value: round(value),
      unit: 'ms',
      ...(baseline === undefined
        ? {}
        : { baseline: round(baseline), ratio: Math.round((value / baseline) * 1000) / 1000 }),
    }),
  );

function median(runs: number, task: (run: number) => void): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    task(run);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

function check(label: string, fast: readonly Neighbour[], slow: readonly Neighbour[]): void {
  if (JSON.stringify(fast) !== JSON.stringify(slow))
    throw new Error(`${label}: result differs from the baseline`);
}

// Embeddings.
const raw = new Float32Array(N * DIM);
for (let j = 0; j < raw.length; j++) raw[j] = random() * 2 - 1;
const rows = Array.from({ length: N }, (_, i) => raw.subarray(i * DIM, (i + 1) * DIM));
let set: VectorSet = vectorSet(rows);
const packMs = median(3, () => {
  set = vectorSet(rows);
});
metric(`vector_set_${N}_${DIM}`, packMs);
// A fresh set object each run, so the cache does not answer.
const normalizeMs = median(3, () => normalizedVectorSet({ ...set }));
metric(`normalize_${N}_${DIM}`, normalizeMs);
normalizedVectorSet(set);

const fullSort = (query: number): Neighbour[] => {
  const distances = new Float64Array(N);
  const order = new Uint32Array(N - 1);
  for (let i = 0, n = 0; i < N; i++) {
    if (i === query) continue;
    distances[i] = cosineDistance(set, query, i);
    order[n++] = i;
  }
  order.sort((a, b) => distances[a]! - distances[b]! || a - b);
  return Array.from(order.subarray(0, K), (index) => ({ index, distance: distances[index]! }));
};
const queryOf = (run: number) => Math.floor(((run * 7919) % 1000) * (N / 1000));
nearestByEmbedding(set, 0, K); // warm-up
const oneMs = median(21, (run) => nearestByEmbedding(set, queryOf(run), K));
const sortMs = median(5, (run) => fullSort(queryOf(run)));
for (const q of [0, 12_345 % N, N - 1]) check(`query ${q}`, nearestByEmbedding(set, q, K), fullSort(q));
metric(`nearest_embedding_top${K}_${N}_${DIM}`, oneMs, sortMs);

const start = performance.now();
for (let q = 0; q < QUERIES; q++) nearestByEmbedding(set, Math.floor(q * (N / QUERIES)), K);
const manyMs = performance.now() - start;
metric(`nearest_embedding_top${K}_x${QUERIES}_${N}_${DIM}`, manyMs, sortMs * QUERIES);
note(
  `${N.toLocaleString('en')} × ${DIM}-d: one top-${K} query ${round(oneMs)} ms ` +
    `(${round((N * DIM) / oneMs / 1e6)} G multiply-adds/s), ${QUERIES} queries ${round(manyMs / 1000)} s`,
);

// Hashes.
const word = () => Math.floor(random() * 2 ** 32);
const hex = (w: number) => w.toString(16).padStart(8, '0');
const hashes: (string | undefined)[] = Array.from({ length: HASHES }, (_, i) =>
  i % 50 === 49 ? undefined : hex(word()) + hex(word()),
);
const parsed = hashSet(hashes);
const hashQuery = (run: number) => run * 4100; // never a missing hash (every 50th)
const naive = (query: number): Neighbour[] => {
  const own = hashes[query]!;
  const all: Neighbour[] = [];
  hashes.forEach((h, index) => {
    if (h !== undefined && index !== query) all.push({ index, distance: hammingDistance(own, h) });
  });
  return all.sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, K);
};
nearestByHash(hashes, 0, K);
const parseMs = median(21, () => hashSet(hashes));
const hashMs = median(21, (run) => nearestByHash(hashes, hashQuery(run), K));
const hashSetMs = median(21, (run) => nearestInHashSet(parsed, hashQuery(run), K));
const naiveMs = median(21, (run) => naive(hashQuery(run)));
for (const q of [0, 4100, HASHES - 2]) {
  check(`hash query ${q}`, nearestByHash(hashes, q, K), naive(q));
  check(`hash-set query ${q}`, nearestInHashSet(parsed, q, K), naive(q));
}
metric(`hash_set_${HASHES}`, parseMs);
metric(`nearest_hash_top${K}_${HASHES}`, hashMs, naiveMs);
metric(`nearest_hash_set_top${K}_${HASHES}`, hashSetMs, naiveMs);
note(`${HASHES.toLocaleString('en')} hashes (every 50th missing): results equal the naive scan and sort`);
