/** The project header's "Import labeled dataset" button: opens the dialog and runs the import it plans. */

import { useState } from 'react';
import type { ProjectId } from '../../../src/core/ids';
import { useServices } from '../app/services';
import { useUi } from '../state/ui';
import { DatasetImportDialog } from './DatasetImportDialog';
import { runDatasetImport } from './runDatasetImport';

export function DatasetImportButton({
  projectId,
  onStarted,
}: {
  projectId: ProjectId;
  onStarted: () => void;
}) {
  const { api, db } = useServices();
  const running = useUi((s) => !!s.imports[projectId]);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" disabled={running} onClick={() => setOpen(true)}>
        Import labeled dataset
      </button>
      {open && (
        <DatasetImportDialog
          projectId={projectId}
          onClose={() => setOpen(false)}
          onImport={(plan) => {
            setOpen(false);
            onStarted();
            void runDatasetImport(api, db, projectId, plan);
          }}
        />
      )}
    </>
  );
}
