/** The trail at the top of each screen: links back to the screens above, then this screen's title. */

import type { ProjectId } from '../../../src/core/ids';
import { useUi, type Route } from '../state/ui';

export function Breadcrumb({
  trail,
  title,
}: {
  trail: readonly { label: string; route: Route }[];
  title: string;
}) {
  const navigate = useUi((s) => s.navigate);
  return (
    <nav className="breadcrumb">
      {trail.map(({ label, route }) => (
        <span key={label} className="crumb">
          <button type="button" className="link" onClick={() => navigate(route)}>
            {label}
          </button>
          <span aria-hidden>/</span>
        </span>
      ))}
      <h1>{title}</h1>
    </nav>
  );
}

/** The trail of a project's screens: Projects / the project / this screen. */
export function ProjectBreadcrumb({
  projectId,
  projectName,
  title,
}: {
  projectId: ProjectId;
  projectName: string | undefined;
  title: string;
}) {
  return (
    <Breadcrumb
      trail={[
        { label: 'Projects', route: { page: 'projects' } },
        { label: projectName ?? '…', route: { page: 'project', projectId } },
      ]}
      title={title}
    />
  );
}
