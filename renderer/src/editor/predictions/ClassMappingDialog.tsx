/** Before predictions are stored: the source's classes that match no schema class, mapped or left unmapped. */

import { useState } from 'react';
import type { LabelMapping } from '../../../../src/core/formats/cocoResults';
import type { LabelClass } from '../../../../src/core/schema/types';
import { Dialog } from '../../components/Dialog';
import { ClassSelect } from '../../components/ClassSelect';

export function ClassMappingDialog({
  fileName,
  labels,
  classes,
  onConfirm,
  onCancel,
}: {
  fileName: string;
  /** Every label of the file, mapped ones included (their mapping can be changed too). */
  labels: readonly LabelMapping[];
  classes: readonly LabelClass[];
  onConfirm: (classMap: Record<string, string | null>) => void;
  onCancel: () => void;
}) {
  const [choice, setChoice] = useState<Record<string, string | null>>(() =>
    Object.fromEntries(labels.map((l) => [l.label, l.classId])),
  );
  const boxClasses = classes.filter((c) => c.geometries.some((g) => g !== 'tag'));
  const unmapped = labels.filter((l) => choice[l.label] === null).length;
  return (
    <Dialog title="Map prediction classes" onClose={onCancel} wide>
      <p>
        {fileName} names {labels.length} class{labels.length === 1 ? '' : 'es'}. Map each to a class of this
        project&apos;s schema; unmapped predictions are shown but cannot be accepted.
      </p>
      <table className="mapping-table" aria-label="Class mapping">
        <thead>
          <tr>
            <th>In the file</th>
            <th>Predictions</th>
            <th>Schema class</th>
          </tr>
        </thead>
        <tbody>
          {labels.map((l) => (
            <tr key={l.label}>
              <td>{l.label}</td>
              <td className="number">{l.count}</td>
              <td>
                <ClassSelect
                  label={`Schema class for ${l.label}`}
                  value={choice[l.label] ?? null}
                  classes={boxClasses}
                  noneLabel="Leave unmapped"
                  onChange={(classId) => setChoice((c) => ({ ...c, [l.label]: classId }))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <footer className="dialog-actions">
        <span className="muted">{unmapped > 0 ? `${unmapped} left unmapped` : 'All mapped'}</span>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={() => onConfirm(choice)}>
          Import predictions
        </button>
      </footer>
    </Dialog>
  );
}
