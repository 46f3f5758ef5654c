/** The app shell: keeps the route in the URL hash (so a reload returns to the same screen) and picks the page. */

import { useEffect } from 'react';
import { ProjectPage } from '../pages/ProjectPage';
import { ProjectsPage } from '../pages/ProjectsPage';
import { EditorPage } from '../editor/EditorPage';
import { SchemaPage } from '../schema/SchemaPage';
import { VersionsPage } from '../versions/VersionsPage';
import { ModelsPage } from '../models/ModelsPage';
import { EvaluationPage } from '../evaluation/EvaluationPage';
import { QualityPage } from '../quality/QualityPage';
import { QaPage } from '../review/QaPage';
import { hashToRoute, routeToHash, useUi } from '../state/ui';
import { useServices } from './services';
import { UserMenu } from '../components/UserMenu';

export function App() {
  const route = useUi((s) => s.route);
  const { api } = useServices();

  useEffect(() => {
    const sync = () => useUi.getState().navigate(hashToRoute(window.location.hash));
    sync();
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);
  useEffect(() => {
    const hash = routeToHash(route);
    if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  }, [route]);

  return (
    <div className="app" data-transport={api.transport}>
      <div className="brand">
        <span className="logo" aria-hidden>
          ◎
        </span>
        LabelLoop
        <span className="brand-spacer" />
        <UserMenu />
      </div>
      {route.page === 'projects' && <ProjectsPage />}
      {route.page === 'project' && <ProjectPage key={route.projectId} projectId={route.projectId} />}
      {route.page === 'schema' && <SchemaPage key={route.projectId} projectId={route.projectId} />}
      {route.page === 'versions' && <VersionsPage key={route.projectId} projectId={route.projectId} />}
      {route.page === 'models' && <ModelsPage key={route.projectId} projectId={route.projectId} />}
      {route.page === 'evaluation' && (
        <EvaluationPage
          key={route.projectId}
          projectId={route.projectId}
          {...(route.runId ? { runId: route.runId } : {})}
        />
      )}
      {route.page === 'quality' && <QualityPage key={route.projectId} projectId={route.projectId} />}
      {route.page === 'qa' && (
        <QaPage
          key={route.projectId}
          projectId={route.projectId}
          {...(route.tab ? { tab: route.tab } : {})}
        />
      )}
      {route.page === 'image' && <EditorPage projectId={route.projectId} imageId={route.imageId} />}
    </div>
  );
}
