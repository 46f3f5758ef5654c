/**
 * Reviewing a model card before its first run: every field of the card as a form, what inference could
 * not tell (placeholders) marked, and the host's answer on save (each problem by field, naming the tensor
 * and dimension when the card does not fit the model).
 */

import { useState } from 'react';
import type { ModelRecord } from '../../../src/core/api/models';
import {
  DECODERS_BY_TASK,
  isDynamicSize,
  MODEL_TASKS,
  type CardProblem,
  type ModelCard,
  type ModelTask,
} from '../../../src/core/inference/card';

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
type Draft = Mutable<ModelCard>;

const TASK_NAMES: Record<ModelTask, string> = {
  detect: 'Object detection',
  'instance-segment': 'Instance segmentation',
  classify: 'Image classification',
  'text-detect': 'Text detection',
  embed: 'Embedding',
};

const clone = (card: ModelCard): Draft => structuredClone(card) as Draft;
const num = (value: string): number => (value.trim() === '' ? Number.NaN : Number(value));

export function CardForm({
  model,
  saving,
  problems,
  onSave,
}: {
  model: ModelRecord;
  saving: boolean;
  problems: readonly CardProblem[];
  onSave: (card: ModelCard) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => clone(model.card ?? model.inferred.card));
  const edit = (change: (d: Draft) => void) =>
    setDraft((current) => {
      const next = structuredClone(current);
      change(next);
      return next;
    });
  const { input } = draft;
  const dynamic = isDynamicSize(input.size);
  const missing = model.card ? [] : model.inferred.missing;
  const marked = (pointer: string) =>
    missing.some((m) => pointer.startsWith(m)) || problems.some((p) => p.path === pointer)
      ? 'needs-attention'
      : undefined;
  const outputNames = model.info.outputs.map((o) => o.name);
  const inputNames = model.info.inputs.map((i) => i.name);

  const save = () => {
    const changed = JSON.stringify(draft) !== JSON.stringify(model.card ?? model.inferred.card);
    const source =
      draft.provenance.source === 'bundled' ? 'bundled' : changed || model.card ? 'edited' : 'inferred';
    onSave({ ...draft, provenance: { ...draft.provenance, source } } as ModelCard);
  };

  return (
    <form
      className="card-form"
      aria-label="Model card"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      {!model.card && (
        <div
          className={`card-inference confidence-${model.inferred.confidence}`}
          data-testid="card-inference"
        >
          <strong>
            Inferred card, confidence {model.inferred.confidence}
            {missing.length > 0 ? `; fill in ${missing.join(', ')}` : ''}
          </strong>
          <ul>
            {model.inferred.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </div>
      )}
      {problems.length > 0 && (
        <ul className="card-problems error" role="alert" aria-label="Card problems">
          {problems.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              <code>{p.path || '/'}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
      <div className="form-grid">
        <label className="span-2">
          Name
          <input value={draft.name} onChange={(e) => edit((d) => void (d.name = e.target.value))} />
        </label>
        <label className={marked('/task')}>
          Task
          <select
            aria-label="Task"
            value={draft.task}
            onChange={(e) =>
              edit((d) => {
                d.task = e.target.value as ModelTask;
                if (!DECODERS_BY_TASK[d.task].includes(d.decoder)) d.decoder = DECODERS_BY_TASK[d.task][0]!;
              })
            }
          >
            {MODEL_TASKS.map((task) => (
              <option key={task} value={task}>
                {TASK_NAMES[task]}
              </option>
            ))}
          </select>
        </label>
        <label className={marked('/decoder')}>
          Output decoder
          <select
            aria-label="Output decoder"
            value={draft.decoder}
            onChange={(e) => edit((d) => void (d.decoder = e.target.value as Draft['decoder']))}
          >
            {DECODERS_BY_TASK[draft.task].map((decoder) => (
              <option key={decoder} value={decoder}>
                {decoder}
              </option>
            ))}
          </select>
        </label>
      </div>

      <fieldset>
        <legend>Input</legend>
        <div className="form-grid">
          <label className={marked('/input/name')}>
            Tensor
            <select
              aria-label="Input tensor"
              value={input.name}
              onChange={(e) => edit((d) => void (d.input.name = e.target.value))}
            >
              {[...new Set([input.name, ...inputNames])].map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Layout
            <select
              aria-label="Layout"
              value={input.layout}
              onChange={(e) => edit((d) => void (d.input.layout = e.target.value as 'NCHW' | 'NHWC'))}
            >
              <option value="NCHW">NCHW</option>
              <option value="NHWC">NHWC</option>
            </select>
          </label>
          <label>
            Size
            <select
              aria-label="Size"
              value={dynamic ? 'dynamic' : 'fixed'}
              onChange={(e) =>
                edit((d) => {
                  d.input.size =
                    e.target.value === 'dynamic'
                      ? { dynamic: true, multiple: 32, limit: 960, limitType: 'max' }
                      : { width: 640, height: 640 };
                })
              }
            >
              <option value="fixed">Fixed</option>
              <option value="dynamic">Dynamic</option>
            </select>
          </label>
          {isDynamicSize(input.size) ? (
            <>
              <NumberField
                label="Multiple of"
                value={input.size.multiple}
                onChange={(v) => edit((d) => void ((d.input.size as { multiple: number }).multiple = v))}
              />
              <NumberField
                label="Side limit"
                value={input.size.limit}
                onChange={(v) => edit((d) => void ((d.input.size as { limit: number }).limit = v))}
              />
            </>
          ) : (
            <>
              <NumberField
                label="Width"
                className={marked('/input/size')}
                value={input.size.width}
                onChange={(v) => edit((d) => void ((d.input.size as { width: number }).width = v))}
              />
              <NumberField
                label="Height"
                className={marked('/input/size')}
                value={input.size.height}
                onChange={(v) => edit((d) => void ((d.input.size as { height: number }).height = v))}
              />
            </>
          )}
          <label>
            Resize
            <select
              aria-label="Resize"
              value={input.resize.mode}
              onChange={(e) =>
                edit((d) => {
                  const mode = e.target.value as Draft['input']['resize']['mode'];
                  d.input.resize = mode === 'letterbox' ? { mode, pad: 114, align: 'center' } : { mode };
                })
              }
            >
              <option value="letterbox">Letterbox</option>
              <option value="stretch">Stretch</option>
              <option value="shorter-side">Shorter side</option>
            </select>
          </label>
          {input.resize.mode === 'letterbox' && (
            <>
              <NumberField
                label="Pad value"
                value={input.resize.pad ?? 114}
                onChange={(v) => edit((d) => void (d.input.resize.pad = v))}
              />
              <label>
                Align
                <select
                  aria-label="Align"
                  value={input.resize.align ?? 'center'}
                  onChange={(e) =>
                    edit((d) => void (d.input.resize.align = e.target.value as 'center' | 'top-left'))
                  }
                >
                  <option value="center">Centre</option>
                  <option value="top-left">Top-left</option>
                </select>
              </label>
            </>
          )}
          <label>
            Colour order
            <select
              aria-label="Colour order"
              value={input.colorOrder}
              onChange={(e) => edit((d) => void (d.input.colorOrder = e.target.value as 'RGB' | 'BGR'))}
            >
              <option value="RGB">RGB</option>
              <option value="BGR">BGR</option>
            </select>
          </label>
          <NumberField
            label="Scale"
            value={input.scale}
            onChange={(v) => edit((d) => void (d.input.scale = v))}
          />
          <TripleField
            label="Mean"
            value={input.mean}
            onChange={(v) => edit((d) => void (d.input.mean = v))}
          />
          <TripleField label="Std" value={input.std} onChange={(v) => edit((d) => void (d.input.std = v))} />
        </div>
      </fieldset>

      <fieldset>
        <legend>Outputs and classes</legend>
        <div className="form-grid">
          <label className={marked('/outputs/predictions')}>
            Predictions tensor
            <select
              aria-label="Predictions tensor"
              value={draft.outputs.predictions}
              onChange={(e) => edit((d) => void (d.outputs.predictions = e.target.value))}
            >
              {[...new Set([draft.outputs.predictions, ...outputNames])].map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          {draft.task === 'instance-segment' && (
            <label className={marked('/outputs/protos')}>
              Mask prototypes
              <select
                aria-label="Mask prototypes"
                value={draft.outputs.protos ?? ''}
                onChange={(e) => edit((d) => void (d.outputs.protos = e.target.value || undefined))}
              >
                <option value="">—</option>
                {outputNames.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <NumberField
            label="Score threshold"
            value={draft.thresholds.score}
            step={0.05}
            onChange={(v) => edit((d) => void (d.thresholds.score = v))}
          />
          {draft.task !== 'classify' && draft.task !== 'embed' && draft.task !== 'text-detect' && (
            <NumberField
              label="NMS IoU"
              value={draft.thresholds.nms ?? 0.45}
              step={0.05}
              onChange={(v) => edit((d) => void (d.thresholds.nms = v))}
            />
          )}
          {draft.task !== 'classify' && draft.task !== 'embed' && (
            <NumberField
              label="Max detections"
              value={draft.thresholds.maxDetections ?? 300}
              onChange={(v) => edit((d) => void (d.thresholds.maxDetections = v))}
            />
          )}
          {draft.task === 'text-detect' && draft.textDetect && (
            <>
              <NumberField
                label="Pixel threshold"
                value={draft.textDetect.thresh}
                step={0.05}
                onChange={(v) => edit((d) => void (d.textDetect!.thresh = v))}
              />
              <NumberField
                label="Unclip ratio"
                value={draft.textDetect.unclipRatio}
                step={0.1}
                onChange={(v) => edit((d) => void (d.textDetect!.unclipRatio = v))}
              />
            </>
          )}
          {draft.task === 'embed' && (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={draft.embedding?.normalize ?? false}
                onChange={(e) => edit((d) => void (d.embedding = { normalize: e.target.checked }))}
              />
              L2-normalise each vector (for cosine similarity)
            </label>
          )}
          {draft.task !== 'text-detect' && draft.task !== 'embed' && (
            <label className={`span-4 ${marked('/classes') ?? ''}`}>
              Class names, one per line in the model&apos;s index order ({draft.classes.length})
              <textarea
                aria-label="Class names"
                rows={Math.min(8, Math.max(3, draft.classes.length))}
                value={draft.classes.join('\n')}
                onChange={(e) =>
                  edit((d) => {
                    d.classes = e.target.value.split('\n').map((line) => line.trim());
                    while (d.classes.length > 0 && d.classes[d.classes.length - 1] === '') d.classes.pop();
                  })
                }
              />
            </label>
          )}
        </div>
      </fieldset>
      <div className="dialog-actions">
        <button
          type="button"
          onClick={() => setDraft(clone(model.inferred.card))}
          disabled={saving}
          title="Start again from what LabelLoop read from the model"
        >
          Reset to inferred
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : model.card ? 'Save card' : 'Save reviewed card'}
        </button>
      </div>
    </form>
  );
}

function NumberField({
  label,
  value,
  onChange,
  step,
  className,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  step?: number;
  className?: string | undefined;
}) {
  const [text, setText] = useState(Number.isFinite(value) ? String(value) : '');
  const [last, setLast] = useState(value);
  // A value changed from outside (reset, another field) replaces what is typed.
  if (last !== value && !(Number.isNaN(last) && Number.isNaN(value))) {
    setLast(value);
    if (num(text) !== value) setText(Number.isFinite(value) ? String(value) : '');
  }
  return (
    <label className={className}>
      {label}
      <input
        aria-label={label}
        inputMode="decimal"
        value={text}
        step={step}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = num(e.target.value);
          setLast(parsed);
          onChange(parsed);
        }}
      />
    </label>
  );
}

function TripleField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: readonly [number, number, number];
  onChange: (value: [number, number, number]) => void;
}) {
  const [text, setText] = useState(value.join(', '));
  const [last, setLast] = useState(value.join(', '));
  if (last !== value.join(', ')) {
    setLast(value.join(', '));
    setText(value.join(', '));
  }
  return (
    <label>
      {label} (3 values)
      <input
        aria-label={label}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const parts = e.target.value
            .split(/[\s,]+/)
            .filter(Boolean)
            .map(Number);
          const next: [number, number, number] =
            parts.length === 3 ? [parts[0]!, parts[1]!, parts[2]!] : [Number.NaN, Number.NaN, Number.NaN];
          setLast(next.join(', '));
          onChange(next);
        }}
      />
    </label>
  );
}
