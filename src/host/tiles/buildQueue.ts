/**
 * Runs pyramid builds one at a time (each already keeps libvips busy), at most one per output folder, and
 * lets a newer speculative build replace an older one nobody has asked for yet.
 */

export class SupersededError extends Error {
  constructor(what: string) {
    super(`${what} was replaced by a newer build before it started`);
  }
}

export interface BuildQueue {
  /**
   * Runs `build` for `id` unless a build of `id` is queued or running, whose promise is shared instead.
   * `speculative` builds (nobody waits for them) are dropped when a newer speculative build arrives.
   */
  run(id: string, build: () => Promise<void>, options?: { speculative?: boolean }): Promise<void>;
}

interface Entry {
  readonly id: string;
  readonly build: () => Promise<void>;
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
  speculative: boolean;
}

export function createBuildQueue(limit = 1): BuildQueue {
  const entries = new Map<string, Entry>();
  const waiting: Entry[] = [];
  let running = 0;

  const pump = () => {
    while (running < limit) {
      const entry = waiting.shift();
      if (!entry) return;
      running++;
      entry
        .build()
        .then(entry.resolve, entry.reject)
        .finally(() => {
          running--;
          entries.delete(entry.id);
          pump();
        });
    }
  };

  return {
    run(id, build, options = {}) {
      const speculative = options.speculative === true;
      const existing = entries.get(id);
      if (existing) {
        if (!speculative) existing.speculative = false;
        return existing.promise;
      }
      if (speculative)
        for (let i = waiting.length - 1; i >= 0; i--) {
          const stale = waiting[i];
          if (!stale?.speculative) continue;
          waiting.splice(i, 1);
          entries.delete(stale.id);
          stale.reject(new SupersededError(stale.id));
        }
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const entry: Entry = { id, build, promise, resolve, reject, speculative };
      entries.set(id, entry);
      waiting.push(entry);
      pump();
      return promise;
    },
  };
}
