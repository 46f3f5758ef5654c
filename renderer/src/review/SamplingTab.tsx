/**
 * Acceptance sampling: a QA lead draws the ISO 2859-1 sample of a batch, records each sampled image's
 * defects, and accepts or rejects the whole batch by the plan's numbers; everyone else reads the batches.
 */

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { IMAGE_STATUSES, STATUS_LABELS, type ImageStatus } from '../../../src/core/images/types';
import { canLead } from '../../../src/core/qa/people';
import {
  AQL_SERIES,
  INSPECTION_LEVELS,
  type InspectionLevel,
  type SamplingPlan,
} from '../../../src/core/qa/sampling';
import { useServices } from '../app/services';
import type { SamplingBatchRecord } from '../db/qaRecords';
import {
  applyVerdict,
  batchProgress,
  drawBatch,
  listBatches,
  lotAwaitingReview,
  lotCounts,
  planFor,
  recordDefects,
  recordVerdict,
  type BatchProgress,
  type LotStatus,
} from '../db/sampling';
import { formatCount, formatWhen } from '../format';
import { useUi } from '../state/ui';
import { useReviewContext } from './useReviewContext';
import './sampling.css';

/** AQLs as the standard prints them: two significant digits below 10 ("0.010", "1.0"). */
const aqlLabel = (aql: number): string => (aql < 10 ? aql.toPrecision(2) : String(aql));

/** The batch left open per project, so coming back from the editor shows it again. */
const openBatchOf = new Map<ProjectId, string>();

export function SamplingTab({ projectId }: { projectId: ProjectId }) {
  const { db } = useServices();
  const user = useUi((s) => s.user);
  const dataVersion = useUi((s) => s.dataVersion);
  const [batches, setBatches] = useState<SamplingBatchRecord[] | null>(null);
  const [openId, setOpenIdState] = useState<string | null>(openBatchOf.get(projectId) ?? null);
  const lead = user !== null && canLead(user.role);
  const { nameOf } = useReviewContext(projectId);

  const setOpenId = useCallback(
    (id: string | null) => {
      if (id === null) openBatchOf.delete(projectId);
      else openBatchOf.set(projectId, id);
      setOpenIdState(id);
    },
    [projectId],
  );
  const reload = useCallback(async () => setBatches(await listBatches(db, projectId)), [db, projectId]);
  useEffect(() => {
    void reload();
  }, [reload, dataVersion]);

  const open = batches?.find((b) => b.id === openId) ?? batches?.[0] ?? null;
  const replace = (batch: SamplingBatchRecord) =>
    setBatches((list) => list?.map((b) => (b.id === batch.id ? batch : b)) ?? null);

  return (
    <div className="sampling" data-testid="sampling-tab">
      {lead ? (
        <NewBatchForm
          projectId={projectId}
          suggestedName={`Batch ${(batches?.length ?? 0) + 1}`}
          onDrawn={async (batch) => {
            await reload();
            setOpenId(batch.id);
          }}
        />
      ) : (
        <p className="muted" data-testid="sampling-read-only">
          Only a QA lead draws samples and records verdicts; you can read the batches and their verdicts.
        </p>
      )}
      <BatchList batches={batches} openId={open?.id ?? null} onOpen={setOpenId} nameOf={nameOf} />
      {open && <BatchView key={open.id} batch={open} lead={lead} onChange={replace} nameOf={nameOf} />}
    </div>
  );
}

function NewBatchForm({
  projectId,
  suggestedName,
  onDrawn,
}: {
  projectId: ProjectId;
  suggestedName: string;
  onDrawn: (batch: SamplingBatchRecord) => Promise<void>;
}) {
  const { db } = useServices();
  const user = useUi((s) => s.user);
  const dataVersion = useUi((s) => s.dataVersion);
  const [name, setName] = useState('');
  const [lot, setLot] = useState<LotStatus>('submitted');
  const [aql, setAql] = useState(1);
  const [level, setLevel] = useState<InspectionLevel>('II');
  const [counts, setCounts] = useState<Record<LotStatus, number> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void lotCounts(db, projectId).then((c) => live && setCounts(c));
    return () => {
      live = false;
    };
  }, [db, projectId, dataVersion]);

  const lotSize = counts?.[lot] ?? 0;
  const planned = counts === null ? null : planFor(lotSize, aql, level);

  const draw = async () => {
    if (!user) return;
    setBusy(true);
    setError(null);
    try {
      const result = await drawBatch(db, {
        projectId,
        name: name.trim() || suggestedName,
        lot,
        aql,
        level,
        user: user.id,
      });
      if (!result.ok) setError(result.message);
      else {
        setName('');
        await onDrawn(result.batch);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sampling-new" aria-label="New batch">
      <h3>New batch</h3>
      <div className="sampling-fields">
        <label>
          Name
          <input
            data-testid="sampling-name"
            value={name}
            placeholder={suggestedName}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Lot
          <select
            data-testid="sampling-lot"
            value={lot}
            onChange={(e) => setLot(e.target.value as LotStatus)}
          >
            {IMAGE_STATUSES.map((status: ImageStatus) => (
              <option key={status} value={status}>
                Images {STATUS_LABELS[status]} ({formatCount(counts?.[status] ?? 0)})
              </option>
            ))}
            <option value="all">All images ({formatCount(counts?.all ?? 0)})</option>
          </select>
        </label>
        <label>
          AQL
          <select data-testid="sampling-aql" value={aql} onChange={(e) => setAql(Number(e.target.value))}>
            {AQL_SERIES.map((value) => (
              <option key={value} value={value}>
                {aqlLabel(value)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Inspection level
          <select
            data-testid="sampling-level"
            value={level}
            onChange={(e) => setLevel(e.target.value as InspectionLevel)}
          >
            {INSPECTION_LEVELS.map((value) => (
              <option key={value} value={value}>
                {value.startsWith('S-') ? `Special ${value}` : `General ${value}`}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          data-testid="sampling-draw"
          disabled={busy || !user || planned === null || !planned.ok}
          onClick={() => void draw()}
        >
          Draw sample
        </button>
      </div>
      <p className="sampling-plan" data-testid="sampling-plan">
        {planned === null ? 'Counting images…' : planned.ok ? planSentence(planned.plan) : planned.message}
      </p>
      {planned?.ok && <p className="muted small">{planned.plan.explanation}.</p>}
      {error && <p className="error">{error}</p>}
    </section>
  );
}

const counted = (plan: SamplingPlan) => (plan.aql > 10 ? 'nonconformities' : 'defective');

/** "Lot 3,000 → code letter K → inspect 125 images; accept with ≤ 3 defective, reject with ≥ 4; …". */
function planSentence(plan: SamplingPlan): string {
  const letter =
    plan.planLetter === plan.codeLetter
      ? `code letter ${plan.codeLetter}`
      : `code letter ${plan.codeLetter} (arrow to ${plan.planLetter})`;
  const all = plan.sampleSize === plan.lotSize ? ' (all of them)' : '';
  return (
    `Lot ${formatCount(plan.lotSize)} → ${letter} → inspect ${formatCount(plan.sampleSize)} images${all}; ` +
    `accept with ≤ ${plan.accept} ${counted(plan)}, reject with ≥ ${plan.reject}; ` +
    'ISO 2859-1 single sampling, normal inspection.'
  );
}

function BatchList({
  batches,
  openId,
  onOpen,
  nameOf,
}: {
  batches: readonly SamplingBatchRecord[] | null;
  openId: string | null;
  onOpen: (id: string) => void;
  nameOf: (id: string) => string;
}) {
  if (batches === null) return <p className="muted">Loading batches…</p>;
  if (batches.length === 0) return <p className="muted">No batch has been sampled yet.</p>;
  return (
    <section className="sampling-batches" aria-label="Batches">
      <h3>Batches</h3>
      <table className="sampling-table">
        <thead>
          <tr>
            <th>Batch</th>
            <th>Drawn</th>
            <th className="number">Lot</th>
            <th>AQL · level</th>
            <th className="number">Inspected</th>
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {batches.map((batch) => {
            const progress = batchProgress(batch);
            return (
              <tr
                key={batch.id}
                data-testid="sampling-batch-row"
                data-batch={batch.name}
                className={batch.id === openId ? 'selected' : undefined}
              >
                <td>
                  <button type="button" className="link" onClick={() => onOpen(batch.id)}>
                    {batch.name}
                  </button>
                </td>
                <td>
                  {formatWhen(batch.createdAt)} by {nameOf(batch.createdBy)}
                </td>
                <td className="number">{formatCount(batch.plan.lotSize)}</td>
                <td>
                  {aqlLabel(batch.plan.aql)} · {batch.plan.level}
                </td>
                <td className="number">
                  {formatCount(progress.inspected)} of {formatCount(progress.sampleSize)}
                </td>
                <td>
                  <VerdictBadge batch={batch} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function VerdictBadge({ batch }: { batch: SamplingBatchRecord }) {
  if (!batch.verdict) return <span className="muted">open</span>;
  return batch.verdict.accepted ? (
    <span className="verdict-badge accepted">accepted</span>
  ) : (
    <span className="verdict-badge rejected">rejected</span>
  );
}

interface SampledImage {
  readonly id: ImageId;
  readonly fileName: string | null;
  readonly status: ImageStatus | null;
}

function BatchView({
  batch,
  lead,
  onChange,
  nameOf,
}: {
  batch: SamplingBatchRecord;
  lead: boolean;
  onChange: (batch: SamplingBatchRecord) => void;
  nameOf: (id: string) => string;
}) {
  const { db } = useServices();
  const user = useUi((s) => s.user);
  const dataVersion = useUi((s) => s.dataVersion);
  const navigate = useUi((s) => s.navigate);
  const [images, setImages] = useState<readonly SampledImage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const progress = useMemo(() => batchProgress(batch), [batch]);

  useEffect(() => {
    let live = true;
    void db.images.bulkGet([...batch.sample]).then(
      (records) =>
        live &&
        setImages(
          batch.sample.map((id, i) => ({
            id,
            fileName: records[i]?.fileName ?? null,
            status: records[i]?.status ?? null,
          })),
        ),
    );
    return () => {
      live = false;
    };
  }, [db, batch.sample, dataVersion]);

  const openImage = (imageId: ImageId) => {
    const ui = useUi.getState();
    ui.setViewOrder((images ?? []).filter((image) => image.fileName !== null).map((image) => image.id));
    ui.setFocus({
      imageId,
      back: { label: 'Sampling', route: { page: 'qa', projectId: batch.projectId, tab: 'sampling' } },
    });
    navigate({ page: 'image', projectId: batch.projectId, imageId });
  };

  const setDefects = async (imageId: ImageId, defects: number | null) => {
    setError(null);
    const result = await recordDefects(db, batch.id, imageId, defects);
    if (result.ok) onChange(result.batch);
    else setError(result.message);
  };

  const judge = async () => {
    if (!user) return;
    setError(null);
    const result = await recordVerdict(db, batch.id, user.id);
    if (result.ok) onChange(result.batch);
    else setError(result.message);
  };

  const closed = batch.verdict !== undefined;
  const editable = lead && !closed;

  return (
    <section className="sampling-batch" aria-label={`Batch ${batch.name}`} data-testid="sampling-batch">
      <header>
        <h3>{batch.name}</h3>
        <span className="muted small">
          Drawn {formatWhen(batch.createdAt)} by {nameOf(batch.createdBy)} · seed {batch.seed}
        </span>
      </header>
      <p className="sampling-plan">{planSentence(batch.plan)}</p>
      <p className="sampling-progress" data-testid="sampling-progress">
        Inspected {formatCount(progress.inspected)} of {formatCount(progress.sampleSize)} ·{' '}
        {progress.defectiveImages} defective image{progress.defectiveImages === 1 ? '' : 's'} ·{' '}
        {progress.defects} defect{progress.defects === 1 ? '' : 's'} in all
        {progress.unit === 'nonconformities' ? ' (this AQL counts nonconformities)' : ''}
      </p>
      <Verdict batch={batch} progress={progress} lead={lead} onRecord={() => void judge()} nameOf={nameOf} />
      {closed && lead && <ApplyVerdict batch={batch} />}
      {error && <p className="error">{error}</p>}
      <div className="sampling-sample-scroll">
        <table className="sampling-table" aria-label="Sampled images">
          <thead>
            <tr>
              <th className="number">#</th>
              <th>File</th>
              <th>Status</th>
              <th>Defects</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(images ?? []).map((image, index) => (
              <tr key={image.id} data-testid="sampling-sample-row" data-image={image.fileName ?? image.id}>
                <td className="number muted">{index + 1}</td>
                <td>{image.fileName ?? <span className="muted">(no longer in the project)</span>}</td>
                <td>{image.status ? STATUS_LABELS[image.status] : '—'}</td>
                <td>
                  <DefectsInput
                    value={batch.defects[image.id]}
                    disabled={!editable}
                    label={`Defects in ${image.fileName ?? image.id}`}
                    onCommit={(value) => void setDefects(image.id, value)}
                  />
                </td>
                <td>
                  {image.fileName !== null && (
                    <button
                      type="button"
                      data-testid="sampling-open-image"
                      onClick={() => openImage(image.id)}
                    >
                      Open
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A count ≥ 0, or empty for "not inspected"; "No defect" records 0 in one click. */
function DefectsInput({
  value,
  disabled,
  label,
  onCommit,
}: {
  value: number | undefined;
  disabled: boolean;
  label: string;
  onCommit: (value: number | null) => void;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => setText(value === undefined ? '' : String(value)), [value]);
  // A number is saved as it is typed; clearing the field is saved on leaving it (a half-typed "-" reads as empty).
  const commit = (next: string, leaving: boolean) => {
    const trimmed = next.trim();
    if (trimmed === '') {
      if (leaving && value !== undefined) onCommit(null);
      return;
    }
    const n = Number(trimmed);
    if (Number.isInteger(n) && n >= 0 && n !== value) onCommit(n);
  };
  const invalid = text.trim() !== '' && !(Number.isInteger(Number(text)) && Number(text) >= 0);
  return (
    <span className="defects-input">
      <input
        type="number"
        min={0}
        step={1}
        inputMode="numeric"
        aria-label={label}
        aria-invalid={invalid}
        data-testid="sampling-defects"
        placeholder="not inspected"
        value={text}
        disabled={disabled}
        onChange={(e) => {
          setText(e.target.value);
          commit(e.target.value, false);
        }}
        onBlur={(e) => commit(e.target.value, true)}
      />
      {!disabled && value === undefined && (
        <button type="button" className="link" data-testid="sampling-no-defect" onClick={() => onCommit(0)}>
          No defect
        </button>
      )}
    </span>
  );
}

function Verdict({
  batch,
  progress,
  lead,
  onRecord,
  nameOf,
}: {
  batch: SamplingBatchRecord;
  progress: BatchProgress;
  lead: boolean;
  onRecord: () => void;
  nameOf: (id: string) => string;
}) {
  const { plan } = batch;
  if (batch.verdict) {
    return (
      <div
        className={`sampling-verdict ${batch.verdict.accepted ? 'accepted' : 'rejected'}`}
        data-testid="sampling-verdict"
        data-verdict={batch.verdict.accepted ? 'accepted' : 'rejected'}
      >
        <strong>Batch {batch.verdict.accepted ? 'accepted' : 'rejected'}</strong> by{' '}
        {nameOf(batch.verdict.by)}, {formatWhen(batch.verdict.at)}
        <p className="small">{batch.verdict.statement}</p>
      </div>
    );
  }
  const left = progress.sampleSize - progress.inspected;
  const text =
    progress.verdict === 'reject'
      ? progress.early
        ? `${progress.counted} ${progress.unit} reached the reject number ${plan.reject} with ${formatCount(left)} image${left === 1 ? '' : 's'} not inspected: ISO 2859-1 allows rejecting the batch now.`
        : `All ${formatCount(progress.sampleSize)} inspected: ${progress.counted} ${progress.unit} ≥ ${plan.reject} → reject the batch.`
      : progress.verdict === 'accept'
        ? `All ${formatCount(progress.sampleSize)} inspected: ${progress.counted} ${progress.unit} ≤ ${plan.accept} → accept the batch.`
        : `${progress.counted} ${progress.unit} so far. Inspect all ${formatCount(progress.sampleSize)} to accept (${formatCount(left)} to go); the batch is rejected as soon as ${plan.reject} are found.`;
  return (
    <div
      className={`sampling-verdict ${progress.verdict ?? 'pending'}`}
      data-testid="sampling-verdict"
      data-verdict={progress.verdict ?? 'pending'}
    >
      <span>{text}</span>
      {lead && progress.verdict !== null && (
        <button type="button" className="primary" data-testid="sampling-record-verdict" onClick={onRecord}>
          Record verdict
        </button>
      )}
    </div>
  );
}

/** Moves the lot's waiting images to the verdict's status, after the QA lead confirms the count. */
function ApplyVerdict({ batch }: { batch: SamplingBatchRecord }) {
  const { db } = useServices();
  const user = useUi((s) => s.user);
  const dataVersion = useUi((s) => s.dataVersion);
  const [waiting, setWaiting] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void lotAwaitingReview(db, batch).then((n) => live && setWaiting(n));
    return () => {
      live = false;
    };
  }, [db, batch, dataVersion]);

  if (waiting === null) return null;
  const accepted = batch.verdict!.accepted;
  const apply = async () => {
    if (!user) return;
    setBusy(true);
    try {
      const result = await applyVerdict(db, batch.id, user.id);
      setMessage(
        result.ok
          ? `${formatCount(result.changed)} image${result.changed === 1 ? '' : 's'} ${accepted ? 'accepted' : 'rejected'}.`
          : result.message,
      );
      setConfirming(false);
      useUi.getState().dataChanged();
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sampling-apply" data-testid="sampling-apply">
      {message && <p data-testid="sampling-apply-result">{message}</p>}
      {waiting === 0 ? (
        !message && <p className="muted small">No image of this lot is waiting for review.</p>
      ) : confirming ? (
        <div role="alertdialog" aria-label="Apply the verdict to the lot" className="sampling-confirm">
          <p>
            <strong>This changes {formatCount(waiting)} images.</strong> The lot&apos;s submitted and
            in-review images become{' '}
            {accepted
              ? 'accepted'
              : `rejected (reason "Other", comment "Batch ${batch.name} rejected by acceptance sampling")`}
            ; each gets a review and an audit entry.
          </p>
          <button
            type="button"
            className={accepted ? 'primary' : 'danger'}
            data-testid="sampling-apply-confirm"
            disabled={busy}
            onClick={() => void apply()}
          >
            Change {formatCount(waiting)} images
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" data-testid="sampling-apply-verdict" onClick={() => setConfirming(true)}>
          {accepted ? 'Accept' : 'Reject'} the lot&apos;s {formatCount(waiting)} waiting images…
        </button>
      )}
    </div>
  );
}
