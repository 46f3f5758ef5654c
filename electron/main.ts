/** Electron main process: one hardened window, the contract over IPC, and the labelloop: protocol. */

import { app, BrowserWindow, dialog, ipcMain, protocol, type IpcMainInvokeEvent } from 'electron';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { CALL_NAMES } from '../src/core/api/contract';
import { fail } from '../src/core/api/errors';
import { defaultDataDir } from '../src/host/config';
import { dispatch } from '../src/host/dispatch';
import { createHost, type Host } from '../src/host/host';
import { isInside } from '../src/host/roots';
import {
  APP_ORIGIN,
  denyPermissions,
  ELECTRON_CSP,
  isAppUrl,
  lockDownContents,
  secureWebPreferences,
} from './security';

declare const __LABELLOOP_VERSION__: string;

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

// One privileged scheme serves both the UI (labelloop://app/…) and media (labelloop://files/…, …/cache/…).
protocol.registerSchemesAsPrivileged([
  { scheme: 'labelloop', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

const dataDir = defaultDataDir();
// The renderer's IndexedDB (the project database) lives under userData: keep it beside the host's files.
app.setPath('userData', dataDir);

const fileResponse = async (path: string, contentType: string, headers: Record<string, string> = {}) => {
  const info = await stat(path);
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: { 'content-type': contentType, 'content-length': String(info.size), ...headers },
  });
};

function serveProtocol(host: Host, rendererDir: string) {
  protocol.handle('labelloop', async (request) => {
    const url = new URL(request.url);
    if (url.host === 'app') {
      const relative = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
      const file = resolve(rendererDir, relative);
      if (!isInside(rendererDir, file)) return new Response('forbidden', { status: 403 });
      const type = STATIC_TYPES[extname(file)] ?? 'application/octet-stream';
      return fileResponse(file, type, { 'content-security-policy': ELECTRON_CSP }).catch(
        () => new Response('not found', { status: 404 }),
      );
    }
    // Media: the same resolver as browser mode, limited to registered project roots and the app cache.
    const raw = request.url.slice('labelloop://'.length).split('?')[0] ?? '';
    const media = await host.media(raw);
    if (!media.ok) return new Response(media.reason, { status: media.status });
    return fileResponse(media.path, media.contentType);
  });
}

/** Only the app's own page may call the host; everything else (a stray frame, a navigated page) is refused. */
const fromApp = (event: IpcMainInvokeEvent): boolean => isAppUrl(event.senderFrame?.url ?? '');

async function start() {
  await app.whenReady();
  const rendererDir = join(__dirname, '..', 'renderer');
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'LabelLoop',
    backgroundColor: '#14161a',
    webPreferences: secureWebPreferences(join(__dirname, 'preload.cjs')),
  });
  denyPermissions(window.webContents.session);
  const host = await createHost({
    dataDir,
    transport: 'electron',
    version: __LABELLOOP_VERSION__,
    // Worker threads load real files: electron-builder unpacks the worker beside the asar archive.
    runWorkerPath: join(__dirname, '..', 'host', 'runWorker.mjs').replace(
      /app\.asar([\\/])/,
      'app.asar.unpacked$1',
    ),
    pickers: {
      async pickFolder() {
        const options = { properties: ['openDirectory' as const] };
        const result = await dialog.showOpenDialog(window, options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      async pickFiles() {
        const options = {
          properties: ['openFile' as const, 'multiSelections' as const],
          filters: [
            { name: 'Images', extensions: ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'gif', 'avif'] },
          ],
        };
        const result = await dialog.showOpenDialog(window, options);
        return result.canceled ? [] : result.filePaths;
      },
    },
  });
  serveProtocol(host, rendererDir);

  for (const name of CALL_NAMES) {
    ipcMain.handle(`labelloop:${name}`, (event, args: unknown) =>
      fromApp(event)
        ? dispatch(host.handlers, name, args)
        : fail('forbidden', 'calls are accepted only from the app'),
    );
  }
  // A reload or a crashed page leaves nobody to save what running jobs send: the UI shows their imports and
  // model runs as interrupted (runs resume), so the host stops them instead of working for nobody.
  window.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) host.jobs.cancelAll();
  });
  window.webContents.on('render-process-gone', () => host.jobs.cancelAll());
  host.jobs.subscribe((event) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send('labelloop:job-event', event);
  });

  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => app.quit());
start().catch((error: unknown) => {
  console.error('LabelLoop failed to start:', error);
  app.exit(1);
});
