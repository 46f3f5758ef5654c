/** Choosing what to import: native pickers under Electron, an in-app folder browser in browser mode. */

import { useCallback, useEffect, useRef, useState } from 'react';
import type { DirectoryListing, ImportSource } from '../../../src/core/api/contract';
import { useServices } from '../app/services';
import { Dialog } from '../components/Dialog';

export function ImportDialog({
  onImport,
  onClose,
}: {
  onImport: (sources: ImportSource[]) => void;
  onClose: () => void;
}) {
  const { api } = useServices();
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [pathInput, setPathInput] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  // Only the latest listing request may fill the dialog: the first (home folder) one can answer after the
  // user already typed a path and pressed Go.
  const latest = useRef(0);
  const open = useCallback(
    async (path?: string) => {
      const request = ++latest.current;
      const result = await api.call('fs.listDir', path ? { path } : {});
      if (request !== latest.current) return;
      if (!result.ok) return setError(result.error.message);
      setListing(result.value);
      setPathInput(result.value.path);
      setChosen(new Set());
      setError(null);
    },
    [api],
  );
  useEffect(() => {
    void open();
  }, [open]);

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

  const join = (dir: string, name: string) =>
    dir.endsWith('/') || dir.endsWith('\\') ? dir + name : `${dir}/${name}`;
  const images = listing?.entries.filter((e) => e.isImage) ?? [];
  const folders = listing?.entries.filter((e) => e.kind === 'dir') ?? [];

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
      <form
        className="path-bar"
        onSubmit={(e) => {
          e.preventDefault();
          void open(pathInput);
        }}
      >
        <button
          type="button"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && void open(listing.parent)}
        >
          ↑ Up
        </button>
        <input
          aria-label="Folder path"
          value={pathInput}
          onChange={(e) => setPathInput(e.target.value)}
          spellCheck={false}
        />
        <button type="submit">Go</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="browser-list" aria-label="Folder contents">
        {folders.map((entry) => (
          <button
            type="button"
            key={`d:${entry.name}`}
            className="browser-entry folder"
            onClick={() => listing && void open(join(listing.path, entry.name))}
          >
            <span className="folder-icon" aria-hidden /> {entry.name}
          </button>
        ))}
        {images.map((entry) => (
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
        ))}
        {listing && folders.length === 0 && images.length === 0 && (
          <p className="muted">This folder has no images or subfolders.</p>
        )}
      </div>
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
            onImport([{ kind: 'files', paths: [...chosen].map((name) => join(listing.path, name)) }])
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
