import { describe, expect, it } from 'vitest';
import {
  describeGroupBy,
  describeSplitSettings,
  readSplitForm,
  splitFormFor,
  type SplitForm,
} from './splitForm';

const FOLDER_FORM = { folder: true, sequence: false, nearDuplicates: false, maxDistance: '6' };

const form = (train: string, val: string, test: string, extra: Partial<SplitForm> = {}): SplitForm => ({
  percent: { train, val, test },
  seed: '42',
  strategy: 'random',
  groupBy: FOLDER_FORM,
  ...extra,
});

describe('splitFormFor', () => {
  it('starts a first version at 80/10/10 random, seeded with the project id', () => {
    expect(splitFormFor(undefined, 'prj-7')).toEqual({
      percent: { train: '80', val: '10', test: '10' },
      seed: 'prj-7',
      strategy: 'random',
      groupBy: FOLDER_FORM,
    });
  });

  it("starts later versions from the latest version's settings, as percentages of any stored scale", () => {
    expect(
      splitFormFor({ ratios: { train: 7, val: 2, test: 1 }, seed: 9, strategy: 'stratified' }, 'prj-7'),
    ).toEqual({
      percent: { train: '70', val: '20', test: '10' },
      seed: '9',
      strategy: 'stratified',
      groupBy: FOLDER_FORM,
    });
    expect(
      splitFormFor({ ratios: { train: 1, val: 1, test: 1 }, seed: 's', strategy: 'group' }, 'p').percent,
    ).toEqual({ train: '33.33', val: '33.33', test: '33.33' });
  });

  it('starts from the stored group settings, or folder only for a group split stored before they existed', () => {
    const ratios = { train: 8, val: 1, test: 1 };
    expect(splitFormFor({ ratios, seed: 1, strategy: 'group' }, 'p').groupBy).toEqual(FOLDER_FORM);
    expect(
      splitFormFor(
        {
          ratios,
          seed: 1,
          strategy: 'group',
          groupBy: { folder: false, sequence: true, nearDuplicates: true, maxDistance: 4 },
        },
        'p',
      ).groupBy,
    ).toEqual({ folder: false, sequence: true, nearDuplicates: true, maxDistance: '4' });
  });
});

describe('readSplitForm', () => {
  it('reads percentages into ratios that sum to 1, whole-number seeds as numbers', () => {
    expect(readSplitForm(form('70', '20', '10', { strategy: 'group' }))).toEqual({
      ok: true,
      settings: {
        ratios: { train: 0.7, val: 0.2, test: 0.1 },
        seed: 42,
        strategy: 'group',
        groupBy: { folder: true, sequence: false, nearDuplicates: false },
      },
    });
    expect(readSplitForm(form('70', '20', '10'))).toEqual({
      ok: true,
      settings: { ratios: { train: 0.7, val: 0.2, test: 0.1 }, seed: 42, strategy: 'random' },
    });
    const text = readSplitForm(form('80', '10', '10', { seed: ' my-seed ' }));
    expect(text.ok && text.settings.seed).toBe('my-seed');
  });

  it('accepts rounded thirds and refuses shares that do not add up to 100%, saying the sum', () => {
    expect(readSplitForm(form('33.33', '33.33', '33.34')).ok).toBe(true);
    expect(readSplitForm(form('80', '10', '5'))).toEqual({
      ok: false,
      message: 'Train, val and test must add up to 100% (a ratio sum of 1); they add up to 95%.',
    });
  });

  it('refuses empty, negative or non-numeric shares, a zero train share and an empty seed', () => {
    expect(readSplitForm(form('', '10', '10'))).toMatchObject({ ok: false, message: /train share/ });
    expect(readSplitForm(form('110', '-10', '0'))).toMatchObject({ ok: false, message: /train share/ });
    expect(readSplitForm(form('90', 'ten', '0'))).toMatchObject({ ok: false, message: /val share/ });
    expect(readSplitForm(form('0', '50', '50'))).toMatchObject({ ok: false, message: /above 0%/ });
    expect(readSplitForm(form('80', '10', '10', { seed: '  ' }))).toMatchObject({
      ok: false,
      message: /seed/,
    });
  });
});

describe('readSplitForm with groups', () => {
  const grouped = (groupBy: Partial<SplitForm['groupBy']>) =>
    readSplitForm(form('80', '10', '10', { strategy: 'group', groupBy: { ...FOLDER_FORM, ...groupBy } }));

  it('stores the distance only when grouping by near-duplicates', () => {
    expect(grouped({ sequence: true, nearDuplicates: true, maxDistance: ' 4 ' })).toMatchObject({
      ok: true,
      settings: { groupBy: { folder: true, sequence: true, nearDuplicates: true, maxDistance: 4 } },
    });
    expect(grouped({ maxDistance: 'junk' })).toMatchObject({
      ok: true,
      settings: { groupBy: { folder: true, sequence: false, nearDuplicates: false } },
    });
  });

  it('refuses no criterion at all and a distance that is not a whole number of bits from 0 to 16', () => {
    expect(grouped({ folder: false })).toMatchObject({ ok: false, message: /at least one/ });
    expect(grouped({ nearDuplicates: true, maxDistance: '20' })).toMatchObject({
      ok: false,
      message: /from 0 to 16 \(got “20”\)/,
    });
    expect(grouped({ nearDuplicates: true, maxDistance: '2.5' })).toMatchObject({ ok: false });
    expect(grouped({ nearDuplicates: true, maxDistance: '' })).toMatchObject({ ok: false });
  });
});

describe('describeGroupBy', () => {
  const ratios = { train: 0.8, val: 0.1, test: 0.1 };
  it('names the chosen criteria of a group split, folder only for old records, nothing for others', () => {
    expect(
      describeGroupBy({
        ratios,
        seed: 1,
        strategy: 'group',
        groupBy: { folder: false, sequence: true, nearDuplicates: true, maxDistance: 5 },
      }),
    ).toBe('Groups: same sequence, near-duplicates (≤ 5 of 64 bits)');
    expect(describeGroupBy({ ratios, seed: 1, strategy: 'group' })).toBe('Groups: same folder');
    expect(describeGroupBy({ ratios, seed: 1, strategy: 'random' })).toBeUndefined();
  });
});

describe('describeSplitSettings', () => {
  it('reads as ratios, strategy and seed', () => {
    expect(
      describeSplitSettings({
        ratios: { train: 0.8, val: 0.1, test: 0.1 },
        seed: 'abc',
        strategy: 'stratified',
      }),
    ).toBe('80 / 10 / 10 · stratified by class · seed abc');
  });
});
