import { describe, expect, it } from 'vitest';
import type { FormatImage } from './types';
import { writeCsv, writeJsonl } from './tables';

const images: FormatImage[] = [
  {
    path: 'street/a, "quoted".jpg',
    width: 640,
    height: 480,
    annotations: [
      {
        label: 'car',
        geometry: { kind: 'box', x: 10.123, y: 20, width: 30.5, height: 40 },
        attributes: { z: 1, a: 'x' },
      },
      {
        label: 'Fußgänger',
        geometry: {
          kind: 'polygon',
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 0 },
            { x: 5, y: 8.456 },
          ],
        },
      },
    ],
    tags: ['night'],
  },
  { path: 'empty.jpg', width: 100, height: 50, annotations: [] },
];

describe('CSV export', () => {
  it('writes one row per object, quotes what needs quoting, and keeps empty images', () => {
    const { text } = writeCsv(images);
    const rows = text.split('\r\n');
    expect(rows[0]).toBe('image,image_width,image_height,label,kind,x,y,width,height,points,attributes');
    expect(rows[1]).toBe(
      '"street/a, ""quoted"".jpg",640,480,car,box,10.12,20,30.5,40,,"{""a"":""x"",""z"":1}"',
    );
    expect(rows[2]).toBe('"street/a, ""quoted"".jpg",640,480,Fußgänger,polygon,0,0,10,8.46,0 0 10 0 5 8.46,');
    expect(rows[3]).toBe('empty.jpg,100,50,,,,,,,,');
    expect(rows[4]).toBe('');
    expect(writeCsv(images).text).toBe(text);
  });
});

describe('JSONL export', () => {
  it('writes one image per line with full geometry, rounded to hundredths', () => {
    const file = writeJsonl(images);
    const lines = file.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0].objects[0]).toEqual({
      label: 'car',
      geometry: { kind: 'box', x: 10.12, y: 20, width: 30.5, height: 40 },
      attributes: { a: 'x', z: 1 },
    });
    expect(lines[0].tags).toEqual(['night']);
    expect(lines[1]).toEqual({
      image: 'empty.jpg',
      width: 100,
      height: 50,
      tags: [],
      attributes: {},
      objects: [],
    });
    expect(writeJsonl(images).text).toBe(file.text);
  });
});
