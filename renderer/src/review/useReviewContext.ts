/** What review screens need beside the labels: the project's rejection reasons and people's names. */

import { useEffect, useState } from 'react';
import type { ProjectId } from '../../../src/core/ids';
import { displayName, type UserProfile } from '../../../src/core/qa/people';
import { DEFAULT_REJECTION_REASONS, type RejectionReason } from '../../../src/core/qa/review';
import { useServices } from '../app/services';
import { usersById } from '../db/people';
import { rejectionReasons } from '../db/review';
import { useUi } from '../state/ui';

export interface ReviewContext {
  readonly reasons: readonly RejectionReason[];
  readonly users: ReadonlyMap<string, UserProfile>;
  readonly nameOf: (id: string) => string;
}

export function useReviewContext(projectId: ProjectId): ReviewContext {
  const { db } = useServices();
  const dataVersion = useUi((s) => s.dataVersion);
  const user = useUi((s) => s.user);
  const [reasons, setReasons] = useState<readonly RejectionReason[]>(DEFAULT_REJECTION_REASONS);
  const [users, setUsers] = useState<ReadonlyMap<string, UserProfile>>(new Map());
  useEffect(() => {
    let live = true;
    void Promise.all([rejectionReasons(db, projectId), usersById(db)]).then(([r, u]) => {
      if (!live) return;
      setReasons(r);
      setUsers(u);
    });
    return () => {
      live = false;
    };
  }, [db, projectId, dataVersion, user]);
  return { reasons, users, nameOf: (id: string) => displayName(id, users) };
}
