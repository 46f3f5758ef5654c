import { describe, expect, it } from 'vitest';
import { applyCommand, type Command } from './commands';
import type { Built } from './editContext';
import { setImageAttributes, setTags, toggleTag } from './imageEdits';
import { compiled, context, streetRecord } from './testFixtures';

function accepted<E extends object>(result: Built<E>): E & { command: Command } {
  if (!result.ok) throw new Error(`refused (${result.code}): ${result.reason}`);
  return result;
}

const base = streetRecord();

describe('image tags and attributes', () => {
  it('accepts only tag classes, one at a time without multi-label', () => {
    expect(setTags(compiled, base, ['car'], context())).toEqual({
      ok: false,
      code: 'not-allowed',
      reason: 'Car may be drawn as box, rotated box or polygon, not as an image tag',
    });
    expect(setTags(compiled, base, ['indoor', 'outdoor'], context())).toMatchObject({ code: 'not-allowed' });
    const indoor = applyCommand(base, accepted(toggleTag(compiled, base, 'indoor', true, context())).command);
    expect(indoor.tags).toEqual(['indoor']);
    const outdoor = applyCommand(
      indoor,
      accepted(toggleTag(compiled, indoor, 'outdoor', true, context())).command,
    );
    expect(outdoor.tags).toEqual(['outdoor']);
    expect(
      applyCommand(outdoor, accepted(toggleTag(compiled, outdoor, 'outdoor', false, context())).command).tags,
    ).toEqual([]);
    expect(toggleTag(compiled, outdoor, 'outdoor', true, context())).toMatchObject({ code: 'no-change' });
  });

  it('sets image attributes with defaults of ones that appear and reports required ones', () => {
    const rain = accepted(setImageAttributes(compiled, base, { weather: 'rain' }, context()));
    expect(applyCommand(base, rain.command).attributes).toEqual({ weather: 'rain', rain_mm: 1 });
    const cleared = accepted(setImageAttributes(compiled, base, { weather: null }, context()));
    expect(cleared.missing.map((a) => a.id)).toEqual(['weather']);
    expect(setImageAttributes(compiled, base, { snow: true }, context())).toEqual({
      ok: false,
      code: 'unknown-attribute',
      reason: 'images have no attribute "snow"',
    });
  });
});
