/** Messages between the UI and the versions worker. */

import type { ProjectId } from '../../../src/core/ids';
import type { DiffOptions } from '../../../src/core/versions/diff';
import type { VersionId } from '../../../src/core/versions/types';
import type { SplitSettings } from '../db/versions';

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
);

export type VersionsWorkerResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
