/** The numbers of a version diff: totals, per class, per split, and the schema changes in between. */

import type { VersionDiff } from '../../../src/core/versions/diff';
import { SPLITS } from '../../../src/core/versions/types';
import type { SchemaVersionRecord } from '../db/database';
import { formatCount, formatWhen } from '../format';
import { byClassOrder, type ClassInfo } from './classes';

/** Table cells leave zeros empty, so the changes stand out. */
const blank = (n: number) => (n === 0 ? '' : formatCount(n));
/** Zero counts read muted, so the eye lands on what changed. */
const tone = (kind: 'added' | 'removed' | 'changed', n: number) => (n === 0 ? 'zero' : kind);
const signed = (sign: '+' | '−' | '~', n: number) => (n === 0 ? '0' : `${sign}${formatCount(n)}`);

export function DiffTotals({ diff }: { diff: VersionDiff }) {
  const t = diff.totals;
  const imageDetails = [
    [t.splitChanged, 'moved split'],
    [t.statusChanged, 'status'],
    [t.pathChanged, 'renamed'],
    [t.contentChanged, 'new content'],
    [t.tagsChanged, 'tags'],
    [t.imageAttributesChanged, 'attributes'],
  ] as const;
  return (
    <div className="diff-totals" data-testid="diff-totals">
      <div className="diff-card">
        <span className="muted small">Images</span>
        <ChangeNumbers
          what="images"
          added={t.imagesAdded}
          removed={t.imagesRemoved}
          changed={t.imagesChanged}
        />
        <span className="muted small">
          {imageDetails
            .filter(([count]) => count > 0)
            .map(([count, label]) => `${formatCount(count)} ${label}`)
            .join(' · ') || 'no image-level changes'}
        </span>
      </div>
      <div className="diff-card">
        <span className="muted small">Annotations</span>
        <ChangeNumbers
          what="annotations"
          added={t.annotationsAdded}
          removed={t.annotationsRemoved}
          changed={t.annotationsChanged}
        />
        <span className="muted small" data-testid="annotation-breakdown">
          {formatCount(t.geometryChanged)} geometry · {formatCount(t.classChanged)} class ·{' '}
          {formatCount(t.attributesChanged)} attributes
        </span>
      </div>
    </div>
  );
}

export function DiffPerClass({ diff, classOf }: { diff: VersionDiff; classOf: (id: string) => ClassInfo }) {
  const rows = Object.entries(diff.perClass)
    .map(([id, counts]) => ({ labelClass: classOf(id), counts }))
    .sort((a, b) => byClassOrder(a.labelClass, b.labelClass));
  const anyTags = rows.some((row) => row.counts.tagged + row.counts.untagged > 0);
  return (
    <table className="data-table" aria-label="Changes per class">
      <thead>
        <tr>
          <th>Class</th>
          <th className="num">Added</th>
          <th className="num">Removed</th>
          <th className="num">Changed</th>
          <th className="num" title="Changed annotations whose shape moved past the threshold">
            Geometry
          </th>
          <th className="num">Attributes</th>
          <th className="num" title="Relabeled to this class / away from it">
            Relabeled in / out
          </th>
          {anyTags && <th className="num">Tags +/−</th>}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={7} className="muted">
              No annotation changes.
            </td>
          </tr>
        )}
        {rows.map(({ labelClass, counts }) => (
          <tr key={labelClass.id} data-class={labelClass.id}>
            <td>
              <span className="class-cell">
                <span className="swatch" style={{ background: labelClass.color }} />
                {labelClass.name}
              </span>
            </td>
            <td className="num added">{blank(counts.added)}</td>
            <td className="num removed">{blank(counts.removed)}</td>
            <td className="num changed">{blank(counts.changed)}</td>
            <td className="num">{blank(counts.geometryChanged)}</td>
            <td className="num">{blank(counts.attributesChanged)}</td>
            <td className="num">
              {counts.reclassifiedIn + counts.reclassifiedOut > 0
                ? `${formatCount(counts.reclassifiedIn)} / ${formatCount(counts.reclassifiedOut)}`
                : ''}
            </td>
            {anyTags && (
              <td className="num">
                {counts.tagged + counts.untagged > 0
                  ? `+${formatCount(counts.tagged)} / −${formatCount(counts.untagged)}`
                  : ''}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DiffPerSplit({ diff }: { diff: VersionDiff }) {
  return (
    <table className="data-table" aria-label="Changes per split">
      <thead>
        <tr>
          <th>Split</th>
          <th className="num">Images +</th>
          <th className="num">Images −</th>
          <th className="num">Moved in / out</th>
          <th className="num">Annotations +</th>
          <th className="num">Annotations −</th>
          <th className="num">Annotations ~</th>
        </tr>
      </thead>
      <tbody>
        {SPLITS.map((split) => {
          const c = diff.perSplit[split];
          return (
            <tr key={split} data-split={split}>
              <td>{split}</td>
              <td className="num added">{blank(c.imagesAdded)}</td>
              <td className="num removed">{blank(c.imagesRemoved)}</td>
              <td className="num">
                {c.movedIn + c.movedOut > 0 ? `${formatCount(c.movedIn)} / ${formatCount(c.movedOut)}` : ''}
              </td>
              <td className="num added">{blank(c.annotationsAdded)}</td>
              <td className="num removed">{blank(c.annotationsRemoved)}</td>
              <td className="num changed">{blank(c.annotationsChanged)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function SchemaChanges({
  diff,
  changes,
}: {
  diff: VersionDiff;
  /** Schema versions after the earlier one up to the later, oldest first. */
  changes: readonly SchemaVersionRecord[] | undefined;
}) {
  const { from, to } = diff.schemaVersion;
  if (!diff.schemaVersion.changed)
    return (
      <p className="muted" data-testid="schema-changes">
        Both versions use annotation schema version {to}.
      </p>
    );
  const backwards = to < from;
  return (
    <div className="schema-changes" data-testid="schema-changes">
      <p>
        Annotation schema version {from} → {to}
        {backwards ? ' (an older schema: these changes are undone going this way)' : ''}:
      </p>
      {changes === undefined ? (
        <p className="muted">Loading…</p>
      ) : changes.length === 0 ? (
        <p className="muted">The schema history for these versions is no longer stored.</p>
      ) : (
        <ol>
          {changes.map((change) => (
            <li key={change.version} value={change.version} data-schema-version={change.version}>
              {change.message}{' '}
              <span className="muted small">
                — {change.author}, {formatWhen(change.createdAt)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** Added, removed and changed counts of one kind of thing, each coloured when not zero. */
function ChangeNumbers({
  what,
  added,
  removed,
  changed,
}: {
  what: 'images' | 'annotations';
  added: number;
  removed: number;
  changed: number;
}) {
  return (
    <div className="diff-numbers">
      <span className={tone('added', added)} data-testid={`${what}-added`}>
        {signed('+', added)} added
      </span>
      <span className={tone('removed', removed)} data-testid={`${what}-removed`}>
        {signed('−', removed)} removed
      </span>
      <span className={tone('changed', changed)} data-testid={`${what}-changed`}>
        {signed('~', changed)} changed
      </span>
    </div>
  );
}
