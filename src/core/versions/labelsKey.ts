/**
 * A 128-bit content key for an image's labels, so versions store each distinct label record once and a
 * diff loads only the images whose key changed. The hash is MurmurHash3 x86_128's block and finalization
 * mixing (Appleby, public domain: smhasher's MurmurHash3.cpp) run over the string's UTF-16 code units,
 * two to a 32-bit word, eight to a 128-bit block; not byte-compatible with the reference over UTF-8, and
 * it need not be: keys are only compared with keys made here. At 128 bits, a collision among even 10^9
 * records has a probability near 10^-21.
 */

import type { AttributeValues, Annotation } from '../annotations/types';

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const word = (text: string, i: number) => text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);

/** 32 lower-case hex digits. */
export function hash128(text: string, seed = 0): string {
  let h1 = seed;
  let h2 = seed;
  let h3 = seed;
  let h4 = seed;
  const length = text.length;
  const blocks = length - (length % 8);
  for (let i = 0; i < blocks; i += 8) {
    let k1 = word(text, i);
    let k2 = word(text, i + 2);
    let k3 = word(text, i + 4);
    let k4 = word(text, i + 6);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail: up to seven code units, packed as the blocks are, mixed into their lanes.
  const tail = [0, 0, 0, 0];
  for (let i = blocks; i < length; i++) {
    const lane = (i - blocks) >> 1;
    tail[lane]! |= text.charCodeAt(i) << (((i - blocks) & 1) * 16);
  }
  if (length > blocks) {
    h4 ^= Math.imul(rotl(Math.imul(tail[3]!, C4), 18), C1);
    h3 ^= Math.imul(rotl(Math.imul(tail[2]!, C3), 17), C4);
    h2 ^= Math.imul(rotl(Math.imul(tail[1]!, C2), 16), C3);
    h1 ^= Math.imul(rotl(Math.imul(tail[0]!, C1), 15), C2);
  }
  // Length in bytes, as the reference counts it.
  const bytes = length * 2;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
}

/** What a version freezes of an image's labels. */
export interface FrozenLabels {
  readonly annotations: readonly Annotation[];
  readonly tags: readonly string[];
  readonly attributes: AttributeValues;
}

/**
 * The key of an image's labels: equal labels written the same way give equal keys. Labels equal in
 * content but with keys in another order give another key; a diff then compares them in full and finds
 * nothing, so a key only ever makes a diff faster, never different.
 */
export const labelsKey = (labels: FrozenLabels): string =>
  hash128(JSON.stringify([labels.annotations, labels.tags, labels.attributes]));
