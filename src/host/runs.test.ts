import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyJobEvent, RunJobEvent } from '../core/api/contract';
import { HostError } from '../core/api/errors';
import { yoloCard } from '../core/inference/testCards';
import { createHost, type Host } from './host';
import { constantModel, yolov8Rows } from './inference/testModels';
import { bundleRunWorker } from './inference/testWorker';

/*
 * The models and runs calls through the host, as the UI makes them: add a model, save its card, run it,
 * and resume a run with the card it started with even after the saved card changed.
 */

let dir = '';
let host: Host;
let removeWorker: () => Promise<void> = async () => undefined;
let modelFile = '';
let image = '';
const card = yoloCard({
  input: { ...yoloCard().input, size: { width: 64, height: 32 } },
  classes: ['person', 'car'],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-runs-'));
  const worker = await bundleRunWorker();
  removeWorker = worker.remove;
  host = await createHost({
    dataDir: join(dir, 'data'),
    transport: 'browser',
    version: 't',
    runWorkerPath: worker.path,
  });
  // One box of class 0 at the centre of a 64×32 input.
  modelFile = join(dir, 'v8.onnx');
  await writeFile(
    modelFile,
    constantModel({ name: 'images', dims: [1, 3, 32, 64] }, [
      { name: 'output0', dims: [1, 6, 1], values: yolov8Rows([[32, 16, 32, 8, 0.9, 0.1]]) },
    ]),
  );
  image = join(dir, 'a.png');
  await sharp({ create: { width: 64, height: 32, channels: 3, background: '#336699' } })
    .png()
    .toFile(image);
}, 60_000);
afterAll(async () => {
  await host.jobs.idle();
  await rm(dir, { recursive: true, force: true });
  await removeWorker();
});

/** Starts a run and answers its events once it has ended. */
async function runToEnd(args: Parameters<Host['handlers']['runs.start']>[0]): Promise<RunJobEvent[]> {
  const events: AnyJobEvent[] = [];
  const unsubscribe = host.jobs.subscribe((event) => events.push(event));
  try {
    const { jobId } = await host.handlers['runs.start'](args);
    await host.jobs.idle();
    return events.filter((e) => e.jobId === jobId) as RunJobEvent[];
  } finally {
    unsubscribe();
  }
}

const labels = (events: RunJobEvent[]) =>
  events.flatMap((e) =>
    e.type === 'output' ? e.output.results.flatMap((r) => r.objects.map((o) => o.label)) : [],
  );

describe('models and runs through the host', () => {
  it('refuses to run a model before its card is reviewed, then runs it with the saved card', async () => {
    const added = await host.handlers['models.add']({ path: modelFile });
    const args = {
      runId: 'run-1',
      sha256: added.sha256,
      images: [{ imageId: 'a', path: image }],
      threads: 1,
      provider: 'cpu' as const,
    };
    await expect(host.handlers['runs.start'](args)).rejects.toThrow(/review and save the card/);
    const saved = await host.handlers['models.saveCard']({ sha256: added.sha256, card });
    expect(saved.problems).toEqual([]);
    const events = await runToEnd(args);
    expect(labels(events)).toEqual(['person']);
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      summary: { processed: 1, failed: 0, provider: 'cpu' },
    });
  });

  it('runs a resumed run with the card it started with, not the card saved since', async () => {
    const { models } = await host.handlers['models.list']({});
    const sha256 = models.find((m) => !m.bundled)!.sha256;
    await host.handlers['models.saveCard']({ sha256, card: { ...card, classes: ['pedestrian', 'car'] } });
    const base = {
      runId: 'run-2',
      sha256,
      images: [{ imageId: 'a', path: image }],
      threads: 1,
      provider: 'cpu' as const,
    };
    expect(labels(await runToEnd(base))).toEqual(['pedestrian']);
    expect(labels(await runToEnd({ ...base, card }))).toEqual(['person']);
    const invalid = host.handlers['runs.start']({ ...base, card: { ...card, decoder: 'yolov9' } });
    await expect(invalid).rejects.toBeInstanceOf(HostError);
    await expect(
      host.handlers['runs.start']({ ...base, card: { ...card, classes: ['one'] } }),
    ).rejects.toThrow(/does not fit the model: output output0/);
  });
});
