/** The form for one label class: identity, geometries, skeleton, constraints, attributes, and class-level changes. */

import { useState } from 'react';
import {
  GEOMETRY_KINDS,
  type AnnotationSchema,
  type ClassConstraints,
  type LabelClass,
  type SchemaGeometry,
} from '../../../src/core/schema/types';
import { Dialog } from '../components/Dialog';
import { AttributeList, type Propose } from './AttributeEditor';
import { classEditChange, formatSkeleton, newClass, parseSkeleton } from './editing';

const GEOMETRY_LABELS: Record<SchemaGeometry, string> = {
  box: 'Box',
  'rotated-box': 'Rotated box',
  polygon: 'Polygon',
  polyline: 'Polyline',
  point: 'Point',
  keypoints: 'Keypoints',
  tag: 'Image tag',
};

export function ClassEditor({
  schema,
  labelClass,
  onPropose,
}: {
  schema: AnnotationSchema;
  labelClass: LabelClass;
  onPropose: Propose;
}) {
  const [draft, setDraft] = useState(labelClass);
  const skeletonText = formatSkeleton(labelClass.skeleton);
  const [keypoints, setKeypoints] = useState(skeletonText.keypoints);
  const [edges, setEdges] = useState(skeletonText.edges);
  const [flips, setFlips] = useState(skeletonText.flips);
  const [action, setAction] = useState<'merge' | 'split' | 'delete' | null>(null);
  const set = (patch: Partial<LabelClass>) => setDraft({ ...draft, ...patch });
  const setConstraint = (key: keyof ClassConstraints, value: number | boolean | undefined) => {
    const next: Record<string, unknown> = { ...draft.constraints, [key]: value };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    set({ constraints: Object.keys(next).length ? (next as ClassConstraints) : undefined });
  };
  const numberField = (
    key: 'minBoxWidth' | 'minBoxHeight' | 'minPolygonVertices' | 'maxInstancesPerImage',
    label: string,
  ) => (
    <label>
      {label}
      <input
        inputMode="numeric"
        value={draft.constraints?.[key] ?? ''}
        onChange={(e) =>
          setConstraint(key, e.target.value.trim() === '' ? undefined : Number(e.target.value))
        }
        aria-label={label}
      />
    </label>
  );

  const save = () => {
    const withSkeleton: LabelClass = draft.geometries.includes('keypoints')
      ? { ...draft, skeleton: parseSkeleton(keypoints, edges, flips) }
      : (({ skeleton: _dropped, ...rest }) => rest)(draft);
    const clean = Object.fromEntries(
      Object.entries(withSkeleton).filter(([, v]) => v !== undefined && v !== ''),
    ) as unknown as LabelClass;
    const change = classEditChange(schema, labelClass, clean);
    if (change) onPropose(`Save class “${clean.name}”`, change);
  };
  const groups = schema.classes.filter((c) => c.id !== labelClass.id);

  return (
    <div className="class-editor" aria-label={`Class ${labelClass.name}`}>
      <div className="form-grid">
        <label>
          Name
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} aria-label="Class name" />
        </label>
        <label>
          Colour
          <input
            type="color"
            value={draft.color}
            onChange={(e) => set({ color: e.target.value })}
            aria-label="Class colour"
          />
        </label>
        <label>
          Hotkey
          <input
            value={draft.hotkey ?? ''}
            maxLength={3}
            onChange={(e) => set({ hotkey: e.target.value.trim() || undefined })}
            aria-label="Class hotkey"
          />
        </label>
        <label>
          Group
          <select
            value={draft.parentId ?? ''}
            onChange={(e) => set({ parentId: e.target.value || undefined })}
            aria-label="Group"
          >
            <option value="">(top level)</option>
            {groups.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="span-2">
          Description (what counts as this class, edge cases)
          <textarea
            rows={2}
            value={draft.description ?? ''}
            onChange={(e) => set({ description: e.target.value || undefined })}
          />
        </label>
      </div>
      <fieldset className="geometries">
        <legend>May be drawn as (none: a group only)</legend>
        {GEOMETRY_KINDS.map((kind) => (
          <label key={kind} className="checkbox">
            <input
              type="checkbox"
              checked={draft.geometries.includes(kind)}
              onChange={(e) =>
                set({
                  geometries: e.target.checked
                    ? [...draft.geometries, kind]
                    : draft.geometries.filter((g) => g !== kind),
                })
              }
            />
            {GEOMETRY_LABELS[kind]}
          </label>
        ))}
      </fieldset>
      {draft.geometries.includes('keypoints') && (
        <fieldset className="form-grid">
          <legend>Skeleton</legend>
          <label className="span-2">
            Keypoints, in order (comma-separated)
            <input value={keypoints} onChange={(e) => setKeypoints(e.target.value)} aria-label="Keypoints" />
          </label>
          <label>
            Edges (a-b, …)
            <input value={edges} onChange={(e) => setEdges(e.target.value)} aria-label="Skeleton edges" />
          </label>
          <label>
            Left/right pairs (a:b, …)
            <input value={flips} onChange={(e) => setFlips(e.target.value)} aria-label="Flip pairs" />
          </label>
        </fieldset>
      )}
      <fieldset className="form-grid">
        <legend>Constraints</legend>
        {numberField('minBoxWidth', 'Min width (px)')}
        {numberField('minBoxHeight', 'Min height (px)')}
        {numberField('minPolygonVertices', 'Min polygon vertices')}
        {numberField('maxInstancesPerImage', 'Max per image')}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.constraints?.insideImage !== false}
            onChange={(e) => setConstraint('insideImage', e.target.checked ? undefined : false)}
          />
          Must lie inside the image
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.constraints?.keypointsInsideBox === true}
            onChange={(e) => setConstraint('keypointsInsideBox', e.target.checked ? true : undefined)}
          />
          Keypoints inside their box
        </label>
      </fieldset>
      <div className="editor-actions">
        <button type="button" className="primary" onClick={save}>
          Save class
        </button>
        <button type="button" onClick={() => setDraft(labelClass)}>
          Revert
        </button>
        <span className="spacer" />
        <button type="button" onClick={() => setAction('merge')} disabled={groups.length === 0}>
          Merge into…
        </button>
        <button type="button" onClick={() => setAction('split')}>
          Split…
        </button>
        <button type="button" className="danger-outline" onClick={() => setAction('delete')}>
          Delete…
        </button>
      </div>
      <AttributeList
        schema={schema}
        scope={{ classId: labelClass.id }}
        scopeLabel={`class “${labelClass.name}”`}
        onPropose={onPropose}
      />
      {action === 'merge' && (
        <MergeDialog
          schema={schema}
          source={labelClass}
          onCancel={() => setAction(null)}
          onPropose={onPropose}
        />
      )}
      {action === 'split' && (
        <SplitDialog
          schema={schema}
          source={labelClass}
          onCancel={() => setAction(null)}
          onPropose={onPropose}
        />
      )}
      {action === 'delete' && (
        <Dialog title={`Delete class “${labelClass.name}”`} onClose={() => setAction(null)}>
          <div className="dialog-body">
            <p>What happens to the annotations of this class? The next step shows how many there are.</p>
          </div>
          <div className="dialog-actions">
            <button type="button" onClick={() => setAction(null)}>
              Cancel
            </button>
            <button
              type="button"
              onClick={() => {
                setAction(null);
                onPropose(`Delete class “${labelClass.name}”`, {
                  type: 'delete-class',
                  classId: labelClass.id,
                  annotations: 'review',
                });
              }}
            >
              Keep them, send to review
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => {
                setAction(null);
                onPropose(`Delete class “${labelClass.name}”`, {
                  type: 'delete-class',
                  classId: labelClass.id,
                  annotations: 'delete',
                });
              }}
            >
              Delete them too
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function MergeDialog({
  schema,
  source,
  onCancel,
  onPropose,
}: {
  schema: AnnotationSchema;
  source: LabelClass;
  onCancel: () => void;
  onPropose: Propose;
}) {
  const targets = schema.classes.filter((c) => c.id !== source.id);
  const [target, setTarget] = useState(targets[0]?.id ?? '');
  const targetName = targets.find((c) => c.id === target)?.name ?? '';
  return (
    <Dialog title={`Merge “${source.name}” into…`} onClose={onCancel}>
      <div className="dialog-body">
        <select value={target} onChange={(e) => setTarget(e.target.value)} aria-label="Merge target">
          {targets.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <p className="muted">
          Annotations of “{source.name}” become “{targetName}”; “{source.name}” is removed.
        </p>
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={!target}
          onClick={() => {
            onCancel();
            onPropose(`Merge “${source.name}” into “${targetName}”`, {
              type: 'merge-classes',
              sourceIds: [source.id],
              targetId: target,
            });
          }}
        >
          Continue
        </button>
      </div>
    </Dialog>
  );
}

function SplitDialog({
  schema,
  source,
  onCancel,
  onPropose,
}: {
  schema: AnnotationSchema;
  source: LabelClass;
  onCancel: () => void;
  onPropose: Propose;
}) {
  const [names, setNames] = useState('');
  const list = names
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return (
    <Dialog title={`Split “${source.name}”`} onClose={onCancel}>
      <div className="dialog-body">
        <label>
          New classes (comma-separated)
          <input
            value={names}
            onChange={(e) => setNames(e.target.value)}
            aria-label="New class names"
            placeholder="e.g. sedan, hatchback"
          />
        </label>
        <p className="muted">
          Its annotations move to the first new class and go to review, so someone picks the right one for
          each.
        </p>
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={list.length < 2}
          onClick={() => {
            onCancel();
            const without = { ...schema, classes: schema.classes.filter((c) => c.id !== source.id) };
            const into: LabelClass[] = [];
            for (const name of list) {
              const made = newClass({ ...without, classes: [...without.classes, ...into] }, name);
              // A split keeps everything of the source class but its identity and hotkey.
              const { hotkey: _hotkey, ...rest } = source;
              into.push({ ...rest, id: made.id, name: made.name, color: made.color });
            }
            onPropose(`Split “${source.name}” into ${list.join(', ')}`, {
              type: 'split-class',
              classId: source.id,
              into,
            });
          }}
        >
          Continue
        </button>
      </div>
    </Dialog>
  );
}
