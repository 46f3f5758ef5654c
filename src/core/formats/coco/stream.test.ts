import { describe, expect, it } from 'vitest';
import type { FormatAnnotation } from '../types';
import { readCocoText } from './read';
import { createCocoStreamReader, readCocoChunks } from './stream';

/** The text cut into pieces of `size` characters (the last one shorter). */
const piecesOf = (text: string, size: number): string[] => {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
};

/**
 * COCO's own key order (annotations before categories), written by hand so that strings hold escapes,
 * \uXXXX, brackets and braces, and numbers are long enough to be cut anywhere.
 */
const cocoOrder = `\uFEFF{
  "info": {"description": "hand-written \\"[{\\" \\\\ \\u00e9t\\u00E9 🐈", "year": 2024, "nested": [[{"a": []}], {}]},
  "licenses": [{"id": 1, "name": "CC \\/ BY", "url": "http://x/{}"}],
  "images": [
    {"id": 7, "file_name": "street\\/0001.jpg", "width": 640, "height": 480},
    {"id": 3, "file_name": "emp\\u0074y.jpg", "width": 320, "height": 240},
    {"id": 12, "file_name": "masks\\\\crowd.png", "width": 8, "height": 6},
    {"id": 13, "file_name": "./снег/ночь \\"1\\".png", "width": 100, "height": 100},
    {"id": 14, "file_name": "../outside.png"},
    {"id": 7, "file_name": "again.jpg"},
    "not an image"
  ],
  "annotations": [
    {"id": 101, "image_id": 7, "category_id": 18, "segmentation": [], "area": 1200.125,
     "bbox": [10.5, 20.000001, 40e0, 3.0E+1], "iscrowd": 0,
     "attributes": {"occluded": false, "colour": "br\\u006fwn", "legs": 4, "pose": {"a": 1}}},
    {"id": 102, "image_id": 7, "category_id": 3,
     "segmentation": [[100, 100, 200, 100, 200, 150, 100, 150], [210, 100, 230, 100, 230, 110]],
     "area": 5100, "bbox": [100, 100, 130, 50], "iscrowd": 0},
    {"id": 103, "image_id": 7, "category_id": 1,
     "segmentation": [[300, 100, 340, 100, 340, 200, 300, 200]],
     "keypoints": [320, 110, 2, 315, 105, 1, 0, 0, 0], "num_keypoints": 2, "bbox": [300, 100, 40, 100]},
    {"id": 104, "image_id": 12, "category_id": 1, "segmentation": {"size": [6, 8], "counts": [13, 3, 3, 3, 3, 3, 20]},
     "bbox": [2, 1, 3, 3], "iscrowd": 1},
    {"id": 105, "image_id": 12, "category_id": 3, "segmentation": {"size": [6, 8], "counts": "65103M00009"},
     "bbox": [1, 0, 5, 5], "iscrowd": 0},
    {"id": 106, "image_id": 7, "category_id": 18, "segmentation": [], "bbox": [400, 300, 60, 20],
     "attributes": {"occluded": true, "rotation": 30}},
    {"id": 107, "image_id": 14, "category_id": 18, "bbox": [1, 2, 3, 4]},
    {"id": 108, "image_id": 99, "category_id": 18, "bbox": [1, 2, 3, 4]},
    {"id": 109, "image_id": 13, "category_id": 5, "bbox": [1, 2, 3, 4], "score": -0.5e-3},
    {"id": "s-110", "image_id": 13, "category_id": 18, "bbox": [1, 2, 3, 4], "iscrowd": "yes"},
    {"id": 111, "image_id": 13, "category_id": 18, "bbox": [1, 2, 0, 4]},
    null, 17, true, [1, 2]
  ],
  "categories": [
    {"id": 18, "name": "собака", "supercategory": "animal"},
    {"id": 1, "name": "person", "keypoints": ["nose", "left_eye", "right_eye"], "skeleton": [[1, 2]]},
    {"id": 3, "name": "\\u732b \\ud83d\\udc08", "supercategory": "animal"},
    {"id": 3, "name": "dup"}, {"id": 4}, {"id": 20, "name": "person"}
  ]
}
`;

/** Categories and images first, so objects are converted as they arrive. */
const listsFirst = JSON.stringify({
  categories: [
    { id: 'b', name: 'bike' },
    { id: 2, name: 'car', keypoints: 'bad' },
  ],
  images: [{ id: 1, file_name: 'a.jpg', width: 100, height: 100 }],
  annotations: [
    { id: 1, image_id: 1, category_id: 'b', bbox: [1, 2, 3, 4] },
    {
      id: 2,
      image_id: 1,
      category_id: 2,
      segmentation: [
        [0, 0, 10, 0, 10, 10],
        [0, 0, 5, 5],
      ],
    },
    { id: 3, image_id: 1, category_id: 2, segmentation: { size: [3, 3], counts: [0, 4, 1, 4] } },
  ],
  licenses: [],
});

/** Objects before the images and categories they name: kept until the end. */
const annotationsFirst = (() => {
  const { annotations, images, categories } = JSON.parse(listsFirst) as Record<string, unknown>;
  return JSON.stringify({ annotations, images, categories }, null, 1);
})();

const expectSameAsWhole = (text: string, pieces: string[]) =>
  // readCocoText does not accept a byte-order mark; the stream skips it.
  expect(readCocoChunks(pieces, 'train.json')).toEqual(
    readCocoText(text.replace(/^\uFEFF/, ''), 'train.json'),
  );

describe('createCocoStreamReader on well-formed files', () => {
  it('gives what readCocoText gives, with the file in one piece', () => {
    const whole = readCocoText(cocoOrder.slice(1), 'train.json');
    expect(whole.images.map((i) => [i.path, i.annotations.length])).toEqual([
      ['street/0001.jpg', 5],
      ['empty.jpg', 0],
      ['masks/crowd.png', 2],
      ['снег/ночь "1".png', 0],
    ]);
    expect(whole.problems.length).toBeGreaterThan(15);
    expectSameAsWhole(cocoOrder, [cocoOrder]);
    expectSameAsWhole(listsFirst, [listsFirst]);
  });

  it('gives the same when cut in two at every position, inside strings, escapes and numbers', () => {
    for (const text of [cocoOrder, listsFirst, annotationsFirst]) {
      for (let at = 0; at <= text.length; at++) expectSameAsWhole(text, [text.slice(0, at), text.slice(at)]);
    }
  });

  it('gives the same when fed a few characters at a time', () => {
    for (const size of [1, 2, 3, 7, 64]) {
      expectSameAsWhole(cocoOrder, piecesOf(cocoOrder, size));
      expectSameAsWhole(listsFirst, piecesOf(listsFirst, size));
      expectSameAsWhole(annotationsFirst, piecesOf(annotationsFirst, size));
    }
  });

  it('explains missing and wrong-typed lists as readCoco does', () => {
    for (const json of [
      { annotations: [] },
      { images: null },
      { images: 'x'.repeat(100) },
      { images: [], categories: {}, annotations: 'none' },
      { images: [], categories: null, annotations: null },
      { images: [{ id: 1, file_name: 'x.jpg', width: 10, height: 10 }] },
      {},
      42,
      'text',
      [{ image_id: 1, bbox: [0, 0, 1, 1], score: 0.5 }],
    ]) {
      const text = JSON.stringify(json);
      expectSameAsWhole(text, piecesOf(text, 5));
    }
  });

  it('reads keys written with escapes', () => {
    const text = '{"imag\\u0065s": [{"id": 1, "file_name": "a.jpg"}], "\\u0063ategories": 5}';
    expectSameAsWhole(text, piecesOf(text, 2));
    expect(readCocoChunks([text]).images).toHaveLength(1);
  });

  it('names the later of two lists with the same key, which it does not read', () => {
    const text = '{"images": [], "images": [{"id": 1, "file_name": "a.jpg"}]}';
    expect(readCocoChunks([text]).problems).toEqual([
      {
        file: 'annotations.json',
        item: 'images',
        reason: 'appears twice in the file; the second one is not read',
      },
    ]);
  });
});

describe('createCocoStreamReader on broken files', () => {
  const onlyProblem = (text: string, pieces = piecesOf(text, 3)) => {
    const dataset = readCocoChunks(pieces, 'val.json');
    expect(dataset.images).toEqual([]);
    expect(dataset.problems).toHaveLength(1);
    expect(dataset.problems[0]!.item).toBe('file');
    return dataset.problems[0]!.reason;
  };

  it('reports a file cut short at any position, as readCocoText does', () => {
    const text = cocoOrder.trimEnd();
    for (let at = 0; at < text.length; at++) {
      const cut = text.slice(0, at);
      expect(onlyProblem(cut, [cut])).toMatch(/^not valid JSON \(.+\)$/);
      expect(readCocoText(cut.replace(/^\uFEFF/, '')).problems[0]!.item).toBe('file');
    }
  });

  it('reports unbalanced brackets and garbage with the byte where they were found', () => {
    expect(onlyProblem('{"images": [], "info": {"a": [1, 2}}')).toBe(
      'not valid JSON (unexpected "}" near byte 34)',
    );
    expect(onlyProblem('{"images": [] "x": 1}')).toBe(
      'not valid JSON (expected "," or "}", found """ near byte 14)',
    );
    expect(onlyProblem('{"images": [], }')).toBe('not valid JSON (expected a key, found "}" near byte 15)');
    expect(onlyProblem('{"images": [,]}')).toBe('not valid JSON (expected a value, found "," near byte 12)');
    expect(onlyProblem('{"images": []} x')).toBe(
      'not valid JSON (unexpected "x" after the end near byte 15)',
    );
    // Multi-byte characters count as their UTF-8 bytes: "é" is 2 bytes, "🐈" 4.
    expect(onlyProblem('{"é🐈": 1, "images": [] ]')).toBe(
      'not valid JSON (expected "," or "}", found "]" near byte 27)',
    );
  });

  it('reports an entry that is not JSON near its place in the file', () => {
    const reason = onlyProblem('{"info": "ééé", "images": [{"id": 1}, {"id": tru}]}');
    expect(reason).toMatch(/^not valid JSON \(.+ near byte (\d+)\)$/);
    const byte = Number(/near byte (\d+)/.exec(reason)![1]);
    expect(byte).toBeGreaterThanOrEqual(41);
    expect(byte).toBeLessThanOrEqual(54);
  });

  it('stops taking input after the first error, and never throws on garbage', () => {
    const reader = createCocoStreamReader();
    expect(reader.push('{"images": ]')).toBe(false);
    expect(reader.push('[]}')).toBe(false);
    expect(reader.end().problems).toHaveLength(1);
    for (const garbage of [
      '',
      '   ',
      '}',
      ']',
      '{',
      '{"',
      '{"a"',
      '{"a":',
      '\u0000\u0001',
      '{"images": [}',
      'nul',
    ]) {
      expect(() => readCocoChunks(piecesOf(garbage, 1))).not.toThrow();
      expect(readCocoChunks([garbage]).images).toEqual([]);
    }
  });

  it('refuses a huge top level that is not an object without keeping it', () => {
    const reader = createCocoStreamReader();
    const detections = '[' + '{"image_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5},'.repeat(20_000);
    let accepted = true;
    for (let i = 0; i < 40 && accepted; i++) accepted = reader.push(detections);
    expect(accepted).toBe(false);
    expect(reader.end().problems[0]!.reason).toContain('COCO results file');
  });
});

describe('createCocoStreamReader with a sink', () => {
  /** The file read with a sink: the dataset, and the objects the sink was given by image path. */
  const readWithSink = (pieces: string[]) => {
    const given: [string, FormatAnnotation][] = [];
    const reader = createCocoStreamReader('train.json', {
      sink: { onAnnotation: (path, annotation) => given.push([path, annotation]) },
    });
    for (const piece of pieces) if (!reader.push(piece)) break;
    return { dataset: reader.end(), given };
  };

  it("hands every object to the sink, each image's in file order, and gives the images without them, problems unchanged", () => {
    for (const text of [cocoOrder, listsFirst, annotationsFirst]) {
      for (const pieces of [[text], piecesOf(text, 7)]) {
        const plain = readCocoChunks(pieces, 'train.json');
        const { dataset, given } = readWithSink(pieces);
        expect(dataset.problems).toEqual(plain.problems);
        expect(dataset.labels).toEqual(plain.labels);
        expect(dataset.skeletons).toEqual(plain.skeletons);
        expect(dataset.images).toEqual(plain.images.map((image) => ({ ...image, annotations: [] })));
        expect(given).toHaveLength(plain.images.reduce((n, image) => n + image.annotations.length, 0));
        for (const image of plain.images) {
          expect(given.filter(([path]) => path === image.path).map(([, a]) => a)).toEqual(image.annotations);
        }
      }
    }
  });

  it('hands annotations that come before the categories to `defer`, and reads them when replayed', () => {
    for (const text of [cocoOrder, listsFirst, annotationsFirst]) {
      for (const sink of [false, true]) {
        const given: [string, FormatAnnotation][] = [];
        const deferred: unknown[] = [];
        const reader = createCocoStreamReader('train.json', {
          ...(sink && { sink: { onAnnotation: (path, a) => given.push([path, a]) } }),
          defer: (entry) => deferred.push(entry),
        });
        for (const piece of piecesOf(text, 5)) reader.push(piece);
        for (const entry of deferred) reader.replay(entry);
        const dataset = reader.end();
        const plain = readCocoChunks([text], 'train.json');
        expect(deferred.length > 0).toBe(text !== listsFirst);
        expect(dataset.problems).toEqual(plain.problems);
        if (!sink) expect(dataset).toEqual(plain);
        else
          for (const image of plain.images)
            expect(given.filter(([path]) => path === image.path).map(([, a]) => a)).toEqual(
              image.annotations,
            );
      }
    }
  });
});
