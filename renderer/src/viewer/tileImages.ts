/**
 * Loads tile images for the viewer a few at a time, most wanted first, and keeps the most recently used
 * (LRU) so memory stays bounded however far one pans and zooms.
 */

export interface TileImages {
  /** A loaded, decoded tile, marked as just used; undefined while it loads or if it failed. */
  get(key: string): HTMLImageElement | undefined;
  /** Replaces what to load, in order; loads of tiles no longer wanted are abandoned. */
  want(items: readonly { key: string; url: string }[]): void;
  /** Whether loading `key` failed for good (each tile is tried up to `attempts` times, a pause apart). */
  failed(key: string): boolean;
  /** Called after each tile that finishes loading. */
  subscribe(listener: () => void): () => void;
  /** How many decoded tiles are held now (at most `capacity`). */
  readonly size: number;
  dispose(): void;
}

export interface TileImagesOptions {
  /** Decoded tiles kept: 256 tiles of 512 px are at most 256 MB of RGBA. */
  readonly capacity?: number;
  /** Requests at once: HTTP/1.1 gives a page six connections and the host's event stream holds one. */
  readonly inFlight?: number;
  readonly retryAfterMs?: number;
  readonly attempts?: number;
  /** Loads one image; the default uses an HTMLImageElement and `decode()` so decoding is off the main thread. */
  readonly load?: (url: string, signal: AbortSignal) => Promise<HTMLImageElement>;
}

const loadImage = (url: string, signal: AbortSignal): Promise<HTMLImageElement> => {
  const image = new Image();
  image.decoding = 'async';
  // Clearing src cancels the request, so an abandoned tile stops using a connection.
  signal.addEventListener('abort', () => image.removeAttribute('src'), { once: true });
  image.src = url;
  return image.decode().then(() => image);
};

export function createTileImages(options: TileImagesOptions = {}): TileImages {
  const capacity = options.capacity ?? 256;
  const inFlight = options.inFlight ?? 4;
  const retryAfterMs = options.retryAfterMs ?? 3000;
  const attempts = options.attempts ?? 3;
  const load = options.load ?? loadImage;
  const loaded = new Map<string, HTMLImageElement>(); // insertion order = least recently used first
  const loading = new Map<string, AbortController>();
  const failures = new Map<string, { at: number; count: number }>();
  const listeners = new Set<() => void>();
  let wanted: readonly { key: string; url: string }[] = [];
  let queue: { key: string; url: string }[] = [];
  let retry: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const notify = () => {
    for (const listener of listeners) listener();
  };

  const pump = () => {
    while (!disposed && loading.size < inFlight) {
      const next = queue.shift();
      if (!next) return;
      const { key, url } = next;
      const failure = failures.get(key);
      const resting = failure && (failure.count >= attempts || Date.now() - failure.at < retryAfterMs);
      if (loaded.has(key) || loading.has(key) || resting) continue;
      const controller = new AbortController();
      loading.set(key, controller);
      load(url, controller.signal).then(
        (image) => {
          if (loading.get(key) !== controller) return;
          loading.delete(key);
          failures.delete(key);
          loaded.set(key, image);
          for (const oldest of loaded.keys()) {
            if (loaded.size <= capacity) break;
            loaded.delete(oldest);
          }
          notify();
          pump();
        },
        () => {
          if (loading.get(key) !== controller) return;
          loading.delete(key);
          const count = (failures.get(key)?.count ?? 0) + 1;
          failures.set(key, { at: Date.now(), count });
          if (count < attempts && retry === undefined)
            retry = setTimeout(() => {
              retry = undefined;
              setWanted(wanted);
            }, retryAfterMs);
          notify();
          pump();
        },
      );
    }
  };

  const setWanted = (items: readonly { key: string; url: string }[]) => {
    wanted = items;
    const keys = new Set(items.map((item) => item.key));
    for (const [key, controller] of loading)
      if (!keys.has(key)) {
        loading.delete(key);
        controller.abort();
      }
    queue = items.filter((item) => !loaded.has(item.key) && !loading.has(item.key));
    pump();
  };

  return {
    get(key) {
      const image = loaded.get(key);
      if (image) {
        loaded.delete(key);
        loaded.set(key, image);
      }
      return image;
    },
    want: setWanted,
    failed: (key) => (failures.get(key)?.count ?? 0) >= attempts,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return loaded.size;
    },
    dispose() {
      disposed = true;
      clearTimeout(retry);
      for (const controller of loading.values()) controller.abort();
      loading.clear();
      loaded.clear();
      listeners.clear();
      queue = [];
    },
  };
}
