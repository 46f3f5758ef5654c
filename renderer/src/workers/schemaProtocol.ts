/** Messages between the UI and the schema worker. */

import type { ProjectId } from '../../../src/core/ids';
import type { SchemaChange } from '../../../src/core/schema/changes';

export type SchemaWorkerRequest = { id: number } & (
  | { op: 'validate'; projectId: ProjectId; maxStored: number }
  | { op: 'preview'; projectId: ProjectId; change: SchemaChange }
  | { op: 'apply'; projectId: ProjectId; change: SchemaChange; author: string }
  | { op: 'undo'; projectId: ProjectId }
);
