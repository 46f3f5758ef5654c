/** The Create version dialog: message, author (remembered) and how images new to this version are split. */

import { useEffect, useState } from 'react';
import type { ProjectId } from '../../../src/core/ids';
import type { SplitStrategy } from '../../../src/core/versions/splits';
import { SPLITS } from '../../../src/core/versions/types';
import { useServices } from '../app/services';
import { Dialog } from '../components/Dialog';
import {
  rememberedVersionAuthor,
  rememberVersionAuthor,
  type SplitSettings,
  type VersionSummary,
} from '../db/versions';
import { versionsWorker } from './versionsWorker';
import { fillMissingPerceptualHashes } from '../db/perceptualHashes';
import { formatCount } from '../format';
import { MAX_DISTANCE_LIMIT } from '../../../src/core/versions/groups';
import { readSplitForm, splitFormFor, STRATEGY_LABELS, type GroupByForm, type SplitForm } from './splitForm';

export function CreateVersionDialog({
  projectId,
  latest,
  onCreated,
  onClose,
}: {
  projectId: ProjectId;
  /** The newest version's settings, which this one starts from; undefined before the first version. */
  latest: { number: number; splitSettings: SplitSettings } | undefined;
  onCreated: (version: VersionSummary) => void;
  onClose: () => void;
}) {
  const { db, api } = useServices();
  const [message, setMessage] = useState('');
  const [author, setAuthor] = useState('');
  const [form, setForm] = useState<SplitForm>(() => splitFormFor(latest?.splitSettings, projectId));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [hashing, setHashing] = useState<{ done: number; total: number } | null>(null);

  useEffect(() => {
    let live = true;
    void rememberedVersionAuthor(db).then((remembered) => {
      if (live) setAuthor((typed) => typed || remembered);
    });
    return () => {
      live = false;
    };
  }, [db]);

  const split = readSplitForm(form);
  const create = async () => {
    if (!message.trim()) return setError('Write a message saying what this version is.');
    if (!author.trim()) return setError('Enter an author.');
    if (!split.ok) return setError(split.message);
    setBusy(true);
    setError(null);
    try {
      // Images imported before imports hashed them get their hash now, before the version's transaction.
      if (split.settings.groupBy?.nearDuplicates) {
        await fillMissingPerceptualHashes(db, api, projectId, (done, total) =>
          setHashing(total > 0 && done < total ? { done, total } : null),
        );
        setHashing(null);
      }
      const version = await versionsWorker().create(projectId, {
        message: message.trim(),
        author: author.trim(),
        now: Date.now(),
        split: split.settings,
      });
      await rememberVersionAuthor(db, author.trim());
      onCreated(version);
    } catch (e) {
      // The dialog stays open with everything typed, so the user can fix the project and try again.
      setError(e instanceof Error ? e.message : String(e));
      setHashing(null);
      setBusy(false);
    }
  };

  const nextNumber = (latest?.number ?? 0) + 1;
  return (
    <Dialog title="Create version" onClose={busy ? () => {} : onClose}>
      <form
        className="dialog-body create-version"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <p className="muted">
          Version {nextNumber} freezes every image, its labels and its split as they are now.
        </p>
        <label>
          Message
          <input
            data-autofocus
            value={message}
            required
            placeholder="e.g. Relabeled night scenes"
            onChange={(e) => setMessage(e.target.value)}
          />
        </label>
        <label>
          Author
          <input value={author} required onChange={(e) => setAuthor(e.target.value)} />
        </label>
        <fieldset className="split-settings">
          <legend>Split for images new to this version</legend>
          <div className="split-ratios">
            {SPLITS.map((name) => (
              <label key={name}>
                {name[0]!.toUpperCase() + name.slice(1)} %
                <input
                  type="number"
                  min={0}
                  max={100}
                  step="any"
                  aria-label={`${name} percent`}
                  value={form.percent[name]}
                  onChange={(e) => setForm({ ...form, percent: { ...form.percent, [name]: e.target.value } })}
                />
              </label>
            ))}
          </div>
          <label>
            Strategy
            <select
              aria-label="Split strategy"
              value={form.strategy}
              onChange={(e) => setForm({ ...form, strategy: e.target.value as SplitStrategy })}
            >
              {(Object.keys(STRATEGY_LABELS) as SplitStrategy[]).map((strategy) => (
                <option key={strategy} value={strategy}>
                  {STRATEGY_LABELS[strategy]}
                </option>
              ))}
            </select>
          </label>
          {form.strategy === 'group' && (
            <GroupOptions value={form.groupBy} onChange={(groupBy) => setForm({ ...form, groupBy })} />
          )}
          <label>
            Seed
            <input value={form.seed} onChange={(e) => setForm({ ...form, seed: e.target.value })} />
          </label>
          <p className="muted small">
            Images already in a version keep their split; only new images are assigned with these settings
            {latest ? ` (defaults: version ${latest.number}'s)` : ''}.
          </p>
          {!split.ok && (
            <p className="warn small" data-testid="split-problem">
              {split.message}
            </p>
          )}
        </fieldset>
        {hashing && (
          <p className="muted small" role="status" data-testid="hashing-progress">
            Hashing images for near-duplicate grouping: {formatCount(hashing.done)} of{' '}
            {formatCount(hashing.total)}…
          </p>
        )}
        {error && (
          <p className="error" role="alert" data-testid="create-version-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !split.ok}>
            {busy ? 'Creating…' : `Create version ${nextNumber}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** What makes images one group: each checked criterion joins images, and groups never straddle splits. */
function GroupOptions({ value, onChange }: { value: GroupByForm; onChange: (value: GroupByForm) => void }) {
  const check = (key: 'folder' | 'sequence' | 'nearDuplicates', label: string, hint: string) => (
    <label className="checkbox" title={hint}>
      <input
        type="checkbox"
        checked={value[key]}
        onChange={(e) => onChange({ ...value, [key]: e.target.checked })}
      />
      {label}
    </label>
  );
  return (
    <div role="group" aria-label="Group images by" className="split-settings" data-testid="group-options">
      <p className="muted small">
        Images of one group always land in the same split, so near-identical frames cannot leak from train
        into val or test and inflate the scores.
      </p>
      {check('folder', 'Same folder', 'Every image in one folder is one group.')}
      {check(
        'sequence',
        'Same sequence (run_000123.jpg, run_000124.jpg, …)',
        'Files in one folder whose names differ only in a trailing frame number.',
      )}
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
        {check(
          'nearDuplicates',
          'Near-duplicate images',
          'Images whose 64-bit perceptual hashes (dHash) differ in at most this many bits.',
        )}
        <label className="checkbox">
          within
          <input
            type="number"
            min={0}
            max={MAX_DISTANCE_LIMIT}
            step={1}
            style={{ width: '4.5em' }}
            aria-label="Near-duplicate distance in bits"
            disabled={!value.nearDuplicates}
            value={value.maxDistance}
            onChange={(e) => onChange({ ...value, maxDistance: e.target.value })}
          />
          of 64 bits
        </label>
      </div>
    </div>
  );
}
