import { describe, expect, it } from 'vitest';
import type { ProjectId } from '../../../src/core/ids';
import { hashToRoute, routeToHash } from '../state/ui';

describe('the Versions route', () => {
  it('lives at #/projects/<id>/versions and reads back from it', () => {
    const route = { page: 'versions', projectId: 'p-1' as ProjectId } as const;
    expect(routeToHash(route)).toBe('#/projects/p-1/versions');
    expect(hashToRoute('#/projects/p-1/versions')).toEqual(route);
    expect(hashToRoute('#/projects/p-1')).toEqual({ page: 'project', projectId: 'p-1' });
  });
});
