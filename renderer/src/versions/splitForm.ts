/** The split settings a user types in the Create version dialog: percentages and a seed text, checked and read. */

import {
  DEFAULT_MAX_DISTANCE,
  FOLDER_ONLY,
  MAX_DISTANCE_LIMIT,
  type GroupBy,
} from '../../../src/core/versions/groups';
import type { SplitStrategy } from '../../../src/core/versions/splits';
import { SPLITS, type Split } from '../../../src/core/versions/types';
import type { SplitSettings } from '../db/versions';

/** What the form holds: percentages as typed, so "80" stays "80" while the user edits. */
export interface SplitForm {
  readonly percent: Readonly<Record<Split, string>>;
  readonly seed: string;
  readonly strategy: SplitStrategy;
  /** What makes a group when the strategy is `group`; the distance as typed. */
  readonly groupBy: GroupByForm;
}

export interface GroupByForm {
  readonly folder: boolean;
  readonly sequence: boolean;
  readonly nearDuplicates: boolean;
  readonly maxDistance: string;
}

export const STRATEGY_LABELS: Readonly<Record<SplitStrategy, string>> = {
  random: 'Random',
  stratified: 'Stratified by class',
  group: 'Group-aware (keep groups whole)',
};

/** Rounding typed percentages (33.33 + 33.33 + 33.34) must not fail the sum check. */
const TOLERANCE = 1e-6;

/**
 * The form for `settings` (stored ratios may be any positive scale: 8/1/1 and 0.8/0.1/0.1 are the same),
 * or for a first version: 80/10/10 random, seeded with the project id.
 */
export function splitFormFor(settings: SplitSettings | undefined, projectId: string): SplitForm {
  if (!settings)
    return {
      percent: { train: '80', val: '10', test: '10' },
      seed: projectId,
      strategy: 'random',
      groupBy: groupByForm(FOLDER_ONLY),
    };
  const total = SPLITS.reduce((sum, split) => sum + settings.ratios[split], 0);
  const percent = (split: Split) =>
    total > 0 ? String(Math.round((settings.ratios[split] / total) * 100 * 100) / 100) : '0';
  return {
    percent: { train: percent('train'), val: percent('val'), test: percent('test') },
    seed: String(settings.seed),
    strategy: settings.strategy,
    // A group split stored before group settings existed grouped by folder.
    groupBy: groupByForm(settings.groupBy ?? FOLDER_ONLY),
  };
}

const groupByForm = (groupBy: GroupBy): GroupByForm => ({
  folder: groupBy.folder,
  sequence: groupBy.sequence,
  nearDuplicates: groupBy.nearDuplicates,
  maxDistance: String(groupBy.maxDistance ?? DEFAULT_MAX_DISTANCE),
});

export type SplitFormResult =
  { readonly ok: true; readonly settings: SplitSettings } | { readonly ok: false; readonly message: string };

/** The settings the form describes, or one message saying what to fix. */
export function readSplitForm(form: SplitForm): SplitFormResult {
  const values = {} as Record<Split, number>;
  for (const split of SPLITS) {
    const text = form.percent[split].trim();
    const value = text === '' ? NaN : Number(text);
    if (!Number.isFinite(value) || value < 0 || value > 100) {
      return { ok: false, message: `The ${split} share must be a number from 0 to 100 (got “${text}”).` };
    }
    values[split] = value;
  }
  const sum = SPLITS.reduce((total, split) => total + values[split], 0);
  if (Math.abs(sum - 100) > 100 * TOLERANCE) {
    return {
      ok: false,
      message: `Train, val and test must add up to 100% (a ratio sum of 1); they add up to ${formatPercent(sum)}%.`,
    };
  }
  if (values.train === 0) return { ok: false, message: 'The train share must be above 0%.' };
  const seed = form.seed.trim();
  if (seed === '') return { ok: false, message: 'Enter a seed (any text or number).' };
  const groupBy = form.strategy === 'group' ? readGroupBy(form.groupBy) : undefined;
  if (typeof groupBy === 'string') return { ok: false, message: groupBy };
  return {
    ok: true,
    settings: {
      ratios: { train: values.train / 100, val: values.val / 100, test: values.test / 100 },
      // The seed hashes as text ("7" and 7 split alike); whole numbers are stored as numbers to read well.
      seed: /^-?\d{1,15}$/.test(seed) ? Number(seed) : seed,
      strategy: form.strategy,
      ...(groupBy ? { groupBy } : {}),
    },
  };
}

/** The group settings, or what to fix. */
function readGroupBy(form: GroupByForm): GroupBy | string {
  const { folder, sequence, nearDuplicates } = form;
  if (!folder && !sequence && !nearDuplicates)
    return 'Choose at least one thing that makes images a group, or another strategy.';
  if (!nearDuplicates) return { folder, sequence, nearDuplicates };
  const text = form.maxDistance.trim();
  const maxDistance = text === '' ? NaN : Number(text);
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > MAX_DISTANCE_LIMIT)
    return `The near-duplicate distance must be a whole number of bits from 0 to ${MAX_DISTANCE_LIMIT} (got “${text}”).`;
  return { folder, sequence, nearDuplicates, maxDistance };
}

const formatPercent = (value: number): string => String(Math.round(value * 100) / 100);

/** "80 / 10 / 10 · random · seed 42" */
export function describeSplitSettings(settings: SplitSettings): string {
  const form = splitFormFor(settings, '');
  const ratios = SPLITS.map((split) => form.percent[split]).join(' / ');
  return `${ratios} · ${STRATEGY_LABELS[settings.strategy].toLowerCase()} · seed ${String(settings.seed)}`;
}

/** "Groups: same folder, near-duplicates (≤ 6 bits)", for group splits; undefined for the others. */
export function describeGroupBy(settings: SplitSettings): string | undefined {
  if (settings.strategy !== 'group') return undefined;
  const groupBy = settings.groupBy ?? FOLDER_ONLY;
  const parts = [
    groupBy.folder && 'same folder',
    groupBy.sequence && 'same sequence',
    groupBy.nearDuplicates && `near-duplicates (≤ ${groupBy.maxDistance ?? DEFAULT_MAX_DISTANCE} of 64 bits)`,
  ].filter((part): part is string => typeof part === 'string');
  return `Groups: ${parts.join(', ')}`;
}
