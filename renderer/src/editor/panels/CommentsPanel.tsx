/**
 * Comments on the open image: open ones first, each on the image or pinned to an object (clicking selects
 * it), with replies; a reviewer or QA lead resolves and reopens them. Writing pins to the selected object.
 */

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AnnotationId } from '../../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../../src/core/ids';
import { commentsOf, postComment, updateComment } from '../../db/review';
import type { CommentRecord } from '../../db/qaRecords';
import type { CommentPin } from '../canvas/paint';
import { useServices } from '../../app/services';
import './panels.css';

export interface CommentsPanelProps {
  readonly projectId: ProjectId;
  readonly imageId: ImageId;
  readonly user: string;
  readonly canResolve: boolean;
  /** The one selected object, which a new comment is pinned to. */
  readonly selected: AnnotationId | undefined;
  /** "#3 Car" for an object id, or undefined when it is no longer on the image. */
  readonly objectName: (id: string) => string | undefined;
  readonly nameOf: (id: string) => string;
  readonly onShowObject: (id: AnnotationId) => void;
  /** The point a new comment is pinned to, once picked on the canvas. */
  readonly point: { x: number; y: number } | undefined;
  /** Whether the canvas waits for the click that picks the point. */
  readonly pinning: boolean;
  readonly onPinning: (on: boolean) => void;
  /** The comments pinned to points, numbered as listed, for the canvas to draw. */
  readonly onPins: (pins: readonly CommentPin[]) => void;
}

const when = (at: number) =>
  new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });

export function CommentsPanel(props: CommentsPanelProps) {
  const { db } = useServices();
  const { imageId, projectId, user } = props;
  const [comments, setComments] = useState<CommentRecord[]>([]);
  const [text, setText] = useState('');
  const [pin, setPin] = useState(true);
  const reload = useCallback(() => {
    void commentsOf(db, imageId).then(setComments);
  }, [db, imageId]);
  useEffect(reload, [reload]);

  const ordered = useMemo(
    () =>
      [...comments].sort(
        (a, b) => (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1) || a.createdAt - b.createdAt,
      ),
    [comments],
  );
  const open = comments.filter((c) => c.state === 'open').length;
  const { onPins } = props;
  useEffect(
    () =>
      onPins(
        ordered.flatMap((c, i) =>
          c.point ? [{ x: c.point.x, y: c.point.y, label: String(i + 1), open: c.state === 'open' }] : [],
        ),
      ),
    [ordered, onPins],
  );
  // A point picked on the canvas wins over the selected object.
  const pinTo = props.point === undefined && pin ? props.selected : undefined;

  return (
    <section className="panel comments-panel" aria-label="Comments">
      <h3 className="panel-title">
        Comments{' '}
        <span className="muted small" data-testid="open-comments" data-count={open}>
          {open === 0 ? (comments.length === 0 ? 'none' : 'all resolved') : `${open} open`}
        </span>
      </h3>
      <ul className="comment-list">
        {ordered.map((comment, index) => (
          <li
            key={comment.id}
            className={`comment comment-${comment.state}`}
            data-testid="comment"
            data-state={comment.state}
          >
            <div className="comment-head">
              {comment.point && <span className="comment-number">{index + 1}</span>}
              <strong>{props.nameOf(comment.author)}</strong>
              <span className="muted small">{when(comment.createdAt)}</span>
              {comment.annotationId !== undefined && (
                <button
                  type="button"
                  className="link small"
                  onClick={() => props.onShowObject(comment.annotationId as AnnotationId)}
                  disabled={props.objectName(comment.annotationId) === undefined}
                >
                  {props.objectName(comment.annotationId) ?? 'deleted object'}
                </button>
              )}
              {comment.point && (
                <span className="muted small">
                  at ({Math.round(comment.point.x)}, {Math.round(comment.point.y)})
                </span>
              )}
            </div>
            <p className="comment-text">{comment.text}</p>
            {comment.replies.map((r, i) => (
              <p key={i} className="comment-reply">
                <strong>{props.nameOf(r.author)}:</strong> {r.text}
              </p>
            ))}
            <CommentActions
              comment={comment}
              canResolve={props.canResolve}
              onChange={(change) => void updateComment(db, comment.id, change, user).then(reload)}
            />
          </li>
        ))}
      </ul>
      <form
        className="comment-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!text.trim()) return;
          void postComment(db, {
            projectId,
            imageId,
            ...(pinTo === undefined ? {} : { annotationId: pinTo }),
            ...(props.point === undefined ? {} : { point: props.point }),
            text,
            user,
          }).then(() => {
            setText('');
            props.onPinning(false);
            reload();
          });
        }}
      >
        <textarea
          rows={2}
          value={text}
          aria-label="New comment"
          placeholder="Write a comment…"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.stopPropagation()}
        />
        <div className="comment-form-row">
          <button
            type="button"
            className={props.pinning || props.point ? 'small active' : 'small'}
            aria-pressed={props.pinning}
            data-testid="pin-comment"
            onClick={() => props.onPinning(!props.pinning && props.point === undefined)}
            title="Pin the comment to a point: click the image"
          >
            {props.point
              ? `At (${Math.round(props.point.x)}, ${Math.round(props.point.y)}) ✕`
              : props.pinning
                ? 'Click the image…'
                : 'Pin to a point'}
          </button>
          <label className="small">
            <input
              type="checkbox"
              checked={pin && props.selected !== undefined && props.point === undefined}
              disabled={props.selected === undefined || props.point !== undefined}
              onChange={(e) => setPin(e.target.checked)}
            />{' '}
            {props.selected === undefined
              ? 'on the image (select an object to pin it)'
              : `pinned to ${props.objectName(props.selected) ?? 'the selected object'}`}
          </label>
          <button type="submit" disabled={!text.trim()}>
            Comment
          </button>
        </div>
      </form>
    </section>
  );
}

function CommentActions({
  comment,
  canResolve,
  onChange,
}: {
  comment: CommentRecord;
  canResolve: boolean;
  onChange: (change: { kind: 'resolve' } | { kind: 'reopen' } | { kind: 'reply'; text: string }) => void;
}) {
  const [reply, setReply] = useState('');
  return (
    <div className="comment-actions">
      {comment.state === 'open' && (
        <input
          className="small"
          value={reply}
          aria-label="Reply"
          placeholder="Reply…"
          onChange={(e) => setReply(e.target.value)}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter' && reply.trim()) {
              onChange({ kind: 'reply', text: reply });
              setReply('');
            }
          }}
        />
      )}
      {canResolve && (
        <button
          type="button"
          className="small"
          onClick={() => onChange(comment.state === 'open' ? { kind: 'resolve' } : { kind: 'reopen' })}
        >
          {comment.state === 'open' ? 'Resolve' : 'Reopen'}
        </button>
      )}
    </div>
  );
}
