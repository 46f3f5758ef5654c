/** A schema class to map a source label to, or none (the first option, named by the caller). */

import type { LabelClass } from '../../../src/core/schema/types';

export function ClassSelect({
  label,
  value,
  classes,
  noneLabel,
  onChange,
}: {
  /** The accessible name. */
  label: string;
  value: string | null;
  classes: readonly Pick<LabelClass, 'id' | 'name'>[];
  noneLabel: string;
  onChange: (classId: string | null) => void;
}) {
  return (
    <select aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
      <option value="">{noneLabel}</option>
      {classes.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </select>
  );
}
