/**
 * The Data quality screen's data, held in its worker: image and object rows with every measured field,
 * class balance, "more like this" and the hard-sample queue, computed once per load and then answered
 * from memory.
 */

import type { ImageAnnotations } from '../../../src/core/annotations/types';
import type { ImageRecord } from '../../../src/core/images/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import {
  detectionUncertainty,
  classificationUncertainty,
  runDisagreement,
  type Detection,
} from '../../../src/core/mining/uncertainty';
import { nearestByEmbedding, nearestByHash, vectorSet } from '../../../src/core/mining/similarity';
import { EMBEDDING_NEAR_DUPLICATE_BITS, embeddingSignatures } from '../../../src/core/mining/signatures';
import type { ImagePredictions, PredictionRun, RunId } from '../../../src/core/predictions/types';
import { classBalance } from '../../../src/core/quality/objectStats';
import { nearDuplicateGroups } from '../../../src/core/versions/groups';
import { geometryBounds, isEmptyBounds } from '../../../src/core/geometry/shapes';
import type { LabelLoopDatabase } from '../db/database';
import { latestEvaluation } from '../db/evaluations';
import { currentSchema } from '../db/schemas';
import {
  imageRows,
  objectRows,
  queryRows,
  type ImageField,
  type ImageRow,
  type ObjectField,
  type ObjectRow,
  type RowQuery,
} from './qualityRows';

export interface QualityOverview {
  readonly images: number;
  readonly objects: number;
  /** Images whose brightness, contrast and sharpness are measured (imported before that: see "Measure"). */
  readonly measured: number;
  readonly hashed: number;
  readonly nearDuplicateGroups: number;
  readonly classBalance: readonly { classId: string; name: string; objects: number; images: number }[];
  readonly mistakennessFrom: { runId: RunId; createdAt: number } | null;
  /** Runs usable as a queue (predictions) and for "more like this" (embeddings). */
  readonly runs: readonly { id: RunId; name: string; embeddings: boolean }[];
}

export interface SimilarImages {
  readonly method: 'embedding' | 'perceptual hash';
  readonly runName?: string;
  readonly rows: readonly { imageId: ImageId; fileName: string; distance: number }[];
}

export interface HardSample {
  readonly imageId: ImageId;
  readonly fileName: string;
  readonly score: number;
  readonly detail: string;
}

const boxOf = (p: ImagePredictions['predictions'][number]): Detection['box'] | undefined => {
  const b = geometryBounds(p.geometry);
  return isEmptyBounds(b) ? undefined : [b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY];
};

/** Groups of two or more images. */
function countGroups(groups: ReadonlyMap<ImageId, string>): number {
  const sizes = new Map<string, number>();
  for (const group of groups.values()) sizes.set(group, (sizes.get(group) ?? 0) + 1);
  return [...sizes.values()].filter((n) => n > 1).length;
}

/** Counts of `values` in `bins` equal bins from their smallest to their largest. */
function binned(values: readonly number[], bins: number) {
  if (values.length === 0) return { bins: [], counts: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  return {
    // When every value is equal the bins are 1 wide from it: the last then ends past `max`, not at it.
    bins: counts.map((_, i) => ({
      from: min + i * width,
      to: i === bins - 1 && max > min ? max : min + (i + 1) * width,
    })),
    counts,
  };
}

export function createQualitySession(db: LabelLoopDatabase) {
  let state:
    | {
        projectId: ProjectId;
        images: ImageRecord[];
        byId: Map<ImageId, ImageRecord>;
        imageRows: ImageRow[];
        objectRows: ObjectRow[];
        runs: PredictionRun[];
      }
    | undefined;
  // Embedding sets are large (100,000 × 512 floats): built once per run and kept.
  const embeddings = new Map<RunId, { imageIds: ImageId[]; set: ReturnType<typeof vectorSet> }>();
  const embeddingsOf = async (runId: RunId) => {
    let cached = embeddings.get(runId);
    if (!cached) {
      const rows = (await db.runImages.where('runId').equals(runId).toArray()).filter((r) => r.embedding);
      cached = { imageIds: rows.map((r) => r.imageId), set: vectorSet(rows.map((r) => r.embedding!)) };
      embeddings.set(runId, cached);
    }
    return cached;
  };
  const loaded = () => {
    if (!state) throw new Error('The project is not loaded yet.');
    return state;
  };

  const predictionsOf = async (runId: RunId) => {
    const rows = await db.predictions.where('runId').equals(runId).toArray();
    return new Map(rows.map((row) => [row.imageId, row]));
  };

  return {
    async load(projectId: ProjectId, mistakennessRun?: RunId): Promise<QualityOverview> {
      embeddings.clear();
      const images = await db.images.where('projectId').equals(projectId).toArray();
      images.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
      const records = await db.annotations.bulkGet(images.map((i) => i.id));
      const labels = new Map<ImageId, ImageAnnotations>();
      records.forEach((r) => r && labels.set(r.imageId, r));
      const schema = await currentSchema(db, projectId);
      const classNames = new Map((schema?.schema.classes ?? []).map((c) => [c.id, c.name]));
      const hashed = images.flatMap((i) => (i.dhash ? [{ imageId: i.id, dhash: i.dhash }] : []));
      const groups = nearDuplicateGroups(hashed).groups as Map<ImageId, string>;
      const runs = (await db.predictionRuns.where('projectId').equals(projectId).toArray()).sort(
        (a, b) => b.createdAt - a.createdAt,
      );
      const evaluated = mistakennessRun ?? runs.find((r) => r.source === 'model')?.id;
      const evaluation = evaluated ? await latestEvaluation(db, projectId, evaluated) : undefined;
      const mistakenness = evaluation?.imageMistakenness
        ? new Map(Object.entries(evaluation.imageMistakenness) as [ImageId, number][])
        : undefined;
      // Near-duplicates by embedding too, when an embedding run exists (signatures: src/core/mining/signatures.ts).
      const embeddingRun = runs.find((r) => r.model?.task === 'embed');
      let embeddingGroups = new Map<ImageId, string>();
      if (embeddingRun) {
        const { imageIds, set } = await embeddingsOf(embeddingRun.id);
        const signatures = embeddingSignatures(set);
        embeddingGroups = nearDuplicateGroups(
          imageIds.map((imageId, i) => ({ imageId, dhash: signatures[i]! })),
          EMBEDDING_NEAR_DUPLICATE_BITS,
        ).groups as Map<ImageId, string>;
      }
      // The images the evaluation covered: a model run's finished images, or every image for an import.
      let covered: Set<ImageId> | undefined;
      const evaluatedRun = runs.find((r) => r.id === evaluated);
      if (evaluation && evaluatedRun?.source === 'model')
        covered = new Set(
          (await db.runImages.where('runId').equals(evaluatedRun.id).toArray())
            .filter((row) => row.error === undefined)
            .map((row) => row.imageId),
        );
      const rowsOfImages = imageRows(images, labels, groups, mistakenness, embeddingGroups, covered);
      const rowsOfObjects = objectRows(images, labels, classNames);
      state = {
        projectId,
        images,
        byId: new Map(images.map((i) => [i.id, i])),
        imageRows: rowsOfImages,
        objectRows: rowsOfObjects,
        runs,
      };
      const balance = classBalance([...labels.values()]);
      const embeddingRuns = new Set(runs.filter((r) => r.model?.task === 'embed').map((r) => r.id));
      return {
        images: images.length,
        objects: rowsOfObjects.length,
        measured: images.filter((i) => i.quality !== undefined).length,
        hashed: hashed.length,
        nearDuplicateGroups: countGroups(groups),
        classBalance: [...balance.entries()]
          .map(([classId, counts]) => ({ classId, name: classNames.get(classId) ?? classId, ...counts }))
          .sort((a, b) => b.objects - a.objects || b.images - a.images),
        mistakennessFrom:
          evaluation && evaluated ? { runId: evaluated, createdAt: evaluation.createdAt } : null,
        runs: runs.map((r) => ({ id: r.id, name: r.name, embeddings: embeddingRuns.has(r.id) })),
      };
    },

    images(query: RowQuery<ImageField | 'fileName'>) {
      return queryRows(loaded().imageRows, query);
    },

    objects(query: RowQuery<ObjectField | 'className' | 'fileName'>) {
      return queryRows(loaded().objectRows, query);
    },

    /** Every object row, for "more like this" on the page (crop hashes need the host, which workers lack). */
    allObjects() {
      return loaded().objectRows;
    },

    /** The distribution of one numeric field over all image or object rows, in 20 bins. */
    histogram(of: 'images' | 'objects', field: string) {
      const rows: readonly object[] = of === 'images' ? loaded().imageRows : loaded().objectRows;
      const values: number[] = [];
      for (const row of rows) {
        const v = (row as Record<string, unknown>)[field];
        if (typeof v === 'number' && Number.isFinite(v)) values.push(v);
      }
      return binned(values, 20);
    },

    /**
     * The images most like one: nearest embeddings from the newest embedding run that covered it, else the
     * nearest perceptual hashes (dHash, Hamming distance in bits).
     */
    async similar(imageId: ImageId, k = 24): Promise<SimilarImages> {
      const { runs, images, byId } = loaded();
      for (const run of runs.filter((r) => r.model?.task === 'embed')) {
        const { imageIds, set } = await embeddingsOf(run.id);
        const at = imageIds.indexOf(imageId);
        if (at < 0) continue;
        return {
          method: 'embedding',
          runName: run.name,
          rows: nearestByEmbedding(set, at, k).map(({ index, distance }) => ({
            imageId: imageIds[index]!,
            fileName: byId.get(imageIds[index]!)?.fileName ?? '',
            distance,
          })),
        };
      }
      const at = images.findIndex((i) => i.id === imageId);
      if (at < 0) throw new Error('That image is not in the project.');
      if (!images[at]!.dhash)
        throw new Error('This image has no perceptual hash yet, and no embedding run covers it.');
      return {
        method: 'perceptual hash',
        rows: nearestByHash(
          images.map((i) => i.dhash),
          at,
          k,
        ).map(({ index, distance }) => ({
          imageId: images[index]!.id,
          fileName: images[index]!.fileName,
          distance,
        })),
      };
    },

    /**
     * The next annotation queue: images where the run is least sure (detectors: summed entropy of the
     * confidences; classifiers: 1 − the margin between the top two classes), or, given a second run, where
     * the two runs disagree most (1 − F1 of matching one against the other).
     */
    async hardSamples(runId: RunId, otherRunId?: RunId, limit = 500): Promise<HardSample[]> {
      const { byId } = loaded();
      const first = await predictionsOf(runId);
      const rows: HardSample[] = [];
      if (otherRunId) {
        const second = await predictionsOf(otherRunId);
        const detections = (p: ImagePredictions | undefined): Detection[] =>
          (p?.predictions ?? []).flatMap((d) => {
            const box = boxOf(d);
            return box && d.classId !== null ? [{ classId: d.classId, box, score: d.score }] : [];
          });
        for (const imageId of new Set([...first.keys(), ...second.keys()])) {
          const a = detections(first.get(imageId));
          const b = detections(second.get(imageId));
          const score = runDisagreement(a, b);
          if (byId.has(imageId))
            rows.push({
              imageId,
              fileName: byId.get(imageId)!.fileName,
              score,
              detail: `${a.length} vs ${b.length} objects`,
            });
        }
      } else {
        for (const [imageId, p] of first) {
          const image = byId.get(imageId);
          if (!image) continue;
          if (p.tags && p.tags.length > 0) {
            const u = classificationUncertainty(p.tags.map((t) => t.score));
            rows.push({
              imageId,
              fileName: image.fileName,
              score: u.score,
              detail: `margin ${u.margin.toFixed(2)}`,
            });
          } else {
            const u = detectionUncertainty(p.predictions.map((d) => d.score));
            rows.push({
              imageId,
              fileName: image.fileName,
              score: u.score,
              detail: `${u.ambiguous} ambiguous of ${p.predictions.length}`,
            });
          }
        }
      }
      return rows.sort((a, b) => b.score - a.score || (a.fileName < b.fileName ? -1 : 1)).slice(0, limit);
    },
  };
}

export type QualitySession = ReturnType<typeof createQualitySession>;
