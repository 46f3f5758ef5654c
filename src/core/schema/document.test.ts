import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import schemaJson from '../../../schemas/annotation-schema.schema.json';
import {
  checkSchema,
  compileTextPattern,
  isOnStep,
  locateJsonPointer,
  parseSchemaDocument,
  SCHEMA_DOCUMENT_URL,
  SCHEMA_PROBLEM_CODES,
  serializeSchema,
  textLength,
  validateSchemaValue,
  type SchemaProblem,
  type SchemaProblemCode,
} from './document';
import { SCHEMA_FORMAT, type AnnotationSchema, type AttributeDefinition, type LabelClass } from './types';

const labelClass = (id: string, extra: Partial<LabelClass> = {}): LabelClass => ({
  id,
  name: id.charAt(0).toUpperCase() + id.slice(1),
  color: '#336699',
  geometries: ['box'],
  attributes: [],
  ...extra,
});

const schemaWith = (extra: Partial<AnnotationSchema> = {}): AnnotationSchema => ({
  format: SCHEMA_FORMAT,
  name: 'Test',
  classes: [labelClass('car')],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: false },
  ...extra,
});

const classesOf = (...classes: LabelClass[]): AnnotationSchema => schemaWith({ classes });
const attributesOf = (...attributes: AttributeDefinition[]): AnnotationSchema =>
  classesOf(labelClass('car', { attributes }));

const occlusion: AttributeDefinition = {
  id: 'occlusion',
  name: 'Occlusion',
  required: true,
  type: 'single-choice',
  options: [
    { id: 'none', label: 'None', hotkey: 'n' },
    { id: 'heavy', label: 'Heavy', hotkey: 'h' },
  ],
};
const visible: AttributeDefinition = { id: 'visible', name: 'Visible', required: true, type: 'boolean' };
const truncation: AttributeDefinition = {
  id: 'truncation',
  name: 'Truncation',
  required: false,
  type: 'number',
  min: 0,
  max: 100,
  step: 5,
};
const plate: AttributeDefinition = {
  id: 'plate',
  name: 'Plate',
  required: false,
  type: 'text',
  maxLength: 8,
  pattern: '[A-Z]{2}-[0-9]+',
};
const skeleton = { keypoints: ['a', 'b'], edges: [['a', 'b'] as const], flipPairs: [] };

const codesAndPaths = (problems: readonly SchemaProblem[]): [string, string][] =>
  problems.map((problem) => [problem.code, problem.path]);

/** One row per semantic rule: a schema that breaks exactly that rule, the problem, and a name the message must give. */
const RULES: [string, AnnotationSchema, SchemaProblemCode, string, string][] = [
  [
    'two classes share an id',
    classesOf(labelClass('car'), labelClass('car', { name: 'Auto' })),
    'duplicate-class-id',
    '/classes/1/id',
    '"Auto"',
  ],
  [
    'two class names differ only in case',
    classesOf(labelClass('car'), labelClass('car2', { name: 'CAR' })),
    'duplicate-class-name',
    '/classes/1/name',
    '"CAR"',
  ],
  [
    'two classes share a hotkey, ignoring case',
    classesOf(labelClass('car', { hotkey: 'c' }), labelClass('cab', { hotkey: 'C' })),
    'duplicate-class-hotkey',
    '/classes/1/hotkey',
    '"Cab"',
  ],
  [
    'a parent id names no class',
    classesOf(labelClass('car', { parentId: 'vehicle' })),
    'unknown-parent',
    '/classes/0/parentId',
    '"vehicle"',
  ],
  [
    'two classes are each other’s parent',
    classesOf(labelClass('car', { parentId: 'truck' }), labelClass('truck', { parentId: 'car' })),
    'parent-cycle',
    '/classes/0/parentId',
    '"Car" → "Truck" → "Car"',
  ],
  [
    'a class is its own parent',
    classesOf(labelClass('car', { parentId: 'car' })),
    'parent-cycle',
    '/classes/0/parentId',
    '"Car"',
  ],
  [
    'keypoints are allowed without a skeleton',
    classesOf(labelClass('person', { geometries: ['box', 'keypoints'] })),
    'keypoints-without-skeleton',
    '/classes/0/geometries/1',
    '"Person"',
  ],
  [
    'a keypoint name repeats',
    classesOf(
      labelClass('person', {
        geometries: ['keypoints'],
        skeleton: { ...skeleton, keypoints: ['a', 'b', 'a'] },
      }),
    ),
    'duplicate-keypoint',
    '/classes/0/skeleton/keypoints/2',
    '"Person"',
  ],
  [
    'an edge names an unknown keypoint',
    classesOf(
      labelClass('person', { geometries: ['keypoints'], skeleton: { ...skeleton, edges: [['a', 'c']] } }),
    ),
    'unknown-keypoint',
    '/classes/0/skeleton/edges/0/1',
    '"c"',
  ],
  [
    'a flip pair names an unknown keypoint',
    classesOf(
      labelClass('person', { geometries: ['keypoints'], skeleton: { ...skeleton, flipPairs: [['x', 'b']] } }),
    ),
    'unknown-keypoint',
    '/classes/0/skeleton/flipPairs/0/0',
    '"x"',
  ],
  [
    'a constraint is negative',
    classesOf(labelClass('car', { constraints: { minBoxWidth: -1 } })),
    'invalid-constraint',
    '/classes/0/constraints/minBoxWidth',
    '"Car"',
  ],
  [
    'a polygon may have fewer than 3 vertices',
    classesOf(labelClass('car', { constraints: { minPolygonVertices: 2 } })),
    'invalid-constraint',
    '/classes/0/constraints/minPolygonVertices',
    '"Car"',
  ],
  [
    'two attributes of a class share an id',
    attributesOf(occlusion, { ...visible, id: 'occlusion' }),
    'duplicate-attribute-id',
    '/classes/0/attributes/1/id',
    'class "Car"',
  ],
  [
    'two image attributes share an id',
    schemaWith({ imageAttributes: [visible, { ...visible, name: 'Seen' }] }),
    'duplicate-attribute-id',
    '/imageAttributes/1/id',
    '"Seen"',
  ],
  [
    'two options share an id',
    attributesOf({
      ...occlusion,
      options: [
        { id: 'none', label: 'None' },
        { id: 'none', label: 'Nothing' },
      ],
    }),
    'duplicate-option-id',
    '/classes/0/attributes/0/options/1/id',
    '"Occlusion"',
  ],
  [
    'two options share a hotkey',
    attributesOf({
      ...occlusion,
      options: [
        { id: 'none', label: 'None', hotkey: 'n' },
        { id: 'heavy', label: 'Heavy', hotkey: 'N' },
      ],
    }),
    'duplicate-option-hotkey',
    '/classes/0/attributes/0/options/1/hotkey',
    '"Heavy"',
  ],
  [
    'a condition names an unknown attribute',
    attributesOf({ ...occlusion, when: { attributeId: 'visibel', values: [true] } }),
    'unknown-condition-attribute',
    '/classes/0/attributes/0/when/attributeId',
    '"visibel"',
  ],
  [
    'an attribute depends on itself',
    attributesOf({ ...visible, when: { attributeId: 'visible', values: [true] } }),
    'self-condition',
    '/classes/0/attributes/0/when/attributeId',
    '"Visible"',
  ],
  [
    'two attributes depend on each other',
    attributesOf(
      { ...visible, when: { attributeId: 'occlusion', values: ['none'] } },
      { ...occlusion, when: { attributeId: 'visible', values: [true] } },
    ),
    'condition-cycle',
    '/classes/0/attributes/0/when/attributeId',
    '"Visible" → "Occlusion" → "Visible"',
  ],
  [
    'a condition value is not an option',
    attributesOf(occlusion, { ...visible, when: { attributeId: 'occlusion', values: ['partial'] } }),
    'invalid-condition-value',
    '/classes/0/attributes/1/when/values/0',
    '"partial"',
  ],
  [
    'a condition on a boolean uses a text',
    attributesOf(visible, { ...occlusion, when: { attributeId: 'visible', values: ['yes'] } }),
    'invalid-condition-value',
    '/classes/0/attributes/1/when/values/0',
    '"Visible"',
  ],
  [
    'a single-choice default is not an option',
    attributesOf({ ...occlusion, default: 'partial' }),
    'invalid-default',
    '/classes/0/attributes/0/default',
    '"partial"',
  ],
  [
    'a multi-choice default lists an unknown option',
    attributesOf({ ...occlusion, type: 'multi-choice', default: ['none', 'partial'] }),
    'invalid-default',
    '/classes/0/attributes/0/default/1',
    '"partial"',
  ],
  [
    'a number default is above the maximum',
    attributesOf({ ...truncation, default: 105 }),
    'invalid-default',
    '/classes/0/attributes/0/default',
    'maximum 100',
  ],
  [
    'a number default is off-step',
    attributesOf({ ...truncation, default: 7 }),
    'invalid-default',
    '/classes/0/attributes/0/default',
    'steps of 5',
  ],
  [
    'a text default is longer than maxLength',
    attributesOf({ ...plate, default: 'AB-1234567' }),
    'invalid-default',
    '/classes/0/attributes/0/default',
    'maximum 8',
  ],
  [
    'a text default does not match the pattern',
    attributesOf({ ...plate, default: 'ab-12' }),
    'invalid-default',
    '/classes/0/attributes/0/default',
    '"Plate"',
  ],
  [
    'a pattern is not a regular expression',
    attributesOf({ ...plate, pattern: '[A-Z' }),
    'invalid-pattern',
    '/classes/0/attributes/0/pattern',
    '"[A-Z"',
  ],
  [
    'a number minimum is above its maximum',
    attributesOf({ ...truncation, min: 10, max: 5 }),
    'min-greater-than-max',
    '/classes/0/attributes/0/max',
    '"Truncation"',
  ],
  [
    'a number step is 0',
    attributesOf({ ...truncation, step: 0 }),
    'invalid-step',
    '/classes/0/attributes/0/step',
    '"Truncation"',
  ],
  [
    'a tag is required but no class is a tag',
    schemaWith({ tagging: { requireAtLeastOne: true, multiLabel: false } }),
    'tagging-without-tag-classes',
    '/tagging/requireAtLeastOne',
    '"tag"',
  ],
];

describe('checkSchema', () => {
  it('finds nothing wrong with a well-formed schema using every feature', () => {
    const schema = schemaWith({
      classes: [
        labelClass('vehicle', { geometries: [] }),
        labelClass('car', {
          parentId: 'vehicle',
          hotkey: '1',
          attributes: [occlusion, truncation, { ...plate, default: 'AB-12' }],
          constraints: { minBoxWidth: 4, minBoxHeight: 4, minPolygonVertices: 3, maxInstancesPerImage: 5 },
        }),
        // A parent may itself be drawable (as in CVAT).
        labelClass('person', { geometries: ['box', 'keypoints'], skeleton, hotkey: 'F2' }),
        labelClass('rider', { parentId: 'person', hotkey: '2' }),
        labelClass('night', { geometries: ['tag'] }),
      ],
      imageAttributes: [visible, { ...occlusion, when: { attributeId: 'visible', values: [true] } }],
      tagging: { requireAtLeastOne: true, multiLabel: true },
    });
    expect(checkSchema(schema)).toEqual([]);
  });

  it.each(RULES)('reports when %s', (_, schema, code, path, mention) => {
    const problems = checkSchema(schema);
    expect(codesAndPaths(problems)).toEqual([[code, path]]);
    expect(problems[0]?.message).toContain(mention);
  });

  it('has a test above for every semantic code', () => {
    const structural = [
      'invalid-json',
      'duplicate-json-key',
      'unsupported-format',
      'missing-property',
      'unknown-property',
      'wrong-type',
      'invalid-value',
    ];
    const tested = new Set(RULES.map((rule) => rule[2]));
    expect(SCHEMA_PROBLEM_CODES.filter((code) => !structural.includes(code) && !tested.has(code))).toEqual(
      [],
    );
    expect(new Set(SCHEMA_PROBLEM_CODES).size).toBe(SCHEMA_PROBLEM_CODES.length);
  });
});

describe('parseSchemaDocument: JSON syntax', () => {
  const syntaxProblem = (text: string): SchemaProblem => {
    const result = parseSchemaDocument(text);
    if (result.ok) throw new Error('expected a problem');
    expect(result.problems).toHaveLength(1);
    return result.problems[0] as SchemaProblem;
  };

  it('points a missing comma at the line and column of the next property', () => {
    const text = '{\n  "format": "labelloop.annotation-schema/1",\n  "name": "Test"\n  "classes": []\n}';
    expect(syntaxProblem(text)).toMatchObject({ code: 'invalid-json', path: '', line: 4, column: 3 });
    expect(syntaxProblem(text).message).toBe('Expected "," or "}" after the value of "name".');
  });

  it('points a trailing comma at the comma', () => {
    expect(syntaxProblem('{\n  "a": [1, 2,]\n}')).toMatchObject({ line: 2, column: 13 });
    expect(syntaxProblem('{"a": 1,\n}').message).toContain('Trailing comma');
  });

  it('points an unclosed string at its opening quote', () => {
    expect(syntaxProblem('{\n  "name": "Test\n}')).toMatchObject({ line: 2, column: 11 });
  });

  it('explains comments, single quotes, bare words and empty documents', () => {
    expect(syntaxProblem('{\n  // note\n}')).toMatchObject({ line: 2, column: 3 });
    expect(syntaxProblem('{\n  // note\n}').message).toContain('Comments are not allowed');
    expect(syntaxProblem("{'a': 1}").message).toContain('double quotes');
    expect(syntaxProblem('{"a": yes}')).toMatchObject({ line: 1, column: 7 });
    expect(syntaxProblem('{"a": yes}').message).toContain('Unexpected yes');
    expect(syntaxProblem('  \n').message).toContain('empty');
    expect(syntaxProblem('{"a": 01}').message).toContain('Invalid number');
    expect(syntaxProblem('{"a": 1} x')).toMatchObject({ line: 1, column: 10 });
  });

  it('counts columns after tabs and CRLF line ends as editors do', () => {
    expect(syntaxProblem('{\r\n\t"a": 1\r\n\t"b": 2\r\n}')).toMatchObject({ line: 3, column: 2 });
  });

  it('reads a document that starts with a byte-order mark', () => {
    expect(parseSchemaDocument(`\uFEFF${serializeSchema(schemaWith())}`)).toEqual({
      ok: true,
      schema: schemaWith(),
    });
  });
});

describe('parseSchemaDocument: structure', () => {
  const problemsOf = (text: string): readonly SchemaProblem[] => {
    const result = parseSchemaDocument(text);
    return result.ok ? [] : result.problems;
  };
  const lineOf = (text: string, needle: string, last = false): { line: number; column: number } => {
    const lines = text.split('\n');
    const line = last
      ? lines.findLastIndex((l) => l.includes(needle))
      : lines.findIndex((l) => l.includes(needle));
    return { line: line + 1, column: (lines[line] ?? '').indexOf(needle) + 1 };
  };

  it('reports a colour that is not #rrggbb at its pointer and line', () => {
    const text = serializeSchema(classesOf(labelClass('car'), labelClass('truck', { color: 'red' })));
    const problems = problemsOf(text);
    expect(problems).toEqual([
      {
        code: 'invalid-value',
        path: '/classes/1/color',
        ...lineOf(text, '"color": "red"'),
        message:
          'Class "Truck" › color: "red" does not fit. A colour as #rrggbb (six hexadecimal digits). For example "#1f77b4".',
      },
    ]);
    expect(problems[0]?.line).toBe(15);
  });

  it('names an unknown property and suggests the one meant', () => {
    const text = serializeSchema(schemaWith()).replace('"color"', '"colour"');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ code: 'missing-property', path: '/classes/0/color' }),
      expect.objectContaining({
        code: 'unknown-property',
        path: '/classes/0/colour',
        ...lineOf(text, '"colour"'),
      }),
    ]);
    expect(problemsOf(text)[1]?.message).toContain('did you mean "color"?');
  });

  it('reports a missing property at its parent, with what the property is for', () => {
    const { tagging: _, ...rest } = schemaWith();
    const problems = problemsOf(JSON.stringify(rest, null, 2));
    expect(problems).toEqual([
      expect.objectContaining({ code: 'missing-property', path: '/tagging', line: 1, column: 1 }),
    ]);
    expect(problems[0]?.message).toContain('"tagging" is missing. How image-level tags');
  });

  it('reports a wrong type with what was expected', () => {
    const text = serializeSchema(schemaWith({ name: 5 as unknown as string }));
    expect(problemsOf(text)).toEqual([
      {
        code: 'wrong-type',
        path: '/name',
        message: 'Name: expected a text in double quotes, found 5.',
        ...lineOf(text, '"name"'),
      },
    ]);
  });

  it('checks each attribute type against its own fields', () => {
    const booleanWithOptions = { ...visible, options: [{ id: 'a', label: 'A' }] } as AttributeDefinition;
    expect(codesAndPaths(problemsOf(serializeSchema(attributesOf(booleanWithOptions))))).toEqual([
      // serializeSchema writes only known keys in a known order; options are one of them.
      ['unknown-property', '/classes/0/attributes/0/options'],
    ]);
    const unknownType = { ...visible, type: 'choice' } as unknown as AttributeDefinition;
    const problems = problemsOf(serializeSchema(attributesOf(unknownType)));
    expect(codesAndPaths(problems)).toEqual([['invalid-value', '/classes/0/attributes/0/type']]);
    expect(problems[0]?.message).toBe(
      'Class "Car" › attribute "Visible" › type: "choice" is not one of "single-choice", "multi-choice", "boolean", "number", "text".',
    );
    const choiceWithoutOptions = { ...occlusion, options: undefined } as unknown as AttributeDefinition;
    expect(codesAndPaths(problemsOf(serializeSchema(attributesOf(choiceWithoutOptions))))).toEqual([
      ['missing-property', '/classes/0/attributes/0/options'],
    ]);
  });

  it('refuses hotkeys that are neither one character nor F1–F12', () => {
    for (const hotkey of ['ab', 'F13', ' ', '']) {
      const result = validateSchemaValue(classesOf(labelClass('car', { hotkey })));
      expect(result.ok ? [] : codesAndPaths(result.problems)).toEqual([
        ['invalid-value', '/classes/0/hotkey'],
      ]);
    }
    for (const hotkey of ['1', 'c', 'É', 'F1', 'F12']) {
      expect(validateSchemaValue(classesOf(labelClass('car', { hotkey }))).ok).toBe(true);
    }
  });

  it('refuses ids with spaces or over 64 characters', () => {
    for (const id of ['traffic light', 'x'.repeat(65), '']) {
      const result = validateSchemaValue(classesOf(labelClass(id, { name: 'X' })));
      expect(result.ok ? [] : codesAndPaths(result.problems)).toEqual([['invalid-value', '/classes/0/id']]);
    }
  });

  it('tells a newer format from a document that is not a schema at all', () => {
    const newer = problemsOf(JSON.stringify({ format: 'labelloop.annotation-schema/2' }));
    expect(newer).toEqual([
      expect.objectContaining({ code: 'unsupported-format', path: '/format', line: 1, column: 2 }),
    ]);
    expect(newer[0]?.message).toContain('newer LabelLoop');
    expect(problemsOf('{"format": "coco"}')[0]?.message).toContain('not a LabelLoop annotation schema');
    expect(codesAndPaths(problemsOf('[]'))).toEqual([['wrong-type', '']]);
  });

  it('refuses a property written twice, since only one of the values would count', () => {
    const text = serializeSchema(schemaWith()).replace(
      '"name": "Test",',
      '"name": "Test",\n  "name": "Other",',
    );
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ code: 'duplicate-json-key', path: '/name', line: 4, column: 3 }),
    ]);
  });

  it('gives semantic problems their line too, in document order', () => {
    const text = serializeSchema(
      classesOf(labelClass('car', { hotkey: '1' }), labelClass('truck', { hotkey: '1', parentId: 'lorry' })),
    );
    expect(problemsOf(text).map((p) => [p.code, p.line])).toEqual([
      ['duplicate-class-hotkey', lineOf(text, '"hotkey": "1"', true).line],
      ['unknown-parent', lineOf(text, '"parentId"').line],
    ]);
  });
});

describe('locateJsonPointer', () => {
  const text = '{\n  "classes": [\n    { "id": "car" },\n    {\n      "id": "a/b"\n    }\n  ]\n}';

  it('finds members at their key, items at their value, and missing values at their parent', () => {
    expect(locateJsonPointer(text, '')).toEqual({ line: 1, column: 1 });
    expect(locateJsonPointer(text, '/classes')).toEqual({ line: 2, column: 3 });
    expect(locateJsonPointer(text, '/classes/0/id')).toEqual({ line: 3, column: 7 });
    expect(locateJsonPointer(text, '/classes/1')).toEqual({ line: 4, column: 5 });
    expect(locateJsonPointer(text, '/classes/1/color')).toEqual({ line: 4, column: 5 });
    expect(locateJsonPointer('{"a/b": {"~": 1}}', '/a~1b/~0')).toEqual({ line: 1, column: 10 });
    expect(locateJsonPointer('{"a": ', '/a')).toBeUndefined();
  });
});

describe('serializeSchema', () => {
  it('writes keys in the order of types.ts whatever order they came in', () => {
    const shuffled = {
      tagging: { multiLabel: false, requireAtLeastOne: false },
      imageAttributes: [{ type: 'boolean', required: false, name: 'Night', id: 'night' }],
      classes: [{ attributes: [], geometries: ['polygon', 'box'], color: '#aabbcc', name: 'Car', id: 'car' }],
      name: 'Test',
      format: SCHEMA_FORMAT,
    } as unknown as AnnotationSchema;
    expect(serializeSchema(shuffled)).toBe(
      [
        '{',
        '  "format": "labelloop.annotation-schema/1",',
        '  "name": "Test",',
        '  "classes": [',
        '    {',
        '      "id": "car",',
        '      "name": "Car",',
        '      "color": "#aabbcc",',
        '      "geometries": ["polygon", "box"],',
        '      "attributes": []',
        '    }',
        '  ],',
        '  "imageAttributes": [',
        '    {',
        '      "id": "night",',
        '      "name": "Night",',
        '      "required": false,',
        '      "type": "boolean"',
        '    }',
        '  ],',
        '  "tagging": {',
        '    "requireAtLeastOne": false,',
        '    "multiLabel": false',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('breaks a list of plain values over lines only when it does not fit in 100 columns', () => {
    const keypoints = Array.from({ length: 17 }, (_, i) => `keypoint_${i}`);
    const text = serializeSchema(
      classesOf(labelClass('person', { geometries: ['keypoints'], skeleton: { ...skeleton, keypoints } })),
    );
    expect(text).toContain('"geometries": ["keypoints"],');
    expect(text).toContain('        "keypoints": [\n          "keypoint_0",\n');
    expect(text).toContain('        "edges": [\n          ["a", "b"]\n        ],');
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  it('round-trips a schema with every optional field byte for byte', () => {
    const schema = schemaWith({
      $schema: SCHEMA_DOCUMENT_URL,
      description: 'Every field "quoted" and ünïcode',
      classes: [
        labelClass('vehicle', { geometries: [], description: 'Group' }),
        labelClass('car', {
          parentId: 'vehicle',
          hotkey: 'c',
          attributes: [
            { ...occlusion, description: 'How hidden', default: 'none' },
            {
              ...occlusion,
              id: 'parts',
              type: 'multi-choice',
              default: ['none'],
              when: { attributeId: 'occlusion', values: ['heavy'] },
            },
            { ...truncation, unit: '%', default: 10 },
            { ...plate, default: 'AB-1' },
            { ...visible, default: true },
          ],
          constraints: {
            minBoxWidth: 2.5,
            minBoxHeight: 4,
            minPolygonVertices: 3,
            maxInstancesPerImage: 1,
            insideImage: false,
            keypointsInsideBox: true,
          },
        }),
        labelClass('person', {
          geometries: ['box', 'keypoints'],
          skeleton: { ...skeleton, flipPairs: [['a', 'b']] },
        }),
      ],
      imageAttributes: [visible],
    });
    const text = serializeSchema(schema);
    const parsed = parseSchemaDocument(text);
    expect(parsed).toEqual({ ok: true, schema });
    expect(parsed.ok && serializeSchema(parsed.schema)).toBe(text);
  });
});

describe('the JSON Schema file', () => {
  const root = schemaJson as unknown as Record<string, unknown>;
  const defs = root.$defs as Record<string, Record<string, unknown>>;
  const resolve = (node: Record<string, unknown>): Record<string, unknown> =>
    typeof node.$ref === 'string' ? (defs[node.$ref.replace('#/$defs/', '')] ?? {}) : {};

  it('has the published id and document URL', () => {
    expect(root.$id).toBe(SCHEMA_DOCUMENT_URL);
    expect(root.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('documents every property with a title and a description, and closes every object', () => {
    const objects = [root, ...Object.values(defs)].filter((node) => node.properties !== undefined);
    const undocumented: string[] = [];
    for (const node of objects) {
      // The attribute schema only dispatches on "type"; its per-type schemas are the closed ones.
      if (node !== defs.attribute) expect(node.additionalProperties).toBe(false);
      for (const [name, property] of Object.entries(
        node.properties as Record<string, Record<string, unknown>>,
      )) {
        const target = resolve(property);
        const title = property.title ?? target.title;
        const description = property.description ?? target.description;
        if (typeof title !== 'string' || typeof description !== 'string') undocumented.push(name);
      }
    }
    expect(undocumented).toEqual([]);
  });
});

describe('helpers shared with validation', () => {
  it('anchors text patterns and refuses invalid ones', () => {
    expect(compileTextPattern('[A-Z]{2}')?.test('AB')).toBe(true);
    expect(compileTextPattern('[A-Z]{2}')?.test('ABC')).toBe(false);
    expect(compileTextPattern('a|b')?.test('ab')).toBe(false);
    expect(compileTextPattern('(')).toBeUndefined();
  });

  it('accepts values on the step despite floating-point noise', () => {
    expect(isOnStep(0.3, 0.1)).toBe(true);
    expect(isOnStep(15, 5, 0)).toBe(true);
    expect(isOnStep(12, 5, 2)).toBe(true);
    expect(isOnStep(7, 5)).toBe(false);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(textLength('😀a')).toBe(2);
  });
});

describe('docs/annotation-schema.md', () => {
  const page = readFileSync(new URL('../../../docs/annotation-schema.md', import.meta.url), 'utf8');

  it('shows an example that imports without problems', () => {
    const example = /```json\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    expect(parseSchemaDocument(example)).toMatchObject({ ok: true });
  });

  it('explains every problem code', () => {
    expect(SCHEMA_PROBLEM_CODES.filter((code) => !page.includes(`| \`${code}\``))).toEqual([]);
  });
});
