/** Small pieces every benchmark script shares: notes on stderr and a deterministic random source. */

/** Human notes go to stderr, so stdout holds only the JSON metric lines. */
export const note = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

/** A deterministic PRNG (LCG), so every run and every machine measures the same data. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}
