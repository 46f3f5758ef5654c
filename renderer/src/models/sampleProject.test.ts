import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../db/testDatabase';
import { claimFirstRunSample, SAMPLE_SETTING } from './sampleProject';

describe('the first-run sample', () => {
  it('is claimed by one window only, however many ask at once, and never again', async () => {
    const { db } = openTestDatabase();
    const claims = await Promise.all([
      claimFirstRunSample(db),
      claimFirstRunSample(db),
      claimFirstRunSample(db),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await db.settings.put({ key: SAMPLE_SETTING, value: 'project-1' });
    expect(await claimFirstRunSample(db)).toBe(false);
    db.close();
  });
});
