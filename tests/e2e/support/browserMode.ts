/** Starts the built browser-mode server as `npm start` would, on a fresh data dir, and reads its one URL line. */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningApp {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** `sample`: create the first-run sample project (off by default, so screens start empty). */
export async function startBrowserMode(options: { sample?: boolean } = {}): Promise<RunningApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-data-'));
  const child: ChildProcess = spawn(process.execPath, ['dist/host/server.mjs'], {
    env: {
      ...process.env,
      LABELLOOP_DATA_DIR: dataDir,
      LABELLOOP_PORT: '0',
      LABELLOOP_SAMPLE: options.sample ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed in 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^LabelLoop: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    dataDir,
    async stop() {
      // A server that already died (its stderr is in the failing test's output) has nothing to wait for.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
