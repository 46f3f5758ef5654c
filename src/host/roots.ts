/** Registered project roots: the only folders whose files the host will serve, persisted in the data dir. */

import { createHash } from 'node:crypto';
import { readFile, realpath, rename, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { HostError } from '../core/api/errors';
import type { RootId } from '../core/ids';
import { writeFileAtomic } from './atomicWrite';

interface RootEntry {
  readonly rootId: RootId;
  /** Real path (symlinks resolved) at registration. */
  readonly path: string;
  readonly projectIds: string[];
}

export interface RootRegistry {
  register(projectId: string, path: string): Promise<{ rootId: RootId; path: string }>;
  forgetProject(projectId: string): Promise<number>;
  get(rootId: string): { rootId: RootId; path: string } | undefined;
  /** Resolves `segments` under a root to a real file path, or says why not (404 unknown/missing, 403 escape). */
  resolve(rootId: string, segments: readonly string[]): Promise<ResolvedFile>;
}

export type ResolvedFile = { ok: true; path: string } | { ok: false; status: 403 | 404; reason: string };

/** A root's id is derived from its real path, so re-registering after a data-dir reset gives the same id. */
export const rootIdFor = (realPath: string): RootId =>
  createHash('sha256').update(realPath).digest('hex').slice(0, 24) as RootId;

export const isInside = (root: string, candidate: string): boolean =>
  candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);

export async function openRootRegistry(dataDir: string): Promise<RootRegistry> {
  const file = join(dataDir, 'roots.json');
  const roots = new Map<string, RootEntry>();
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    try {
      for (const entry of JSON.parse(text) as RootEntry[]) roots.set(entry.rootId, entry);
    } catch (error) {
      // A damaged registry must not keep the app from starting: keep it aside and start empty; projects
      // register their roots again when they open.
      const aside = `${file}.damaged-${Date.now()}`;
      await rename(file, aside);
      console.warn(`LabelLoop: ${file} was unreadable (${(error as Error).message}); kept as ${aside}.`);
      roots.clear();
    }
  }
  // Saves run one at a time, each writing the map as it is then: overlapping renames could otherwise
  // leave an older snapshot on disk and lose a registration (roots.test.ts, "many folders at once").
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    saving = saving
      .catch(() => undefined)
      .then(() => writeFileAtomic(file, JSON.stringify([...roots.values()], null, 2)));
    return saving;
  };

  return {
    async register(projectId, path) {
      if (!isAbsolute(path)) throw new HostError('invalid-argument', `"${path}" is not an absolute path`);
      let real: string;
      try {
        real = await realpath(path);
      } catch {
        throw new HostError('not-found', `folder "${path}" does not exist`);
      }
      if (!(await stat(real)).isDirectory())
        throw new HostError('invalid-argument', `"${path}" is not a folder`);
      const rootId = rootIdFor(real);
      const entry = roots.get(rootId) ?? { rootId, path: real, projectIds: [] };
      if (!entry.projectIds.includes(projectId)) {
        roots.set(rootId, { ...entry, projectIds: [...entry.projectIds, projectId] });
        await save();
      }
      return { rootId, path: real };
    },
    async forgetProject(projectId) {
      let removed = 0;
      for (const entry of [...roots.values()]) {
        if (!entry.projectIds.includes(projectId)) continue;
        removed++;
        const rest = entry.projectIds.filter((p) => p !== projectId);
        if (rest.length === 0) roots.delete(entry.rootId);
        else roots.set(entry.rootId, { ...entry, projectIds: rest });
      }
      if (removed > 0) await save();
      return removed;
    },
    get(rootId) {
      const entry = roots.get(rootId);
      return entry && { rootId: entry.rootId, path: entry.path };
    },
    async resolve(rootId, segments) {
      const entry = roots.get(rootId);
      if (!entry) return { ok: false, status: 404, reason: 'unknown root' };
      let real: string;
      try {
        real = await realpath(join(entry.path, ...segments));
      } catch {
        return { ok: false, status: 404, reason: 'no such file' };
      }
      // Symlinks are followed, then the real target must still be inside the root.
      if (!isInside(entry.path, real)) return { ok: false, status: 403, reason: 'outside the project root' };
      return { ok: true, path: real };
    },
  };
}
