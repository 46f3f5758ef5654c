/** What one version holds: split sizes and annotations per class broken down by split. */

import type { AnnotationSchema } from '../../../src/core/schema/types';
import { SPLITS } from '../../../src/core/versions/types';
import type { VersionSummary } from '../db/versions';
import { formatCount } from '../format';
import { classCountRows, classCountTotals, splitShare } from './classes';
import { describeGroupBy, describeSplitSettings } from './splitForm';

const SPLIT_LABELS = { train: 'Train', val: 'Val', test: 'Test' } as const;

export function VersionContents({
  version,
  schema,
}: {
  version: VersionSummary;
  /** The schema version this dataset version was made under; undefined while loading or if it is gone. */
  schema: AnnotationSchema | undefined;
}) {
  const rows = classCountRows(version.counts, schema);
  const totals = classCountTotals(rows);
  const anyTags = rows.some((row) => row.tagged > 0);
  const { perSplit } = version.counts;
  const groups = describeGroupBy(version.splitSettings);
  return (
    <div className="version-contents" data-testid="version-contents">
      <div className="split-cards" aria-label="Split sizes">
        {SPLITS.map((split) => (
          <div key={split} className={`split-card split-${split}`} data-split={split}>
            <span className="split-name">{split}</span>
            <strong data-testid={`split-size-${split}`}>{formatCount(perSplit[split])}</strong>
            <span className="muted small">images · {splitShare(perSplit, split)}</span>
          </div>
        ))}
        <div className="split-card">
          <span className="split-name">settings</span>
          <span className="small">{describeSplitSettings(version.splitSettings)}</span>
          {groups && (
            <span className="small" data-testid="group-settings">
              {groups}
            </span>
          )}
          <span className="muted small">schema version {version.schemaVersion}</span>
        </div>
      </div>
      <table className="data-table" aria-label="Annotations per class and split">
        <thead>
          <tr>
            <th>Class</th>
            {SPLITS.map((split) => (
              <th key={split} className="num">
                {SPLIT_LABELS[split]}
              </th>
            ))}
            <th className="num">Total</th>
            {anyTags && <th className="num">Tagged images</th>}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No annotations in this version.
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.labelClass.id} data-class={row.labelClass.id}>
              <td>
                <span className="class-cell">
                  <span className="swatch" style={{ background: row.labelClass.color }} />
                  {row.labelClass.name}
                  {!row.labelClass.known && (
                    <span className="muted small" title="Not in this version's schema">
                      (not in schema)
                    </span>
                  )}
                </span>
              </td>
              {SPLITS.map((split) => (
                <td key={split} className="num" data-split={split}>
                  {formatCount(row.perSplit[split])}
                </td>
              ))}
              <td className="num" data-split="total">
                {formatCount(row.total)}
              </td>
              {anyTags && <td className="num">{formatCount(row.tagged)}</td>}
            </tr>
          ))}
        </tbody>
        {rows.length > 0 && (
          <tfoot>
            <tr>
              <th>All classes</th>
              {SPLITS.map((split) => (
                <td key={split} className="num">
                  {formatCount(totals[split])}
                </td>
              ))}
              <td className="num">{formatCount(totals.total)}</td>
              {anyTags && <td />}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
