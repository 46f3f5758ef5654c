/** The image's status and its schema violations, errors first; a violation click selects its object. */

import { useMemo } from 'react';
import type { ImageStatus } from '../../../../src/core/images/types';
import type { Violation } from '../../../../src/core/schema/violations';
import { formatKey, isMacPlatform } from '../keymap';
import { errorsFirst } from './violationList';
import './panels.css';

export interface StatusPanelProps {
  readonly status: ImageStatus;
  /** This image's violations. */
  readonly violations: readonly Violation[];
  readonly canMarkDone: boolean;
  /** Why the last "done" was refused, shown as an alert. */
  readonly refusal?: string;
  readonly onMarkDone: () => void;
  readonly onReopen: () => void;
  readonly onSelectViolation: (violation: Violation) => void;
}

const STATUS_LABELS: Readonly<Record<ImageStatus, string>> = {
  new: 'new',
  'in-progress': 'in progress',
  done: 'done',
};

/** Enough to work through; a broken import can report thousands. */
const MAX_SHOWN = 200;

export function StatusPanel({
  status,
  violations,
  canMarkDone,
  refusal,
  onMarkDone,
  onReopen,
  onSelectViolation,
}: StatusPanelProps) {
  const ordered = useMemo(() => errorsFirst(violations), [violations]);
  const errors = ordered.filter((violation) => violation.severity === 'error').length;
  const warnings = ordered.length - errors;
  const doneKey = useMemo(() => formatKey('Mod+Enter', isMacPlatform()), []);

  return (
    <section className="panel status-panel" aria-label="Image status">
      <div className="status-row">
        <span className={`status status-${status}`} data-testid="image-status" data-status={status}>
          {STATUS_LABELS[status]}
        </span>
        {status === 'done' ? (
          <button type="button" onClick={onReopen}>
            Reopen
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={onMarkDone}
            disabled={!canMarkDone}
            title={`Mark the image done (${doneKey})`}
          >
            Mark done
          </button>
        )}
      </div>
      {refusal !== undefined && refusal !== '' && (
        <p className="status-refusal" role="alert">
          {refusal}
        </p>
      )}
      <h3 className="panel-title">
        Problems{' '}
        <span className="muted small" data-testid="violation-counts">
          {errors === 0 && warnings === 0
            ? 'none'
            : [
                errors > 0 ? `${errors} ${errors === 1 ? 'error' : 'errors'}` : '',
                warnings > 0 ? `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : '',
              ]
                .filter(Boolean)
                .join(', ')}
        </span>
      </h3>
      {ordered.length > 0 && (
        <ul className="violation-list">
          {ordered.slice(0, MAX_SHOWN).map((violation, index) => (
            <li key={index}>
              <button
                type="button"
                className={`violation violation-${violation.severity}`}
                data-testid="violation"
                data-code={violation.code}
                data-severity={violation.severity}
                onClick={() => onSelectViolation(violation)}
                title={violation.annotationId === undefined ? violation.path : 'Select the object'}
              >
                <span className="violation-icon" aria-hidden="true">
                  {violation.severity === 'error' ? '●' : '▲'}
                </span>
                <span className="violation-message">
                  {objectNumber(violation.path)}
                  {violation.message}
                </span>
              </button>
            </li>
          ))}
          {ordered.length > MAX_SHOWN && (
            <li className="muted small">and {ordered.length - MAX_SHOWN} more</li>
          )}
        </ul>
      )}
    </section>
  );
}

/** "#3 " for a violation at `annotations[2]…`, matching the object list's numbering; "" for image-level ones. */
function objectNumber(path: string): string {
  const match = /^annotations\[(\d+)\]/.exec(path);
  return match ? `#${Number(match[1]) + 1} ` : '';
}
