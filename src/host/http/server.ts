/** Browser mode: the same contract over loopback HTTP, guarded by a per-launch token, plus the built UI. */

import { timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { dispatch } from '../dispatch';
import type { Host } from '../host';
import { isInside } from '../roots';

export const TOKEN_HEADER = 'x-labelloop-token';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** No eval, no inline scripts, nothing loaded from elsewhere. Inline styles stay for React's style props. */
export const BROWSER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

export interface BrowserServerOptions {
  readonly host: Host;
  readonly token: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The built renderer (index.html and assets/). */
  readonly rendererDir: string;
}

export interface BrowserServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const decodeOrNull = (text: string): string | null => {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
};

const tokensEqual = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const { host, token } = options;
  const rendererDir = resolve(options.rendererDir);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const sseClients = new Set<ServerResponse>();

  const serveStatic = async (res: ServerResponse, relative: string, headers: Record<string, string> = {}) => {
    const file = resolve(rendererDir, relative);
    if (!isInside(rendererDir, file)) return send(res, 403, 'forbidden');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return send(res, 404, 'not found');
    res.writeHead(200, {
      'content-type': STATIC_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store',
      ...headers,
    });
    createReadStream(file).pipe(res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    // DNS rebinding: a page on another name resolving to 127.0.0.1 must not reach us.
    if (!allowedHosts().has(req.headers.host ?? ''))
      return send(res, 403, 'forbidden: unexpected Host header');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin))
      return send(res, 403, 'forbidden: foreign origin');

    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';

    // The bundle's hashed assets carry no user data and are the same for everyone.
    if (req.method === 'GET' && rawPath.startsWith('/assets/')) {
      const relative = decodeOrNull(rawPath.slice(1));
      if (relative === null) return send(res, 400, 'malformed percent-encoding');
      if (relative.split(/[/\\]/).some((s) => s === '..' || s === '')) return send(res, 403, 'forbidden');
      return serveStatic(res, relative);
    }
    if (req.method === 'GET' && rawPath === '/favicon.svg') return serveStatic(res, 'favicon.svg');

    const given = (req.headers[TOKEN_HEADER] as string | undefined) || url.searchParams.get('token');
    if (!given)
      return send(res, 401, 'LabelLoop: a token is required. Open the address that `npm start` printed.');
    if (!tokensEqual(given, token)) return send(res, 403, 'LabelLoop: wrong token.');

    if (req.method === 'GET' && (rawPath === '/' || rawPath === '/index.html')) {
      return serveStatic(res, 'index.html', { 'content-security-policy': BROWSER_CSP });
    }
    if (rawPath.startsWith('/api/call/')) {
      if (req.method !== 'POST') return send(res, 405, 'method not allowed');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return send(res, 415, 'calls are JSON');
      let args: unknown;
      try {
        const body = await readBody(req);
        args = body === '' ? {} : JSON.parse(body);
      } catch (error) {
        return send(res, 400, `bad request: ${(error as Error).message}`);
      }
      const name = decodeOrNull(rawPath.slice('/api/call/'.length));
      if (name === null) return send(res, 400, 'malformed percent-encoding');
      const result = await dispatch(host.handlers, name, args);
      return send(res, 200, JSON.stringify(result), 'application/json');
    }
    if (req.method === 'GET' && rawPath === '/api/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      sseClients.add(res);
      const unsubscribe = host.jobs.subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
      req.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        sseClients.delete(res);
      });
      return;
    }
    if (req.method === 'GET' && /^\/(files|display|cache)\//.test(rawPath)) {
      const media = await host.media(rawPath);
      if (!media.ok) return send(res, media.status, `${media.status}: ${media.reason}`);
      const info = await stat(media.path);
      res.writeHead(200, {
        'content-type': media.contentType,
        'content-length': info.size,
        'cache-control': 'private, max-age=3600',
      });
      createReadStream(media.path).pipe(res);
      return;
    }
    return send(res, 404, 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `internal error: ${(error as Error).message}`);
      else res.destroy();
    });
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      server.off('error', reject);
      resolvePromise({
        port,
        url: `http://127.0.0.1:${port}/?token=${token}`,
        close: () =>
          new Promise<void>((done) => {
            for (const client of sseClients) client.end();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Reads index.html once to fail early, at start, when the renderer has not been built. */
export async function assertRendererBuilt(rendererDir: string): Promise<void> {
  try {
    await readFile(join(rendererDir, 'index.html'));
  } catch {
    throw new Error(
      `The UI is not built (${join(rendererDir, 'index.html')} is missing): run \`npm run build\`.`,
    );
  }
}
