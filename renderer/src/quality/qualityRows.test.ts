/** Image and object rows of the Data quality screen, and the sorting, filtering and paging over them. */

import { describe, expect, it } from 'vitest';
import type { Annotation, ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageRecord } from '../../../src/core/images/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { annotation, box, imageLabels, imageRecord } from '../db/testFixtures';
import { imageRows, objectRows, queryRows, type RowQuery } from './qualityRows';

const PROJECT = 'project-1' as ProjectId;
const image = (id: string, width: number, height: number, extra: Partial<ImageRecord> = {}): ImageRecord =>
  imageRecord(PROJECT, id as ImageId, `${id}.jpg`, id.length, { width, height, ...extra });
const labelsOf = (entries: [string, Annotation[]][]) =>
  new Map<ImageId, ImageAnnotations>(
    entries.map(([id, annotations]) => [id as ImageId, imageLabels(PROJECT, id as ImageId, annotations)]),
  );
const id = (s: string) => s as ImageId;

describe('imageRows', () => {
  // a: 1000 × 500 = 0.5 megapixels with a border box (5,000 px² = 1 %), an inner 10 × 10 box and a point.
  const images = [
    image('a', 1000, 500, { quality: { brightness: 0.4, contrast: 0.2, sharpness: 120 } }),
    image('b', 2000, 1000),
    image('c', 100, 100),
    image('d', 100, 50),
  ];
  const labels = labelsOf([
    [
      'a',
      [
        annotation('a1', 'c-car', box(0, 0, 100, 50)),
        annotation('a2', 'c-car', box(400, 200, 10, 10)),
        annotation('a3', 'c-person', { kind: 'point', x: 500, y: 250 }),
      ],
    ],
    ['c', [annotation('c1', 'c-car', box(10, 10, 50, 50))]],
  ]);
  const groups = new Map([
    [id('a'), 'g1'],
    [id('b'), 'g1'],
    [id('c'), 'g2'],
  ]);

  it('measures density per megapixel, the smallest relative area, border contact and classes', () => {
    const [a, b, c] = imageRows(images, labels, groups, undefined);
    expect(a).toMatchObject({
      fileName: 'a.jpg',
      width: 1000,
      height: 500,
      aspectRatio: 2,
      brightness: 0.4,
      contrast: 0.2,
      sharpness: 120,
      objects: 3,
      density: 6,
      touchingBorder: 1,
      classes: 2,
    });
    expect(a!.smallestRelativeArea).toBeCloseTo(100 / 500_000, 12);
    // No labels: nothing to measure, and no quality measured either.
    expect(b).toMatchObject({
      objects: 0,
      density: 0,
      smallestRelativeArea: null,
      touchingBorder: 0,
      classes: 0,
      brightness: null,
      contrast: null,
      sharpness: null,
    });
    expect(c).toMatchObject({ objects: 1, density: 100, smallestRelativeArea: 0.25, touchingBorder: 0 });
  });

  it('counts the other images of its near-duplicate group, 0 when alone or unhashed', () => {
    const rows = imageRows(images, labels, groups, undefined);
    expect(rows.map((r) => [r.fileName, r.nearDuplicates])).toEqual([
      ['a.jpg', 1],
      ['b.jpg', 1],
      ['c.jpg', 0],
      ['d.jpg', 0],
    ]);
  });

  it('gives mistakenness null without an evaluation and 0 for images the evaluation did not list', () => {
    expect(imageRows(images, labels, groups, undefined).map((r) => r.mistakenness)).toEqual([
      null,
      null,
      null,
      null,
    ]);
    const scores = new Map([[id('b'), 0.75]]);
    expect(imageRows(images, labels, groups, scores).map((r) => r.mistakenness)).toEqual([0, 0.75, 0, 0]);
  });

  it('gives no mistakenness (null) to images the evaluated run did not cover', () => {
    const scores = new Map([[id('b'), 0.75]]);
    const covered = new Set([id('a'), id('b')]);
    expect(imageRows(images, labels, groups, scores, new Map(), covered).map((r) => r.mistakenness)).toEqual([
      0,
      0.75,
      null,
      null,
    ]);
  });
});

describe('objectRows', () => {
  const classNames = new Map([
    ['c-car', 'car'],
    ['c-person', 'person'],
  ]);
  // Every image 1000 × 1000. Cars are about 100 × 100 but one is 500 × 500; people are all about 500 × 500.
  const carBoxes = [
    box(10, 10, 100, 100),
    box(10, 10, 110, 100),
    box(10, 10, 100, 110),
    box(10, 10, 105, 105),
  ];
  const carSizes = [...carBoxes, box(10, 10, 95, 100), box(10, 10, 100, 95), box(10, 10, 500, 500)];
  const personSizes = [
    box(10, 10, 480, 500),
    box(10, 10, 500, 500),
    box(10, 10, 520, 500),
    box(10, 10, 500, 480),
    box(10, 10, 500, 520),
  ];
  const images = [image('a', 1000, 1000), image('b', 1000, 1000)];
  const labels = labelsOf([
    ['a', carSizes.map((g, i) => annotation(`car-${i}`, 'c-car', g))],
    [
      'b',
      [
        ...personSizes.map((g, i) => annotation(`person-${i}`, 'c-person', g)),
        annotation('pin', 'c-person', { kind: 'point', x: 1, y: 1 }),
        annotation('old', 'c-gone', box(0, 0, 10, 20)),
      ],
    ],
  ]);

  it('flags an obvious size outlier within its class, and the same size in another class not', () => {
    const rows = objectRows(images, labels, classNames);
    const flagged = rows.filter((r) => r.sizeOutlier).map((r) => r.annotationId);
    expect(flagged).toEqual(['car-6']);
    const bigPerson = rows.find((r) => r.annotationId === 'person-1')!;
    expect(bigPerson).toMatchObject({ area: 250_000, relativeArea: 0.25, sizeOutlier: false });
    expect(rows.find((r) => r.annotationId === 'car-6')).toMatchObject({
      className: 'car',
      area: 250_000,
      relativeArea: 0.25,
      width: 500,
      height: 500,
      aspectRatio: 1,
      touchesBorder: false,
    });
    expect(rows.some((r) => r.aspectOutlier)).toBe(false);
  });

  it('leaves out objects without an area and names unknown classes by id', () => {
    const rows = objectRows(images, labels, classNames);
    expect(rows).toHaveLength(7 + 5 + 1);
    expect(rows.some((r) => r.annotationId === 'pin')).toBe(false);
    expect(rows.find((r) => r.annotationId === 'old')).toMatchObject({
      className: 'c-gone',
      aspectRatio: 0.5,
      touchesBorder: true,
      sizeOutlier: false,
    });
  });

  it('flags a long thin box of the usual area as an aspect outlier, not a size outlier', () => {
    const squares = [0, 1, 2, 3].map((i) => annotation(`sq-${i}`, 'c-car', box(100, 100, 100, 100)));
    const rows = objectRows(
      [image('a', 1000, 1000)],
      labelsOf([['a', [...squares, annotation('bar', 'c-car', box(100, 100, 400, 25))]]]),
      classNames,
    );
    expect(rows.map((r) => [r.annotationId, r.sizeOutlier, r.aspectOutlier])).toEqual([
      ['sq-0', false, false],
      ['sq-1', false, false],
      ['sq-2', false, false],
      ['sq-3', false, false],
      ['bar', false, true],
    ]);
  });

  it('flags a box of zero height (an infinite aspect ratio) without disabling its class’s fences', () => {
    const squares = [0, 1, 2, 3].map((i) => annotation(`sq-${i}`, 'c-car', box(100, 100, 100, 100)));
    const rows = objectRows(
      [image('a', 1000, 1000)],
      labelsOf([
        [
          'a',
          [
            ...squares,
            annotation('flat', 'c-car', box(100, 100, 50, 0)),
            annotation('bar', 'c-car', box(100, 100, 400, 25)),
          ],
        ],
      ]),
      classNames,
    );
    expect(rows.filter((r) => r.aspectOutlier).map((r) => r.annotationId)).toEqual(['flat', 'bar']);
  });
});

describe('queryRows', () => {
  interface Row {
    readonly name: string;
    readonly value: number | null;
    readonly flag: boolean;
  }
  const rows: Row[] = [
    { name: 'Alpha', value: 3, flag: false },
    { name: 'bravo', value: null, flag: true },
    { name: 'charlie', value: 1, flag: true },
    { name: 'delta', value: 3, flag: false },
    { name: 'echo', value: null, flag: false },
    { name: 'foxtrot', value: 2, flag: true },
  ];
  type Key = 'name' | 'value' | 'flag';
  const query = (over: Partial<RowQuery<Key>>): RowQuery<Key> => ({
    sort: 'value',
    descending: false,
    filters: [],
    offset: 0,
    limit: 100,
    ...over,
  });
  const names = (result: { rows: Row[] }) => result.rows.map((r) => r.name);

  it('sorts ascending with missing values last and equal values in input order', () => {
    expect(names(queryRows(rows, query({})))).toEqual([
      'charlie',
      'foxtrot',
      'Alpha',
      'delta',
      'bravo',
      'echo',
    ]);
  });

  it('sorts descending with missing values still last and equal values still in input order', () => {
    expect(names(queryRows(rows, query({ descending: true })))).toEqual([
      'Alpha',
      'delta',
      'foxtrot',
      'charlie',
      'bravo',
      'echo',
    ]);
  });

  it('sorts text by locale and booleans as 0 and 1', () => {
    expect(names(queryRows(rows, query({ sort: 'name', descending: true })))).toEqual([
      'foxtrot',
      'echo',
      'delta',
      'charlie',
      'bravo',
      'Alpha',
    ]);
    expect(names(queryRows(rows, query({ sort: 'flag' })))).toEqual([
      'Alpha',
      'delta',
      'echo',
      'bravo',
      'charlie',
      'foxtrot',
    ]);
  });

  it('filters by inclusive ranges, booleans as 0/1, and drops missing values only when a bound is set', () => {
    expect(names(queryRows(rows, query({ filters: [{ key: 'value', min: 2, max: 3 }] })))).toEqual([
      'foxtrot',
      'Alpha',
      'delta',
    ]);
    expect(names(queryRows(rows, query({ filters: [{ key: 'flag', min: 1 }] })))).toEqual([
      'charlie',
      'foxtrot',
      'bravo',
    ]);
    expect(queryRows(rows, query({ filters: [{ key: 'value' }] })).total).toBe(6);
    expect(
      names(
        queryRows(
          rows,
          query({
            filters: [
              { key: 'flag', max: 0 },
              { key: 'value', max: 3 },
            ],
          }),
        ),
      ),
    ).toEqual(['Alpha', 'delta']);
  });

  it('keeps rows whose text contains the search, ignoring case and surrounding spaces', () => {
    expect(names(queryRows(rows, query({ text: '  ALPH ' })))).toEqual(['Alpha']);
    expect(names(queryRows(rows, query({ text: 'a', sort: 'name' })))).toEqual([
      'Alpha',
      'bravo',
      'charlie',
      'delta',
    ]);
    expect(queryRows(rows, query({ text: '   ' })).total).toBe(6);
    // Hidden ids (random UUIDs in the app) are not searched: "a" must not match every row through them.
    const withIds = [
      { imageId: 'a1b2', fileName: 'x.jpg', classId: 'cafe', className: 'dog' },
      { imageId: 'f00d', fileName: 'cat.jpg', classId: 'beef', className: 'cat' },
    ];
    expect(
      queryRows(withIds, { ...query({}), sort: 'fileName', text: 'a' }).rows.map((r) => r.fileName),
    ).toEqual(['cat.jpg']);
  });

  it('pages after sorting and filtering, with the total before paging', () => {
    const page = queryRows(rows, query({ offset: 1, limit: 2 }));
    expect(names(page)).toEqual(['foxtrot', 'Alpha']);
    expect(page.total).toBe(6);
    const filtered = queryRows(rows, query({ filters: [{ key: 'flag', min: 1 }], offset: 2, limit: 2 }));
    expect(names(filtered)).toEqual(['bravo']);
    expect(filtered.total).toBe(3);
    expect(queryRows(rows, query({ offset: 10, limit: 5 }))).toEqual({ rows: [], total: 6 });
  });
});
