/** What a project's pages show when the project is gone (deleted, or a stale link). */

import { useUi } from '../state/ui';

export function MissingProject() {
  const navigate = useUi((s) => s.navigate);
  return (
    <main className="page">
      <p className="error">This project does not exist (it may have been deleted).</p>
      <button type="button" onClick={() => navigate({ page: 'projects' })}>
        Back to projects
      </button>
    </main>
  );
}
