import { describe, expect, it } from 'vitest';
import { manifestText, type DatasetManifest } from '../../core/export/manifest';
import { runCli, type CliIo } from './main';

const manifest = (number: number, files: DatasetManifest['files']): DatasetManifest => ({
  format: 'labelloop.dataset-manifest/1',
  project: { id: 'p1', name: 'Streets' },
  version: {
    id: `v${number}`,
    number,
    parent: null,
    message: '',
    author: 'ana',
    createdAt: '2026-11-26T10:00:00.000Z',
  },
  schema: { version: 1, name: 'S', classes: [{ id: 'car', name: 'car' }] },
  export: { format: 'coco', images: 'none', filters: {} },
  counts: { images: files.length, annotations: 1, perClass: { car: 1 } },
  splits: { train: files.length, val: 0, test: 0 },
  files,
});

function io(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readText: async (path) => {
      if (!(path in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return files[path]!;
    },
  };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

const files = {
  'a.json': manifestText(manifest(1, [{ path: 'annotations.json', bytes: 3, sha256: 'a'.repeat(64) }])),
  'b.json': manifestText(manifest(2, [{ path: 'annotations.json', bytes: 4, sha256: 'b'.repeat(64) }])),
  'bad.json': '{"format": "something else"}',
  'broken.json': '{"format": ',
};

describe('labelloop diff', () => {
  it('prints what changed between two manifests, as text or JSON, and exits 0', async () => {
    const text = io(files);
    expect(await runCli(['diff', 'a.json', 'b.json'], text.cli)).toBe(0);
    expect(text.out()).toContain('version 1 → 2');
    expect(text.out()).toContain('  ~ annotations.json');
    const json = io(files);
    expect(await runCli(['diff', 'a.json', 'b.json', '--json'], json.cli)).toBe(0);
    expect(JSON.parse(json.out()).files.changed).toEqual(['annotations.json']);
  });

  it('exits 1 naming the file when an input is missing, broken or not a manifest', async () => {
    for (const [input, message] of [
      ['missing.json', /cannot read missing.json: ENOENT/],
      ['broken.json', /broken.json is not valid JSON/],
      ['bad.json', /bad.json is not a LabelLoop dataset manifest/],
    ] as const) {
      const run = io(files);
      expect(await runCli(['diff', 'a.json', input], run.cli)).toBe(1);
      expect(run.err()).toMatch(message);
    }
  });

  it('exits 2 on wrong usage', async () => {
    const one = io(files);
    expect(await runCli(['diff', 'a.json'], one.cli)).toBe(2);
    expect(one.err()).toContain('needs two manifest.json paths');
    const unknown = io(files);
    expect(await runCli(['frobnicate'], unknown.cli)).toBe(2);
    expect(unknown.err()).toContain('unknown command "frobnicate"');
    const flag = io(files);
    expect(await runCli(['diff', '--nope', 'a.json', 'b.json'], flag.cli)).toBe(2);
  });
});
