/** The UI's handle on the schema worker: each call is a promise; the database work happens off-thread. */

import type { ProjectId } from '../../../src/core/ids';
import type { SchemaChange } from '../../../src/core/schema/changes';
import type { ApplyResult, ChangePreview, ProjectValidation } from '../db/schemas';
import type { SchemaWorkerRequest } from './schemaProtocol';
import { workerCaller } from './rpc';

export interface SchemaWorker {
  validate(projectId: ProjectId, maxStored?: number): Promise<ProjectValidation | undefined>;
  preview(projectId: ProjectId, change: SchemaChange): Promise<ChangePreview>;
  apply(projectId: ProjectId, change: SchemaChange, author: string): Promise<ApplyResult>;
  undo(projectId: ProjectId): Promise<ApplyResult>;
}

let shared: SchemaWorker | undefined;

export function schemaWorker(): SchemaWorker {
  if (shared) return shared;
  const worker = new Worker(new URL('./schema.worker.ts', import.meta.url), {
    type: 'module',
    name: 'schema',
  });
  const send = workerCaller<SchemaWorkerRequest>(worker, 'schema');
  shared = {
    validate: (projectId, maxStored = 1000) => send({ op: 'validate', projectId, maxStored }),
    preview: (projectId, change) => send({ op: 'preview', projectId, change }),
    apply: (projectId, change, author) => send({ op: 'apply', projectId, change, author }),
    undo: (projectId) => send({ op: 'undo', projectId }),
  };
  return shared;
}
