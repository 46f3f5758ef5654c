/** Turns import sources (folders, chosen files) into the list of image files to probe, root by root. */

import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { ImportSource } from '../../core/api/contract';
import { extensionOf, IMAGE_EXTENSIONS, type ImportProblem } from '../../core/images/types';
import type { RootId } from '../../core/ids';
import { isInside, type RootRegistry } from '../roots';

export interface Candidate {
  readonly path: string;
  readonly rootId: RootId;
  readonly relPath: string;
}

export interface WalkResult {
  readonly candidates: Candidate[];
  readonly problems: ImportProblem[];
  readonly ignoredFiles: number;
  readonly roots: { rootId: RootId; path: string }[];
}

const toPosix = (p: string) => p.split(sep).join('/');

export async function collectCandidates(
  projectId: string,
  sources: readonly ImportSource[],
  roots: RootRegistry,
  signal: AbortSignal,
): Promise<WalkResult> {
  const candidates: Candidate[] = [];
  const problems: ImportProblem[] = [];
  let ignoredFiles = 0;
  const seen = new Set<string>();
  const rootsById = new Map<RootId, { rootId: RootId; path: string }>();
  const register = async (path: string) => {
    const root = await roots.register(projectId, path);
    rootsById.set(root.rootId, root);
    return root;
  };
  const add = (candidate: Candidate) => {
    if (seen.has(candidate.path)) return;
    seen.add(candidate.path);
    candidates.push(candidate);
  };

  for (const source of sources) {
    if (source.kind === 'folder') {
      const root = await register(source.path);
      // Hidden entries (.git, .DS_Store) are skipped; symlinked folders are not followed, to avoid cycles.
      const walk = async (dir: string): Promise<void> => {
        if (signal.aborted) return;
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          // One unreadable folder is reported; the rest of the import goes on.
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          problems.push({ path: dir, code: 'unreadable', message: `cannot list this folder (${code})` });
          return;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
          if (entry.name.startsWith('.')) continue;
          const full = join(dir, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (entry.isFile() || entry.isSymbolicLink()) {
            if (!IMAGE_EXTENSIONS[extensionOf(entry.name)]) {
              ignoredFiles++;
              continue;
            }
            // A symlinked file is imported only if it resolves inside the folder: the host would not
            // serve it otherwise.
            if (entry.isSymbolicLink()) {
              const target = await realpath(full).catch(() => undefined);
              if (target === undefined || !isInside(root.path, target)) {
                problems.push({
                  path: full,
                  code: 'unreadable',
                  message:
                    target === undefined
                      ? 'a broken symbolic link'
                      : `a symbolic link to ${target}, outside the imported folder`,
                });
                continue;
              }
            }
            add({ path: full, rootId: root.rootId, relPath: toPosix(relative(root.path, full)) });
          }
        }
      };
      await walk(root.path);
    } else {
      for (const file of source.paths) {
        const info = await stat(file).catch(() => undefined);
        if (!info) {
          problems.push({
            path: file,
            code: 'not-found',
            message: 'the file does not exist or cannot be read',
          });
          continue;
        }
        if (!info.isFile()) {
          problems.push({ path: file, code: 'unreadable', message: 'not a regular file' });
          continue;
        }
        const root = await register(dirname(file));
        add({ path: join(root.path, basename(file)), rootId: root.rootId, relPath: basename(file) });
      }
    }
  }
  return { candidates, problems, ignoredFiles, roots: [...rootsById.values()] };
}
