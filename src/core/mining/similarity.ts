/**
 * Nearest neighbours for hard-sample mining: images whose embeddings point the same way (cosine distance)
 * or whose perceptual hashes differ in few bits (Hamming distance), as flat typed-array scans.
 */

import { popcount } from '../images/hashBands';

/** `count` vectors of `dim` numbers, row-major in one array: vector i is `data[i * dim … (i + 1) * dim)`. */
export interface VectorSet {
  readonly dim: number;
  readonly count: number;
  readonly data: Float32Array;
}

/** One neighbour: its index in the set and its distance to the query. */
export interface Neighbour {
  readonly index: number;
  readonly distance: number;
}

/** Packs vectors into one Float32Array (float32 halves the memory of 100,000 × 512-d embeddings). */
export function vectorSet(vectors: readonly (Float32Array | readonly number[])[]): VectorSet {
  const dim = vectors[0]?.length ?? 0;
  const data = new Float32Array(vectors.length * dim);
  vectors.forEach((vector, i) => {
    if (vector.length !== dim)
      throw new RangeError(
        `every vector needs ${dim} dimensions (as vector 0 has), but vector ${i} has ${vector.length}`,
      );
    data.set(vector, i * dim);
  });
  // One pass after the copy: a NaN would silently sort anywhere and make every result unreliable.
  for (let j = 0; j < data.length; j++)
    if (!Number.isFinite(data[j]!))
      throw new RangeError(
        `vector ${Math.floor(j / dim)} has a non-finite value ${data[j]} at dimension ${j % dim}`,
      );
  return { dim, count: vectors.length, data };
}

/**
 * Sets are values: a set's data is not changed after it is built, so its unit-length copy is computed
 * once per set and remembered for as long as the set itself is alive.
 */
const normalized = new WeakMap<VectorSet, VectorSet>();

/**
 * The set with every vector scaled to unit length, so cosine similarity is a plain dot product. Zero
 * vectors (and any with a non-finite length) stay zero: their cosine with anything is taken as 0, so
 * their distance is 1. Cached per set; passing a normalised set returns it unchanged.
 */
export function normalizedVectorSet(set: VectorSet): VectorSet {
  const cached = normalized.get(set);
  if (cached) return cached;
  const { dim, count } = set;
  const data = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) normalizeInto(set.data, i * dim, dim, data, i * dim);
  const unit: VectorSet = { dim, count, data };
  normalized.set(set, unit);
  normalized.set(unit, unit);
  return unit;
}

/**
 * The `k` vectors nearest to vector `query` of the set by cosine distance (1 − cos, 0 = same direction,
 * 2 = opposite), the query itself left out; nearest first, equal distances by ascending index. One pass
 * of dot products over the normalised set with a k-bounded heap: O(count · dim + count · log k) time,
 * O(k) memory besides the cached normalised copy (as large as the set).
 */
export function nearestByEmbedding(set: VectorSet, query: number, k: number): Neighbour[] {
  checkIndex(query, set.count);
  checkK(k);
  const unit = normalizedVectorSet(set);
  return scanEmbeddings(unit, unit.data, query * unit.dim, query, k);
}

/** The `k` vectors of the set nearest to an outside vector (e.g. a text or crop embedding), by cosine distance. */
export function nearestToVector(
  set: VectorSet,
  vector: Float32Array | readonly number[],
  k: number,
): Neighbour[] {
  if (vector.length !== set.dim)
    throw new RangeError(`the query has ${vector.length} dimensions, the set ${set.dim}`);
  checkK(k);
  const unit = normalizedVectorSet(set);
  const query = new Float32Array(set.dim);
  normalizeInto(vector, 0, set.dim, query, 0);
  return scanEmbeddings(unit, query, 0, -1, k);
}

/** Cosine distance between vectors `a` and `b` of the set, computed exactly as the nearest-neighbour scans do. */
export function cosineDistance(set: VectorSet, a: number, b: number): number {
  checkIndex(a, set.count);
  checkIndex(b, set.count);
  const { data, dim } = normalizedVectorSet(set);
  return distanceOf(dot(data, a * dim, data, b * dim, dim));
}

/** Unit-length float32 copy of `source[offset … offset + dim)`, the norm taken in float64. */
function normalizeInto(
  source: ArrayLike<number>,
  offset: number,
  dim: number,
  target: Float32Array,
  at: number,
): void {
  let squares = 0;
  for (let j = 0; j < dim; j++) squares += source[offset + j]! * source[offset + j]!;
  const norm = Math.sqrt(squares);
  if (!(norm > 0) || !Number.isFinite(norm)) return; // target is already zeros
  for (let j = 0; j < dim; j++) target[at + j] = source[offset + j]! / norm;
}

/**
 * Dot product, summed in index order. The scan below sums four rows at once in this same order, so
 * `cosineDistance` reproduces its distances bit for bit.
 */
function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += a[aAt + j]! * b[bAt + j]!;
  return sum;
}

/** Rounding can push the cosine of unit vectors a hair past ±1; distances stay within [0, 2]. */
const distanceOf = (cosine: number): number => Math.min(2, Math.max(0, 1 - cosine));

function scanEmbeddings(
  unit: VectorSet,
  query: Float32Array,
  queryAt: number,
  exclude: number,
  k: number,
): Neighbour[] {
  const { data, dim, count } = unit;
  const top = new TopK(Math.min(k, count));
  if (top.capacity === 0) return [];
  // Four rows per pass share each query load and run four independent sums: ~1.5× one row at a time.
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const r0 = i * dim;
    const r1 = r0 + dim;
    const r2 = r1 + dim;
    const r3 = r2 + dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < dim; j++) {
      const q = query[queryAt + j]!;
      s0 += data[r0 + j]! * q;
      s1 += data[r1 + j]! * q;
      s2 += data[r2 + j]! * q;
      s3 += data[r3 + j]! * q;
    }
    if (i !== exclude) top.offer(distanceOf(s0), i);
    if (i + 1 !== exclude) top.offer(distanceOf(s1), i + 1);
    if (i + 2 !== exclude) top.offer(distanceOf(s2), i + 2);
    if (i + 3 !== exclude) top.offer(distanceOf(s3), i + 3);
  }
  for (; i < count; i++) if (i !== exclude) top.offer(distanceOf(dot(data, i * dim, query, queryAt, dim)), i);
  return top.sorted();
}

/**
 * The `capacity` smallest (distance, index) pairs offered, as a max-heap whose root is the worst kept.
 * Offers must come in ascending index order: then an equal distance never displaces a kept pair, which is
 * what "ties by index" asks.
 */
class TopK {
  readonly capacity: number;
  private size = 0;
  private readonly distances: Float64Array;
  private readonly indices: Int32Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.distances = new Float64Array(capacity);
    this.indices = new Int32Array(capacity);
  }

  offer(distance: number, index: number): void {
    const { distances, indices } = this;
    if (this.size < this.capacity) {
      // Sift up: larger distance (or, at equal distance, larger index) is worse and rises.
      let child = this.size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!this.worse(distance, index, distances[parent]!, indices[parent]!)) break;
        distances[child] = distances[parent]!;
        indices[child] = indices[parent]!;
        child = parent;
      }
      distances[child] = distance;
      indices[child] = index;
      return;
    }
    if (!(distance < distances[0]!)) return;
    let parent = 0;
    const size = this.size;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= size) break;
      if (
        child + 1 < size &&
        this.worse(distances[child + 1]!, indices[child + 1]!, distances[child]!, indices[child]!)
      )
        child++;
      if (!this.worse(distances[child]!, indices[child]!, distance, index)) break;
      distances[parent] = distances[child]!;
      indices[parent] = indices[child]!;
      parent = child;
    }
    distances[parent] = distance;
    indices[parent] = index;
  }

  private worse(d1: number, i1: number, d2: number, i2: number): boolean {
    return d1 > d2 || (d1 === d2 && i1 > i2);
  }

  sorted(): Neighbour[] {
    const out: Neighbour[] = [];
    for (let n = 0; n < this.size; n++) out.push({ index: this.indices[n]!, distance: this.distances[n]! });
    return out.sort((a, b) => a.distance - b.distance || a.index - b.index);
  }
}

/** Perceptual hashes parsed once into two 32-bit halves; `present[i]` is 0 where hash i is missing or malformed. */
export interface HashSet {
  readonly count: number;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly present: Uint8Array;
}

/** Hex digit values by character code, -1 for anything else. */
const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[65 + c] = HEX[97 + c] = 10 + c;

/**
 * Parses 16-hex-digit dHashes (`ImageRecord.dhash`) for repeated queries. Like `nearDuplicateGroups`, a
 * hash that is not exactly 16 hex digits is treated as missing rather than failing the whole set.
 */
export function hashSet(hashes: readonly (string | undefined)[]): HashSet {
  const count = hashes.length;
  const hi = new Uint32Array(count);
  const lo = new Uint32Array(count);
  const present = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const hash = hashes[i];
    if (hash === undefined || hash.length !== 16) continue;
    let h = 0;
    let l = 0;
    let bad = 0;
    for (let c = 0; c < 8; c++) {
      const a = HEX[hash.charCodeAt(c)] ?? -1;
      const b = HEX[hash.charCodeAt(c + 8)] ?? -1;
      bad |= a | b; // any -1 sets the sign bit
      h = (h << 4) | a;
      l = (l << 4) | b;
    }
    if (bad < 0) continue;
    hi[i] = h;
    lo[i] = l;
    present[i] = 1;
  }
  return { count, hi, lo, present };
}

/**
 * The `k` images whose dHash is nearest to image `query`'s in Hamming distance (bits of 64 that differ),
 * at most `maxDistance` bits away, the query left out; nearest first, ties by index. Missing hashes are
 * skipped; a query without a hash has no neighbours. Parses every hash per call: for many queries over
 * one list, build `hashSet` once and call `nearestInHashSet`.
 */
export function nearestByHash(
  hashes: readonly (string | undefined)[],
  query: number,
  k: number,
  maxDistance = 64,
): Neighbour[] {
  return nearestInHashSet(hashSet(hashes), query, k, maxDistance);
}

/**
 * `nearestByHash` over parsed hashes. Distances are whole numbers 0–64, so instead of a heap it counts how
 * many hashes sit at each distance, finds the cut-off distance that holds the k-th, and collects in index
 * order: two linear passes, no sort of the set.
 */
export function nearestInHashSet(set: HashSet, query: number, k: number, maxDistance = 64): Neighbour[] {
  checkIndex(query, set.count);
  checkK(k);
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 64)
    throw new RangeError(`maxDistance must be a whole number from 0 to 64, got ${maxDistance}`);
  const { count, hi, lo, present } = set;
  if (!present[query] || k === 0) return [];
  const qHi = hi[query]!;
  const qLo = lo[query]!;
  const distances = new Uint8Array(count);
  const perDistance = new Int32Array(65);
  const TOO_FAR = 255;
  for (let i = 0; i < count; i++) {
    if (!present[i] || i === query) {
      distances[i] = TOO_FAR;
      continue;
    }
    const d = popcount(hi[i]! ^ qHi) + popcount(lo[i]! ^ qLo);
    distances[i] = d <= maxDistance ? d : TOO_FAR;
    if (d <= maxDistance) perDistance[d]!++;
  }
  // Everything nearer than `cut` is taken; at `cut` only the first `room` by index.
  let cut = 0;
  let below = 0;
  while (cut <= maxDistance && below + perDistance[cut]! < k) below += perDistance[cut++]!;
  // Fewer than k within reach: take them all.
  let room = cut > maxDistance ? Infinity : k - below;
  if (cut > maxDistance) cut = maxDistance;
  const byDistance: number[][] = Array.from({ length: cut + 1 }, () => []);
  for (let i = 0; i < count; i++) {
    const d = distances[i]!;
    if (d < cut) byDistance[d]!.push(i);
    else if (d === cut && room > 0) {
      byDistance[d]!.push(i);
      room--;
    }
  }
  return byDistance.flatMap((indices, distance) => indices.map((index) => ({ index, distance })));
}

function checkIndex(index: number, count: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new RangeError(`query ${index} is not an index of a set of ${count}`);
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a whole number ≥ 0, got ${k}`);
}
