import { describe, expect, it } from 'vitest';
import {
  applyDisplayCommand,
  editableIds,
  invertDisplayCommand,
  NOTHING_HIDDEN,
  setDisplayFlag,
} from './display';
import { ids } from './testFixtures';

describe('hidden and locked annotations', () => {
  it('keeps each flag as a sorted list of ids and inverts exactly', () => {
    const hide = setDisplayFlag(NOTHING_HIDDEN, 'hidden', ids('b', 'a', 'b'), true)!;
    const hidden = applyDisplayCommand(NOTHING_HIDDEN, hide);
    expect(hidden).toEqual({ hidden: ['a', 'b'], locked: [] });
    const show = setDisplayFlag(hidden, 'hidden', ids('a'), false)!;
    expect(applyDisplayCommand(hidden, show)).toEqual({ hidden: ['b'], locked: [] });
    expect(applyDisplayCommand(applyDisplayCommand(hidden, show), invertDisplayCommand(show))).toEqual(
      hidden,
    );
  });

  it('makes no command when nothing would change', () => {
    expect(setDisplayFlag(NOTHING_HIDDEN, 'locked', ids('a'), false)).toBeUndefined();
    const locked = { hidden: [], locked: ids('a') };
    expect(setDisplayFlag(locked, 'locked', ids('a'), true)).toBeUndefined();
  });

  it('leaves hidden and locked annotations out of what the canvas may edit', () => {
    expect(editableIds({ hidden: ids('a'), locked: ids('c') }, ids('a', 'b', 'c', 'd'))).toEqual(['b', 'd']);
  });
});
