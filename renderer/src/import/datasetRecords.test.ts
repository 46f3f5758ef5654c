import { describe, expect, it } from 'vitest';
import type { DatasetImageLabels, DatasetLabelUse } from '../../../src/core/api/datasets';
import type { AnnotationId, ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { paletteColor } from '../../../src/core/schema/presets';
import { SCHEMA_FORMAT, type AnnotationSchema } from '../../../src/core/schema/types';
import { compileSchema } from '../../../src/core/schema/validate';
import {
  buildDatasetRecord,
  classesToCreate,
  defaultChoices,
  finalClassMap,
  schemaChangeFor,
  type BuildContext,
} from './datasetRecords';

const SCHEMA: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'Street',
  classes: [
    {
      id: 'person',
      name: 'Person',
      color: '#ff0000',
      geometries: ['box'],
      attributes: [],
      constraints: { minBoxWidth: 10 },
    },
    { id: 'car', name: 'Car', color: '#00ff00', geometries: ['box'], attributes: [] },
    { id: 'vehicle', name: 'Vehicle', color: '#0000ff', geometries: [], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

const labelUse = (
  label: string,
  objects: number,
  geometries: DatasetLabelUse['geometries'] = ['box'],
  tags = 0,
) => ({
  label,
  objects,
  tags,
  geometries,
});
const LABELS: DatasetLabelUse[] = [
  labelUse('person', 10),
  labelUse('CAR', 4),
  labelUse('dog', 3, ['polygon']),
  labelUse('vehicle', 1),
];

describe('defaultChoices', () => {
  it('maps by class id, then by name ignoring case, never to a group class; the rest is skipped', () => {
    expect(defaultChoices(LABELS, SCHEMA, {})).toEqual({
      person: { kind: 'class', classId: 'person' },
      CAR: { kind: 'class', classId: 'car' },
      dog: { kind: 'skip' },
      vehicle: { kind: 'skip' },
    });
  });

  it('prefers what the project remembered, including a skip, over a match', () => {
    expect(defaultChoices(LABELS, SCHEMA, { person: null, dog: 'car', vehicle: 'deleted-class' })).toEqual({
      person: { kind: 'skip' },
      CAR: { kind: 'class', classId: 'car' },
      dog: { kind: 'class', classId: 'car' },
      vehicle: { kind: 'skip' },
    });
  });

  it('creates new classes by default when the project has no schema or no classes yet', () => {
    expect(defaultChoices([labelUse('cat', 2)], undefined, {})).toEqual({ cat: { kind: 'new' } });
  });
});

describe('classesToCreate and schemaChangeFor', () => {
  it('names new classes as the file does, draws them as the file does, with palette colours', () => {
    const created = classesToCreate(
      [
        labelUse('Traffic light', 3, ['box', 'polygon']),
        labelUse('night', 0, [], 5),
        labelUse('person', 1, ['keypoints']),
      ],
      { 'Traffic light': { kind: 'new' }, night: { kind: 'new' }, person: { kind: 'new' } },
      SCHEMA,
      { person: ['nose', 'neck'] },
    );
    expect(created).toEqual([
      {
        id: 'traffic_light',
        name: 'Traffic light',
        color: paletteColor(3),
        geometries: ['box', 'polygon'],
        attributes: [],
      },
      { id: 'night', name: 'night', color: paletteColor(4), geometries: ['tag'], attributes: [] },
      {
        id: 'person_2',
        name: 'person',
        color: paletteColor(5),
        geometries: ['keypoints'],
        skeleton: { keypoints: ['nose', 'neck'], edges: [], flipPairs: [] },
        attributes: [],
      },
    ]);
  });

  it('adds one class as add-class, several as one edit of the schema, and makes a schema when there is none', () => {
    const [dog, cat] = classesToCreate(
      [labelUse('dog', 1), labelUse('cat', 1)],
      { dog: { kind: 'new' }, cat: { kind: 'new' } },
      SCHEMA,
      {},
    );
    expect(schemaChangeFor(SCHEMA, [], 'P')).toBeNull();
    expect(schemaChangeFor(SCHEMA, [dog!], 'P')).toEqual({ type: 'add-class', labelClass: dog });
    const both = schemaChangeFor(SCHEMA, [dog!, cat!], 'P');
    expect(both?.type === 'edit-schema' && both.schema.classes.map((c) => c.id)).toEqual([
      'person',
      'car',
      'vehicle',
      'dog',
      'cat',
    ]);
    expect(both?.type === 'edit-schema' && both.summary).toBe(
      'Added 2 classes from a dataset import: dog, cat',
    );
    const fresh = schemaChangeFor(undefined, [dog!], 'My project');
    expect(fresh?.type === 'edit-schema' && [fresh.schema.name, fresh.schema.classes.length]).toEqual([
      'My project',
      1,
    ]);
  });

  it('gives each label its class id, the id of its new class, or null when skipped', () => {
    const choices = {
      person: { kind: 'class', classId: 'person' },
      CAR: { kind: 'skip' },
      dog: { kind: 'new' },
      vehicle: { kind: 'new' },
    } as const;
    const created = classesToCreate(LABELS, choices, SCHEMA, {});
    expect(finalClassMap(choices, created, LABELS)).toEqual({
      person: 'person',
      CAR: null,
      dog: 'dog',
      vehicle: 'vehicle_2',
    });
  });
});

describe('buildDatasetRecord', () => {
  const image = { id: 'img-1' as ImageId, width: 100, height: 80 };
  let n = 0;
  const context = (overrides: Partial<BuildContext> = {}): BuildContext => ({
    projectId: 'p' as ProjectId,
    classMap: { person: 'person', car: 'car', dog: null },
    compiled: compileSchema(SCHEMA),
    schemaVersion: 3,
    now: 5000,
    newAnnotationId: () => `new-${++n}` as AnnotationId,
    ...overrides,
  });
  const labels: DatasetImageLabels = {
    path: 'images/a.jpg',
    annotations: [
      { label: 'person', geometry: { kind: 'box', x: 10, y: 10, width: 20, height: 30 } },
      { label: 'dog', geometry: { kind: 'box', x: 0, y: 0, width: 5, height: 5 } },
      { label: 'person', geometry: { kind: 'box', x: 50, y: 10, width: 4, height: 30 } },
      {
        label: 'car',
        geometry: { kind: 'box', x: 60, y: 40, width: 30, height: 20 },
        attributes: { make: 'x' },
      },
      { label: 'dog', geometry: { kind: 'box', x: 0, y: 0, width: 5, height: 5 } },
    ],
  };

  it('maps objects to classes with new ids, the current schema version and `import` as author; counts skipped labels', () => {
    n = 0;
    const built = buildDatasetRecord(image, labels, undefined, context());
    expect(built.record?.annotations.map((a) => [a.id, a.classId])).toEqual([
      ['new-1', 'person'],
      ['new-2', 'person'],
      ['new-3', 'car'],
    ]);
    expect(built.record?.annotations[0]).toEqual({
      id: 'new-1',
      classId: 'person',
      geometry: { kind: 'box', x: 10, y: 10, width: 20, height: 30 },
      attributes: {},
      schemaVersion: 3,
      createdBy: 'import',
      createdAt: 5000,
      updatedBy: 'import',
      updatedAt: 5000,
    });
    expect(built.record).toMatchObject({ imageId: 'img-1', projectId: 'p', classIds: ['car', 'person'] });
    expect(built.objects).toBe(3);
    expect(built.skipped).toEqual({ dog: 2 });
  });

  it('keeps objects that break rules and names them with the rule, and does not pass', () => {
    n = 0;
    const built = buildDatasetRecord(image, labels, undefined, context());
    // The 4 px wide person is under the 10 px minimum; the car's attribute is not in the schema.
    expect(built.violations.map((v) => v.object)).toEqual([
      'annotations[2] (person)',
      'annotations[3] (car)',
    ]);
    expect(built.violations[0]?.message).toMatch(/width|small|10/);
    expect(built.invalidObjects).toBe(2);
    expect(built.passes).toBe(false);
    expect(built.record?.annotations).toHaveLength(3);
  });

  it('passes when every object of the record follows the schema', () => {
    const built = buildDatasetRecord(
      image,
      { path: 'b.jpg', annotations: [labels.annotations[0]!] },
      undefined,
      context(),
    );
    expect(built.violations).toEqual([]);
    expect(built.passes).toBe(true);
  });

  it('appends to what the image has, keeping its objects, tags and attributes, and reports only the new objects', () => {
    const existing: ImageAnnotations = {
      imageId: image.id,
      projectId: 'p' as ProjectId,
      annotations: [
        {
          id: 'old' as AnnotationId,
          classId: 'person',
          geometry: { kind: 'box', x: 0, y: 0, width: 2, height: 2 },
          attributes: {},
          schemaVersion: 1,
          createdBy: 'ann',
          createdAt: 1,
          updatedBy: 'ann',
          updatedAt: 1,
        },
      ],
      tags: [],
      attributes: { weather: 'rain' },
      classIds: ['person'],
      updatedAt: 1,
    };
    const built = buildDatasetRecord(
      image,
      { path: 'a.jpg', annotations: [labels.annotations[3]!], attributes: { weather: 'sun', time: 'day' } },
      existing,
      context({ classMap: { car: 'car' } }),
    );
    expect(built.record?.annotations.map((a) => a.id)).toEqual(['old', expect.stringMatching(/^new-/)]);
    expect(built.record?.attributes).toEqual({ weather: 'rain', time: 'day' });
    expect(built.record?.classIds).toEqual(['car', 'person']);
    expect(built.violations.every((v) => v.object === 'annotations[0] (car)' || v.object === undefined)).toBe(
      true,
    );
  });

  it('imports nothing into an image whose labels are all skipped', () => {
    const built = buildDatasetRecord(
      image,
      { path: 'a.jpg', annotations: [labels.annotations[1]!] },
      undefined,
      context(),
    );
    expect(built).toMatchObject({ record: null, objects: 0, skipped: { dog: 1 } });
  });
});
