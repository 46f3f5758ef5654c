/** A labeled-dataset import's part of the import report: labels imported, skipped by label, invalid objects, reader problems. */

import type { DatasetImportReport } from '../db/imports';
import { formatCount } from '../format';
import './datasetImport.css';

const ROW_LIMIT = 1000;

export function DatasetReportSection({ dataset }: { dataset: DatasetImportReport }) {
  const skipped = Object.entries(dataset.skippedByLabel).sort((a, b) => b[1] - a[1]);
  const skippedObjects = skipped.reduce((n, [, count]) => n + count, 0);
  const rows = [
    ...skipped.map(([label, count]) => ({
      kind: 'skipped-label',
      file: dataset.source,
      item: `label '${label}'`,
      reason: `skipped in the class mapping: ${formatCount(count)} object${count === 1 ? '' : 's'} not imported`,
    })),
    ...dataset.items.filter((item) => item.kind === 'invalid'),
    ...dataset.items.filter((item) => item.kind === 'dataset'),
  ];
  return (
    <div className="dataset-report" data-testid="dataset-report">
      <p className="report-counts">
        <span data-testid="report-labeled-images">{formatCount(dataset.labeledImages)} labeled images</span>
        <span data-testid="report-objects">{formatCount(dataset.objects)} objects imported</span>
        {dataset.tags > 0 && <span>{formatCount(dataset.tags)} tags</span>}
        <span data-testid="report-skipped" className={skippedObjects > 0 ? 'warn' : ''}>
          {formatCount(skippedObjects)} skipped
        </span>
        <span data-testid="report-invalid" className={dataset.invalidObjects > 0 ? 'warn' : ''}>
          {formatCount(dataset.invalidObjects)} break schema rules
        </span>
        {dataset.appendedImages > 0 && (
          <span>{formatCount(dataset.appendedImages)} already in the project (objects appended)</span>
        )}
        {dataset.doneImages > 0 && <span>{formatCount(dataset.doneImages)} submitted</span>}
      </p>
      {rows.length > 0 && (
        <table className="problem-table" aria-label="Labels not imported as they are">
          <thead>
            <tr>
              <th>File</th>
              <th>Item</th>
              <th>Problem</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, ROW_LIMIT).map((row, index) => (
              <tr key={index} data-item-kind={row.kind}>
                <td className="path" title={row.file}>
                  <bdi>{row.file}</bdi>
                </td>
                <td>{row.item}</td>
                <td>
                  <span className={`badge badge-${row.kind}`}>
                    {row.kind === 'dataset' ? 'unreadable' : row.kind}
                  </span>
                </td>
                <td>{row.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length > ROW_LIMIT && (
        <p className="muted">
          Showing the first {formatCount(ROW_LIMIT)} of {formatCount(rows.length)} entries.
        </p>
      )}
    </div>
  );
}
