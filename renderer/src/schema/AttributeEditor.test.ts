/** The options textarea of the attribute dialog: one "Label [hotkey]" per line back to options with stable ids. */

import { describe, expect, it } from 'vitest';
import type { ChoiceOption } from '../../../src/core/schema/types';
import { textToOptions } from './AttributeEditor';

const pose: readonly ChoiceOption[] = [
  { id: 'standing', label: 'Standing', hotkey: 's' },
  { id: 'sitting', label: 'Sitting' },
  { id: 'walking', label: 'Walking', hotkey: 'w' },
];

/** What the dialog shows for existing options (its optionsToText). */
const asText = (options: readonly ChoiceOption[]) =>
  options.map((o) => (o.hotkey ? `${o.label} [${o.hotkey}]` : o.label)).join('\n');

describe('textToOptions', () => {
  it('gives back the same options when the text is saved unchanged', () => {
    expect(textToOptions(asText(pose), pose)).toEqual(pose);
  });

  it('keeps the id of every label still in the list, wherever it moved', () => {
    expect(textToOptions('Walking [w]\nStanding [s]\nSitting', pose)).toEqual([pose[2], pose[0], pose[1]]);
  });

  it('keeps the id of the option at that position when its line is relabelled', () => {
    expect(textToOptions('Standing [s]\nSeated\nWalking [w]', pose)).toEqual([
      pose[0],
      { id: 'sitting', label: 'Seated' },
      pose[2],
    ]);
  });

  it('does not give a new line the id of an option whose label is still listed', () => {
    expect(textToOptions('Running\nStanding [s]\nSitting\nWalking [w]', pose)).toEqual([
      { id: 'running', label: 'Running' },
      ...pose,
    ]);
  });

  it('gives new lines fresh ids, unique among each other and the existing options', () => {
    const colours: ChoiceOption[] = [{ id: 'red', label: 'Crimson' }];
    expect(textToOptions('Crimson\nRed\nLight blue\nLight-blue\n???', colours)).toEqual([
      { id: 'red', label: 'Crimson' },
      { id: 'red_2', label: 'Red' },
      { id: 'light_blue', label: 'Light blue' },
      { id: 'light_blue_2', label: 'Light-blue' },
      { id: 'item', label: '???' },
    ]);
  });

  it('reads a hotkey from "Label [k]", letters, digits and F1–F12 alike', () => {
    expect(textToOptions('Day [d]\nDusk[2]\nNight [F2]\nUnknown', [])).toEqual([
      { id: 'day', label: 'Day', hotkey: 'd' },
      { id: 'dusk', label: 'Dusk', hotkey: '2' },
      { id: 'night', label: 'Night', hotkey: 'F2' },
      { id: 'unknown', label: 'Unknown' },
    ]);
  });

  it('keeps an option with a function-key hotkey as it is when the text is saved unchanged', () => {
    const timeOfDay: ChoiceOption[] = [
      { id: 'day', label: 'Day', hotkey: 'F1' },
      { id: 'night', label: 'Night', hotkey: 'F12' },
    ];
    expect(textToOptions(asText(timeOfDay), timeOfDay)).toEqual(timeOfDay);
  });

  it('changes or drops a hotkey without changing the id', () => {
    expect(textToOptions('Standing [t]\nSitting [i]\nWalking', pose)).toEqual([
      { id: 'standing', label: 'Standing', hotkey: 't' },
      { id: 'sitting', label: 'Sitting', hotkey: 'i' },
      { id: 'walking', label: 'Walking' },
    ]);
  });

  it('ignores blank lines and spaces around labels', () => {
    expect(textToOptions('\n  Standing [s]  \n\n   \nSitting\r\n\tWalking [w]\n', pose)).toEqual(pose);
  });
});
