/** The UI's handle on the versions worker: create and diff versions as promises, the work off-thread. */

import type { ProjectId } from '../../../src/core/ids';
import type { DiffOptions, VersionDiff } from '../../../src/core/versions/diff';
import type { VersionId } from '../../../src/core/versions/types';
import type { SplitSettings, VersionSummary } from '../db/versions';
import type { VersionsWorkerRequest } from './versionsProtocol';
import { workerCaller } from '../workers/rpc';
import type { ExportImageArgs } from '../../../src/core/api/exports';
import type { ExportFilters } from '../../../src/core/export/fromVersion';
import type { ExportBatches, ExportPlanSummary, ExportSettings } from '../export/runExport';

export interface VersionsWorker {
  /** Rejects with the database layer's message (no schema, no images) when the version cannot be made. */
  create(
    projectId: ProjectId,
    options: { message: string; author: string; now: number; split: SplitSettings },
  ): Promise<VersionSummary>;
  diff(from: VersionId, to: VersionId, options: DiffOptions): Promise<VersionDiff>;
  /** What an export of the version would write with these filters; the worker keeps the version read. */
  exportPlan(versionId: VersionId, filters: ExportFilters): Promise<ExportPlanSummary>;
  /** Plans the export in the worker; its images are then fetched a batch at a time. */
  exportPrepare(versionId: VersionId, settings: ExportSettings): Promise<ExportBatches>;
  /** Lets the worker forget the version and the export (the dialog closed). */
  exportRelease(): Promise<void>;
}

let shared: VersionsWorker | undefined;

export function versionsWorker(): VersionsWorker {
  if (shared) return shared;
  const worker = new Worker(new URL('./versions.worker.ts', import.meta.url), {
    type: 'module',
    name: 'versions',
  });
  const send = workerCaller<VersionsWorkerRequest>(worker, 'versions');
  shared = {
    create: (projectId, options) => send({ op: 'create', projectId, ...options }),
    diff: (from, to, options) => send({ op: 'diff', from, to, options }),
    exportPlan: (versionId, filters) => send({ op: 'exportPlan', versionId, filters }),
    exportPrepare: async (versionId, settings) => {
      const { begin, count } = await send<{ begin: ExportBatches['begin']; count: number }>({
        op: 'exportPrepare',
        versionId,
        settings,
      });
      return {
        begin,
        count,
        batch: (start, end) => send<readonly ExportImageArgs[]>({ op: 'exportBatch', start, end }),
      };
    },
    exportRelease: () => send({ op: 'exportRelease' }),
  };
  return shared;
}
