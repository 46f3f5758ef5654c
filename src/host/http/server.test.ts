/**
 * Browser mode over real loopback HTTP. Requests go through node:http, not fetch: fetch silently replaces a
 * custom Host header and normalises `..` out of the path, so it cannot send the attacks tested here.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyJobEvent, CallName, CallResult } from '../../core/api/contract';
import type { Result } from '../../core/api/errors';
import { picture, pixelBombPng } from '../../../tests/fixtures/imageFolder';
import { createHost, type Host } from '../host';
import { thumbnailFile } from '../images/thumbnails';
import { startBrowserServer, TOKEN_HEADER, type BrowserServer } from './server';

const token = randomBytes(24).toString('hex');
const SECRET = 'TOP-SECRET-BYTES-OUTSIDE-THE-ROOT';
const INDEX_HTML = '<!doctype html><title>LabelLoop test</title><script src="/assets/app.js"></script>';
const APP_JS = 'console.log("labelloop test bundle");';

let tmp: string;
let photos: string;
let outside: string;
let host: Host;
let server: BrowserServer;
let rootId: string;
let catJpeg: Buffer;
let dogPng: Buffer;

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** false: send no Host header at all. */
  readonly setHost?: boolean;
}

/** Sends `path` exactly as written: no normalisation, no encoding. */
function send(path: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        setHost: options.setHost ?? true,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const withToken = (headers: Record<string, string> = {}) => ({ [TOKEN_HEADER]: token, ...headers });

/** A contract call as the renderer makes it. */
async function call<N extends CallName>(
  name: N | (string & {}),
  args: unknown,
  headers: Record<string, string> = {},
): Promise<Result<CallResult<N>>> {
  const reply = await send(`/api/call/${name}`, {
    method: 'POST',
    headers: withToken({ 'content-type': 'application/json', ...headers }),
    body: JSON.stringify(args),
  });
  expect(reply.status).toBe(200);
  return JSON.parse(reply.text) as Result<CallResult<N>>;
}

/** The value of a call that must succeed; fails the test with the host's message otherwise. */
async function callValue<N extends CallName>(name: N, args: unknown): Promise<CallResult<N>> {
  const result = await call(name, args);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), 'labelloop-server-')));
  const rendererDir = join(tmp, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(join(rendererDir, 'assets', 'app.js'), APP_JS);

  photos = join(tmp, 'photos');
  outside = join(tmp, 'outside');
  await mkdir(join(photos, 'sub'), { recursive: true });
  await mkdir(outside);
  catJpeg = await (await picture(64, 48, 1)).jpeg().toBuffer();
  dogPng = await (await picture(40, 30, 2)).png().toBuffer();
  await writeFile(join(photos, 'cat.jpg'), catJpeg);
  await writeFile(join(photos, 'sub', 'dog.png'), dogPng);
  await writeFile(join(photos, 'notes.txt'), 'plain text');
  // Stored 64 × 48 with EXIF orientation 6: upright it is 48 wide and 64 tall.
  await writeFile(
    join(photos, 'rotated.jpg'),
    await (await picture(64, 48, 3)).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
  );
  await writeFile(join(photos, 'bomb.png'), pixelBombPng());
  await writeFile(join(outside, 'secret.jpg'), SECRET);
  await writeFile(join(tmp, 'secret.jpg'), SECRET);
  await symlink(join(outside, 'secret.jpg'), join(photos, 'escape.jpg'));
  await symlink('../outside', join(photos, 'escape-dir'));
  await symlink('sub/dog.png', join(photos, 'inside-link.png'));

  host = await createHost({ dataDir: join(tmp, 'data'), transport: 'browser', version: 'test' });
  server = await startBrowserServer({ host, token, port: 0, rendererDir });
  ({ rootId } = await callValue('roots.register', { projectId: 'project-1', path: photos }));
});

afterAll(async () => {
  await server?.close();
  await host?.jobs.idle();
  await rm(tmp, { recursive: true, force: true });
});

/** Whether a TCP connection to address:port is accepted. */
const accepts = (address: string, port: number) =>
  new Promise<boolean | string>((resolve) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });

describe('listening', () => {
  it('prints the URL http://127.0.0.1:<port>/?token=<token>', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('accepts connections on 127.0.0.1 only, not on other addresses of this machine', async () => {
    expect(await accepts('127.0.0.1', server.port)).toBe(true);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((info) => info && info.family === 'IPv4' && !info.internal)
      .map((info) => info!.address);
    // On Linux all of 127/8 is loopback: a server bound to 0.0.0.0 would accept 127.0.0.2.
    if (platform() === 'linux') others.push('127.0.0.2');
    expect(others.length).toBeGreaterThan(0);
    for (const address of others) expect(await accepts(address, server.port)).toBe('ECONNREFUSED');
  });
});

describe('the token', () => {
  it('is required for an API call: 401 and no data in the body', async () => {
    const reply = await send('/api/call/app.info', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(reply.status).toBe(401);
    expect(reply.text).not.toContain('"ok"');
    expect(reply.text).not.toContain(tmp);
  });

  it('is required for a file: 401 and none of the file bytes', async () => {
    const reply = await send(`/files/${rootId}/cat.jpg`);
    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.body.includes(catJpeg.subarray(0, 64))).toBe(false);
  });

  it('must be right: a wrong token is 403', async () => {
    const wrong = { [TOKEN_HEADER]: 'f'.repeat(token.length) };
    expect((await send(`/files/${rootId}/cat.jpg`, { headers: wrong })).status).toBe(403);
    expect((await send(`/files/${rootId}/cat.jpg?token=${'0'.repeat(48)}`)).status).toBe(403);
    expect((await send(`/files/${rootId}/cat.jpg?token=short`)).status).toBe(403);
  });

  it('works in the x-labelloop-token header and in ?token=', async () => {
    const viaHeader = await send(`/files/${rootId}/cat.jpg`, { headers: withToken() });
    const viaQuery = await send(`/files/${rootId}/cat.jpg?token=${token}`);
    expect(viaHeader.status).toBe(200);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body.equals(catJpeg)).toBe(true);
  });

  it('guards the page: / is 401 without it and 200 with a CSP that forbids eval', async () => {
    expect((await send('/')).status).toBe(401);
    const page = await send(`/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toBe(INDEX_HTML);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is not needed for the bundle assets, which never reach beyond the renderer folder', async () => {
    const asset = await send('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.text).toBe(APP_JS);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    for (const path of [
      '/assets/../index.html',
      '/assets/%2e%2e/%2e%2e/secret.jpg',
      '/assets/..%2f..%2fsecret.jpg',
      '/assets//etc/passwd',
    ]) {
      const reply = await send(path);
      expect([403, 404]).toContain(reply.status);
      expect(reply.text).not.toContain(SECRET);
      expect(reply.text).not.toContain('LabelLoop test');
    }
  });
});

describe('Origin and Host checks', () => {
  it('refuses a foreign Origin with 403 even with the right token', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`]) {
      const reply = await send('/api/call/app.info', {
        method: 'POST',
        headers: withToken({ 'content-type': 'application/json', origin }),
        body: '{}',
      });
      expect(reply.status).toBe(403);
      expect(reply.text).not.toContain('"ok"');
    }
    const file = await send(`/files/${rootId}/cat.jpg`, {
      headers: withToken({ origin: 'http://evil.example' }),
    });
    expect(file.status).toBe(403);
    expect(file.body.includes(catJpeg.subarray(0, 64))).toBe(false);
  });

  it('accepts the same origin, by IP or as localhost', async () => {
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      expect(await call('app.info', {}, { origin })).toMatchObject({ ok: true });
    }
  });

  it('refuses a foreign Host header (DNS rebinding) with 403 even with the right token', async () => {
    for (const hostHeader of [
      `evil.example:${server.port}`,
      'evil.example',
      `127.0.0.1:${server.port + 1}`,
    ]) {
      const reply = await send(`/files/${rootId}/cat.jpg`, { headers: withToken({ host: hostHeader }) });
      expect(reply.status).toBe(403);
      expect(reply.body.includes(catJpeg.subarray(0, 64))).toBe(false);
    }
  });

  it('refuses a request without a Host header and accepts localhost:<port>', async () => {
    // Node itself answers 400 to an HTTP/1.1 request without Host, before our check runs.
    const hostless = await send(`/?token=${token}`, { setHost: false });
    expect([400, 403]).toContain(hostless.status);
    expect(hostless.text).not.toContain('LabelLoop test');
    const named = await send(`/?token=${token}`, { headers: { host: `localhost:${server.port}` } });
    expect(named.status).toBe(200);
  });
});

describe('files under a registered root', () => {
  const file = (path: string) => send(path, { headers: withToken() });

  it('serves a good file with its bytes and content type', async () => {
    const cat = await file(`/files/${rootId}/cat.jpg`);
    expect(cat.status).toBe(200);
    expect(cat.headers['content-type']).toBe('image/jpeg');
    expect(Number(cat.headers['content-length'])).toBe(catJpeg.length);
    expect(cat.body.equals(catJpeg)).toBe(true);
    const dog = await file(`/files/${rootId}/sub/dog.png`);
    expect(dog.headers['content-type']).toBe('image/png');
    expect(dog.body.equals(dogPng)).toBe(true);
  });

  it('serves a symlink that points inside the root', async () => {
    const reply = await file(`/files/${rootId}/inside-link.png`);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(dogPng)).toBe(true);
  });

  const escapes: [name: string, path: (root: string) => string, status: 403 | 404][] = [
    ['plain ..', (r) => `/files/${r}/../outside/secret.jpg`, 403],
    ['.. to the parent of the root', (r) => `/files/${r}/../secret.jpg`, 403],
    ['.. after a sub-folder', (r) => `/files/${r}/sub/../../outside/secret.jpg`, 403],
    ['%2e%2e', (r) => `/files/${r}/%2e%2e/outside/secret.jpg`, 403],
    ['%2E%2E%2F in one segment', (r) => `/files/${r}/%2E%2E%2Foutside%2Fsecret.jpg`, 403],
    ['..%2f', (r) => `/files/${r}/..%2foutside%2fsecret.jpg`, 403],
    ['.. as the root id', () => `/files/../outside/secret.jpg`, 403],
    ['an absolute path after the root', (r) => `/files/${r}/${join(tmp, 'secret.jpg')}`, 403],
    ['//etc/passwd', (r) => `/files/${r}//etc/passwd`, 403],
    ['an encoded absolute path', (r) => `/files/${r}/${encodeURIComponent(join(tmp, 'secret.jpg'))}`, 403],
    ['%2Fetc%2Fpasswd', (r) => `/files/${r}/%2Fetc%2Fpasswd`, 403],
    ['backslashes', (r) => `/files/${r}/..\\outside\\secret.jpg`, 403],
    ['encoded backslashes', (r) => `/files/${r}/..%5Coutside%5Csecret.jpg`, 403],
    ['a symlinked file pointing outside', (r) => `/files/${r}/escape.jpg`, 403],
    ['a symlinked folder pointing outside', (r) => `/files/${r}/escape-dir/secret.jpg`, 403],
    ['a display copy of a symlink pointing outside', (r) => `/display/${r}/escape.jpg`, 403],
    ['double-encoded %252e%252e (a literal name)', (r) => `/files/${r}/%252e%252e/outside/secret.jpg`, 404],
  ];

  it.each(escapes)('refuses %s and never sends the outside file', async (_name, path, status) => {
    const reply = await file(path(rootId));
    expect(reply.status).toBe(status);
    expect(reply.text).not.toContain(SECRET);
  });

  it('serves the display copy of an EXIF-rotated JPEG as an upright PNG', async () => {
    const reply = await file(`/display/${rootId}/rotated.jpg`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('image/png');
    const meta = await sharp(reply.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 48, 64]);
  });

  it('refuses a display copy of a pixel bomb without sending any image', async () => {
    const reply = await file(`/display/${rootId}/bomb.png`);
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('answers 404 for an unknown root, a missing file and a folder', async () => {
    expect((await file(`/files/${'f'.repeat(24)}/cat.jpg`)).status).toBe(404);
    expect((await file(`/files/${rootId}/missing.jpg`)).status).toBe(404);
    expect((await file(`/files/${rootId}/sub`)).status).toBe(404);
  });

  it('refuses a file that is not an image with 415', async () => {
    const reply = await file(`/files/${rootId}/notes.txt`);
    expect(reply.status).toBe(415);
    expect(reply.text).not.toContain('plain text');
  });

  it('stops serving a root once its project is forgotten', async () => {
    const other = join(tmp, 'other-project');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'cat.jpg'), catJpeg);
    const registered = await callValue('roots.register', { projectId: 'project-2', path: other });
    const url = `/files/${registered.rootId}/cat.jpg`;
    expect((await file(url)).status).toBe(200);
    expect(await call('roots.forgetProject', { projectId: 'project-2' })).toEqual({
      ok: true,
      value: { removed: 1 },
    });
    expect((await file(url)).status).toBe(404);
  });
});

describe('thumbnails', () => {
  it('serves cache/thumbs/<hash>.webp after an import, and 404 for unknown or malformed hashes', async () => {
    await callValue('images.startImport', {
      projectId: 'project-1',
      sources: [{ kind: 'folder', path: photos }],
    });
    await host.jobs.idle();
    const catHash = createHash('sha256').update(catJpeg).digest('hex');

    const thumb = await send(`/cache/thumbs/${catHash}.webp`, { headers: withToken() });
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.body.equals(await readFile(thumbnailFile(host.dataDir, catHash)))).toBe(true);

    for (const path of [
      `/cache/thumbs/${'0'.repeat(64)}.webp`,
      `/cache/thumbs/${catHash.toUpperCase()}.webp`,
      `/cache/thumbs/${catHash.slice(1)}.webp`,
      `/cache/thumbs/${catHash}.png`,
      `/cache/thumbs/${catHash.slice(0, 2)}/${catHash}.webp`,
      '/cache/thumbs/not-a-hash.webp',
    ])
      expect((await send(path, { headers: withToken() })).status, path).toBe(404);
  });

  it('never serves other files of the data folder through the cache path', async () => {
    for (const path of [
      '/cache/../roots.json',
      '/cache/thumbs/..%2f..%2froots.json',
      '/cache/thumbs/%2e%2e',
    ]) {
      const reply = await send(path, { headers: withToken() });
      expect(reply.status).toBe(403);
      expect(reply.text).not.toContain(rootId);
    }
  });
});

describe('the API', () => {
  it('answers app.info with the browser transport and the version', async () => {
    expect(await call('app.info', {})).toEqual({
      ok: true,
      value: expect.objectContaining({ transport: 'browser', version: 'test', dataDir: join(tmp, 'data') }),
    });
  });

  it('answers 400, not 500, to malformed percent-encoding in a call name or an asset path', async () => {
    const headers = { 'x-labelloop-token': token, 'content-type': 'application/json' };
    expect((await send('/api/call/%E0%A4%A', { method: 'POST', headers, body: '{}' })).status).toBe(400);
    expect((await send('/assets/%E0%A4%A.js')).status).toBe(400);
  });

  it('answers unknown-call for a call the contract does not have', async () => {
    expect(await call('images.deleteEverything', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-call', message: '"images.deleteEverything" is not a LabelLoop call' },
    });
  });

  it.each([
    ['an empty sources list', { projectId: 'p', sources: [] }, /sources/],
    [
      'a relative path',
      { projectId: 'p', sources: [{ kind: 'folder', path: 'photos/2024' }] },
      /"photos\/2024" is not an absolute path/,
    ],
    ['an extra key', { projectId: 'p', sources: [{ kind: 'folder', path: '/x' }], force: true }, /"force"/],
    ['a missing projectId', { sources: [{ kind: 'folder', path: '/x' }] }, /projectId/],
  ])('answers invalid-argument for %s, naming the problem', async (_name, args, named) => {
    const result = await call('images.startImport', args);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(result.ok ? '' : result.error.message).toMatch(named);
  });

  it('refuses GET on a call with 405', async () => {
    const reply = await send('/api/call/app.info', { headers: withToken() });
    expect(reply.status).toBe(405);
  });

  it('refuses a call that is not JSON with 415, so a plain form post cannot make one', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const reply = await send('/api/call/app.info', {
        method: 'POST',
        headers: withToken({ 'content-type': type }),
        body: '{}',
      });
      expect(reply.status).toBe(415);
    }
  });

  it('refuses a body that is not valid JSON with 400', async () => {
    const reply = await send('/api/call/app.info', {
      method: 'POST',
      headers: withToken({ 'content-type': 'application/json' }),
      body: '{"unterminated',
    });
    expect(reply.status).toBe(400);
  });
});

describe('job events over SSE', () => {
  it('needs the token', async () => {
    expect((await send('/api/events')).status).toBe(401);
  });

  it('streams an import started through the API: progress, output, then done last', async () => {
    const events: AnyJobEvent[] = [];
    let buffered = '';
    let wake = () => {};
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server.port, path: `/api/events?token=${token}`, agent: false },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    let connected = false;
    const next = () => new Promise<void>((resolve) => (wake = resolve));
    /** Waits for chunks until `condition` holds; checked before each wait, so no chunk is missed. */
    const until = async (condition: () => boolean) => {
      while (!condition()) await next();
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const messages = buffered.split('\n\n');
      buffered = messages.pop() ?? '';
      for (const message of messages) {
        if (message === ': connected') connected = true;
        if (message.startsWith('data: '))
          events.push(JSON.parse(message.slice('data: '.length)) as AnyJobEvent);
      }
      wake();
    });
    try {
      expect(stream.statusCode).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream');
      // The server subscribes to jobs before it writes this first comment.
      await until(() => connected);

      const { jobId } = await callValue('images.startImport', {
        projectId: 'project-1',
        sources: [{ kind: 'folder', path: join(photos, 'sub') }],
      });
      const own = () => events.filter((e) => e.jobId === jobId);
      await until(() =>
        own().some((e) => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled'),
      );

      const types = own().map((e) => e.type);
      expect(types[0]).toBe('progress');
      expect(types.at(-1)).toBe('done');
      expect(types.filter((t) => t === 'done')).toHaveLength(1);
      const firstOutput = types.indexOf('output');
      expect(firstOutput).toBeGreaterThan(0);
      expect(firstOutput).toBeLessThan(types.length - 1);
      const images = own().flatMap((e) =>
        e.type === 'output' && 'images' in e.output ? e.output.images : [],
      );
      expect(images.map((i) => [i.relPath, i.width, i.height])).toEqual([['dog.png', 40, 30]]);
      expect(own().at(-1)).toMatchObject({ type: 'done', summary: { candidates: 1, readable: 1 } });
    } finally {
      stream.destroy();
    }
  });
});
