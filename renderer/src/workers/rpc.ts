/**
 * Requests to a Web Worker as promises: each request carries an id, the worker answers with the same id
 * and a value or an error message. Both sides of every worker in the app use these two functions.
 */

/** What a worker answers to one request. */
export type WorkerAnswer =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A request as the caller writes it: the id is added on the way. */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * The calling side: returns `send`, whose promise settles with the worker's answer. A worker that fails
 * rejects everything pending with "the <name> worker failed: …".
 */
export function workerCaller<Request extends { id: number }>(
  worker: Worker,
  name: string,
): <T>(request: WithoutId<Request>) => Promise<T> {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  worker.onmessage = (message: MessageEvent<WorkerAnswer>) => {
    const answer = message.data;
    const waiter = pending.get(answer.id);
    if (!waiter) return;
    pending.delete(answer.id);
    if (answer.ok) waiter.resolve(answer.value);
    else waiter.reject(new Error(answer.error));
  };
  worker.onerror = (event) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`the ${name} worker failed: ${event.message}`));
    pending.clear();
  };
  return <T>(request: WithoutId<Request>) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
}

/** The worker's side: runs each request and posts its value, or its error's message. */
export function answerRequests<Request extends { id: number }>(
  run: (request: Request) => Promise<unknown>,
): void {
  self.onmessage = (message: MessageEvent<Request>) => {
    const request = message.data;
    run(request).then(
      (value) => self.postMessage({ id: request.id, ok: true, value } satisfies WorkerAnswer),
      (error: unknown) =>
        self.postMessage({
          id: request.id,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        } satisfies WorkerAnswer),
    );
  };
}
