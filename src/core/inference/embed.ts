/** Image embeddings: unit length, cosine similarity, and two compact encodings to store them in records. */

/*
 * Stored forms are strings so they sit in any JSON or IndexedDB record:
 * - 'f32:' + base64 of the float32 values, little-endian: exact, 4 bytes a dimension.
 * - 'q8:' + base64 of a little-endian float32 scale, then one signed byte per dimension with
 *   value ≈ byte × scale / 127 (scale = the largest magnitude): 1 byte a dimension, each value within
 *   scale / 254 of the original, which moves the cosine of unit vectors by well under 0.01.
 */

/** The vector scaled to length 1 (float32); a zero vector stays zero, having no direction. */
export function l2Normalize(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  if (norm === 0) return out;
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

/** Cosine of the angle between two vectors of one length, in [−1, 1]; 0 when either is zero. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`embeddings differ in length: ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 || nb === 0) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Standard base64 with padding (RFC 4648 §4); src/core has neither Buffer nor btoa. */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
  }
  return out;
}

/** The bytes of a padded base64 string, or null when it is not one. */
export function base64ToBytes(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  for (let i = 0, o = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text[i + j]!;
      const v = c === '=' && i + j >= text.length - padding ? 0 : LOOKUP.get(c);
      if (v === undefined) return null;
      n = (n << 6) | v;
    }
    for (const shift of [16, 8, 0]) if (o < bytes.length) bytes[o++] = (n >> shift) & 255;
  }
  return bytes;
}

export type EmbeddingEncoding = 'f32' | 'q8';

/** The stored string of an embedding (see the top of this file for both forms). */
export function encodeEmbedding(vector: ArrayLike<number>, encoding: EmbeddingEncoding = 'f32'): string {
  const n = vector.length;
  if (encoding === 'f32') {
    const view = new DataView(new ArrayBuffer(4 * n));
    for (let i = 0; i < n; i++) view.setFloat32(4 * i, vector[i]!, true);
    return `f32:${bytesToBase64(new Uint8Array(view.buffer))}`;
  }
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(vector[i]!));
  const view = new DataView(new ArrayBuffer(4 + n));
  view.setFloat32(0, scale, true);
  for (let i = 0; i < n; i++) view.setInt8(4 + i, scale === 0 ? 0 : Math.round((vector[i]! / scale) * 127));
  return `q8:${bytesToBase64(new Uint8Array(view.buffer))}`;
}

/** The embedding a stored string holds, or null when the string is not one. */
export function decodeEmbedding(text: string): Float32Array | null {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const encoding = text.slice(0, colon);
  const bytes = base64ToBytes(text.slice(colon + 1));
  if (bytes === null) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (encoding === 'f32') {
    if (bytes.length % 4 !== 0) return null;
    return Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
  }
  if (encoding === 'q8') {
    if (bytes.length < 4) return null;
    const scale = view.getFloat32(0, true);
    return Float32Array.from({ length: bytes.length - 4 }, (_, i) => (view.getInt8(4 + i) * scale) / 127);
  }
  return null;
}
