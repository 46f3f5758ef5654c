/**
 * The Review & QA screen: one place for a QA lead's work, a tab per job: the review queue, handing out
 * work as task bundles, agreement, consistency checks, acceptance sampling, the audit log and the report.
 */

import { useEffect, useState } from 'react';
import type { ProjectId } from '../../../src/core/ids';
import { ROLE_LABELS } from '../../../src/core/qa/people';
import { useServices } from '../app/services';
import { ProjectBreadcrumb } from '../components/Breadcrumb';
import { MissingProject } from '../components/MissingProject';
import { Tabs } from '../components/Tabs';
import type { ProjectRecord } from '../db/database';
import { useUi, type QaTab } from '../state/ui';
import { AgreementTab } from './AgreementTab';
import { AssignmentsTab } from './AssignmentsTab';
import { AuditTab } from './AuditTab';
import { ConsistencyTab } from './ConsistencyTab';
import { ReportTab } from './ReportTab';
import { ReviewQueueTab } from './ReviewQueueTab';
import { SamplingTab } from './SamplingTab';
import './review.css';

const TAB_LABELS: readonly (readonly [QaTab, string])[] = [
  ['review', 'Review queue'],
  ['assignments', 'Assignments'],
  ['agreement', 'Agreement'],
  ['consistency', 'Consistency'],
  ['sampling', 'Acceptance sampling'],
  ['audit', 'Audit log'],
  ['report', 'Report'],
];

export function QaPage({ projectId, tab = 'review' }: { projectId: ProjectId; tab?: QaTab }) {
  const { db } = useServices();
  const navigate = useUi((s) => s.navigate);
  const user = useUi((s) => s.user);
  const [project, setProject] = useState<ProjectRecord | null | undefined>(undefined);
  useEffect(() => {
    void db.projects.get(projectId).then((p) => setProject(p ?? null));
  }, [db, projectId]);
  if (project === null) return <MissingProject />;

  return (
    <main className="page qa-page" data-page="qa">
      <header className="page-header">
        <ProjectBreadcrumb projectId={projectId} projectName={project?.name} title="Review & QA" />
        {user && (
          <span className="muted small">
            Working as {user.name} ({ROLE_LABELS[user.role]})
          </span>
        )}
      </header>
      <Tabs
        tabs={TAB_LABELS}
        value={tab}
        onChange={(next) => navigate({ page: 'qa', projectId, tab: next })}
      />
      <section className="qa-body" data-tab={tab}>
        {tab === 'review' && <ReviewQueueTab projectId={projectId} />}
        {tab === 'assignments' && <AssignmentsTab projectId={projectId} />}
        {tab === 'agreement' && <AgreementTab projectId={projectId} />}
        {tab === 'consistency' && <ConsistencyTab projectId={projectId} />}
        {tab === 'sampling' && <SamplingTab projectId={projectId} />}
        {tab === 'audit' && <AuditTab projectId={projectId} />}
        {tab === 'report' && <ReportTab projectId={projectId} />}
      </section>
    </main>
  );
}
