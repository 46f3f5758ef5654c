/** The root registry: which folders the host serves, remembered across launches, never beyond the folder. */

import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../core/api/errors';
import { openRootRegistry, rootIdFor } from './roots';

let tmp: string;
let photos: string;
let scans: string;
let outside: string;
let dataCount = 0;
const freshDataDir = () => join(tmp, `data-${++dataCount}`);

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), 'labelloop-roots-')));
  photos = join(tmp, 'photos');
  scans = join(tmp, 'scans');
  outside = join(tmp, 'outside');
  await mkdir(join(photos, 'sub'), { recursive: true });
  await mkdir(scans);
  await mkdir(outside);
  await writeFile(join(photos, 'cat.jpg'), 'cat bytes');
  await writeFile(join(photos, 'sub', 'dog.jpg'), 'dog bytes');
  await writeFile(join(outside, 'secret.jpg'), 'secret bytes');
  await symlink(join(outside, 'secret.jpg'), join(photos, 'escape.jpg'));
  await symlink('../outside', join(photos, 'escape-dir'));
  await symlink('sub/dog.jpg', join(photos, 'inside-link.jpg'));
  await symlink(photos, join(tmp, 'photos-link'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const hostErrorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof HostError ? { code: error.code, message: error.message } : error),
  );

describe('register', () => {
  it('is idempotent: registering a folder twice for a project stores it once', async () => {
    const dataDir = freshDataDir();
    const roots = await openRootRegistry(dataDir);
    const first = await roots.register('p1', photos);
    const second = await roots.register('p1', photos);
    expect(second).toEqual(first);
    const stored = JSON.parse(await readFile(join(dataDir, 'roots.json'), 'utf8'));
    expect(stored).toEqual([{ rootId: first.rootId, path: photos, projectIds: ['p1'] }]);
  });

  it('is persistent: a registry opened later on the same data folder knows the root', async () => {
    const dataDir = freshDataDir();
    const { rootId } = await (await openRootRegistry(dataDir)).register('p1', photos);
    const reopened = await openRootRegistry(dataDir);
    expect(reopened.get(rootId)).toEqual({ rootId, path: photos });
    expect(await reopened.resolve(rootId, ['cat.jpg'])).toEqual({ ok: true, path: join(photos, 'cat.jpg') });
  });

  it('gives the same rootId for the same real path, through a symlink, a trailing slash or a fresh data folder', async () => {
    const direct = await (await openRootRegistry(freshDataDir())).register('p1', photos);
    const viaLink = await (await openRootRegistry(freshDataDir())).register('p2', join(tmp, 'photos-link'));
    const withSlash = await (await openRootRegistry(freshDataDir())).register('p3', `${photos}/`);
    const viaDotDot = await (
      await openRootRegistry(freshDataDir())
    ).register('p4', join(scans, '..', 'photos'));
    expect(direct).toEqual({ rootId: rootIdFor(photos), path: photos });
    expect(viaLink).toEqual(direct);
    expect(withSlash).toEqual(direct);
    expect(viaDotDot).toEqual(direct);
    expect(rootIdFor(scans)).not.toBe(direct.rootId);
  });

  it('keeps every registration when many folders are registered at once', async () => {
    const dataDir = freshDataDir();
    const folders = Array.from({ length: 40 }, (_, i) => join(tmp, 'many', `folder-${i}`));
    await Promise.all(folders.map((folder) => mkdir(folder, { recursive: true })));
    const roots = await openRootRegistry(dataDir);
    const registered = await Promise.all(folders.map((folder) => roots.register('p1', folder)));
    const reopened = await openRootRegistry(dataDir);
    const known = registered.filter(({ rootId }) => reopened.get(rootId) !== undefined);
    expect(known).toHaveLength(40);
  });

  it('refuses a relative path as invalid-argument', async () => {
    const roots = await openRootRegistry(freshDataDir());
    expect(await hostErrorOf(roots.register('p1', 'photos'))).toEqual({
      code: 'invalid-argument',
      message: '"photos" is not an absolute path',
    });
  });

  it('refuses a missing folder as not-found and a file as invalid-argument', async () => {
    const roots = await openRootRegistry(freshDataDir());
    expect(await hostErrorOf(roots.register('p1', join(tmp, 'nope')))).toMatchObject({ code: 'not-found' });
    expect(await hostErrorOf(roots.register('p1', join(photos, 'cat.jpg')))).toMatchObject({
      code: 'invalid-argument',
    });
  });
});

describe('forgetProject', () => {
  it('removes the roots only that project used and keeps roots shared with another project', async () => {
    const dataDir = freshDataDir();
    const roots = await openRootRegistry(dataDir);
    const shared = await roots.register('p1', photos);
    await roots.register('p2', photos);
    const own = await roots.register('p1', scans);

    expect(await roots.forgetProject('p1')).toBe(2);
    expect(roots.get(own.rootId)).toBeUndefined();
    expect(roots.get(shared.rootId)).toEqual(shared);
    expect(await roots.resolve(own.rootId, ['x.jpg'])).toMatchObject({ ok: false, status: 404 });

    const reopened = await openRootRegistry(dataDir);
    expect(reopened.get(own.rootId)).toBeUndefined();
    expect(reopened.get(shared.rootId)).toEqual(shared);

    expect(await reopened.forgetProject('p2')).toBe(1);
    expect(reopened.get(shared.rootId)).toBeUndefined();
    expect(JSON.parse(await readFile(join(dataDir, 'roots.json'), 'utf8'))).toEqual([]);
  });

  it('answers 0 for a project with no roots and leaves files on disk alone', async () => {
    const roots = await openRootRegistry(freshDataDir());
    await roots.register('p1', photos);
    expect(await roots.forgetProject('never-seen')).toBe(0);
    await roots.forgetProject('p1');
    expect(await readFile(join(photos, 'cat.jpg'), 'utf8')).toBe('cat bytes');
  });
});

describe('resolve', () => {
  let rootId: string;
  let roots: Awaited<ReturnType<typeof openRootRegistry>>;
  beforeAll(async () => {
    roots = await openRootRegistry(freshDataDir());
    ({ rootId } = await roots.register('p1', photos));
  });

  it('resolves a file in a sub-folder to its real path', async () => {
    expect(await roots.resolve(rootId, ['sub', 'dog.jpg'])).toEqual({
      ok: true,
      path: join(photos, 'sub', 'dog.jpg'),
    });
  });

  it('follows a symlink that stays inside the root', async () => {
    expect(await roots.resolve(rootId, ['inside-link.jpg'])).toEqual({
      ok: true,
      path: join(photos, 'sub', 'dog.jpg'),
    });
  });

  it('refuses a symlinked file that points outside the root with 403', async () => {
    expect(await roots.resolve(rootId, ['escape.jpg'])).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a file reached through a symlinked folder outside the root with 403', async () => {
    expect(await roots.resolve(rootId, ['escape-dir', 'secret.jpg'])).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('refuses a sibling folder whose name starts with the root name', async () => {
    await mkdir(`${photos}-private`, { recursive: true });
    await writeFile(join(`${photos}-private`, 'diary.jpg'), 'private');
    await symlink(join(`${photos}-private`, 'diary.jpg'), join(photos, 'sibling.jpg'));
    expect(await roots.resolve(rootId, ['sibling.jpg'])).toMatchObject({ ok: false, status: 403 });
  });

  it('answers 404 for a missing file and for an unknown root', async () => {
    expect(await roots.resolve(rootId, ['missing.jpg'])).toMatchObject({ ok: false, status: 404 });
    expect(await roots.resolve('f'.repeat(24), ['cat.jpg'])).toMatchObject({ ok: false, status: 404 });
  });
});

describe('a damaged registry file', () => {
  it('does not stop the host: it is kept aside and the registry starts empty', async () => {
    const dataDir = freshDataDir();
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'roots.json'), '{ this is not json');
    const registry = await openRootRegistry(dataDir);
    expect(registry.get(rootIdFor(await realpath(photos)))).toBeUndefined();
    const { rootId } = await registry.register('p', photos);
    expect(registry.get(rootId)?.path).toBe(await realpath(photos));
    const kept = (await readdir(dataDir)).filter((name) => name.startsWith('roots.json.damaged-'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(dataDir, kept[0]!), 'utf8')).toBe('{ this is not json');
  });
});
