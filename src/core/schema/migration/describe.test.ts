/** The version history's one line per change. */

import { describe, expect, it } from 'vitest';
import type { SchemaChange } from '../changes';
import { describeChange } from '../migrate';
import { parked, cls, schema } from './testFixtures';

describe('describeChange writes one line for the version history', () => {
  it.each(
    (
      [
        [{ type: 'rename-class', classId: 'car', name: 'vehicle car' }, 'Renamed class car → vehicle car'],
        [
          { type: 'add-class', labelClass: cls('truck', { parentId: 'vehicle' }) },
          'Added class truck under vehicle',
        ],
        [
          { type: 'recolor-class', classId: 'car', color: '#00ff00' },
          'Recolored class car #ff0000 → #00ff00',
        ],
        [
          { type: 'delete-class', classId: 'bus', annotations: 'delete' },
          'Deleted class bus (its annotations deleted)',
        ],
        [
          { type: 'delete-class', classId: 'bus', annotations: 'review' },
          'Deleted class bus (its annotations sent to review)',
        ],
        [
          { type: 'merge-classes', sourceIds: ['van', 'minivan'], targetId: 'car' },
          'Merged classes van, minivan into car',
        ],
        [
          { type: 'split-class', classId: 'car', into: [cls('sedan'), cls('suv')] },
          'Split class car into sedan, suv',
        ],
        [{ type: 'move-class', classId: 'bus', parentId: 'vehicle' }, 'Moved class bus under vehicle'],
        [{ type: 'move-class', classId: 'car', parentId: null }, 'Moved class car to the top level'],
        [
          { type: 'add-attribute', scope: 'image', attribute: { ...parked, id: 'night', name: 'night' } },
          'Added attribute night to images',
        ],
        [
          { type: 'remove-attribute', scope: { classId: 'car' }, attributeId: 'colour' },
          'Removed attribute colour from class car',
        ],
        [
          {
            type: 'rename-attribute',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            name: 'visibility',
          },
          'Renamed attribute occlusion → visibility on class car',
        ],
        [
          { type: 'rename-option', scope: 'image', attributeId: 'weather', optionId: 'rain', label: 'Rainy' },
          'Renamed option Rain → Rainy of attribute weather on images',
        ],
        [
          {
            type: 'merge-options',
            scope: 'image',
            attributeId: 'weather',
            sourceOptionIds: ['rain', 'fog'],
            targetOptionId: 'sunny',
          },
          'Merged options Rain, Fog into Sunny of attribute weather on images',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            fill: { kind: 'default', value: 'none' },
          },
          'Made attribute occlusion on class car required (missing values set to None)',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: 'image',
            attributeId: 'weather',
            fill: { kind: 'review' },
          },
          'Made attribute weather on images required (missing values sent to review)',
        ],
        [{ type: 'edit-schema', schema, summary: 'Changed hotkeys' }, 'Changed hotkeys'],
      ] satisfies [SchemaChange, string][]
    ).map(([change, line]): [string, SchemaChange] => [line, change]),
  )('%s', (line, change) => {
    expect(describeChange(change, schema)).toBe(line);
  });
});
