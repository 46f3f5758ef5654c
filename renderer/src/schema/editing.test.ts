/** What the schema editor's forms turn into: ids from names, the change a class or attribute edit makes, skeleton text, class order. */

import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/core/schema/presets';
import { SCHEMA_FORMAT } from '../../../src/core/schema/types';
import type { AnnotationSchema, AttributeDefinition, LabelClass } from '../../../src/core/schema/types';
import {
  attributeEditChange,
  classEditChange,
  formatSkeleton,
  idFromName,
  parseSkeleton,
  reorderClasses,
} from './editing';

const occlusion: AttributeDefinition = {
  id: 'occlusion',
  name: 'Occlusion',
  required: false,
  type: 'single-choice',
  options: [
    { id: 'none', label: 'None' },
    { id: 'partial', label: 'Partial' },
    { id: 'heavy', label: 'Heavy' },
  ],
};
const parked: AttributeDefinition = { id: 'parked', name: 'Parked', required: false, type: 'boolean' };
const weather: AttributeDefinition = {
  id: 'weather',
  name: 'Weather',
  required: false,
  type: 'single-choice',
  options: [
    { id: 'clear', label: 'Clear' },
    { id: 'rain', label: 'Rain' },
  ],
};

const vehicle: LabelClass = {
  id: 'vehicle',
  name: 'Vehicle',
  color: '#808080',
  geometries: [],
  attributes: [],
};
const car: LabelClass = {
  id: 'car',
  name: 'Car',
  color: '#e6194b',
  hotkey: 'c',
  geometries: ['box'],
  attributes: [occlusion, parked],
};
const person: LabelClass = {
  id: 'person',
  name: 'Person',
  color: '#3cb44b',
  geometries: ['box'],
  attributes: [],
};

const schema: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'Streets',
  classes: [vehicle, car, person],
  imageAttributes: [weather],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

/** The attribute dialog builds a definition with its fields in this order (AttributeDialog's build). */
function asTheDialogBuildsIt(attribute: AttributeDefinition): AttributeDefinition {
  const order = ['id', 'name', 'required', 'description', 'when', 'type', 'options', 'default'];
  const keys = [...order, ...Object.keys(attribute).filter((key) => !order.includes(key))];
  return Object.fromEntries(
    keys.filter((key) => key in attribute).map((key) => [key, attribute[key as keyof AttributeDefinition]]),
  ) as unknown as AttributeDefinition;
}

describe('idFromName', () => {
  it('makes a lower-case slug with underscores', () => {
    expect(idFromName('Traffic light', new Set())).toBe('traffic_light');
    expect(idFromName('  Stop sign (EU) ', new Set())).toBe('stop_sign_eu');
    expect(idFromName('Person #2', new Set())).toBe('person_2');
  });

  it('adds _2, _3… until the id is not taken', () => {
    expect(idFromName('Car', new Set(['car']))).toBe('car_2');
    expect(idFromName('Car', new Set(['car', 'car_2']))).toBe('car_3');
    expect(idFromName('Car', new Set(['car_2']))).toBe('car');
  });

  it('falls back to "item" when nothing of the name is left', () => {
    expect(idFromName('', new Set())).toBe('item');
    expect(idFromName('  ??? ', new Set())).toBe('item');
    expect(idFromName('日本', new Set(['item']))).toBe('item_2');
  });

  it('keeps ids short enough for the 64-character limit even with a suffix', () => {
    const id = idFromName('a'.repeat(80), new Set(['a'.repeat(56)]));
    expect(id).toBe(`${'a'.repeat(56)}_2`);
    expect(id.length).toBeLessThanOrEqual(64);
  });
});

describe('classEditChange', () => {
  it('makes a rename when only the name changed', () => {
    expect(classEditChange(schema, car, { ...car, name: 'Automobile' })).toEqual({
      type: 'rename-class',
      classId: 'car',
      name: 'Automobile',
    });
  });

  it('makes a recolor when only the colour changed', () => {
    expect(classEditChange(schema, car, { ...car, color: '#000075' })).toEqual({
      type: 'recolor-class',
      classId: 'car',
      color: '#000075',
    });
  });

  it('makes a move when only the group changed, to the top level when the group is cleared', () => {
    const grouped = { ...car, parentId: 'vehicle' };
    expect(classEditChange(schema, car, grouped)).toEqual({
      type: 'move-class',
      classId: 'car',
      parentId: 'vehicle',
    });
    const { parentId: _parentId, ...ungrouped } = grouped;
    expect(classEditChange(schema, grouped, ungrouped)).toEqual({
      type: 'move-class',
      classId: 'car',
      parentId: null,
    });
  });

  it('makes an edit of the document when several fields changed, replacing exactly that class', () => {
    const edited: LabelClass = { ...car, name: 'Automobile', hotkey: 'a', geometries: ['box', 'polygon'] };
    const change = classEditChange(schema, car, edited);
    expect(change).toEqual({
      type: 'edit-schema',
      schema: { ...schema, classes: [vehicle, edited, person] },
      summary: 'Edited class "Automobile": name, hotkey, geometries',
    });
  });

  it('names each changed field as the form shows it', () => {
    const edited: LabelClass = {
      ...car,
      color: '#000075',
      parentId: 'vehicle',
      description: 'Passenger cars',
      constraints: { minBoxWidth: 4 },
      attributes: [occlusion],
    };
    expect(classEditChange(schema, car, edited)).toMatchObject({
      type: 'edit-schema',
      summary: 'Edited class "Car": colour, description, group, constraints, attributes',
    });
  });

  it('makes no change when nothing changed', () => {
    expect(classEditChange(schema, car, { ...car })).toBeNull();
    expect(classEditChange(schema, car, structuredClone(car))).toBeNull();
  });

  it('saves a renamed keypoint class as a rename, its skeleton read back from the form unchanged', () => {
    // Keypoint names may contain "-", which is also what separates the two ends of an edge in the form.
    const hand: LabelClass = {
      id: 'hand',
      name: 'Hand',
      color: '#f58231',
      geometries: ['keypoints'],
      skeleton: {
        keypoints: ['wrist', 'thumb-tip', 'index-tip'],
        edges: [
          ['wrist', 'thumb-tip'],
          ['wrist', 'index-tip'],
        ],
        flipPairs: [],
      },
      attributes: [],
    };
    const text = formatSkeleton(hand.skeleton);
    const saved = {
      ...hand,
      name: 'Left hand',
      skeleton: parseSkeleton(text.keypoints, text.edges, text.flips),
    };
    expect(classEditChange({ ...schema, classes: [hand] }, hand, saved)).toEqual({
      type: 'rename-class',
      classId: 'hand',
      name: 'Left hand',
    });
  });
});

describe('attributeEditChange', () => {
  const scope = { classId: 'car' };

  it('makes a rename when only the name changed', () => {
    expect(
      attributeEditChange(schema, scope, occlusion, { ...occlusion, name: 'Occluded by' }, 'Car'),
    ).toEqual({
      kind: 'change',
      change: { type: 'rename-attribute', scope, attributeId: 'occlusion', name: 'Occluded by' },
    });
    expect(attributeEditChange(schema, 'image', weather, { ...weather, name: 'Sky' }, 'images')).toEqual({
      kind: 'change',
      change: { type: 'rename-attribute', scope: 'image', attributeId: 'weather', name: 'Sky' },
    });
  });

  it('makes a rename of a preset attribute whose fields the dialog lists in another order', () => {
    const driving = PRESETS.find((preset) => preset.id === 'driving')!.schema;
    const presetWeather = driving.imageAttributes.find((a) => a.id === 'weather')!;
    const edited = asTheDialogBuildsIt({ ...presetWeather, name: 'Sky' });
    expect(attributeEditChange(driving, 'image', presetWeather, edited, 'images')).toEqual({
      kind: 'change',
      change: { type: 'rename-attribute', scope: 'image', attributeId: 'weather', name: 'Sky' },
    });
    expect(
      attributeEditChange(driving, 'image', presetWeather, asTheDialogBuildsIt(presetWeather), 'images'),
    ).toEqual({ kind: 'none' });
  });

  it('makes an option rename when exactly one option got a new label', () => {
    const after: AttributeDefinition = {
      ...occlusion,
      options: [
        { id: 'none', label: 'None' },
        { id: 'partial', label: 'Some' },
        { id: 'heavy', label: 'Heavy' },
      ],
    };
    expect(attributeEditChange(schema, scope, occlusion, after, 'Car')).toEqual({
      kind: 'change',
      change: { type: 'rename-option', scope, attributeId: 'occlusion', optionId: 'partial', label: 'Some' },
    });
  });

  it('asks how to fill existing annotations when the attribute becomes required, keeping the rest of the edit', () => {
    expect(attributeEditChange(schema, scope, parked, { ...parked, required: true }, 'Car')).toEqual({
      kind: 'needs-fill',
      attributeId: 'parked',
      rest: null,
    });
    expect(
      attributeEditChange(schema, scope, parked, { ...parked, name: 'Is parked', required: true }, 'Car'),
    ).toEqual({
      kind: 'needs-fill',
      attributeId: 'parked',
      rest: { type: 'rename-attribute', scope, attributeId: 'parked', name: 'Is parked' },
    });
  });

  it('leaves the attribute optional in the rest of the edit, so becoming required stays its own change', () => {
    const edit = attributeEditChange(
      schema,
      scope,
      parked,
      { ...parked, required: true, default: false, description: 'Engine off, no driver' },
      'Car',
    );
    expect(edit).toEqual({
      kind: 'needs-fill',
      attributeId: 'parked',
      rest: {
        type: 'edit-schema',
        schema: {
          ...schema,
          classes: [
            vehicle,
            {
              ...car,
              attributes: [
                occlusion,
                { ...parked, required: false, default: false, description: 'Engine off, no driver' },
              ],
            },
            person,
          ],
        },
        summary: 'Edited attribute "Parked" of Car',
      },
    });
  });

  it('makes an edit of the document for any other edit, replacing only that attribute', () => {
    const twoRelabelled: AttributeDefinition = {
      ...occlusion,
      options: [
        { id: 'none', label: 'Visible' },
        { id: 'partial', label: 'Some' },
        { id: 'heavy', label: 'Heavy' },
      ],
    };
    const edit = attributeEditChange(schema, scope, occlusion, twoRelabelled, 'Car');
    expect(edit).toEqual({
      kind: 'change',
      change: {
        type: 'edit-schema',
        schema: { ...schema, classes: [vehicle, { ...car, attributes: [twoRelabelled, parked] }, person] },
        summary: 'Edited attribute "Occlusion" of Car',
      },
    });

    const renamedAndDefaulted = { ...weather, name: 'Sky', default: 'clear' };
    expect(attributeEditChange(schema, 'image', weather, renamedAndDefaulted, 'images')).toEqual({
      kind: 'change',
      change: {
        type: 'edit-schema',
        schema: { ...schema, imageAttributes: [renamedAndDefaulted] },
        summary: 'Edited attribute "Sky" of images',
      },
    });
  });

  it('makes no change when nothing changed', () => {
    expect(attributeEditChange(schema, scope, occlusion, structuredClone(occlusion), 'Car')).toEqual({
      kind: 'none',
    });
  });
});

describe('parseSkeleton and formatSkeleton', () => {
  it('round-trips the COCO person skeleton through the form text', () => {
    const coco = PRESETS.find((preset) => preset.id === 'coco')!.schema;
    const skeleton = coco.classes.find((c) => c.id === 'person')!.skeleton!;
    const text = formatSkeleton(skeleton);
    expect(text.keypoints.startsWith('nose, left_eye, right_eye')).toBe(true);
    expect(text.flips.startsWith('left_eye:right_eye')).toBe(true);
    expect(parseSkeleton(text.keypoints, text.edges, text.flips)).toEqual(skeleton);
  });

  it('round-trips keypoint names that contain "-"', () => {
    const skeleton = {
      keypoints: ['left-eye', 'right-eye', 'nose', 'tail-base'],
      edges: [
        ['left-eye', 'nose'],
        ['nose', 'right-eye'],
        ['nose', 'tail-base'],
      ] as const,
      flipPairs: [['left-eye', 'right-eye']] as const,
    };
    const text = formatSkeleton(skeleton);
    expect(text.edges).toBe('left-eye-nose, nose-right-eye, nose-tail-base');
    expect(parseSkeleton(text.keypoints, text.edges, text.flips)).toEqual(skeleton);
  });

  it('reads one name or pair per comma or line, trimming spaces and skipping incomplete pairs', () => {
    expect(
      parseSkeleton(
        ' nose ,\nleft_eye,, right_eye\n',
        'nose - left_eye\n nose-right_eye, nose-',
        'left_eye : right_eye, :',
      ),
    ).toEqual({
      keypoints: ['nose', 'left_eye', 'right_eye'],
      edges: [
        ['nose', 'left_eye'],
        ['nose', 'right_eye'],
      ],
      flipPairs: [['left_eye', 'right_eye']],
    });
  });

  it('shows empty fields for a class without a skeleton', () => {
    expect(formatSkeleton(undefined)).toEqual({ keypoints: '', edges: '', flips: '' });
    expect(parseSkeleton('', '', '')).toEqual({ keypoints: [], edges: [], flipPairs: [] });
  });
});

describe('reorderClasses', () => {
  it('moves a class one place up or down', () => {
    expect(reorderClasses(schema, 'car', -1)?.classes.map((c) => c.id)).toEqual(['car', 'vehicle', 'person']);
    expect(reorderClasses(schema, 'car', 1)?.classes.map((c) => c.id)).toEqual(['vehicle', 'person', 'car']);
    expect(schema.classes.map((c) => c.id)).toEqual(['vehicle', 'car', 'person']);
  });

  it('refuses to move past either end or an unknown class', () => {
    expect(reorderClasses(schema, 'vehicle', -1)).toBeNull();
    expect(reorderClasses(schema, 'person', 1)).toBeNull();
    expect(reorderClasses(schema, 'lorry', 1)).toBeNull();
  });
});
