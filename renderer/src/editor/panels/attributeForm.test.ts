import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../../src/core/annotations/types';
import { annotation, box, streetSchema } from '../../../../src/core/editing/testFixtures';
import {
  classChoices,
  fieldInput,
  imageFields,
  multiChoiceInput,
  optionKeyInput,
  optionState,
  parseNumberInput,
  selectionForm,
  singleChoiceInput,
  tagClasses,
  type AttributeField,
} from './attributeForm';

const car = (id: string, attributes: Annotation['attributes']) =>
  annotation(id, 'car', box(0, 0), attributes);

function fields(selected: readonly Annotation[]): Record<string, AttributeField> {
  const form = selectionForm(streetSchema, selected);
  if (form.kind === 'none') return {};
  return Object.fromEntries(form.fields.map((field) => [field.definition.id, field]));
}

describe('selectionForm', () => {
  it('shows nothing without a selection', () => {
    expect(selectionForm(streetSchema, [])).toEqual({ kind: 'none' });
  });

  it('hides attributes whose condition does not hold and marks empty required ones missing', () => {
    const form = fields([car('a', { occlusion: 'none' })]);
    // occluder only shows while occlusion is partial or heavy.
    expect(Object.keys(form)).toEqual(['occlusion', 'parked', 'plate', 'speed']);
    expect(form.occlusion!.value).toEqual({ kind: 'same', value: 'none' });
    expect(form.occlusion!.missing).toBe(false);
    expect(form.plate!.missing).toBe(true);
    expect(form.speed!.missing).toBe(false);
  });

  it('shows an attribute when its condition holds on any selected object', () => {
    const form = fields([car('a', { occlusion: 'none' }), car('b', { occlusion: 'heavy' })]);
    expect(form.occluder!.shownOn).toBe(1);
    expect(form.occluder!.missing).toBe(true);
  });

  it('shows values that differ across a multi-selection as mixed', () => {
    const form = fields([
      car('a', { occlusion: 'none', plate: 'AB 12', parked: true }),
      car('b', { occlusion: 'partial', plate: 'AB 12', parked: false }),
      car('c', { occlusion: 'none', plate: 'AB 12' }),
    ]);
    expect(form.occlusion!.value).toEqual({ kind: 'mixed' });
    expect(form.plate!.value).toEqual({ kind: 'same', value: 'AB 12' });
    expect(form.parked!.value).toEqual({ kind: 'mixed' });
  });

  it('treats multi-choice lists with the same options in another order as the same', () => {
    const form = fields([
      car('a', { occlusion: 'heavy', occluder: ['tree', 'person'] }),
      car('b', { occlusion: 'heavy', occluder: ['person', 'tree'] }),
    ]);
    expect(form.occluder!.value.kind).toBe('same');
  });

  it('keeps only attributes shared by id and type across different classes', () => {
    const form = selectionForm(streetSchema, [
      car('a', { occlusion: 'heavy' }),
      annotation('b', 'truck', box(0, 0), { occlusion: 'none' }),
    ]);
    expect(form.kind).toBe('mixed-classes');
    if (form.kind !== 'mixed-classes') return;
    expect(form.classIds).toEqual(['car', 'truck']);
    expect(form.fields.map((field) => field.definition.id)).toEqual(['occlusion']);
    const occlusion = form.fields[0]!;
    // Only options both classes offer; required because one class requires it.
    expect(
      occlusion.definition.type === 'single-choice' && occlusion.definition.options.map((o) => o.id),
    ).toEqual(['none', 'partial']);
    expect(occlusion.definition.required).toBe(true);
    expect(occlusion.value).toEqual({ kind: 'mixed' });
  });
});

describe('edits', () => {
  it('sets a single-choice option, and clears a non-required one clicked again', () => {
    const form = fields([car('a', { occlusion: 'none', parked: true })]);
    expect(singleChoiceInput(form.occlusion!, 'heavy')).toEqual({ occlusion: 'heavy' });
    // occlusion is required, so clicking the chosen option keeps it.
    expect(singleChoiceInput(form.occlusion!, 'none')).toEqual({ occlusion: 'none' });
  });

  it('toggles a multi-choice option on all objects with one list', () => {
    const form = fields([
      car('a', { occlusion: 'heavy', occluder: ['tree', 'person'] }),
      car('b', { occlusion: 'heavy', occluder: ['tree'] }),
    ]);
    const occluder = form.occluder!;
    expect(optionState(occluder, 'tree')).toBe('all');
    expect(optionState(occluder, 'person')).toBe('some');
    expect(multiChoiceInput(occluder, 'person')).toEqual({ occluder: ['tree', 'person'] });
    expect(multiChoiceInput(occluder, 'tree')).toEqual({ occluder: null });
  });

  it('reads typed numbers: empty clears, garbage commits nothing', () => {
    expect(parseNumberInput(' 12.5 ')).toBe(12.5);
    expect(parseNumberInput('3,5')).toBe(3.5);
    expect(parseNumberInput('')).toBeNull();
    expect(parseNumberInput('fast')).toBeUndefined();
  });

  it('commits a field only when its value changes', () => {
    const form = fields([car('a', { occlusion: 'none', speed: 40 })]);
    expect(fieldInput(form.speed!, 40)).toBeUndefined();
    expect(fieldInput(form.speed!, 50)).toEqual({ speed: 50 });
    expect(fieldInput(form.speed!, null)).toEqual({ speed: null });
    expect(fieldInput(form.plate!, null)).toBeUndefined();
  });
});

describe('image form', () => {
  it('shows image attributes whose condition holds', () => {
    expect(imageFields(streetSchema, { weather: 'sun' }).map((f) => f.definition.id)).toEqual(['weather']);
    const rainy = imageFields(streetSchema, { weather: 'rain' });
    expect(rainy.map((f) => [f.definition.id, f.missing])).toEqual([
      ['weather', false],
      ['rain_mm', true],
    ]);
  });

  it('offers the classes that may be tags', () => {
    expect(tagClasses(streetSchema).map((cls) => cls.id)).toEqual(['indoor', 'outdoor']);
  });
});

describe('classChoices', () => {
  it('lists drawable classes with their digit and disables those that cannot take the shapes', () => {
    const choices = classChoices(streetSchema, new Set(['box'] as const));
    expect(choices.map((c) => [c.cls.id, c.hotkey, c.disabledReason === undefined])).toEqual([
      ['car', '1', true],
      ['truck', '2', true],
      ['person', '3', true],
      ['sign', '4', false],
      ['road', '5', false],
    ]);
  });
});

describe('optionKeyInput', () => {
  it('sets a single choice, toggles a multi-choice option, and ignores hidden attributes', () => {
    const heavy = [car('a', { occlusion: 'heavy', occluder: ['tree'] }), car('b', { occlusion: 'heavy' })];
    expect(optionKeyInput(streetSchema, heavy, 'occlusion', 'partial')).toEqual({ occlusion: 'partial' });
    expect(optionKeyInput(streetSchema, heavy, 'occluder', 'person')).toEqual({ occluder: ['person'] });
    const clear = [car('a', { occlusion: 'none' })];
    expect(optionKeyInput(streetSchema, clear, 'occluder', 'tree')).toBeUndefined();
    expect(optionKeyInput(streetSchema, clear, 'occlusion', 'nonsense')).toBeUndefined();
  });
});
