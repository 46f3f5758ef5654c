/** Messages between the UI and the versions worker. */

import type { ProjectId } from '../../../src/core/ids';
import type { DiffOptions } from '../../../src/core/versions/diff';
import type { VersionId } from '../../../src/core/versions/types';
import type { SplitSettings } from '../db/versions';
import type { ExportFilters } from '../../../src/core/export/fromVersion';
import type { ExportSettings } from '../export/runExport';

export type VersionsWorkerRequest = { id: number } & (
  | {
      op: 'create';
      projectId: ProjectId;
      message: string;
      author: string;
      now: number;
      split: SplitSettings;
    }
  | { op: 'diff'; from: VersionId; to: VersionId; options: DiffOptions }
  /** What an export of the version with these filters would write (the version is read once and kept). */
  | { op: 'exportPlan'; versionId: VersionId; filters: ExportFilters }
  /** Plans the export and keeps its images; answers the host's settings and how many images there are. */
  | { op: 'exportPrepare'; versionId: VersionId; settings: ExportSettings }
  /** Images `start` to `end` of the prepared export. */
  | { op: 'exportBatch'; start: number; end: number }
  /** Forgets the kept version and export. */
  | { op: 'exportRelease' }
);
