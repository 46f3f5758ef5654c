/**
 * The review queue: images waiting for a reviewer (or, for an annotator, their own work with rejections
 * first), filtered by status, annotator, class and schema problems; "Review in order" walks the list in the
 * editor, where Alt+A accepts and Alt+R rejects, each moving on to the next.
 */

import { useEffect, useMemo, useState } from 'react';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { IMAGE_STATUSES, STATUS_LABELS, type ImageStatus } from '../../../src/core/images/types';
import { canLead, canReview } from '../../../src/core/qa/people';
import {
  annotatorQueue,
  reasonLabel,
  REVIEW_QUEUE_STATUSES,
  reviewQueue,
  type RejectionReason,
} from '../../../src/core/qa/review';
import { useServices } from '../app/services';
import { loadQueueRows, type QueueRow } from '../db/reviewQueue';
import { saveRejectionReasons } from '../db/review';
import { currentSchema } from '../db/schemas';
import { formatCount } from '../format';
import { useUi } from '../state/ui';
import { useReviewContext } from './useReviewContext';

type View = 'to-review' | 'my-work' | 'all';

/** Rows drawn at once; "Show more" adds as many again. */
const PAGE = 200;

export function ReviewQueueTab({ projectId }: { projectId: ProjectId }) {
  const { db } = useServices();
  const user = useUi((s) => s.user);
  const navigate = useUi((s) => s.navigate);
  const dataVersion = useUi((s) => s.dataVersion);
  const { reasons, nameOf } = useReviewContext(projectId);
  const reviewer = user !== null && canReview(user.role);
  const [view, setView] = useState<View>(reviewer ? 'to-review' : 'my-work');
  const [status, setStatus] = useState<ImageStatus | 'all'>('all');
  const [annotator, setAnnotator] = useState('');
  const [classId, setClassId] = useState('');
  const [problems, setProblems] = useState(false);
  const [rows, setRows] = useState<QueueRow[] | null>(null);
  const [classNames, setClassNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [shown, setShown] = useState(PAGE);

  useEffect(() => {
    let live = true;
    void loadQueueRows(db, projectId).then((loaded) => live && setRows(loaded));
    void currentSchema(db, projectId).then(
      (schema) => live && setClassNames(new Map((schema?.schema.classes ?? []).map((c) => [c.id, c.name]))),
    );
    return () => {
      live = false;
    };
  }, [db, projectId, dataVersion]);

  const byId = useMemo(() => new Map((rows ?? []).map((row) => [row.imageId as string, row])), [rows]);
  const people = useMemo(
    () => [...new Set((rows ?? []).flatMap((r) => [r.assignee ?? r.lastEditor ?? []].flat()))].sort(),
    [rows],
  );
  const classes = useMemo(
    () =>
      [...new Set((rows ?? []).flatMap((r) => r.classIds))]
        .map((id) => ({ id, name: classNames.get(id) ?? id }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [rows, classNames],
  );

  const queue = useMemo((): QueueRow[] => {
    if (!rows) return [];
    if (view === 'my-work') {
      const items = rows.map((r) => ({
        imageId: r.imageId,
        status: r.status,
        ...(r.assignee === undefined ? {} : { assignee: r.assignee }),
        ...(r.lastEditor === undefined ? {} : { lastEditor: r.lastEditor }),
      }));
      return annotatorQueue(items, user?.id ?? '').map((task) => byId.get(task.imageId)!);
    }
    const ids = reviewQueue(
      rows.map((r) => ({
        imageId: r.imageId,
        status: r.status,
        // The annotator filter means whoever works on the image: its assignee, else its last editor.
        ...((r.assignee ?? r.lastEditor) === undefined ? {} : { assignee: r.assignee ?? r.lastEditor }),
        classIds: r.classIds,
        violations: r.errors,
        findings: [],
      })),
      {
        ...(view === 'to-review' && status === 'all' ? { statuses: REVIEW_QUEUE_STATUSES } : {}),
        ...(status === 'all' ? {} : { statuses: [status] }),
        ...(annotator ? { assignee: annotator } : {}),
        ...(classId ? { classId } : {}),
        ...(problems ? { withViolations: true } : {}),
      },
    );
    return ids.map((id) => byId.get(id)!);
  }, [rows, view, status, annotator, classId, problems, user, byId]);

  const open = (imageId: ImageId) => {
    const ui = useUi.getState();
    ui.setViewOrder(queue.map((row) => row.imageId));
    ui.setFocus({
      imageId,
      back: { label: 'Review queue', route: { page: 'qa', projectId, tab: 'review' } },
    });
    navigate({ page: 'image', projectId, imageId });
  };

  const counts = useMemo(() => {
    const out = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
    for (const row of rows ?? []) out[row.status]++;
    return out;
  }, [rows]);

  return (
    <div className="review-queue">
      <div className="status-counts" data-testid="status-counts">
        {IMAGE_STATUSES.map((s) => (
          <span key={s} className={`status status-${s}`} data-status={s} data-count={counts[s]}>
            {STATUS_LABELS[s]} {formatCount(counts[s])}
          </span>
        ))}
      </div>
      <div className="queue-controls">
        <div className="segmented" role="group" aria-label="Queue">
          {(
            [
              ['to-review', 'To review'],
              ['my-work', 'My work'],
              ['all', 'All images'],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              type="button"
              aria-pressed={view === id}
              className={view === id ? 'active' : ''}
              onClick={() => setView(id)}
            >
              {label}
            </button>
          ))}
        </div>
        {view !== 'my-work' && (
          <>
            <label>
              Status{' '}
              <select value={status} onChange={(e) => setStatus(e.target.value as ImageStatus | 'all')}>
                <option value="all">{view === 'to-review' ? 'submitted or in review' : 'any'}</option>
                {IMAGE_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Annotator{' '}
              <select value={annotator} onChange={(e) => setAnnotator(e.target.value)}>
                <option value="">anyone</option>
                {people.map((p) => (
                  <option key={p} value={p}>
                    {nameOf(p)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Class{' '}
              <select value={classId} onChange={(e) => setClassId(e.target.value)}>
                <option value="">any</option>
                {classes.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <input type="checkbox" checked={problems} onChange={(e) => setProblems(e.target.checked)} />{' '}
              with schema errors
            </label>
          </>
        )}
        <span className="spacer" />
        <button
          type="button"
          className="primary"
          disabled={queue.length === 0}
          data-testid="review-in-order"
          onClick={() => queue[0] && open(queue[0].imageId)}
          title={reviewer ? 'In the editor: Alt+A accepts, Alt+R rejects, D goes to the next' : undefined}
        >
          {view === 'my-work' ? 'Work in order' : 'Review in order'} ({formatCount(queue.length)})
        </button>
      </div>
      {rows === null ? (
        <p className="muted">Loading…</p>
      ) : queue.length === 0 ? (
        <p className="muted" data-testid="queue-empty">
          {view === 'to-review'
            ? 'Nothing waits for review: images appear here when an annotator submits them.'
            : view === 'my-work'
              ? 'Nothing is waiting for you.'
              : 'No images match.'}
        </p>
      ) : (
        <table className="qa-table" data-testid="review-queue">
          <thead>
            <tr>
              <th>Image</th>
              <th>Status</th>
              <th>Annotator</th>
              <th className="num">Objects</th>
              <th className="num">Errors</th>
              <th>Last review</th>
            </tr>
          </thead>
          <tbody>
            {queue.slice(0, shown).map((row) => (
              <tr
                key={row.imageId}
                data-testid="queue-row"
                data-image={row.fileName}
                data-status={row.status}
              >
                <td>
                  <button type="button" className="link" onClick={() => open(row.imageId)}>
                    {row.fileName}
                  </button>
                </td>
                <td>
                  <span className={`status status-${row.status}`}>{STATUS_LABELS[row.status]}</span>
                </td>
                <td>{(row.assignee ?? row.lastEditor) ? nameOf(row.assignee ?? row.lastEditor!) : '—'}</td>
                <td className="num">{row.objects}</td>
                <td className="num">{row.errors || ''}</td>
                <td className="small">
                  {row.review ? (
                    <>
                      {row.review.decision} by {nameOf(row.review.reviewer)}
                      {row.review.reason !== undefined && <>: {reasonLabel(reasons, row.review.reason)}</>}
                      {row.review.comment !== undefined && (
                        <span className="muted"> “{row.review.comment}”</span>
                      )}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {queue.length > shown && (
        <button type="button" onClick={() => setShown(shown + PAGE)}>
          Show more ({formatCount(queue.length - shown)} left)
        </button>
      )}
      {user && canLead(user.role) && <ReasonsEditor projectId={projectId} reasons={reasons} />}
    </div>
  );
}

/** The QA lead's list of rejection reasons: rename, add, remove; old rejections keep the reason ids they name. */
function ReasonsEditor({
  projectId,
  reasons,
}: {
  projectId: ProjectId;
  reasons: readonly RejectionReason[];
}) {
  const { db } = useServices();
  const dataChanged = useUi((s) => s.dataChanged);
  const [draft, setDraft] = useState<{ id?: string; label: string }[]>([]);
  const [message, setMessage] = useState('');
  useEffect(() => setDraft(reasons.map((r) => ({ ...r }))), [reasons]);
  return (
    <details className="reasons-editor">
      <summary>Rejection reasons ({reasons.length})</summary>
      <ol>
        {draft.map((reason, i) => (
          <li key={i}>
            <input
              aria-label={`Reason ${i + 1}`}
              value={reason.label}
              onChange={(e) => setDraft(draft.map((r, j) => (j === i ? { ...r, label: e.target.value } : r)))}
            />
            <button type="button" onClick={() => setDraft(draft.filter((_, j) => j !== i))}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <div className="reasons-actions">
        <button type="button" onClick={() => setDraft([...draft, { label: '' }])}>
          Add a reason
        </button>
        <button
          type="button"
          className="primary"
          onClick={() =>
            void saveRejectionReasons(db, projectId, draft).then((result) => {
              setMessage(result.ok ? 'Saved.' : result.message);
              if (result.ok) dataChanged();
            })
          }
        >
          Save reasons
        </button>
        {message && (
          <span role="status" className="small">
            {message}
          </span>
        )}
      </div>
    </details>
  );
}
