/** The numbers of a QA report as CSV files, one per table, for spreadsheets; also the RFC 4180 quoting the audit export uses. */

import { trendMetrics, type QaReportData } from './report';

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. NaN and infinities are empty. */
export function csvField(value: string | number): string {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, ended by CRLF as RFC 4180 asks. */
export const csvRow = (fields: readonly (string | number)[]): string =>
  `${fields.map(csvField).join(',')}\r\n`;

const csv = (header: readonly string[], rows: readonly (readonly (string | number)[])[]): string =>
  [header, ...rows].map(csvRow).join('');

/**
 * File name → CSV text: throughput, reviews, rejection reasons and consistency always; agreement pairs, the
 * class × annotator agreement (one row per cell), gold, trends and sampling when the report has them.
 */
export function reportCsv(data: QaReportData): Record<string, string> {
  const files: Record<string, string> = {
    'throughput.csv': csv(
      ['annotator', 'images', 'objects', 'hours', 'images_per_hour'],
      data.throughput.map((r) => [r.annotator, r.images, r.objects, r.hours, r.imagesPerHour]),
    ),
    'reviews.csv': csv(
      ['reviewed', 'accepted', 'rejected', 'rejection_rate'],
      [[data.reviews.reviewed, data.reviews.accepted, data.reviews.rejected, data.reviews.rejectionRate]],
    ),
    'rejection-reasons.csv': csv(
      ['reason', 'count'],
      data.reviews.reasons.map((r) => [r.label, r.count]),
    ),
    'consistency.csv': csv(
      ['check', 'title', 'count'],
      data.consistency.map((r) => [r.check, r.title, r.count]),
    ),
  };
  if (data.agreement !== undefined) {
    const { pairs, classByAnnotator: grid, fleissKappa, alpha } = data.agreement;
    files['agreement.csv'] = csv(
      ['annotator_a', 'annotator_b', 'images', 'f1', 'mean_iou', 'kappa'],
      pairs.map((p) => [p.a, p.b, p.images, p.f1, p.meanIou, p.kappa]),
    );
    files['agreement-overall.csv'] = csv(['fleiss_kappa', 'krippendorff_alpha'], [[fleissKappa, alpha]]);
    files['agreement-by-class.csv'] = csv(
      ['class', 'annotator', 'agreement'],
      grid.classes.flatMap((name, r) =>
        grid.annotators.map((annotator, c) => [name, annotator, grid.values[r]?.[c] ?? Number.NaN]),
      ),
    );
  }
  if (data.gold !== undefined) {
    files['gold.csv'] = csv(
      ['annotator', 'images', 'f1', 'class_accuracy'],
      data.gold.map((r) => [r.annotator, r.images, r.f1, r.classAccuracy]),
    );
  }
  if (data.trends !== undefined) {
    const metrics = trendMetrics(data.trends);
    files['trends.csv'] = csv(
      ['version', ...metrics],
      data.trends.map((point) => [point.label, ...metrics.map((m) => point.values[m] ?? Number.NaN)]),
    );
  }
  if (data.sampling !== undefined) {
    files['sampling.csv'] = csv(
      ['plan', 'sampled', 'defects', 'accept', 'reject', 'verdict'],
      data.sampling.map((r) => [r.plan, r.sampled, r.defects, r.accept, r.reject, r.verdict]),
    );
  }
  return files;
}
