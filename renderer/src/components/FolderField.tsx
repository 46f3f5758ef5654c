/**
 * A folder chosen by path: typed, picked with the system dialog in Electron, or browsed in the app with the
 * same folder browser as the import dialogs (browser mode has no native dialog).
 */

import { useEffect, useState } from 'react';
import { useServices } from '../app/services';
import { FolderBrowser, useFolderListing } from './FolderBrowser';

export function FolderField({
  label,
  value,
  onChange,
  disabled = false,
}: {
  label: string;
  value: string;
  onChange: (path: string) => void;
  disabled?: boolean;
}) {
  const { api } = useServices();
  const [browsing, setBrowsing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const pick = async () => {
    if (api.transport !== 'electron') return setBrowsing(true);
    const result = await api.call('dialog.pickFolder', {});
    if (!result.ok) return setError(result.error.message);
    if (result.value.path) onChange(result.value.path);
  };

  return (
    <div className="folder-field">
      <label className="inline-field">
        {label}{' '}
        <input
          aria-label={label}
          value={value}
          disabled={disabled}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      <button type="button" disabled={disabled} onClick={() => (browsing ? setBrowsing(false) : void pick())}>
        {browsing ? 'Done browsing' : 'Browse…'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {browsing && !disabled && <FolderPanel start={value} onOpened={onChange} />}
    </div>
  );
}

/** The browser, opened at `start` (or the home folder); every folder entered becomes the field's value. */
function FolderPanel({ start, onOpened }: { start: string; onOpened: (path: string) => void }) {
  const browser = useFolderListing((listing) => onOpened(listing.path));
  const { open } = browser;
  // Issued after the hook's own home-folder listing, so this one wins.
  useEffect(() => {
    if (start) void open(start);
    // Only where browsing starts; later folders come from the browser itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  return (
    <div className="folder-field-panel">
      <FolderBrowser browser={browser} renderFile={() => null} emptyText="No subfolders." />
    </div>
  );
}
