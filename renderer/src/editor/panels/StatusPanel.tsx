/**
 * The image's status and review, and its schema violations, errors first: the annotator submits, a reviewer
 * accepts or rejects with a reason and a comment, and a rejection stays on show while the annotator fixes it.
 */

import { useEffect, useMemo, useRef, useState } from 'react';
import type { ImageReview } from '../../../../src/core/editing/edits';
import { STATUS_LABELS, type ImageStatus } from '../../../../src/core/images/types';
import { reasonLabel, type RejectionReason } from '../../../../src/core/qa/review';
import type { Violation } from '../../../../src/core/schema/violations';
import { formatKey, isMacPlatform } from '../keymap';
import { errorsFirst } from './violationList';
import './panels.css';

export interface StatusPanelProps {
  readonly status: ImageStatus;
  readonly review: ImageReview | undefined;
  /** The project's rejection reasons, in the QA lead's order. */
  readonly reasons: readonly RejectionReason[];
  /** A profile id's name. */
  readonly nameOf: (id: string) => string;
  /** Whether the person working may accept and reject. */
  readonly canReview: boolean;
  /** This image's violations. */
  readonly violations: readonly Violation[];
  readonly canSubmit: boolean;
  /** Why the last submit or accept was refused, shown as an alert. */
  readonly refusal?: string;
  /** The reject form is open (Alt+R opens it from the keyboard). */
  readonly rejecting: boolean;
  readonly onRejecting: (open: boolean) => void;
  readonly onSubmit: () => void;
  readonly onReopen: () => void;
  readonly onAccept: () => void;
  readonly onReject: (reason: string, comment: string) => void;
  readonly onSelectViolation: (violation: Violation) => void;
}

/** Enough to work through; a broken import can report thousands. */
const MAX_SHOWN = 200;

const REVIEWABLE: ReadonlySet<ImageStatus> = new Set(['submitted', 'in-review', 'accepted', 'rejected']);

export function StatusPanel(props: StatusPanelProps) {
  const { status, review, violations, canSubmit, refusal } = props;
  const ordered = useMemo(() => errorsFirst(violations), [violations]);
  const errors = ordered.filter((violation) => violation.severity === 'error').length;
  const warnings = ordered.length - errors;
  const keys = useMemo(() => {
    const mac = isMacPlatform();
    return {
      submit: formatKey('Mod+Enter', mac),
      accept: formatKey('Alt+a', mac),
      reject: formatKey('Alt+r', mac),
    };
  }, []);
  const finished = status === 'submitted' || status === 'in-review' || status === 'accepted';

  return (
    <section className="panel status-panel" aria-label="Image status">
      <div className="status-row">
        <span className={`status status-${status}`} data-testid="image-status" data-status={status}>
          {STATUS_LABELS[status]}
        </span>
        {finished ? (
          <button type="button" onClick={props.onReopen} title="Back to in progress, to change the labels">
            Reopen
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={props.onSubmit}
            disabled={!canSubmit}
            title={`Submit the image for review (${keys.submit})`}
          >
            Submit
          </button>
        )}
      </div>
      {review && (
        <p className={`review-note review-${review.decision}`} data-testid="review-note">
          {review.decision === 'accepted' ? 'Accepted' : 'Rejected'} by {props.nameOf(review.reviewer)}
          {review.reason !== undefined && <>: {reasonLabel(props.reasons, review.reason)}</>}
          {review.comment !== undefined && <span className="review-comment">“{review.comment}”</span>}
        </p>
      )}
      {props.canReview && REVIEWABLE.has(status) && !props.rejecting && (
        <div className="review-actions" aria-label="Review">
          <button
            type="button"
            className="primary"
            onClick={props.onAccept}
            disabled={status === 'accepted'}
            title={`Accept and go to the next image (${keys.accept})`}
          >
            Accept
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => props.onRejecting(true)}
            disabled={status === 'rejected'}
            title={`Reject with a reason (${keys.reject})`}
          >
            Reject…
          </button>
        </div>
      )}
      {props.rejecting && (
        <RejectForm
          reasons={props.reasons}
          onReject={props.onReject}
          onCancel={() => props.onRejecting(false)}
        />
      )}
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
                onClick={() => props.onSelectViolation(violation)}
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

/** Reason (digits 1–9 pick one), comment, Enter rejects, Escape cancels: the whole form works from the keyboard. */
function RejectForm({
  reasons,
  onReject,
  onCancel,
}: {
  reasons: readonly RejectionReason[];
  onReject: (reason: string, comment: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState(reasons[0]?.id ?? 'other');
  const [comment, setComment] = useState('');
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <form
      className="reject-form"
      aria-label="Reject the image"
      onSubmit={(e) => {
        e.preventDefault();
        onReject(reason, comment);
      }}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') onCancel();
        const digit = Number(e.key);
        if (e.target === first.current && Number.isInteger(digit) && digit >= 1 && digit <= reasons.length) {
          e.preventDefault();
          setReason(reasons[digit - 1]!.id);
        }
      }}
    >
      <label>
        Reason
        <select
          ref={first}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-label="Rejection reason"
        >
          {reasons.map((r, i) => (
            <option key={r.id} value={r.id}>
              {i + 1}. {r.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Comment
        <textarea
          value={comment}
          rows={2}
          aria-label="Rejection comment"
          placeholder="What to fix (the annotator sees this)"
          onChange={(e) => setComment(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              onReject(reason, comment);
            }
          }}
        />
      </label>
      <div className="reject-actions">
        <button type="submit" className="danger">
          Reject
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** "#3 " for a violation at `annotations[2]…`, matching the object list's numbering; "" for image-level ones. */
function objectNumber(path: string): string {
  const match = /^annotations\[(\d+)\]/.exec(path);
  return match ? `#${Number(match[1]) + 1} ` : '';
}
