/**
 * The predictions layer of the open image: runs of the project, their predictions on this image, what the
 * canvas draws, and the panel's callbacks (accept, reject, threshold, layers, compare, import).
 */

import { useEffect, useMemo, useState } from 'react';
import {
  parseCocoResults,
  type CocoResults,
  type LabelMapping,
} from '../../../../src/core/formats/cocoResults';
import type { LabelClass } from '../../../../src/core/schema/types';
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
  const [pending, setPending] = useState<PendingImport | null>(null);
  const [loadedImage, setLoadedImage] = useState<ImageId | null>(null);

  useEffect(() => {
    let live = true;
    // Nothing of the previous image may show (or be accepted) while this one's predictions load.
    setPerImage([]);
    setSelected(null);
    void Promise.all([listRuns(db, projectId), predictionsFor(db, imageId)]).then(([r, p]) => {
      if (!live) return;
      setRuns(r);
      setPerImage(p.filter((x) => x.imageId === imageId));
      setLoadedImage(imageId);
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
    const shown = shownRuns(store);
    const selectedRun = selected?.slice(0, selected.indexOf('/'));
    const target = runId
      ? perImage.find((p) => p.runId === runId)
      : shown.length === 1
        ? shown[0]
        : shown.find((p) => p.runId === selectedRun);
    if (!runId && shown.length > 1 && !target)
      return store.actions.notify(
        'Several runs are shown: show one, or select one of its predictions, to accept all from it',
      );
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

  /** Parses a results file; stores it at once when every class maps, otherwise asks for a mapping first. */
  const importFile = async (store: EditorStore, file: File) => {
    try {
      const results: unknown = JSON.parse(await file.text());
      const schema = await currentSchema(db, projectId);
      if (!schema)
        return store.actions.notify('Define the annotation schema before importing predictions', 'error');
      const remembered = ((await db.settings.get(mapKey(projectId)))?.value ?? {}) as Record<
        string,
        string | null
      >;
      const parsed = await parseFor(results, schema.schema.classes, remembered);
      if (!parsed.ok) return store.actions.notify(`${file.name}: ${parsed.reason}`, 'error');
      const unmapped = parsed.labels.filter((l) => l.classId === null && !Object.hasOwn(remembered, l.label));
      if (unmapped.length > 0) {
        setPending({ fileName: file.name, results, labels: parsed.labels, classes: schema.schema.classes });
        return;
      }
      await store.actions.flush();
      await storeRun(store, file.name, parsed);
    } catch (error) {
      store.actions.notify(`${file.name}: ${(error as Error).message}`, 'error');
    }
  };

  const parseFor = async (
    results: unknown,
    classes: readonly LabelClass[],
    classMap: Readonly<Record<string, string | null>>,
  ) => {
    const images = await db.images.where('projectId').equals(projectId).toArray();
    return parseCocoResults({
      results,
      images: images.map((i) => ({
        id: i.id,
        fileName: i.fileName,
        relPath: i.relPath,
        width: i.width,
        height: i.height,
      })),
      classes,
      classMap,
    });
  };

  const storeRun = async (store: EditorStore, fileName: string, parsed: CocoResults) => {
    const { run, perImage: rows } = newPredictionRun(
      { id: newId<RunId>(), projectId, name: fileName, source: 'import', createdAt: Date.now() },
      parsed.images,
    );
    await addPredictionRun(db, run, rows);
    const { counts } = parsed;
    store.actions.notify(
      `Imported ${plural(counts.predictions, 'prediction')} on ${plural(counts.images, 'image')} from ${fileName}` +
        (counts.skipped > 0 ? `; skipped ${counts.skipped} (${parsed.problems[0]?.reason ?? ''})` : '') +
        (counts.unmapped > 0 ? `; ${counts.unmapped} of classes not mapped to the schema` : ''),
      counts.skipped > 0 ? 'error' : 'info',
    );
    setVersion((v) => v + 1);
  };

  /** The mapping the user chose: remembered for the project's next imports, then the run is stored. */
  const confirmMapping = async (store: EditorStore, classMap: Record<string, string | null>) => {
    if (!pending) return;
    const { fileName, results, classes } = pending;
    setPending(null);
    const previous = ((await db.settings.get(mapKey(projectId)))?.value ?? {}) as Record<
      string,
      string | null
    >;
    await db.settings.put({ key: mapKey(projectId), value: { ...previous, ...classMap } });
    const parsed = await parseFor(results, classes, classMap);
    if (!parsed.ok) return store.actions.notify(`${fileName}: ${parsed.reason}`, 'error');
    await storeRun(store, fileName, parsed);
  };

  /** What `.` and `,` step through: undecided predictions at or above the threshold of the shown runs, best first. */
  const reviewable = (store: EditorStore) => {
    const { view, history } = store.getState();
    const decided = history?.present.decisions ?? {};
    return shownRuns(store)
      .flatMap((p) =>
        predictionsAbove(p.predictions, view.threshold, decided, p.runId).map((prediction) => ({
          runId: p.runId,
          prediction,
        })),
      )
      .sort((a, b) => b.prediction.score - a.prediction.score);
  };

  /** Selects the next (or previous) prediction to review; from none, the best one. */
  const selectStep = (store: EditorStore, step: 1 | -1) => {
    const list = reviewable(store);
    if (list.length === 0) return store.actions.notify('No predictions left to review at this threshold');
    const at = list.findIndex((item) => decisionKey(item.runId, item.prediction.id) === selected);
    const next = list[at < 0 ? 0 : (at + step + list.length) % list.length]!;
    setSelected(decisionKey(next.runId, next.prediction.id));
  };

  /** Accepts or rejects the selected prediction, then moves on to the next one. */
  const decideSelected = (store: EditorStore, decision: 'accept' | 'reject') => {
    const list = reviewable(store);
    const at = list.findIndex((item) => decisionKey(item.runId, item.prediction.id) === selected);
    if (at < 0) return store.actions.notify('Select a prediction first (. and , step through them)');
    const { runId, prediction } = list[at]!;
    if (decision === 'accept') store.actions.acceptPredictions(runId, [prediction]);
    else store.actions.rejectPredictions(runId, [prediction.id]);
    const following = list[at + 1] ?? list[at - 1];
    setSelected(following ? decisionKey(following.runId, following.prediction.id) : null);
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
      imageTags: store.getState().history?.present.record.tags ?? [],
      onAddTag: (classId) => {
        if (!store.getState().history?.present.record.tags.includes(classId))
          store.actions.toggleTag(classId);
      },
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
    selectStep,
    decideSelected,
    panelProps,
    closeCompare: () => setComparison(null),
    /** The image whose predictions are loaded (null while loading the first). */
    loadedImage,
    select: (runId: RunId, id: string) => setSelected(decisionKey(runId, id)),
    /** The class-mapping step of an import waiting for the user, or null. */
    mapping: pending,
    confirmMapping,
    cancelMapping: () => setPending(null),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Settings key of the class mapping remembered per project (source class name → schema class id or null). */
const mapKey = (projectId: ProjectId) => `predictionClassMap:${projectId}`;

interface PendingImport {
  readonly fileName: string;
  readonly results: unknown;
  readonly labels: readonly LabelMapping[];
  readonly classes: readonly LabelClass[];
}
