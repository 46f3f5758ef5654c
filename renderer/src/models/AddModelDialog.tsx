/** Adding an ONNX model: pick the .onnx file; the host copies it into app data and infers a card to review. */

import { useState } from 'react';
import type { ModelRecord } from '../../../src/core/api/models';
import { useServices } from '../app/services';
import { Dialog } from '../components/Dialog';
import { FolderBrowser, joinPath, useFolderListing } from '../components/FolderBrowser';

export function AddModelDialog({
  onAdded,
  onClose,
}: {
  onAdded: (model: ModelRecord) => void;
  onClose: () => void;
}) {
  const { api } = useServices();
  const browser = useFolderListing(() => setFile(null));
  const [file, setFile] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const add = async () => {
    if (!file) return;
    setAdding(true);
    setError(null);
    const result = await api.call('models.add', { path: file });
    setAdding(false);
    if (!result.ok) return setError(result.error.message);
    onAdded(result.value);
  };

  return (
    <Dialog title="Add an ONNX model" onClose={onClose} wide>
      <p className="muted">
        LabelLoop copies the model into its app data (by content, so moving or editing the file later never
        changes a past run) and reads what it can from it: Ultralytics exports say their classes and size;
        other models get a card to fill in.
      </p>
      <FolderBrowser
        browser={browser}
        emptyText="This folder has no .onnx files or subfolders."
        renderFile={(entry, listing) => {
          if (!/\.onnx$/i.test(entry.name)) return null;
          const path = joinPath(listing.path, entry.name);
          return (
            <label key={`f:${entry.name}`} className="browser-entry file">
              <input type="radio" name="model-file" checked={file === path} onChange={() => setFile(path)} />
              {entry.name}
            </label>
          );
        }}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <span className="muted path" title={file ?? ''}>
          <bdi>{file ?? 'Choose an .onnx file'}</bdi>
        </span>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!file || adding} onClick={() => void add()}>
          {adding ? 'Copying…' : 'Add model'}
        </button>
      </div>
    </Dialog>
  );
}
