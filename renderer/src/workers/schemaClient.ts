/** The UI's handle on the schema worker: each call is a promise; the database work happens off-thread. */

import type { ProjectId } from '../../../src/core/ids';
import type { SchemaChange } from '../../../src/core/schema/changes';
import type { ApplyResult, ChangePreview, ProjectValidation } from '../db/schemas';
import type { SchemaWorkerRequest, SchemaWorkerResponse } from './schemaProtocol';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

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
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  worker.onmessage = (message: MessageEvent<SchemaWorkerResponse>) => {
    const response = message.data;
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.ok) waiter.resolve(response.value);
    else waiter.reject(new Error(response.error));
  };
  worker.onerror = (event) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`the schema worker failed: ${event.message}`));
    pending.clear();
  };
  const send = <T>(request: WithoutId<SchemaWorkerRequest>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  shared = {
    validate: (projectId, maxStored = 1000) => send({ op: 'validate', projectId, maxStored }),
    preview: (projectId, change) => send({ op: 'preview', projectId, change }),
    apply: (projectId, change, author) => send({ op: 'apply', projectId, change, author }),
    undo: (projectId) => send({ op: 'undo', projectId }),
  };
  return shared;
}
