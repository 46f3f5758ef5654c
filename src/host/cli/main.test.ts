import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manifestText, type DatasetManifest } from '../../core/export/manifest';
import { readDatasetFromDisk } from '../datasets/readDataset';
import { runCli, type CliIo } from './main';
import { runCapturing } from './testCli';

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

const COCO8 = resolve('../shared/assets/datasets/coco8');

describe('labelloop convert and validate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'labelloop-cli-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = runCapturing;

  async function writeTree(files: Record<string, string | { width: number; height: number }>) {
    for (const [path, content] of Object.entries(files)) {
      const file = join(dir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(
        file,
        typeof content === 'string'
          ? content
          : await sharp({ create: { ...content, channels: 3, background: '#406080' } })
              .jpeg()
              .toBuffer(),
      );
    }
  }

  /** Every file under `root`, relative, sorted. */
  const filesUnder = async (root: string) =>
    (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
      .sort();

  const sha = async (path: string) =>
    createHash('sha256')
      .update(await readFile(path))
      .digest('hex');

  /** Boxes per image path as [label, x, y, width, height], sorted. */
  async function boxesOf(path: string, format: 'coco' | 'yolo') {
    const read = await readDatasetFromDisk(path, format);
    const boxes: Record<string, [string, number, number, number, number][]> = {};
    for (const image of read.dataset.images) {
      boxes[image.path] = image.annotations
        .map((a): [string, number, number, number, number] => {
          if (a.geometry.kind !== 'box') throw new Error(`not a box: ${a.geometry.kind}`);
          const { x, y, width, height } = a.geometry;
          return [a.label, x, y, width, height];
        })
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
    }
    return boxes;
  }

  it('converts COCO8 from YOLO to COCO and back to YOLO with the same 30 boxes and the images copied', async () => {
    const coco = join(dir, 'coco');
    const first = await run('convert', '--from', 'yolo', '--to', 'coco', COCO8, coco);
    expect(first.code).toBe(0);
    expect(first.out).toContain('8 images, 30 objects; 8 images copied');
    expect(first.out).toMatch(/10 {2}person/);
    expect(await filesUnder(coco)).toEqual([
      'annotations.json',
      ...['09', '25', '30', '34', '36', '42', '49', '61'].map((n) => `images/0000000000${n}.jpg`),
    ]);
    expect(await sha(join(coco, 'images/000000000036.jpg'))).toBe(
      await sha(join(COCO8, 'images/val/000000000036.jpg')),
    );

    const yolo = join(dir, 'yolo');
    const second = await run('convert', '--to', 'yolo', coco, yolo);
    expect(second.code).toBe(0);
    const files = await filesUnder(yolo);
    expect(files).toContain('data.yaml');
    expect(files).toContain('images/train/000000000009.jpg');
    expect(files).toContain('labels/train/000000000009.txt');
    expect(files).not.toContain('manifest.json');
    expect(files).toHaveLength(17);

    const original = await boxesOf(COCO8, 'yolo');
    const roundTrip = await boxesOf(yolo, 'yolo');
    expect(Object.values(roundTrip).flat()).toHaveLength(30);
    // YOLO writes 6 decimals of the image size: within 0.01 px of the original at 640 px.
    for (const [image, boxes] of Object.entries(original)) {
      const again = roundTrip[image]!;
      expect(again).toHaveLength(boxes.length);
      boxes.forEach(([label, ...values], i) => {
        const [label2, ...values2] = again[i]!;
        expect(label2).toBe(label);
        values.forEach((v, k) => expect(Math.abs(v - values2[k]!)).toBeLessThanOrEqual(0.01));
      });
    }
  });

  it('keeps the YOLO splits when converting YOLO to YOLO, and leaves images out with --images none', async () => {
    const out = join(dir, 'yolo');
    const result = await run('convert', '--from', 'auto', '--to', 'yolo', '--images', 'none', COCO8, out);
    expect(result.code).toBe(0);
    expect(result.out).toContain('images not copied (--images none)');
    expect(await filesUnder(out)).toEqual([
      'data.yaml',
      ...['09', '25', '30', '34'].map((n) => `labels/train/0000000000${n}.txt`),
      ...['36', '42', '49', '61'].map((n) => `labels/val/0000000000${n}.txt`),
    ]);
    expect(await readFile(join(out, 'data.yaml'), 'utf8')).toContain('val: images/val');
  });

  it('converts VOC, labelme and CVAT fixtures into their target layouts', async () => {
    await writeTree({
      'voc/Annotations/street.xml':
        '<annotation><filename>street.jpg</filename><size><width>64</width><height>48</height></size><object><name>car</name><bndbox><xmin>4</xmin><ymin>6</ymin><xmax>30</xmax><ymax>20</ymax></bndbox></object></annotation>',
      'voc/JPEGImages/street.jpg': { width: 64, height: 48 },
    });
    const labelme = join(dir, 'labelme');
    expect((await run('convert', '--from', 'voc', '--to', 'labelme', join(dir, 'voc'), labelme)).code).toBe(
      0,
    );
    expect(await filesUnder(labelme)).toEqual(['street.jpg', 'street.json']);
    const document = JSON.parse(await readFile(join(labelme, 'street.json'), 'utf8'));
    // VOC pixels are 1-based (the devkit's xmin 1 is the first column): the box starts at 3, 5.
    expect(document.shapes[0]).toMatchObject({
      label: 'car',
      shape_type: 'rectangle',
      points: [
        [3, 5],
        [30, 20],
      ],
    });

    const cvat = join(dir, 'cvat');
    expect((await run('convert', '--to', 'cvat', labelme, cvat)).code).toBe(0);
    expect(await filesUnder(cvat)).toEqual(['annotations.xml', 'images/street.jpg']);
    expect(await readFile(join(cvat, 'annotations.xml'), 'utf8')).toContain(
      'xtl="3.00" ytl="5.00" xbr="30.00" ybr="20.00"',
    );

    const voc = join(dir, 'voc-again');
    const json = await run('convert', '--to', 'voc', '--images', 'hardlink', '--json', cvat, voc);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      from: 'cvat',
      to: 'voc',
      images: 1,
      objects: 1,
      imagesWritten: 1,
    });
    expect(await filesUnder(voc)).toEqual(['Annotations/street.xml', 'JPEGImages/street.jpg']);
    expect(await readFile(join(voc, 'Annotations/street.xml'), 'utf8')).toContain('<xmin>4</xmin>');
    expect((await stat(join(voc, 'JPEGImages/street.jpg'))).ino).toBe(
      (await stat(join(cvat, 'images/street.jpg'))).ino,
    );
  });

  it('reports problems in single items and exits 0, or exits 1 with --strict and writes nothing', async () => {
    await writeTree({
      'in/annotations.json': JSON.stringify({
        images: [
          { id: 1, file_name: 'here.jpg', width: 40, height: 30 },
          { id: 2, file_name: 'gone.jpg', width: 40, height: 30 },
        ],
        annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 10, 10], area: 100, iscrowd: 0 }],
        categories: [{ id: 1, name: 'cat' }],
      }),
      'in/images/here.jpg': { width: 40, height: 30 },
    });
    const loose = await run('convert', '--to', 'jsonl', join(dir, 'in'), join(dir, 'out'));
    expect(loose.code).toBe(0);
    expect(loose.out).toContain('1× image listed but not on disk\n      annotations.json gone.jpg\n');
    expect(loose.out).toContain('use --strict to fail instead');
    expect(await filesUnder(join(dir, 'out'))).toEqual(['annotations.jsonl', 'images/here.jpg']);

    const strict = await run('convert', '--to', 'jsonl', '--strict', join(dir, 'in'), join(dir, 'strict'));
    expect(strict.code).toBe(1);
    expect(strict.err).toContain('nothing was written');
    await expect(stat(join(dir, 'strict'))).rejects.toThrow();
  });

  it('exits 1 and writes nothing when the target exists or the input cannot be read', async () => {
    await writeTree({ 'taken/keep.txt': 'mine' });
    const taken = await run('convert', '--to', 'coco', COCO8, join(dir, 'taken'));
    expect(taken.code).toBe(1);
    expect(taken.err).toContain(`${join(dir, 'taken')} already exists`);
    expect(await filesUnder(join(dir, 'taken'))).toEqual(['keep.txt']);

    const missing = await run(
      'convert',
      '--from',
      'coco',
      '--to',
      'yolo',
      join(dir, 'nope.json'),
      join(dir, 'o1'),
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`cannot read ${join(dir, 'nope.json')}: ENOENT`);

    await writeTree({ 'truncated.json': '{"images": [{"id": 1, "file_na' });
    const broken = await run(
      'convert',
      '--from',
      'coco',
      '--to',
      'yolo',
      join(dir, 'truncated.json'),
      join(dir, 'o2'),
    );
    expect(broken.code).toBe(1);
    expect(broken.err).toContain(`${join(dir, 'truncated.json')} cannot be read as coco`);

    await writeTree({ 'unknown/notes.txt': 'x' });
    const unknown = await run('convert', '--to', 'yolo', join(dir, 'unknown'), join(dir, 'o3'));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('cannot tell the format');
    expect((await readdir(dir)).filter((name) => name.startsWith('o'))).toEqual([]);
  });

  it('exits 2 on an unknown format or missing arguments', async () => {
    expect((await run('convert', '--from', 'coco', '--to', 'pascal', COCO8, join(dir, 'x'))).err).toContain(
      '--to must be one of coco, yolo, voc, labelme, cvat, csv, jsonl, not "pascal"',
    );
    expect((await run('convert', '--from', 'kitti', '--to', 'coco', COCO8, join(dir, 'x'))).code).toBe(2);
    expect((await run('convert', '--to', 'coco', COCO8)).code).toBe(2);
    expect((await run('convert', COCO8, join(dir, 'x'))).code).toBe(2);
    expect((await run('convert', '--to', 'yolo', '--task', 'classify', COCO8, join(dir, 'x'))).code).toBe(2);
    expect((await run('validate', COCO8)).code).toBe(2);
    await expect(stat(join(dir, 'x'))).rejects.toThrow();
  });

  /** A schema with a box class per label used in COCO8, named as in the dataset. */
  async function coco8Schema(
    change: (classes: Record<string, unknown>[]) => Record<string, unknown>[] = (c) => c,
  ) {
    const read = await readDatasetFromDisk(COCO8, 'yolo');
    const used = [
      ...new Set(read.dataset.images.flatMap((image) => image.annotations.map((a) => a.label))),
    ].sort();
    const classes = used.map((name) => ({
      id: name.replace(/\W+/g, '-'),
      name: name.toUpperCase(),
      color: '#336699',
      geometries: ['box'],
      attributes: [],
    }));
    const path = join(dir, 'schema.json');
    await writeFile(
      path,
      JSON.stringify({
        format: 'labelloop.annotation-schema/1',
        name: 'COCO8',
        classes: change(classes),
        imageAttributes: [],
        tagging: { requireAtLeastOne: false, multiLabel: false },
      }),
    );
    return { path, read };
  }

  it('validates COCO8 against a schema with its classes (matched by name, ignoring case) and exits 0', async () => {
    const { path } = await coco8Schema();
    const result = await run('validate', '--schema', path, COCO8);
    expect(result.code).toBe(0);
    expect(result.out).toContain('8 images, 30 objects');
    expect(result.out).toContain('valid: no errors');
    const json = await run('validate', '--schema', path, '--json', COCO8);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, format: 'yolo', errors: 0, unmapped: [] });
  });

  it('exits 1 listing box-too-small with its count when boxes break a minimum size', async () => {
    const { path, read } = await coco8Schema((classes) =>
      classes.map((c) => (c.id === 'person' ? { ...c, constraints: { minBoxWidth: 100 } } : c)),
    );
    const small = read.dataset.images.flatMap((image) =>
      image.annotations.filter(
        (a) => a.label === 'person' && a.geometry.kind === 'box' && a.geometry.width < 100,
      ),
    ).length;
    expect(small).toBeGreaterThan(0);
    const result = await run('validate', '--schema', path, COCO8);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`error box-too-small: ${small}\n`);
    expect(result.out).toMatch(
      / {4}\S+\.jpg annotations\[\d+\] \(person\): box .* is smaller than the minimum width 100 px/,
    );
    const json = JSON.parse((await run('validate', '--schema', path, '--json', COCO8)).out);
    expect(json.violations[0]).toMatchObject({ code: 'box-too-small', severity: 'error', count: small });
  });

  it('exits 1 when a label is not a class of the schema, and names an invalid schema', async () => {
    const { path } = await coco8Schema((classes) => classes.filter((c) => c.id !== 'person'));
    const result = await run('validate', '--schema', path, COCO8);
    expect(result.code).toBe(1);
    expect(result.out).toContain("error: label 'person' is not a class of the schema (10 objects)");

    await writeFile(join(dir, 'bad.json'), '{"format": "labelloop.annotation-schema/1", "name": 3}');
    const bad = await run('validate', '--schema', join(dir, 'bad.json'), COCO8);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`${join(dir, 'bad.json')} is not a valid annotation schema`);
  });
});
