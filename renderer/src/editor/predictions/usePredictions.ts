/**
 * The predictions layer of the open image: runs of the project, their predictions on this image, what the
 * canvas draws, and the panel's callbacks (accept, reject, threshold, layers, compare, import).
 */

import { useEffect, useMemo, useState } from 'react';
import { parseCocoResults } from '../../../../src/core/formats/cocoResults';
import type { ImageId, ProjectId } from '../../../../src/core/ids';
import { predictionsAbove } from '../../../../src/core/predictions/accept';
import { newPredictionRun } from '../../../../src/core/predictions/runs';
import {
  decisionKey,
  type ImagePredictions,
  type PredictionDecision,
  type PredictionRun,
  type RunId,
} from '../../../../src/core/predictions/types';
import type { LabelLoopDatabase } from '../../db/database';
import { addPredictionRun, listRuns, predictionsFor } from '../../db/predictions';
import { newId } from '../../db/database';
import { currentSchema } from '../../db/schemas';
import type { PredictionLayer } from '../EditorCanvas';
import type { EditorStore } from '../store';
import type { PredictionsPanelProps, RunComparison } from './PredictionsPanel';

export function usePredictions(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  imageId: ImageId,
  decisions: Readonly<Record<string, PredictionDecision>>,
) {
  const [runs, setRuns] = useState<PredictionRun[]>([]);
  const [perImage, setPerImage] = useState<ImagePredictions[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [comparison, setComparison] = useState<RunComparison | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    void Promise.all([listRuns(db, projectId), predictionsFor(db, imageId)]).then(([r, p]) => {
      if (!live) return;
      setRuns(r);
      setPerImage(p.filter((x) => x.imageId === imageId));
    });
    return () => {
      live = false;
    };
  }, [db, projectId, imageId, version]);

  const layers: PredictionLayer[] = useMemo(
    () =>
      perImage.map((p) => ({
        runId: p.runId,
        predictions: p.predictions,
        decided: new Set(p.predictions.filter((x) => decisions[decisionKey(p.runId, x.id)]).map((x) => x.id)),
      })),
    [perImage, decisions],
  );

  /** Hides every run when any is shown, otherwise shows them all. */
  const toggleAll = (store: EditorStore) => {
    const { runs: shown } = store.getState().view;
    const anyShown = runs.some((run) => shown[run.id] !== false);
    store.actions.setView({ runs: Object.fromEntries(runs.map((run) => [run.id, !anyShown])) });
  };
  const compare: readonly [RunId, RunId] | null = comparison?.b ? [comparison.a, comparison.b] : null;

  const shownRuns = (store: EditorStore) =>
    perImage.filter((p) => store.getState().view.runs[p.runId] !== false);

  const acceptAllAbove = (store: EditorStore, runId?: RunId) => {
    const { view, history } = store.getState();
    const target = runId ? perImage.find((p) => p.runId === runId) : shownRuns(store)[0];
    if (!target || !history) return store.actions.notify('No predictions on this image');
    const above = predictionsAbove(
      target.predictions,
      view.threshold,
      history.present.decisions,
      target.runId,
    );
    if (above.length === 0)
      return store.actions.notify(`No undecided predictions at or above ${view.threshold.toFixed(2)}`);
    store.actions.acceptPredictions(target.runId, above);
  };

  const importFile = async (store: EditorStore, file: File) => {
    try {
      const text = await file.text();
      const results: unknown = JSON.parse(text);
      const schema = await currentSchema(db, projectId);
      if (!schema)
        return store.actions.notify('Define the annotation schema before importing predictions', 'error');
      const images = await db.images.where('projectId').equals(projectId).toArray();
      const parsed = parseCocoResults({
        results,
        images: images.map((i) => ({
          id: i.id,
          fileName: i.fileName,
          relPath: i.relPath,
          width: i.width,
          height: i.height,
        })),
        classes: schema.schema.classes,
      });
      if (!parsed.ok) return store.actions.notify(`${file.name}: ${parsed.reason}`, 'error');
      const { run, perImage: rows } = newPredictionRun(
        { id: newId<RunId>(), projectId, name: file.name, source: 'import', createdAt: Date.now() },
        parsed.images,
      );
      await addPredictionRun(db, run, rows);
      const { counts } = parsed;
      store.actions.notify(
        `Imported ${plural(counts.predictions, 'prediction')} on ${plural(counts.images, 'image')} from ${file.name}` +
          (counts.skipped > 0 ? `; skipped ${counts.skipped} (${parsed.problems[0]?.reason ?? ''})` : '') +
          (counts.unmapped > 0 ? `; ${counts.unmapped} of classes not in the schema` : ''),
        counts.skipped > 0 ? 'error' : 'info',
      );
      setVersion((v) => v + 1);
    } catch (error) {
      store.actions.notify(`${file.name}: ${(error as Error).message}`, 'error');
    }
  };

  const panelProps = (store: EditorStore): PredictionsPanelProps => {
    const { view } = store.getState();
    return {
      runs,
      predictions: perImage,
      schema: store.getState().session!.schema!,
      decisions,
      visibility: { groundTruth: view.groundTruth, predictions: view.runs as Record<RunId, boolean> },
      threshold: view.threshold,
      selectedPredictionId: selected,
      compare: comparison,
      onToggleLayer: (layer, visible) =>
        layer === 'groundTruth'
          ? store.actions.setView({ groundTruth: visible })
          : store.actions.setView({ runs: { ...store.getState().view.runs, [layer]: visible } }),
      onThreshold: (threshold) => store.actions.setView({ threshold }),
      onSelect: (runId, id) => setSelected(decisionKey(runId, id)),
      onAccept: (runId, ids) => {
        const wanted = new Set(ids);
        const list =
          perImage.find((p) => p.runId === runId)?.predictions.filter((p) => wanted.has(p.id)) ?? [];
        store.actions.acceptPredictions(runId, list);
      },
      onReject: (runId, ids) => store.actions.rejectPredictions(runId, ids),
      onAcceptAllAbove: (runId) => acceptAllAbove(store, runId),
      onCompare: (a, b) =>
        setComparison(b === null && a === comparison?.a && !comparison.b ? null : { a, b }),
      onImport: (file) => void importFile(store, file),
    };
  };

  return {
    runs,
    layers,
    /** The selected prediction's own id (the canvas draws it emphasised). */
    selectedId: selected === null ? undefined : selected.slice(selected.indexOf('/') + 1),
    compare,
    toggleAll,
    acceptAllAbove,
    panelProps,
    closeCompare: () => setComparison(null),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
