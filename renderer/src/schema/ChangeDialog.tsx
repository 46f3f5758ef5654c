/** Shows what a schema change will do (its impact, counted over the project) before the user applies it. */

import type { ChangePreview } from '../db/schemas';
import { Dialog } from '../components/Dialog';
import { formatCount } from '../format';

export function ChangeDialog({
  title,
  preview,
  busy,
  onApply,
  onCancel,
}: {
  title: string;
  preview: ChangePreview | null;
  busy: boolean;
  onApply: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog title={title} onClose={onCancel}>
      <div className="dialog-body" data-testid="change-impact">
        {preview === null ? (
          <p className="muted">Counting the annotations this change affects…</p>
        ) : preview.ok ? (
          <>
            <p className="impact-summary">{preview.summary}</p>
            <ul className="impact-counts">
              <li>{formatCount(preview.annotations)} annotations affected</li>
              <li>{formatCount(preview.images)} images affected</li>
              {preview.deleted > 0 && (
                <li className="warn">{formatCount(preview.deleted)} will be deleted</li>
              )}
              {preview.toReview > 0 && (
                <li className="warn">{formatCount(preview.toReview)} will need review</li>
              )}
              {preview.filled > 0 && <li>{formatCount(preview.filled)} get the default value</li>}
            </ul>
            <p className="muted">The change is saved as a new schema version and can be undone.</p>
          </>
        ) : (
          <p className="error" role="alert" style={{ whiteSpace: 'pre-line' }}>
            {preview.summary}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={!preview?.ok || busy}
          onClick={onApply}
          data-autofocus
        >
          {busy ? 'Applying…' : 'Apply change'}
        </button>
      </div>
    </Dialog>
  );
}
