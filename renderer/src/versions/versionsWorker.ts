/** The UI's handle on the versions worker: create and diff versions as promises, the work off-thread. */

import type { ProjectId } from '../../../src/core/ids';
import type { DiffOptions, VersionDiff } from '../../../src/core/versions/diff';
import type { VersionId } from '../../../src/core/versions/types';
import type { SplitSettings, VersionSummary } from '../db/versions';
import type { VersionsWorkerRequest, VersionsWorkerResponse } from './versionsProtocol';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface VersionsWorker {
  /** Rejects with the database layer's message (no schema, no images) when the version cannot be made. */
  create(
    projectId: ProjectId,
    options: { message: string; author: string; now: number; split: SplitSettings },
  ): Promise<VersionSummary>;
  diff(from: VersionId, to: VersionId, options: DiffOptions): Promise<VersionDiff>;
}

let shared: VersionsWorker | undefined;

export function versionsWorker(): VersionsWorker {
  if (shared) return shared;
  const worker = new Worker(new URL('./versions.worker.ts', import.meta.url), {
    type: 'module',
    name: 'versions',
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  worker.onmessage = (message: MessageEvent<VersionsWorkerResponse>) => {
    const response = message.data;
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.ok) waiter.resolve(response.value);
    else waiter.reject(new Error(response.error));
  };
  worker.onerror = (event) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`the versions worker failed: ${event.message}`));
    pending.clear();
  };
  const send = <T>(request: WithoutId<VersionsWorkerRequest>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  shared = {
    create: (projectId, options) => send({ op: 'create', projectId, ...options }),
    diff: (from, to, options) => send({ op: 'diff', from, to, options }),
  };
  return shared;
}
