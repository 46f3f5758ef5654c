import { describe, expect, it } from 'vitest';
import type { ProjectId } from '../../../src/core/ids';
import { hashToRoute, routeToHash } from '../state/ui';

describe('the Review & QA route', () => {
  it('lives at #/projects/<id>/qa/<tab> and reads back from it; an unknown tab opens the first', () => {
    const route = { page: 'qa', projectId: 'p-1' as ProjectId, tab: 'agreement' } as const;
    expect(routeToHash(route)).toBe('#/projects/p-1/qa/agreement');
    expect(hashToRoute('#/projects/p-1/qa/agreement')).toEqual(route);
    expect(hashToRoute('#/projects/p-1/qa')).toEqual({ page: 'qa', projectId: 'p-1' });
    expect(hashToRoute('#/projects/p-1/qa/nonsense')).toEqual({ page: 'qa', projectId: 'p-1' });
  });
});
