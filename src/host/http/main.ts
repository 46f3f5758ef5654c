/** Entry point of browser mode: starts the host on 127.0.0.1 and prints the one URL to open. */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../atomicWrite';
import { defaultDataDir } from '../config';
import { createHost } from '../host';
import { assertRendererBuilt, startBrowserServer, type BrowserServer } from './server';

declare const __LABELLOOP_VERSION__: string;

/**
 * The UI's database lives in the browser, per origin, and the origin includes the port: reusing the
 * last port keeps a user's projects where they left them when LABELLOOP_PORT is not set.
 */
async function listen(
  start: (port: number) => Promise<BrowserServer>,
  dataDir: string,
): Promise<BrowserServer> {
  const requested = process.env.LABELLOOP_PORT;
  if (requested !== undefined && requested !== '') {
    const port = Number(requested);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`LABELLOOP_PORT must be a port number, got "${requested}"`);
    return start(port);
  }
  const stateFile = join(dataDir, 'browser-mode.json');
  const last = await readFile(stateFile, 'utf8')
    .then((text) => (JSON.parse(text) as { port?: number }).port)
    .catch(() => undefined);
  let server: BrowserServer | undefined;
  if (last) server = await start(last).catch(() => undefined);
  if (!server) {
    server = await start(0);
    if (last)
      console.warn(
        `LabelLoop: port ${last} is busy; projects made at http://127.0.0.1:${last} are stored by the browser for that address.`,
      );
  }
  await writeFileAtomic(stateFile, JSON.stringify({ port: server.port }));
  return server;
}

async function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = process.env.LABELLOOP_RENDERER_DIR ?? join(here, '..', 'renderer');
  await assertRendererBuilt(rendererDir);
  const dataDir = defaultDataDir();
  const host = await createHost({
    dataDir,
    transport: 'browser',
    version: __LABELLOOP_VERSION__,
    runWorkerPath: join(here, 'runWorker.mjs'),
  });
  const token = randomBytes(24).toString('hex');
  const server = await listen((port) => startBrowserServer({ host, token, port, rendererDir }), dataDir);
  console.log(`LabelLoop: ${server.url}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`LabelLoop could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
