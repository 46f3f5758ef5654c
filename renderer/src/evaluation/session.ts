/**
 * One evaluation held in memory (in the evaluation worker): evaluate a run against the labels once, then
 * change thresholds and list the objects behind any number without reading or matching again.
 */

import { scoreSweep } from '../../../src/core/evaluation/curves';
import { evaluate, type Evaluation } from '../../../src/core/evaluation/evaluate';
import type { ObjectOutcomes } from '../../../src/core/evaluation/failures';
import { imageMistakenness, labelErrors } from '../../../src/core/evaluation/mining';
import { COCO_AREA_RANGES, TINY_RELATIVE_RANGE } from '../../../src/core/evaluation/params';
import {
  queryObjects,
  summaryAt,
  type EvaluationSummary,
  type ObjectQuery,
  type ObjectRow,
} from '../../../src/core/evaluation/report';
import type { Box } from '../../../src/core/evaluation/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { RunId } from '../../../src/core/predictions/types';
import type { LabelLoopDatabase } from '../db/database';
import { loadEvaluationInput, objectKey, saveEvaluation, type EvaluationRefs } from '../db/evaluations';

export interface EvaluateRequest {
  readonly projectId: ProjectId;
  readonly runId: RunId;
  /** Match polygons by mask IoU instead of boxes. */
  readonly masks: boolean;
  readonly iouIndex: number;
  /** Undefined: the run's best-F1 threshold. */
  readonly scoreThreshold?: number;
  readonly now: number;
}

export interface EvaluationView {
  readonly summary: EvaluationSummary;
  readonly skipped: { readonly annotations: number; readonly predictions: number };
  readonly elapsedMs: number;
}

/** One object of a failure list, named the way the editor and the tag store know it. */
export interface ObjectItem {
  readonly kind: ObjectRow['kind'];
  readonly imageId: ImageId;
  readonly fileName: string;
  readonly image: EvaluationRefs['images'][number];
  readonly gt?: {
    readonly annotationId: string;
    readonly classId: string;
    readonly className: string;
    readonly box: Box;
  };
  readonly pred?: {
    readonly predictionId: string;
    readonly classId: string;
    readonly className: string;
    readonly box: Box;
    readonly score: number;
  };
  readonly iou: number;
  readonly reason: string;
  readonly mistakenness?: number;
  /** The key tags are stored under: the labelled object when there is one, else the prediction. */
  readonly tagKey: string;
}

/** Each image's largest label-error score, keyed by image id (images without candidates left out). */
function mistakennessByImage(evaluation: Evaluation, outcomes: ObjectOutcomes, refs: EvaluationRefs) {
  const scores = imageMistakenness(evaluation.input.images.length, labelErrors(evaluation, outcomes));
  const byImage: Record<string, number> = {};
  scores.forEach((score, i) => {
    if (score > 0) byImage[refs.images[i]!.id] = score;
  });
  return byImage;
}

export function createEvaluationSession(db: LabelLoopDatabase) {
  let current:
    { evaluation: Evaluation; refs: EvaluationRefs; outcomes: ObjectOutcomes; iouIndex: number } | undefined;

  const classNameOf = (classId: string) =>
    current?.evaluation.categories.find((c) => c.id === classId)?.name ?? classId;

  const item = (row: ObjectRow): ObjectItem => {
    const { evaluation, refs } = current!;
    const image = refs.images[row.image]!;
    const gtObject = row.gt >= 0 ? evaluation.input.groundTruth[row.gt]! : undefined;
    const predObject = row.pred >= 0 ? evaluation.input.predictions[row.pred]! : undefined;
    const gt = gtObject && {
      annotationId: refs.annotations[row.gt]!.id,
      classId: String(gtObject.categoryId),
      className: classNameOf(String(gtObject.categoryId)),
      box: gtObject.bbox,
    };
    const pred = predObject && {
      predictionId: refs.predictions[row.pred]!.id,
      classId: String(predObject.categoryId),
      className: classNameOf(String(predObject.categoryId)),
      box: predObject.bbox,
      score: predObject.score,
    };
    return {
      kind: row.kind,
      imageId: image.id,
      fileName: image.fileName,
      image,
      ...(gt ? { gt } : {}),
      ...(pred ? { pred } : {}),
      iou: row.iou,
      reason: row.reason,
      ...(row.mistakenness === undefined ? {} : { mistakenness: row.mistakenness }),
      tagKey: gt
        ? objectKey.annotation(gt.annotationId)
        : objectKey.prediction(refs.runId, pred!.predictionId),
    };
  };

  return {
    async evaluate(request: EvaluateRequest): Promise<EvaluationView> {
      const started = performance.now();
      const loaded = await loadEvaluationInput(db, request.projectId, request.runId, request.masks);
      const evaluation = evaluate(loaded.input, {
        iouType: request.masks ? 'segm' : 'bbox',
        areaRanges: [...COCO_AREA_RANGES, TINY_RELATIVE_RANGE],
      });
      let scoreThreshold = request.scoreThreshold;
      if (scoreThreshold === undefined) {
        // No threshold chosen yet: start at the one with the best F1 over all classes.
        scoreThreshold = scoreSweep(evaluation, request.iouIndex).best?.threshold ?? 0.5;
      }
      const { outcomes, summary } = summaryAt(evaluation, request.iouIndex, scoreThreshold);
      current = { evaluation, refs: loaded.refs, outcomes, iouIndex: request.iouIndex };
      await saveEvaluation(db, {
        projectId: request.projectId,
        runId: request.runId,
        createdAt: request.now,
        masks: request.masks,
        iouThreshold: evaluation.params.iouThresholds[request.iouIndex]!,
        scoreThreshold,
        stats: evaluation.stats,
        total: outcomes.total,
        imageCount: loaded.input.images.length,
        imageMistakenness: mistakennessByImage(evaluation, outcomes, loaded.refs),
      });
      return { summary, skipped: loaded.skipped, elapsedMs: performance.now() - started };
    },

    /** New thresholds on the evaluation held: no reading, no matching. */
    threshold(iouIndex: number, scoreThreshold: number): EvaluationSummary {
      if (!current) throw new Error('Nothing has been evaluated yet.');
      const { outcomes, summary } = summaryAt(current.evaluation, iouIndex, scoreThreshold);
      current = { ...current, outcomes, iouIndex };
      return summary;
    },

    /**
     * A page of the objects behind a list, cell or bar; with `tagged` (tag keys, `objectKey`), only objects
     * whose own key or whose image's key is among them, counted over the whole list.
     */
    objects(query: ObjectQuery, tagged?: readonly string[]): { items: ObjectItem[]; total: number } {
      if (!current) throw new Error('Nothing has been evaluated yet.');
      if (!tagged) {
        const { rows, total } = queryObjects(current.evaluation, current.outcomes, query);
        return { items: rows.map(item), total };
      }
      const { refs } = current;
      const keys = new Set(tagged);
      const { offset = 0, limit = 200, ...unpaged } = query;
      const all = queryObjects(current.evaluation, current.outcomes, { ...unpaged, limit: Infinity }).rows;
      const kept = all.filter((row) => {
        const own =
          row.gt >= 0
            ? objectKey.annotation(refs.annotations[row.gt]!.id)
            : objectKey.prediction(refs.runId, refs.predictions[row.pred]!.id);
        return keys.has(own) || keys.has(objectKey.image(refs.images[row.image]!.id));
      });
      return { items: kept.slice(offset, offset + limit).map(item), total: kept.length };
    },
  };
}

export type EvaluationSession = ReturnType<typeof createEvaluationSession>;
