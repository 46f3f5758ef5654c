import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCocoText } from '../../core/formats/coco';
import { DatasetReadError } from './onDisk';
import { readCocoFile } from './readCocoStream';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-coco-stream-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A COCO file in COCO's own key order (annotations before categories), written in pieces. */
async function writeBigCoco(file: string, imageCount: number, objectsPerImage: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"info": {"description": "generated"}, "licenses": [], "images": [\n');
  for (let i = 0; i < imageCount; i++) {
    await write(`${i ? ',' : ''}{"id": ${i}, "file_name": "img/${i}_ü.jpg", "width": 640, "height": 480}\n`);
  }
  await write('], "annotations": [\n');
  let id = 0;
  for (let i = 0; i < imageCount; i++) {
    let lines = '';
    for (let k = 0; k < objectsPerImage; k++) {
      const x = (k * 7) % 600;
      const polygon = [x, 10, x + 20.5, 10, x + 20.5, 40.25, x + 3, 44, x, 30].join(', ');
      lines += `${id ? ',' : ''}{"id": ${id++}, "image_id": ${i}, "category_id": ${1 + (k % 3)}, "segmentation": [[${polygon}]], "area": 600.5, "bbox": [${x}, 10, 20.5, 34], "iscrowd": 0}\n`;
    }
    await write(lines);
  }
  await write(
    '], "categories": [{"id": 1, "name": "кот"}, {"id": 2, "name": "dog"}, {"id": 3, "name": "car"}]}\n',
  );
  out.end();
  await once(out, 'finish');
}

describe('readCocoFile', () => {
  it('reads a ~50 MB COCO file with every image and object in it', async () => {
    const file = join(dir, 'big.json');
    await writeBigCoco(file, 25_000, 11);
    const { size } = await stat(file);
    expect(size).toBeGreaterThan(45e6);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const dataset = await readCocoFile(file, 'big.json');
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(
      `readCocoFile: ${(size / 1e6).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s, ` +
        `peak RSS growth ${((peak - rssBefore) / 1e6).toFixed(0)} MB`,
    );
    expect(dataset.problems).toEqual([]);
    expect(dataset.labels).toEqual(['кот', 'dog', 'car']);
    expect(dataset.images).toHaveLength(25_000);
    expect(dataset.images.reduce((n, image) => n + image.annotations.length, 0)).toBe(275_000);
    expect(dataset.images[24_999]!.path).toBe('img/24999_ü.jpg');
    expect(dataset.images[5]!.annotations[2]!.geometry).toEqual({
      kind: 'polygon',
      points: [
        { x: 14, y: 10 },
        { x: 34.5, y: 10 },
        { x: 34.5, y: 40.25 },
        { x: 17, y: 44 },
        { x: 14, y: 30 },
      ],
    });
  }, 120_000);

  it('gives what readCocoText gives for a small file with multi-byte names across reads', async () => {
    const file = join(dir, 'small.json');
    const text = JSON.stringify({
      images: Array.from({ length: 3000 }, (_, i) => ({
        id: i,
        file_name: `日本/${i}🐈.jpg`,
        width: 9,
        height: 9,
      })),
      annotations: [{ id: 1, image_id: 2999, category_id: 1, bbox: [1, 1, 2, 2] }],
      categories: [{ id: 1, name: 'ねこ' }],
    });
    await writeFile(file, text);
    expect(await readCocoFile(file, 'small.json')).toEqual(readCocoText(text, 'small.json'));
  });

  it('reports a file cut short as a problem and a missing file as a DatasetReadError', async () => {
    const file = join(dir, 'cut.json');
    await writeFile(file, '{"images": [{"id": 1, "file_name": "a.jpg"');
    expect((await readCocoFile(file)).problems).toEqual([
      { file: 'annotations.json', item: 'file', reason: 'not valid JSON (the file ends early, at byte 42)' },
    ]);
    await expect(readCocoFile(join(dir, 'missing.json'))).rejects.toThrow(DatasetReadError);
  });
});
