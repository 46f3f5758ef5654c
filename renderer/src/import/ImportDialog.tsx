/** Choosing what to import: native pickers under Electron, an in-app folder browser in browser mode. */

import { useState } from 'react';
import type { ImportSource } from '../../../src/core/api/contract';
import { useServices } from '../app/services';
import { Dialog } from '../components/Dialog';
import { FolderBrowser, joinPath, useFolderListing } from '../components/FolderBrowser';

export function ImportDialog({
  onImport,
  onClose,
}: {
  onImport: (sources: ImportSource[]) => void;
  onClose: () => void;
}) {
  const { api } = useServices();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const browser = useFolderListing(() => {
    setChosen(new Set());
    setError(null);
  });
  const { listing } = browser;

  const native = async (kind: 'folder' | 'files') => {
    if (kind === 'folder') {
      const result = await api.call('dialog.pickFolder', {});
      if (!result.ok) return setError(result.error.message);
      if (result.value.path) onImport([{ kind: 'folder', path: result.value.path }]);
    } else {
      const result = await api.call('dialog.pickFiles', {});
      if (!result.ok) return setError(result.error.message);
      if (result.value.paths.length > 0) onImport([{ kind: 'files', paths: result.value.paths }]);
    }
  };

  const images = listing?.entries.filter((e) => e.isImage) ?? [];

  return (
    <Dialog title="Import images" onClose={onClose} wide>
      {api.transport === 'electron' && (
        <div className="native-pickers">
          <button type="button" className="primary" onClick={() => void native('folder')}>
            Choose folder…
          </button>
          <button type="button" onClick={() => void native('files')}>
            Choose files…
          </button>
          <span className="muted">or browse below</span>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <FolderBrowser
        browser={browser}
        emptyText="This folder has no images or subfolders."
        renderFile={(entry) =>
          entry.isImage ? (
            <label key={`f:${entry.name}`} className="browser-entry file">
              <input
                type="checkbox"
                checked={chosen.has(entry.name)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(entry.name);
                  else next.delete(entry.name);
                  setChosen(next);
                }}
              />
              {entry.name}
            </label>
          ) : null
        }
      />
      <div className="dialog-actions">
        <span className="muted">
          {images.length} image{images.length === 1 ? '' : 's'} here; importing a folder includes its
          subfolders.
        </span>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          disabled={chosen.size === 0 || !listing}
          onClick={() =>
            listing &&
            onImport([{ kind: 'files', paths: [...chosen].map((name) => joinPath(listing.path, name)) }])
          }
        >
          Import {chosen.size || ''} selected file{chosen.size === 1 ? '' : 's'}
        </button>
        <button
          type="button"
          className="primary"
          disabled={!listing}
          onClick={() => listing && onImport([{ kind: 'folder', path: listing.path }])}
        >
          Import this folder
        </button>
      </div>
    </Dialog>
  );
}
