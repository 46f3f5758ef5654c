import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectFormat } from './detectFormat';
import { DatasetReadError, MISSING_IMAGE, readDatasetFromDisk } from './readDataset';
import { labelFileOf } from './readYolo';

const COCO8 = resolve('../shared/assets/datasets/coco8');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-datasets-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes files (text, or a {width, height} JPEG drawn with sharp) under `dir`. */
async function writeTree(
  root: string,
  files: Record<string, string | { width: number; height: number; orientation?: number }>,
): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    if (typeof content === 'string') await writeFile(file, content);
    else {
      let image = sharp({
        create: { width: content.width, height: content.height, channels: 3, background: '#808080' },
      }).jpeg();
      if (content.orientation) image = image.withMetadata({ orientation: content.orientation });
      await writeFile(file, await image.toBuffer());
    }
  }
}

describe('readDatasetFromDisk', () => {
  it('reads COCO8 (YOLO) with its splits, image sizes from the files and all 30 boxes', async () => {
    const read = await readDatasetFromDisk(COCO8, 'yolo');
    expect(read.dataset.images).toHaveLength(8);
    expect(read.dataset.images.reduce((n, image) => n + image.annotations.length, 0)).toBe(30);
    expect(read.dataset.problems).toEqual([]);
    expect(read.task).toBe('detect');
    expect(read.dataset.labels).toHaveLength(80);
    const first = read.dataset.images.find((image) => image.path === '000000000009.jpg')!;
    expect([first.width, first.height]).toEqual([640, 480]);
    expect(read.splits?.get('000000000009.jpg')).toBe('train');
    expect(read.splits?.get('000000000036.jpg')).toBe('val');
    expect(read.sources.get('000000000036.jpg')).toBe(join(COCO8, 'images/val/000000000036.jpg'));
  });

  it('finds YOLO labels as Ultralytics does and takes the upright size of EXIF-rotated images', async () => {
    expect(labelFileOf('images/train/a/b.jpg')).toBe('labels/train/a/b.txt');
    expect(labelFileOf('train/images/b.png')).toBe('train/labels/b.txt');
    await writeTree(dir, {
      'data.yaml': 'train: images/train\nval: images/val\nnames: [cat, dog]\n',
      'images/train/rotated.jpg': { width: 200, height: 100, orientation: 6 },
      'labels/train/rotated.txt': '1 0.5 0.5 0.5 0.5\n',
      'images/train/background.jpg': { width: 40, height: 30 },
    });
    const read = await readDatasetFromDisk(dir, 'yolo');
    const rotated = read.dataset.images.find((image) => image.path === 'rotated.jpg')!;
    expect([rotated.width, rotated.height]).toEqual([100, 200]);
    expect(rotated.annotations[0]).toEqual({
      label: 'dog',
      geometry: { kind: 'box', x: 25, y: 50, width: 50, height: 100 },
    });
    expect(read.dataset.images.find((image) => image.path === 'background.jpg')!.annotations).toEqual([]);
    // val is missing from disk: reported, the rest still read.
    expect(read.dataset.problems).toEqual([
      {
        file: 'data.yaml',
        item: 'val',
        reason: '"images/val" is not a folder or image list inside the dataset',
      },
    ]);
  });

  it('reads Pascal VOC, reporting images missing from disk and reading sizes the XML leaves out', async () => {
    const voc = (file: string, size: string, name: string) =>
      `<annotation><filename>${file}</filename>${size}<object><name>${name}</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>11</xmax><ymax>22</ymax></bndbox></object></annotation>`;
    await writeTree(dir, {
      'Annotations/a.xml': voc('a.jpg', '<size><width>64</width><height>48</height></size>', 'car'),
      'Annotations/b.xml': voc('b.jpg', '', 'bus'),
      'Annotations/gone.xml': voc('gone.jpg', '<size><width>10</width><height>10</height></size>', 'car'),
      'JPEGImages/a.jpg': { width: 64, height: 48 },
      'JPEGImages/b.jpg': { width: 32, height: 24 },
    });
    const read = await readDatasetFromDisk(dir, 'voc');
    expect(read.imageRoot).toBe(join(dir, 'JPEGImages'));
    expect(read.dataset.labels).toEqual(['bus', 'car']);
    expect(read.dataset.images.map((i) => [i.path, i.width, i.height])).toEqual([
      ['a.jpg', 64, 48],
      ['b.jpg', 32, 24],
      ['gone.jpg', 10, 10],
    ]);
    expect(read.dataset.problems).toContainEqual({
      file: 'Annotations/gone.xml',
      item: 'gone.jpg',
      reason: MISSING_IMAGE,
    });
    expect(read.sources.has('gone.jpg')).toBe(false);
  });

  it('reads labelme files in subfolders and refuses image paths and links that leave the dataset', async () => {
    const labelme = (imagePath: string) =>
      JSON.stringify({
        version: '5.5.0',
        flags: {},
        shapes: [
          {
            label: 'cat',
            points: [
              [1, 1],
              [9, 1],
              [5, 8],
            ],
            shape_type: 'polygon',
            flags: {},
          },
        ],
        imagePath,
        imageData: null,
        imageHeight: 20,
        imageWidth: 30,
      });
    await writeTree(dir, {
      'ds/sub/x.json': labelme('x.jpg'),
      'ds/sub/x.jpg': { width: 30, height: 20 },
      'ds/evil.json': labelme('../../etc/passwd'),
      'ds/linked.json': labelme('outside.jpg'),
      'outside/secret.jpg': { width: 30, height: 20 },
    });
    await symlink(join(dir, 'outside/secret.jpg'), join(dir, 'ds/outside.jpg'));
    const read = await readDatasetFromDisk(join(dir, 'ds'), 'labelme');
    expect(read.dataset.images.map((i) => i.path)).toEqual(['outside.jpg', 'sub/x.jpg']);
    expect(read.dataset.images[1]!.annotations[0]!.geometry.kind).toBe('polygon');
    expect([...read.sources.keys()]).toEqual(['sub/x.jpg']);
    const reasons = read.dataset.problems.map((p) => `${p.file}: ${p.reason}`);
    expect(reasons).toContainEqual(expect.stringMatching(/^evil.json: .*leads outside the dataset folder/));
    expect(reasons).toContainEqual(
      'linked.json: the image is a link that leads outside the dataset folder; not read',
    );
  });

  it('reads CVAT with its images in images/ beside annotations.xml', async () => {
    await writeTree(dir, {
      'annotations.xml': `<?xml version="1.0"?><annotations><version>1.1</version><meta><task><labels><label><name>person</name></label></labels></task></meta>
<image id="0" name="p.jpg" width="50" height="40"><box label="person" xtl="1" ytl="2" xbr="21" ybr="32" occluded="0"/></image></annotations>`,
      'images/p.jpg': { width: 50, height: 40 },
    });
    const read = await readDatasetFromDisk(join(dir, 'annotations.xml'), 'cvat');
    expect(read.imageRoot).toBe(join(dir, 'images'));
    expect(read.dataset.images[0]!.annotations[0]!.geometry).toEqual({
      kind: 'box',
      x: 1,
      y: 2,
      width: 20,
      height: 30,
    });
    expect(read.sources.get('p.jpg')).toBe(join(dir, 'images/p.jpg'));
  });

  it('throws a DatasetReadError naming the path when the input cannot be read at all', async () => {
    await writeTree(dir, { 'broken.json': '{"images": [', 'empty/readme.txt': 'x' });
    await expect(readDatasetFromDisk(join(dir, 'nope'), 'coco')).rejects.toThrow(
      /cannot read .*nope: ENOENT/,
    );
    await expect(readDatasetFromDisk(join(dir, 'broken.json'), 'coco')).rejects.toThrow(DatasetReadError);
    await expect(readDatasetFromDisk(join(dir, 'empty'), 'voc')).rejects.toThrow(/has no Annotations/);
    await expect(readDatasetFromDisk(join(dir, 'empty'), 'yolo')).rejects.toThrow(/no data.yaml/);
  });
});

describe('detectFormat', () => {
  it('tells each layout apart', async () => {
    await writeTree(dir, {
      'coco/annotations.json': '{"images": [], "annotations": [], "categories": []}',
      'voc/Annotations/a.xml': '<annotation/>',
      'cvat/annotations.xml': '<annotations/>',
      'labelme/a/b.json': '{"version": "5", "shapes": [], "imagePath": "b.jpg"}',
      'other/notes.txt': 'x',
    });
    expect(await detectFormat(COCO8)).toBe('yolo');
    expect(await detectFormat(join(COCO8, 'data.yaml'))).toBe('yolo');
    expect(await detectFormat(join(dir, 'coco'))).toBe('coco');
    expect(await detectFormat(join(dir, 'coco/annotations.json'))).toBe('coco');
    expect(await detectFormat(join(dir, 'voc'))).toBe('voc');
    expect(await detectFormat(join(dir, 'cvat'))).toBe('cvat');
    expect(await detectFormat(join(dir, 'labelme'))).toBe('labelme');
    expect(await detectFormat(join(dir, 'other'))).toBeUndefined();
    expect(await detectFormat(join(dir, 'missing'))).toBeUndefined();
  });
});
