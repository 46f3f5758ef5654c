/** Picks the transport: the preload's bridge under Electron, loopback HTTP with the launch token otherwise. */

import type { AnyJobEvent, ApiClient, CallArgs, CallName, CallResult } from '../../../src/core/api/contract';
import { fail, isApiErrorCode, type Result } from '../../../src/core/api/errors';

interface ElectronBridge {
  calls: Record<string, (args: unknown) => Promise<unknown>>;
  onJobEvent(listener: (event: AnyJobEvent) => void): () => void;
}

declare global {
  interface Window {
    labelloop?: ElectronBridge;
  }
}

const asResult = <T>(value: unknown): Result<T> => {
  const candidate = value as Result<T> | undefined;
  if (candidate && candidate.ok === true) return candidate;
  if (candidate && candidate.ok === false && isApiErrorCode(candidate.error?.code)) return candidate;
  return fail('internal', 'the host sent a malformed answer');
};

function electronClient(bridge: ElectronBridge): ApiClient {
  return {
    transport: 'electron',
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
      const fn = bridge.calls[name];
      if (!fn) return fail('unknown-call', `the desktop bridge has no "${name}"`);
      try {
        return asResult<CallResult<N>>(await fn(args));
      } catch (error) {
        return fail('internal', `${name}: ${(error as Error).message}`);
      }
    },
    onJobEvent: (listener) => bridge.onJobEvent(listener),
    mediaUrl: (mediaPath) => `labelloop://${mediaPath}`,
  };
}

function browserClient(token: string): ApiClient {
  const listeners = new Set<(event: AnyJobEvent) => void>();
  let source: EventSource | undefined;
  let opened: Promise<void> = Promise.resolve();
  const connect = () => {
    if (source) return;
    const stream = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source = stream;
    // Calls wait (briefly) for the stream, so a job's first events are never sent before we listen.
    opened = new Promise((resolve) => {
      stream.addEventListener('open', () => resolve(), { once: true });
      setTimeout(resolve, 3000);
    });
    stream.onmessage = (message) => {
      const event = JSON.parse(message.data as string) as AnyJobEvent;
      for (const listener of listeners) listener(event);
    };
  };
  return {
    transport: 'browser',
    async call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>> {
      await opened;
      try {
        const response = await fetch(`/api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-labelloop-token': token },
          body: JSON.stringify(args),
        });
        if (!response.ok) return fail('forbidden', `${name}: ${response.status} ${await response.text()}`);
        return asResult<CallResult<N>>(await response.json());
      } catch (error) {
        return fail('io', `${name}: the LabelLoop host is not reachable (${(error as Error).message})`);
      }
    },
    onJobEvent(listener) {
      connect();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    mediaUrl: (mediaPath) => `/${mediaPath}?token=${encodeURIComponent(token)}`,
  };
}

export function createApiClient(): ApiClient | { error: string } {
  if (window.labelloop) return electronClient(window.labelloop);
  const token = new URLSearchParams(window.location.search).get('token');
  if (!token)
    return { error: 'This page needs its launch token: open the address that `npm start` printed.' };
  const client = browserClient(token);
  client.onJobEvent(() => undefined); // open the event stream before the first job starts
  return client;
}
