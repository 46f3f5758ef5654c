/**
 * The places where the QA lead and an annotator both changed the same thing, side by side: the lead picks
 * theirs or mine per row (or for all), and nothing is written until they confirm.
 */

import { useState } from 'react';
import type { Annotation, AttributeValues, Geometry } from '../../../src/core/annotations/types';
import { conflictKey, type Conflict, type ConflictChoice } from '../../../src/core/qa/merge';
import { Dialog } from '../components/Dialog';
import { formatWhen } from '../format';

const round = (n: number) => Math.round(n);

/** "box 120×80 at (10, 20)", as a person would say where a shape is. */
export function describeGeometry(g: Geometry): string {
  switch (g.kind) {
    case 'box':
      return `box ${round(g.width)}×${round(g.height)} at (${round(g.x)}, ${round(g.y)})`;
    case 'rotated-box':
      return `rotated box ${round(g.width)}×${round(g.height)} at (${round(g.cx)}, ${round(g.cy)}), ${round(g.angle)}°`;
    case 'polygon':
      return `polygon of ${g.points.length} points`;
    case 'polyline':
      return `line of ${g.points.length} points`;
    case 'point':
      return `point at (${round(g.x)}, ${round(g.y)})`;
    case 'keypoints':
      return `${g.points.length} keypoints`;
  }
}

const describeAttributes = (values: AttributeValues): string =>
  Object.entries(values)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('; ');

function Side({
  value,
  className,
  person,
}: {
  value: Annotation | readonly string[] | AttributeValues | null;
  className: (id: string) => string;
  person: (id: string) => string;
}) {
  if (value === null) return <span className="conflict-deleted">deleted</span>;
  if (Array.isArray(value)) {
    return <span>{value.length === 0 ? 'no tags' : value.map(className).join(', ')}</span>;
  }
  if ('geometry' in value) {
    const a = value as Annotation;
    const attributes = describeAttributes(a.attributes);
    return (
      <span className="conflict-side">
        <strong>{className(a.classId)}</strong> {describeGeometry(a.geometry)}
        {attributes && <span className="muted"> · {attributes}</span>}
        <span className="muted small conflict-who">
          {person(a.updatedBy)}, {formatWhen(a.updatedAt)}
        </span>
      </span>
    );
  }
  const attributes = describeAttributes(value as AttributeValues);
  return <span>{attributes || 'no attributes'}</span>;
}

const what = (c: Conflict) =>
  c.field === 'annotation' ? 'Object' : c.field === 'tags' ? 'Image tags' : 'Image attributes';

export function ConflictsDialog({
  conflicts,
  annotator,
  imageName,
  className,
  person,
  onConfirm,
  onCancel,
}: {
  conflicts: readonly Conflict[];
  /** The annotator's name: their side is "theirs". */
  annotator: string;
  imageName: (imageId: string) => string;
  className: (classId: string) => string;
  person: (userId: string) => string;
  onConfirm: (choices: Record<string, ConflictChoice>) => void;
  onCancel: () => void;
}) {
  const [choices, setChoices] = useState<Record<string, ConflictChoice>>({});
  const open = conflicts.filter((c) => choices[conflictKey(c)] === undefined).length;
  const all = (choice: ConflictChoice) =>
    setChoices(Object.fromEntries(conflicts.map((c) => [conflictKey(c), choice])));

  return (
    <Dialog title={`${conflicts.length} conflicts with ${annotator}'s labels`} onClose={onCancel} wide>
      <div className="dialog-body">
        <p>
          You and {annotator} both changed these since the bundle went out. Choose which version to keep for
          each; nothing is saved until you merge.
        </p>
        <div className="conflict-bulk">
          <button type="button" onClick={() => all('mine')} data-testid="conflicts-all-mine">
            Keep all mine
          </button>
          <button type="button" onClick={() => all('theirs')} data-testid="conflicts-all-theirs">
            Take all of {annotator}&apos;s
          </button>
        </div>
        <div className="conflict-scroll">
          <table className="data-table conflict-table">
            <thead>
              <tr>
                <th>Image</th>
                <th>What</th>
                <th>Mine (this project)</th>
                <th>{annotator}&apos;s</th>
              </tr>
            </thead>
            <tbody>
              {conflicts.map((c) => {
                const key = conflictKey(c);
                const choice = choices[key];
                const pick = (next: ConflictChoice) => setChoices((current) => ({ ...current, [key]: next }));
                return (
                  <tr key={key} data-testid="conflict-row" data-conflict={key}>
                    <td>{imageName(c.imageId)}</td>
                    <td>{what(c)}</td>
                    {(['mine', 'theirs'] as const).map((side) => (
                      <td key={side} className={choice === side ? 'conflict-cell chosen' : 'conflict-cell'}>
                        <label className="conflict-choice">
                          <input
                            type="radio"
                            name={key}
                            checked={choice === side}
                            onChange={() => pick(side)}
                            aria-label={side === 'mine' ? 'Keep mine' : `Take ${annotator}'s`}
                          />
                          <Side value={c[side]} className={className} person={person} />
                        </label>
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
      <div className="dialog-actions">
        <span className="muted">{open > 0 ? `${open} still to choose` : 'All chosen'}</span>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={open > 0}
          onClick={() => onConfirm(choices)}
          data-testid="conflicts-merge"
        >
          Merge
        </button>
      </div>
    </Dialog>
  );
}
