/**
 * Agreement between annotators who labeled the same images: headline measures with a reading in plain
 * words, tables per pair, annotator, class, attribute and image (worst first, one click opens the editor),
 * and for a QA lead, consensus labels built from everyone's labels.
 */

import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { canLead } from '../../../src/core/qa/people';
import { ConfirmDialog } from '../components/Dialog';
import { useUi } from '../state/ui';
import {
  agreementColor,
  annotatorRows,
  attributeRows,
  classHeatmap,
  formatPercent,
  formatRate,
  hasGold,
  headlineCards,
  imageRows,
  kappaBand,
  pairRows,
} from './agreementRows';
import './agreement.css';
import type { AgreementView, ConsensusOutcome, ConsensusPlan } from './qaProtocol';
import { qaWorker } from './qaWorker';

/** Image rows drawn at once; "Show more" adds as many again. */
const PAGE = 200;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function AgreementTab({ projectId }: { projectId: ProjectId }) {
  const worker = useMemo(() => qaWorker(), []);
  const user = useUi((s) => s.user);
  const navigate = useUi((s) => s.navigate);
  const dataVersion = useUi((s) => s.dataVersion);
  // A new snapshot per visit too: not every change to returned labels bumps the data version.
  const [opened] = useState(() => Date.now());
  const [threshold, setThreshold] = useState(0.5);
  const [view, setView] = useState<AgreementView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [plan, setPlan] = useState<ConsensusPlan | null>(null);
  const [building, setBuilding] = useState(false);
  const [outcome, setOutcome] = useState<ConsensusOutcome | null>(null);

  useEffect(() => {
    let live = true;
    setLoading(true);
    worker.agreement(projectId, `${opened}:${dataVersion}`, threshold).then(
      (v) => {
        if (!live) return;
        setView(v);
        setError(null);
        setLoading(false);
      },
      (e: Error) => {
        if (!live) return;
        setError(e.message);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [worker, projectId, opened, dataVersion, threshold]);

  const openImage = (imageId: string) => {
    if (!view) return;
    const ui = useUi.getState();
    ui.setViewOrder(view.report.perImage.map((row) => row.imageId as ImageId));
    ui.setFocus({
      imageId: imageId as ImageId,
      back: { label: 'Agreement', route: { page: 'qa', projectId, tab: 'agreement' } },
    });
    navigate({ page: 'image', projectId, imageId: imageId as ImageId });
  };

  const askConsensus = async () => {
    setOutcome(null);
    setError(null);
    try {
      setPlan(await worker.consensusPlan(projectId));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const buildConsensus = async () => {
    if (!plan || !user) return;
    setBuilding(true);
    try {
      const result = await worker.consensusWrite(projectId, {
        user: user.id,
        iouThreshold: threshold,
        confirmedReplacing: plan.replacing,
      });
      setOutcome(result);
      if (result.ok) useUi.getState().dataChanged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBuilding(false);
      setPlan(null);
    }
  };

  if (error && !view)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!view) return <p className="muted">Comparing annotators…</p>;

  return (
    <>
      <AgreementReportView
        view={view}
        threshold={threshold}
        onThreshold={setThreshold}
        loading={loading}
        lead={user !== null && canLead(user.role)}
        building={building}
        onConsensus={() => void askConsensus()}
        onOpenImage={openImage}
        onAssignments={() => navigate({ page: 'qa', projectId, tab: 'assignments' })}
        notice={
          <>
            {error && (
              <p className="error" role="alert">
                {error}
              </p>
            )}
            {outcome && (
              <p
                className={outcome.ok ? 'agreement-outcome' : 'error'}
                role="status"
                data-testid="consensus-outcome"
              >
                {outcome.ok
                  ? `Consensus labels written for ${plural(outcome.images, 'image')} (${plural(outcome.annotations, 'object')}, ${outcome.dropped} left out as drawn by too few annotators). ${outcome.inReview === 0 ? 'No ties.' : `${plural(outcome.inReview, 'image')} with ties ${outcome.inReview === 1 ? 'is' : 'are'} in the review queue.`}`
                  : outcome.message}
              </p>
            )}
          </>
        }
      />
      {plan && (
        <ConfirmDialog
          title="Build consensus labels"
          confirmLabel={building ? 'Building…' : `Build for ${plan.imageIds.length} images`}
          danger={plan.replacing.length > 0}
          onConfirm={() => void buildConsensus()}
          onCancel={() => setPlan(null)}
        >
          <p>
            Each of the {plan.imageIds.length} images labeled by two or more annotators gets one set of
            labels: objects most annotators drew, the class most gave, boxes averaged. Ties are flagged and
            the image goes to the review queue.
          </p>
          <p data-testid="consensus-replacing" data-value={plan.replacing.length}>
            {plan.replacing.length === 0
              ? 'None of these images has labels yet.'
              : `${plan.replacing.length} of these images already have labels; they will be replaced.`}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

export interface AgreementReportViewProps {
  view: AgreementView;
  threshold: number;
  onThreshold: (threshold: number) => void;
  loading: boolean;
  /** Whether the person may build consensus labels (a QA lead). */
  lead: boolean;
  building: boolean;
  onConsensus: () => void;
  onOpenImage: (imageId: string) => void;
  onAssignments: () => void;
  /** Errors and outcomes shown under the tools. */
  notice?: ReactNode;
}

/** The report as tables: every number comes from the report through agreementRows. */
export function AgreementReportView({
  view,
  threshold,
  onThreshold,
  loading,
  lead,
  building,
  onConsensus,
  onOpenImage,
  onAssignments,
  notice,
}: AgreementReportViewProps) {
  const [shown, setShown] = useState(PAGE);
  const rows = useMemo(() => {
    const { report, names } = view;
    return {
      cards: headlineCards(report),
      pairs: pairRows(report, names),
      annotators: annotatorRows(report, names),
      gold: hasGold(report),
      heatmap: classHeatmap(report, names),
      attributes: attributeRows(report, names),
      images: imageRows(report, names),
    };
  }, [view]);

  const thresholdControl = (
    <label className="agreement-threshold">
      Objects are the same at IoU ≥
      <input
        type="range"
        min={0.05}
        max={0.95}
        step={0.05}
        value={threshold}
        data-testid="agreement-iou-threshold"
        onChange={(e) => onThreshold(Math.round(Number(e.target.value) * 100) / 100)}
      />
      <output>{threshold.toFixed(2)}</output>
    </label>
  );

  const compared = view.report.overall.images;
  if (compared === 0)
    return (
      <section className="agreement" data-testid="agreement-empty">
        <p>
          No image has been labeled by two or more annotators yet
          {view.labeledImages > 0 ? ` (${view.labeledImages} images came back from one annotator each)` : ''}.
          Agreement compares people on the same images: hand out work with an overlap in the Assignments tab
          (overlap %), then import the bundles that come back.
        </p>
        <p>
          <button type="button" onClick={onAssignments}>
            Go to Assignments
          </button>
        </p>
      </section>
    );

  return (
    <section className="agreement" aria-busy={loading}>
      <div className="agreement-tools">
        {thresholdControl}
        {loading && <span className="muted small">Updating…</span>}
        <span className="spacer" />
        {lead && (
          <button
            type="button"
            className="primary"
            data-testid="consensus-button"
            disabled={building}
            onClick={onConsensus}
          >
            Build consensus labels for {compared} {compared === 1 ? 'image' : 'images'}
          </button>
        )}
      </div>
      {notice}
      <div className="agreement-cards">
        {rows.cards.map((card) => (
          <div className="agreement-card" key={card.id}>
            <span className="agreement-card-label">{card.label}</span>
            <strong data-testid={`agreement-${card.id}`} data-value={card.value}>
              {card.display}
            </strong>
            <span className="muted small">{card.over}</span>
            <span className="small">{card.reading}</span>
          </div>
        ))}
      </div>

      <h3>Pairs of annotators</h3>
      <p className="muted small">
        Precision and recall read the second annotator against the first; Cohen&apos;s κ is over objects both
        drew.
      </p>
      <table className="qa-table">
        <thead>
          <tr>
            <th>Annotators</th>
            <th className="num">Images</th>
            <th className="num">Objects</th>
            <th className="num">Precision</th>
            <th className="num">Recall</th>
            <th className="num">F1</th>
            <th className="num">Mean IoU</th>
            <th className="num">Cohen&apos;s κ</th>
          </tr>
        </thead>
        <tbody>
          {rows.pairs.map((pair) => (
            <tr key={pair.key} data-testid="agreement-pair-row">
              <td>
                {pair.a} · {pair.b}
              </td>
              <td className="num">{pair.images}</td>
              <td className="num">
                {pair.objectsA} · {pair.objectsB}
              </td>
              <td className="num">{formatRate(pair.precision)}</td>
              <td className="num">{formatRate(pair.recall)}</td>
              <td className="num">{formatRate(pair.f1)}</td>
              <td className="num">{formatRate(pair.meanIou)}</td>
              <td
                className="num"
                title={`over ${pair.kappaObjects} objects; ${kappaBand(pair.kappa) ?? 'no value'}`}
              >
                {formatRate(pair.kappa)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Annotators</h3>
      <table className="qa-table">
        <thead>
          <tr>
            <th>Annotator</th>
            <th className="num">Images</th>
            <th className="num">Shared images</th>
            <th className="num">Objects</th>
            <th className="num">F1 vs peers</th>
            <th className="num">Mean IoU</th>
            <th className="num">Class agreement</th>
            {rows.gold && (
              <>
                <th className="num">Gold images</th>
                <th className="num">Gold F1</th>
                <th className="num">Gold class accuracy</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.annotators.map((row) => (
            <tr key={row.annotator} data-testid="agreement-annotator-row">
              <td>{row.name}</td>
              <td className="num">{row.images}</td>
              <td className="num">{row.sharedImages}</td>
              <td className="num">{row.objects}</td>
              <td className="num">{formatRate(row.meanF1)}</td>
              <td className="num">{formatRate(row.meanIou)}</td>
              <td className="num">{formatPercent(row.classAgreement)}</td>
              {rows.gold && (
                <>
                  <td className="num">{row.goldImages ?? 0}</td>
                  <td className="num">{formatRate(row.goldF1)}</td>
                  <td className="num">{formatPercent(row.goldClassAccuracy)}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Classes</h3>
      <p className="muted small">
        Each cell: of the annotator&apos;s objects of the class, the share their peers drew and named the
        same.
      </p>
      <div className="agreement-heatmap-scroll">
        <table className="qa-table agreement-heatmap" data-testid="agreement-class-heatmap">
          <thead>
            <tr>
              <th>Class</th>
              <th className="num">Objects</th>
              <th className="num">F1</th>
              {rows.heatmap.annotators.map((a) => (
                <th key={a.id} className="num">
                  {a.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.heatmap.rows.map((row) => (
              <tr key={row.classId} data-testid="agreement-class-row">
                <td>{row.name}</td>
                <td className="num">{row.objects}</td>
                <td className="num">{formatRate(row.f1)}</td>
                {row.cells.map((cell, k) => (
                  <td
                    key={rows.heatmap.annotators[k]!.id}
                    className="num heat"
                    style={{ background: agreementColor(cell?.agreement ?? NaN) }}
                    title={cell ? `${cell.objects} objects` : 'No objects of this class'}
                    data-value={cell?.agreement ?? ''}
                  >
                    {cell ? formatPercent(cell.agreement) : ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {rows.attributes.length > 0 && (
        <>
          <h3>Attributes</h3>
          <table className="qa-table">
            <thead>
              <tr>
                <th>Attribute</th>
                <th className="num">Krippendorff&apos;s α</th>
                <th className="num">Same value</th>
                <th className="num">Pairs compared</th>
              </tr>
            </thead>
            <tbody>
              {rows.attributes.map((row) => (
                <tr key={row.attributeId} data-testid="agreement-attribute-row">
                  <td>{row.name}</td>
                  <td className="num">{formatRate(row.alpha)}</td>
                  <td className="num">{formatPercent(row.agreed)}</td>
                  <td className="num">{row.pairs}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <h3>Images, least agreement first</h3>
      <p className="muted small">
        Score is F1 × class agreement: missed objects and renamed objects both lower it. Click an image to
        open it; next and previous follow this list.
      </p>
      <table className="qa-table">
        <thead>
          <tr>
            <th>Image</th>
            <th>Annotators</th>
            <th className="num">Objects</th>
            <th className="num">Score</th>
            <th className="num">F1</th>
            <th className="num">Mean IoU</th>
            <th className="num">Class disagreements</th>
          </tr>
        </thead>
        <tbody>
          {rows.images.slice(0, shown).map((row) => (
            <tr
              key={row.imageId}
              className="clickable"
              data-testid="agreement-image-row"
              data-image-id={row.imageId}
              tabIndex={0}
              onClick={() => onOpenImage(row.imageId)}
              onKeyDown={(e) => e.key === 'Enter' && onOpenImage(row.imageId)}
            >
              <td>{row.fileName}</td>
              <td>{row.annotators}</td>
              <td className="num">{row.objects}</td>
              <td className="num">{formatRate(row.score)}</td>
              <td className="num">{formatRate(row.meanF1)}</td>
              <td className="num">{formatRate(row.meanIou)}</td>
              <td className="num">{row.classDisagreements}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.images.length > shown && (
        <button type="button" onClick={() => setShown((n) => n + PAGE)}>
          Show more ({rows.images.length - shown} left)
        </button>
      )}
    </section>
  );
}
