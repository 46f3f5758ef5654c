import { describe, expect, it } from 'vitest';
import { checkSchema, parseSchemaDocument, serializeSchema, validateSchemaValue } from './document';
import { COCO_CLASS_NAMES, paletteColor, PRESETS, VOC_CLASS_NAMES } from './presets';
import type { AnnotationSchema, AttributeDefinition } from './types';

const preset = (id: string): AnnotationSchema => {
  const found = PRESETS.find((p) => p.id === id);
  if (!found) throw new Error(`no preset ${id}`);
  return found.schema;
};

const attributeIds = (attributes: readonly AttributeDefinition[]): string[] => attributes.map((a) => a.id);

describe('every preset', () => {
  it('has a unique id, a name and a description', () => {
    expect(PRESETS.map((p) => p.id)).toEqual(['coco', 'pascal-voc', 'ocr-text', 'driving']);
    for (const p of PRESETS) {
      expect(p.name.length).toBeGreaterThan(0);
      expect(p.description.length).toBeGreaterThan(0);
    }
  });

  it.each(PRESETS.map((p) => [p.id, p.schema] as const))('%s breaks no semantic rule', (_, schema) => {
    expect(checkSchema(schema)).toEqual([]);
  });

  it.each(PRESETS.map((p) => [p.id, p.schema] as const))(
    '%s validates against the JSON Schema',
    (_, schema) => {
      expect(validateSchemaValue(schema)).toEqual({ ok: true, schema });
    },
  );

  it.each(PRESETS.map((p) => [p.id, p.schema] as const))(
    '%s survives export → import → export byte for byte',
    (_, schema) => {
      const text = serializeSchema(schema);
      const parsed = parseSchemaDocument(text);
      expect(parsed).toEqual({ ok: true, schema });
      expect(parsed.ok && serializeSchema(parsed.schema)).toBe(text);
    },
  );

  it.each(PRESETS.map((p) => [p.id, p.schema] as const))(
    '%s gives every class its own colour',
    (_, schema) => {
      const colors = schema.classes.map((c) => c.color);
      expect(new Set(colors).size).toBe(colors.length);
    },
  );
});

describe('COCO', () => {
  const coco = preset('coco');

  it('has the 80 COCO classes in COCO order, with snake-case ids', () => {
    expect(coco.classes).toHaveLength(80);
    expect(coco.classes[0]).toMatchObject({ id: 'person', name: 'person' });
    expect(coco.classes[79]).toMatchObject({ id: 'toothbrush', name: 'toothbrush' });
    expect(coco.classes[9]).toMatchObject({ id: 'traffic_light', name: 'traffic light' });
    expect(coco.classes.map((c) => c.name)).toEqual([...COCO_CLASS_NAMES]);
    expect(coco.classes.every((c) => /^[a-z_]+$/.test(c.id))).toBe(true);
  });

  it('draws every class as box or polygon, and person also as the 17 COCO keypoints', () => {
    expect(coco.classes.every((c) => c.geometries.includes('box') && c.geometries.includes('polygon'))).toBe(
      true,
    );
    const person = coco.classes[0];
    expect(person?.geometries).toContain('keypoints');
    expect(person?.skeleton?.keypoints).toHaveLength(17);
    expect(person?.skeleton?.keypoints[0]).toBe('nose');
    expect(person?.skeleton?.keypoints[16]).toBe('right_ankle');
    expect(person?.skeleton?.edges).toHaveLength(19);
    expect(person?.skeleton?.edges[0]).toEqual(['left_ankle', 'left_knee']);
    expect(person?.skeleton?.flipPairs).toHaveLength(8);
    expect(person?.skeleton?.flipPairs).toContainEqual(['left_eye', 'right_eye']);
    expect(coco.classes.filter((c) => c.skeleton)).toHaveLength(1);
  });
});

describe('Pascal VOC', () => {
  const voc = preset('pascal-voc');

  it('has the 20 VOC classes as boxes with pose, truncated, difficult and occluded', () => {
    expect(voc.classes.map((c) => c.id)).toEqual([...VOC_CLASS_NAMES]);
    expect(voc.classes[0]?.id).toBe('aeroplane');
    expect(voc.classes[19]?.id).toBe('tvmonitor');
    for (const c of voc.classes) {
      expect(c.geometries).toEqual(['box']);
      expect(attributeIds(c.attributes)).toEqual(['pose', 'truncated', 'difficult', 'occluded']);
    }
    const pose = voc.classes[0]?.attributes[0];
    expect(pose?.type === 'single-choice' && pose.options.map((o) => o.id)).toEqual([
      'Frontal',
      'Left',
      'Right',
      'Rear',
      'Unspecified',
    ]);
  });
});

describe('OCR text regions', () => {
  const ocr = preset('ocr-text');

  it('has text, handwriting and ignore regions as polygons or rotated boxes', () => {
    expect(ocr.classes.map((c) => c.id)).toEqual(['text', 'handwriting', 'ignore']);
    for (const c of ocr.classes) expect(c.geometries).toEqual(['polygon', 'rotated-box']);
    expect(attributeIds(ocr.classes[0]?.attributes ?? [])).toEqual(['legible', 'transcription', 'language']);
  });

  it('asks for a transcription only of legible text', () => {
    const transcription = ocr.classes[0]?.attributes.find((a) => a.id === 'transcription');
    expect(transcription).toMatchObject({
      type: 'text',
      required: true,
      when: { attributeId: 'legible', values: [true] },
    });
  });
});

describe('driving scenes', () => {
  const driving = preset('driving');
  const byId = (id: string) => driving.classes.find((c) => c.id === id);

  it('groups vehicles and people under drawable-less parents', () => {
    expect(byId('vehicle')?.geometries).toEqual([]);
    expect(byId('person')?.geometries).toEqual([]);
    expect(driving.classes.filter((c) => c.parentId === 'vehicle').map((c) => c.id)).toEqual([
      'car',
      'truck',
      'bus',
      'motorcycle',
      'bicycle',
    ]);
    expect(driving.classes.filter((c) => c.parentId === 'person').map((c) => c.id)).toEqual([
      'pedestrian',
      'rider',
    ]);
  });

  it('gives the nine drawable classes hotkeys 1 to 9 and a 4×4 px minimum box', () => {
    const drawable = driving.classes.filter((c) => c.geometries.length > 0);
    expect(drawable.map((c) => c.hotkey)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const c of drawable) expect(c.constraints).toMatchObject({ minBoxWidth: 4, minBoxHeight: 4 });
  });

  it('carries occlusion, truncation and size band on every object, density and conditions on images', () => {
    for (const c of driving.classes.filter((c) => c.geometries.length > 0)) {
      expect(attributeIds(c.attributes).slice(0, 3)).toEqual(['occlusion', 'truncation', 'size_band']);
      expect(c.attributes[0]).toMatchObject({ required: true, type: 'single-choice' });
      expect(c.attributes[1]).toMatchObject({ type: 'number', min: 0, max: 100, step: 5, unit: '%' });
    }
    expect(attributeIds(driving.imageAttributes)).toEqual(['weather', 'time_of_day', 'crowd_density']);
    expect(byId('traffic_light')?.attributes.find((a) => a.id === 'state')).toMatchObject({
      required: true,
      when: { attributeId: 'visible_face', values: [true] },
    });
  });
});

describe('paletteColor', () => {
  it('gives 256 distinct #rrggbb colours, the same every time', () => {
    const colors = Array.from({ length: 256 }, (_, i) => paletteColor(i));
    expect(new Set(colors).size).toBe(256);
    expect(colors.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
    expect(paletteColor(0)).toBe('#d92626');
  });
});
