/**
 * Consistency checks over the whole project, one chip per check with its count: picking one lists its
 * findings; a finding opens its image with the object selected, and "Review these images" walks them all.
 */

import { useEffect, useMemo, useState } from 'react';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { CheckId } from '../../../src/core/qa/consistency';
import { useUi } from '../state/ui';
import './agreement.css';
import { checkChips, findingRows, reviewQueue, type FindingRow } from './consistencyRows';
import type { ConsistencyView } from './qaProtocol';
import { qaWorker } from './qaWorker';

/** Finding rows drawn at once; "Show more" adds as many again. */
const PAGE = 200;

export function ConsistencyTab({ projectId }: { projectId: ProjectId }) {
  const worker = useMemo(() => qaWorker(), []);
  const navigate = useUi((s) => s.navigate);
  const dataVersion = useUi((s) => s.dataVersion);
  // A new snapshot per visit too: not every change to returned labels bumps the data version.
  const [opened] = useState(() => Date.now());
  const [view, setView] = useState<ConsistencyView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<CheckId | null>(null);

  useEffect(() => {
    let live = true;
    worker.consistency(projectId, `${opened}:${dataVersion}`).then(
      (v) => {
        if (!live) return;
        setView(v);
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [worker, projectId, opened, dataVersion]);

  const open = (queue: readonly string[], imageId: string, annotationId?: string) => {
    const ui = useUi.getState();
    ui.setViewOrder(queue as ImageId[]);
    ui.setFocus({
      imageId: imageId as ImageId,
      ...(annotationId === undefined ? {} : { annotationId }),
      back: { label: 'Consistency', route: { page: 'qa', projectId, tab: 'consistency' } },
    });
    navigate({ page: 'image', projectId, imageId: imageId as ImageId });
  };

  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!view) return <p className="muted">Checking every image…</p>;

  return <ConsistencyReportView view={view} check={check} onPick={setCheck} onOpen={open} />;
}

/** The report as check chips and finding tables; every count comes from the report. */
export function ConsistencyReportView({
  view,
  check,
  onPick,
  onOpen,
}: {
  view: ConsistencyView;
  /** The picked check; the first with findings until one is picked. */
  check: CheckId | null;
  onPick: (check: CheckId) => void;
  /** Opens an image (with an object selected) with `queue` as the editor's order. */
  onOpen: (queue: readonly string[], imageId: string, annotationId?: string) => void;
}) {
  const [shown, setShown] = useState(PAGE);
  const chips = useMemo(() => checkChips(view.counts), [view]);
  // Until the person picks a check, show the first one with findings.
  const picked = check ?? chips.find((chip) => chip.count > 0)?.id ?? null;
  const rows = useMemo(
    () => (picked ? findingRows(view.findings, picked, view.names) : { images: [], annotators: [] }),
    [view, picked],
  );
  const queue = useMemo(() => reviewQueue(rows.images), [rows]);
  const most = Math.max(1, ...chips.map((chip) => chip.count));

  const open = (imageId: string, annotationId?: string) => onOpen(queue, imageId, annotationId);

  const total = chips.reduce((sum, chip) => sum + chip.count, 0);
  const current = chips.find((chip) => chip.id === picked);
  return (
    <section className="consistency">
      <p className="muted small">
        {total === 0
          ? `No findings over ${view.images} images.`
          : `${total} findings over ${view.images} images. Pick a check to list them.`}
        {!view.hasSchema && ' The minimum-size and required-attribute checks need a schema.'}
      </p>
      <ul className="consistency-checks" aria-label="Checks">
        {chips.map((chip) => (
          <li key={chip.id}>
            <button
              type="button"
              className={`consistency-chip severity-${chip.severity}${chip.id === picked ? ' selected' : ''}`}
              aria-pressed={chip.id === picked}
              data-testid="consistency-check"
              data-check={chip.id}
              data-value={chip.count}
              title={chip.explanation}
              disabled={chip.count === 0}
              onClick={() => {
                onPick(chip.id);
                setShown(PAGE);
              }}
            >
              <span className="consistency-chip-title">{chip.title}</span>
              <span className="consistency-chip-bar">
                <span style={{ width: `${(chip.count / most) * 100}%` }} />
              </span>
              <span className="consistency-chip-count">{chip.count}</span>
            </button>
          </li>
        ))}
      </ul>

      {current && (
        <div className="consistency-findings">
          <h3>
            {current.title} <span className="muted small">{current.explanation}</span>
          </h3>
          {rows.images.length > 0 && (
            <p>
              <button
                type="button"
                className="primary"
                data-testid="consistency-review"
                onClick={() => open(queue[0]!, rows.images[0]!.annotationIds[0])}
              >
                {queue.length === 1 ? 'Review this image' : `Review these ${queue.length} images`}
              </button>
            </p>
          )}
          {rows.images.length > 0 && (
            <FindingTable rows={rows.images.slice(0, shown)} onOpen={open} withImage />
          )}
          {rows.images.length > shown && (
            <button type="button" onClick={() => setShown((n) => n + PAGE)}>
              Show more ({rows.images.length - shown} left)
            </button>
          )}
          {rows.annotators.length > 0 && (
            <>
              <h3>About annotators</h3>
              <p className="muted small">
                Compared with peers on images several people labeled; not tied to one image.
              </p>
              <FindingTable rows={rows.annotators} onOpen={open} withImage={false} />
            </>
          )}
        </div>
      )}
    </section>
  );
}

function FindingTable({
  rows,
  onOpen,
  withImage,
}: {
  rows: readonly FindingRow[];
  onOpen: (imageId: string, annotationId?: string) => void;
  withImage: boolean;
}) {
  return (
    <table className="qa-table">
      <thead>
        <tr>
          {withImage && <th>Image</th>}
          <th>Finding</th>
          <th>Annotator</th>
          <th className="num">Measure</th>
          {withImage && <th>Objects</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.key}
            data-testid="consistency-finding-row"
            data-image-id={row.imageId ?? ''}
            className={`severity-${row.severity}`}
          >
            {withImage && (
              <td>
                {row.imageId !== undefined && (
                  <button type="button" className="link" onClick={() => onOpen(row.imageId!)}>
                    {row.fileName}
                  </button>
                )}
                {row.otherImageId !== undefined && (
                  <>
                    {' ↔ '}
                    <button type="button" className="link" onClick={() => onOpen(row.otherImageId!)}>
                      {row.otherFileName}
                    </button>
                  </>
                )}
              </td>
            )}
            <td>{row.message}</td>
            <td>{row.annotator}</td>
            <td className="num">{row.value}</td>
            {withImage && (
              <td>
                {row.imageId !== undefined &&
                  row.annotationIds.map((annotationId, k) => (
                    <button
                      key={annotationId}
                      type="button"
                      className="link"
                      data-testid="consistency-object"
                      onClick={() => onOpen(row.imageId!, annotationId)}
                    >
                      {row.annotationIds.length === 1 ? 'Select object' : `Object ${k + 1}`}
                    </button>
                  ))}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
