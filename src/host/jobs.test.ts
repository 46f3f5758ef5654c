import { describe, expect, it } from 'vitest';
import type { AnyJobEvent } from '../core/api/contract';
import { createJobRunner } from './jobs';

describe('the job runner', () => {
  it('cancels every running job at once, each ending once as cancelled', async () => {
    const jobs = createJobRunner();
    const events: AnyJobEvent[] = [];
    jobs.subscribe((event) => events.push(event));
    const untilCancelled = (signal: AbortSignal) =>
      new Promise<{ stopped: true }>((resolve) =>
        signal.addEventListener('abort', () => resolve({ stopped: true })),
      );
    const wrap = (event: unknown) => event as AnyJobEvent;
    const a = jobs.start((job) => untilCancelled(job.signal), wrap);
    const b = jobs.start((job) => untilCancelled(job.signal), wrap);
    expect(jobs.cancelAll()).toBe(2);
    await jobs.idle();
    expect(events.map((e) => [e.jobId, e.type])).toEqual([
      [a, 'cancelled'],
      [b, 'cancelled'],
    ]);
    expect(jobs.cancelAll()).toBe(0);
  });
});
