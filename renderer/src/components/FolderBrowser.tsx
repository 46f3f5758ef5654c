/** The in-app folder browser (browser mode has no native dialog): a path bar, folders to enter, files to show. */

import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { DirectoryListing } from '../../../src/core/api/contract';
import { useServices } from '../app/services';
import './folderBrowser.css';

export const joinPath = (dir: string, name: string) =>
  dir.endsWith('/') || dir.endsWith('\\') ? dir + name : `${dir}/${name}`;

export interface FolderListing {
  readonly listing: DirectoryListing | null;
  readonly error: string | null;
  open(path?: string): Promise<void>;
}

/** Lists a folder through the host, starting at the home folder; `onOpened` runs with each new listing. */
export function useFolderListing(onOpened?: (listing: DirectoryListing) => void): FolderListing {
  const { api } = useServices();
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const opened = useRef(onOpened);
  useEffect(() => {
    opened.current = onOpened;
  }, [onOpened]);
  // Only the latest listing request may fill the browser: the first (home folder) one can answer after the
  // user already typed a path and pressed Go.
  const latest = useRef(0);
  const open = useCallback(
    async (path?: string) => {
      const request = ++latest.current;
      const result = await api.call('fs.listDir', path ? { path } : {});
      if (request !== latest.current) return;
      if (!result.ok) return setError(result.error.message);
      setListing(result.value);
      setError(null);
      opened.current?.(result.value);
    },
    [api],
  );
  useEffect(() => {
    void open();
  }, [open]);
  return { listing, error, open };
}

export function FolderBrowser({
  browser,
  renderFile,
  emptyText,
}: {
  browser: FolderListing;
  /** A file's row, or null to leave the file out. */
  renderFile: (entry: DirectoryListing['entries'][number], listing: DirectoryListing) => ReactNode | null;
  emptyText: string;
}) {
  const { listing, error, open } = browser;
  const [pathInput, setPathInput] = useState('');
  // A path being typed is not replaced by a listing that arrives meanwhile (the first, of the home folder);
  // a path that cannot be listed stays in the box to be corrected.
  const typing = useRef(false);
  useEffect(() => {
    if (listing && !typing.current) setPathInput(listing.path);
  }, [listing]);
  const go = (path: string) => {
    typing.current = false;
    void open(path);
  };
  const folders = listing?.entries.filter((e) => e.kind === 'dir') ?? [];
  const files = listing
    ? listing.entries.flatMap((entry) => {
        if (entry.kind !== 'file') return [];
        const row = renderFile(entry, listing);
        return row === null ? [] : [row];
      })
    : [];
  return (
    <>
      <form
        className="path-bar"
        onSubmit={(e) => {
          e.preventDefault();
          go(pathInput);
        }}
      >
        <button
          type="button"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && go(listing.parent)}
        >
          ↑ Up
        </button>
        <input
          aria-label="Folder path"
          // Until the first listing answers, typing would race with it filling the box.
          disabled={listing === null && error === null}
          value={pathInput}
          onChange={(e) => {
            typing.current = true;
            setPathInput(e.target.value);
          }}
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
            onClick={() => listing && go(joinPath(listing.path, entry.name))}
          >
            <span className="folder-icon" aria-hidden /> {entry.name}
          </button>
        ))}
        {files}
        {listing && folders.length === 0 && files.length === 0 && <p className="muted">{emptyText}</p>}
      </div>
    </>
  );
}
