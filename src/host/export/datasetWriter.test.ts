import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetManifest } from '../../core/export/manifest';
import { ExportCancelled, writeDataset, type DatasetEntry } from './datasetWriter';

const MANIFEST: Omit<DatasetManifest, 'files'> = {
  format: 'labelloop.dataset-manifest/1',
  project: { id: 'p1', name: 'Streets' },
  version: {
    id: 'v1',
    number: 1,
    parent: null,
    message: 'first',
    author: 'ana',
    createdAt: '2026-11-26T10:00:00.000Z',
  },
  schema: { version: 1, name: 'Street', classes: [{ id: 'car', name: 'car' }] },
  export: { format: 'yolo', images: 'copy', filters: {} },
  counts: { images: 2, annotations: 2, perClass: { car: 2 } },
  splits: { train: 1, val: 1, test: 0 },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-export-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file under `root` with its bytes, by relative path. */
async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(root, path).split('\\').join('/')] = (await readFile(path)).toString('base64');
  }
  return out;
}

async function entries(): Promise<DatasetEntry[]> {
  const image = join(dir, 'photo.jpg');
  await writeFile(image, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]));
  return [
    { path: 'data.yaml', data: 'path: .\nnames:\n  0: car\n' },
    { path: 'labels/train/photo.txt', data: '0 0.5 0.5 0.2 0.1\n' },
    { path: 'images/train/photo.jpg', source: image, mode: 'copy' },
    { path: 'images/val/photo.jpg', source: image, mode: 'hardlink' },
  ];
}

describe('writeDataset', () => {
  it('writes every file and a manifest with each file’s size and SHA-256', async () => {
    const target = join(dir, 'out', 'v1-yolo');
    const written = await writeDataset(target, await entries(), MANIFEST);
    const files = await tree(target);
    expect(Object.keys(files).sort()).toEqual([
      'data.yaml',
      'images/train/photo.jpg',
      'images/val/photo.jpg',
      'labels/train/photo.txt',
      'manifest.json',
    ]);
    const manifest = JSON.parse(await readFile(join(target, 'manifest.json'), 'utf8')) as DatasetManifest;
    expect(manifest).toEqual(written);
    for (const file of manifest.files) {
      const bytes = await readFile(join(target, file.path));
      expect(file.sha256).toBe(sha(bytes));
      expect(file.bytes).toBe(bytes.byteLength);
    }
    // The hard link shares the original's bytes on disk.
    expect((await stat(join(target, 'images/val/photo.jpg'))).ino).toBe(
      (await stat(join(dir, 'photo.jpg'))).ino,
    );
  });

  it('writes no manifest.json when the manifest is null, and returns the files written', async () => {
    const target = join(dir, 'converted');
    const written = await writeDataset(target, await entries(), null);
    expect(Object.keys(await tree(target)).sort()).toEqual([
      'data.yaml',
      'images/train/photo.jpg',
      'images/val/photo.jpg',
      'labels/train/photo.txt',
    ]);
    expect(written.map((file) => file.path)).toEqual([
      'data.yaml',
      'labels/train/photo.txt',
      'images/train/photo.jpg',
      'images/val/photo.jpg',
    ]);
    expect(written[0]).toEqual({ path: 'data.yaml', bytes: 24, sha256: sha('path: .\nnames:\n  0: car\n') });
  });

  it('gives byte-identical output when the same version is exported twice', async () => {
    await writeDataset(join(dir, 'a'), await entries(), MANIFEST);
    await writeDataset(join(dir, 'b'), await entries(), MANIFEST);
    expect(await tree(join(dir, 'a'))).toEqual(await tree(join(dir, 'b')));
  });

  it('leaves nothing at the target when cancelled', async () => {
    const target = join(dir, 'cancelled');
    const controller = new AbortController();
    const all = await entries();
    const promise = writeDataset(target, all, MANIFEST, {
      signal: controller.signal,
      onProgress: (n) => n === 2 && controller.abort(),
    });
    await expect(promise).rejects.toBeInstanceOf(ExportCancelled);
    await expect(stat(target)).rejects.toThrow();
    expect((await readdir(dir)).filter((name) => name.startsWith('.labelloop-export-'))).toEqual([]);
  });

  it('writes many files at once and still lists them in entry order, and a failed one removes everything', async () => {
    const many: DatasetEntry[] = Array.from({ length: 300 }, (_, i) => ({
      path: `labels/${i % 7}/${String(i).padStart(3, '0')}.txt`,
      data: `0 0.5 0.5 0.1 ${i}\n`,
    }));
    const written = await writeDataset(join(dir, 'many'), many, null);
    expect(written.map((file) => file.path)).toEqual(many.map((entry) => entry.path));
    expect(Object.keys(await tree(join(dir, 'many')))).toHaveLength(300);

    const broken = [
      ...many.slice(0, 150),
      { path: 'images/gone.jpg', source: join(dir, 'gone.jpg'), mode: 'copy' as const },
      ...many.slice(150),
    ];
    await expect(writeDataset(join(dir, 'broken'), broken, MANIFEST)).rejects.toThrow(/ENOENT/);
    await expect(stat(join(dir, 'broken'))).rejects.toThrow();
    expect((await readdir(dir)).filter((name) => name.startsWith('.labelloop-export-'))).toEqual([]);
  });

  it('refuses a target that exists, and paths that leave the export', async () => {
    await expect(writeDataset(dir, [], MANIFEST)).rejects.toThrow(/already exists/);
    const target = join(dir, 'evil');
    await expect(writeDataset(target, [{ path: '../escape.txt', data: 'x' }], MANIFEST)).rejects.toThrow(
      /refusing/,
    );
    await expect(stat(target)).rejects.toThrow();
    await expect(stat(join(dir, 'escape.txt'))).rejects.toThrow();
  });

  it('leaves nothing at the target when the exporting process is killed mid-way, and the next export succeeds', async () => {
    const target = join(dir, 'killed');
    const script = join(dir, 'slow-export.mts');
    const module = resolve('src/host/export/datasetWriter.ts');
    await writeFile(
      script,
      `import { writeDataset } from ${JSON.stringify(module)};
async function* slow() {
  for (let i = 0; i < 10000; i++) {
    yield { path: \`labels/\${i}.txt\`, data: '0 0.5 0.5 0.1 0.1\\n' };
    if (i === 20) process.stdout.write('started\\n');
    await new Promise((r) => setTimeout(r, 5));
  }
}
await writeDataset(${JSON.stringify(target)}, slow(), ${JSON.stringify(MANIFEST)});
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('started') && done());
      child.on('exit', (code) => fail(new Error(`child exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    await expect(stat(target)).rejects.toThrow();
    // The killed export's temporary folder is still there; the next export to this target clears it.
    expect((await readdir(dir)).some((name) => name.startsWith('.labelloop-export-killed-'))).toBe(true);
    await writeDataset(target, await entries(), MANIFEST);
    expect((await readdir(dir)).filter((name) => name.startsWith('.labelloop-export-'))).toEqual([]);
    expect(Object.keys(await tree(target))).toContain('manifest.json');
  });
});
