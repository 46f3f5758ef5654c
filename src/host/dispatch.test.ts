/** The host edge: calls are validated, typed errors pass through, anything else becomes `internal`. */

import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, HostError } from '../core/api/errors';
import { dispatch, type Handlers } from './dispatch';

/** Handlers where every call fails loudly unless a test overrides it. */
const handlersWith = (overrides: Partial<Record<keyof Handlers, (args: unknown) => Promise<unknown>>>) =>
  new Proxy(overrides, {
    get: (target, name: string) =>
      target[name as keyof Handlers] ??
      (() => Promise.reject(new Error(`test did not expect a call to ${name}`))),
  }) as unknown as Handlers;

describe('dispatch', () => {
  it('returns the handler value as ok', async () => {
    const handlers = handlersWith({ 'jobs.cancel': async () => ({ cancelled: true }) });
    expect(await dispatch(handlers, 'jobs.cancel', { jobId: 'job-1' })).toEqual({
      ok: true,
      value: { cancelled: true },
    });
  });

  it('hands the handler the validated arguments', async () => {
    const received: unknown[] = [];
    const handlers = handlersWith({
      'roots.register': async (args) => {
        received.push(args);
        return { rootId: 'r', path: '/photos' };
      },
    });
    await dispatch(handlers, 'roots.register', { projectId: 'p1', path: '/photos' });
    expect(received).toEqual([{ projectId: 'p1', path: '/photos' }]);
  });

  it('treats missing arguments as an empty object', async () => {
    const handlers = handlersWith({ 'dialog.pickFolder': async () => ({ path: null }) });
    expect(await dispatch(handlers, 'dialog.pickFolder', undefined)).toEqual({
      ok: true,
      value: { path: null },
    });
    expect(await dispatch(handlers, 'dialog.pickFolder', null)).toEqual({ ok: true, value: { path: null } });
  });

  it.each(API_ERROR_CODES)(
    'passes a HostError with code %s through with its code and message',
    async (code) => {
      const handlers = handlersWith({
        'roots.forgetProject': async () => {
          throw new HostError(code, `the ${code} message a person reads`);
        },
      });
      expect(await dispatch(handlers, 'roots.forgetProject', { projectId: 'p1' })).toEqual({
        ok: false,
        error: { code, message: `the ${code} message a person reads` },
      });
    },
  );

  it('turns a plain Error into internal, naming the call and keeping the cause', async () => {
    const handlers = handlersWith({
      'fs.listDir': async () => {
        throw new Error('EMFILE: too many open files');
      },
    });
    expect(await dispatch(handlers, 'fs.listDir', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'fs.listDir failed: EMFILE: too many open files' },
    });
  });

  it('turns a thrown non-Error value into internal, naming the call', async () => {
    const handlers = handlersWith({
      'app.info': () => Promise.reject('disk unplugged'),
    });
    expect(await dispatch(handlers, 'app.info', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'app.info failed: disk unplugged' },
    });
  });

  it.each(['images.delete', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'answers unknown-call for "%s" without running anything',
    async (name) => {
      const result = await dispatch(handlersWith({}), name, {});
      expect(result).toEqual({
        ok: false,
        error: { code: 'unknown-call', message: `"${name}" is not a LabelLoop call` },
      });
    },
  );

  it.each([
    ['an empty sources list', { projectId: 'p', sources: [] }, /sources/],
    ['an extra key', { projectId: 'p', sources: [{ kind: 'folder', path: '/x' }], extra: 1 }, /"extra"/],
    ['an empty path', { projectId: 'p', sources: [{ kind: 'folder', path: '' }] }, /sources\.0\.path/],
    ['a NUL byte in a path', { projectId: 'p', sources: [{ kind: 'folder', path: '/x\0y' }] }, /NUL byte/],
    [
      'an unknown source kind',
      { projectId: 'p', sources: [{ kind: 'zip', path: '/x' }] },
      /sources\.0\.kind/,
    ],
    ['a missing projectId', { sources: [{ kind: 'folder', path: '/x' }] }, /projectId/],
  ])(
    'refuses %s as invalid-argument naming the problem, before the handler runs',
    async (_name, args, named) => {
      let calls = 0;
      const handlers = handlersWith({
        'images.startImport': async () => {
          calls++;
          return { jobId: 'j' };
        },
      });
      const result = await dispatch(handlers, 'images.startImport', args);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
      expect(result.ok ? '' : result.error.message).toMatch(/^images\.startImport: /);
      expect(result.ok ? '' : result.error.message).toMatch(named);
      expect(calls).toBe(0);
    },
  );
});
