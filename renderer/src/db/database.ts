/** The project database (IndexedDB through Dexie): the system of record, versioned with upgrade functions. */

import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type { ImageRecord, ImportProblem } from '../../../src/core/images/types';
import type { ImageId, ImportId, ProjectId, RootId } from '../../../src/core/ids';

export interface ProjectRecord {
  readonly id: ProjectId;
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastOpenedAt: number | null;
  /** Folders the host serves for this project; re-registered when the project opens. */
  readonly roots: readonly { rootId: RootId; path: string }[];
}

export type ImportState = 'running' | 'done' | 'cancelled' | 'failed';

/** One import as the user saw it: what was asked, what was added, and every file that was not. */
export interface ImportRecord {
  readonly id: ImportId;
  readonly projectId: ProjectId;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly state: ImportState;
  readonly sourceLabel: string;
  readonly candidates: number;
  readonly added: number;
  readonly duplicates: number;
  readonly ignoredFiles: number;
  readonly problems: readonly ImportProblem[];
  readonly error: string | null;
}

export interface SettingRecord {
  readonly key: string;
  readonly value: unknown;
}

/**
 * Each schema version, in order. A version adds `stores` changes and may carry an `upgrade` that
 * rewrites existing rows; old versions are never edited once released (tests open frozen old databases).
 */
export const MIGRATIONS: readonly {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}[] = [
  {
    version: 1,
    stores: {
      projects: 'id, name, lastOpenedAt',
      images:
        'id, projectId, [projectId+sha256], [projectId+fileName], [projectId+status], [projectId+importedAt]',
      imports: 'id, projectId, [projectId+startedAt]',
      settings: 'key',
    },
  },
];

export type LabelLoopDatabase = Dexie & {
  projects: EntityTable<ProjectRecord, 'id'>;
  images: EntityTable<ImageRecord, 'id'>;
  imports: EntityTable<ImportRecord, 'id'>;
  settings: EntityTable<SettingRecord, 'key'>;
};

export const DATABASE_NAME = 'labelloop';

export function openDatabase(
  name = DATABASE_NAME,
  options?: ConstructorParameters<typeof Dexie>[1],
): LabelLoopDatabase {
  const db = new Dexie(name, options) as LabelLoopDatabase;
  for (const migration of MIGRATIONS) {
    const version = db.version(migration.version).stores(migration.stores);
    if (migration.upgrade) version.upgrade(migration.upgrade);
  }
  return db;
}

export const newId = <T extends string>(): T => crypto.randomUUID() as T;
export type { ImageId };
