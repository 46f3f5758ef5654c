/** Import reports: saved as the import runs, so a reload mid-import still shows what happened. */

import type { ImportProblem } from '../../../src/core/images/types';
import type { ImportId, ProjectId } from '../../../src/core/ids';
import { newId, type ImportRecord, type ImportState, type LabelLoopDatabase } from './database';

export async function beginImport(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  sourceLabel: string,
  now = Date.now(),
): Promise<ImportRecord> {
  const record: ImportRecord = {
    id: newId<ImportId>(),
    projectId,
    startedAt: now,
    finishedAt: null,
    state: 'running',
    sourceLabel,
    candidates: 0,
    added: 0,
    duplicates: 0,
    ignoredFiles: 0,
    problems: [],
    error: null,
  };
  await db.transaction('rw', db.imports, () => db.imports.add(record));
  return record;
}

export async function recordImportBatch(
  db: LabelLoopDatabase,
  id: ImportId,
  batch: { added: number; problems: readonly ImportProblem[] },
): Promise<void> {
  await db.transaction('rw', db.imports, async () => {
    const record = await db.imports.get(id);
    if (!record) return;
    await db.imports.update(id, {
      added: record.added + batch.added,
      duplicates: record.duplicates + batch.problems.filter((p) => p.code === 'duplicate').length,
      problems: [...record.problems, ...batch.problems],
    });
  });
}

export async function finishImport(
  db: LabelLoopDatabase,
  id: ImportId,
  outcome: {
    state: Exclude<ImportState, 'running'>;
    candidates?: number;
    ignoredFiles?: number;
    error?: string;
  },
  now = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.imports, () =>
    db.imports.update(id, {
      state: outcome.state,
      finishedAt: now,
      ...(outcome.candidates !== undefined ? { candidates: outcome.candidates } : {}),
      ...(outcome.ignoredFiles !== undefined ? { ignoredFiles: outcome.ignoredFiles } : {}),
      error: outcome.error ?? null,
    }),
  );
}

/** The newest import of a project; one left `running` by a closed window counts as interrupted. */
export async function latestImport(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<ImportRecord | undefined> {
  return db.imports
    .where('[projectId+startedAt]')
    .between([projectId, 0], [projectId, Number.MAX_SAFE_INTEGER])
    .last();
}
