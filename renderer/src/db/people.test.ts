import { describe, expect, it } from 'vitest';
import type { UserId } from '../../../src/core/qa/people';
import { addUser, adoptUser, changeRole, listUsers, setCurrentUser, startingUser, usersById } from './people';
import { openTestDatabase } from './testDatabase';

describe('people', () => {
  it('makes the first profile from the system user name as a QA lead, and keeps it as the one working', async () => {
    const { db, reopen } = openTestDatabase('people-first');
    const first = await startingUser(db, ' ada ', 10);
    expect(first).toMatchObject({ name: 'ada', role: 'qa-lead', createdAt: 10 });
    expect(await startingUser(reopen(), 'someone else')).toEqual(first);
    expect(await listUsers(db)).toHaveLength(1);
  });

  it('calls the first profile "Me" when the system gives no name', async () => {
    const { db } = openTestDatabase('people-me');
    expect((await startingUser(db, '')).name).toBe('Me');
  });

  it('adds people, refuses a blank or taken name, and starts with the one chosen last', async () => {
    const { db, reopen } = openTestDatabase('people-add');
    await startingUser(db, 'lead');
    const ana = await addUser(db, { name: 'Ana', role: 'annotator' });
    expect(ana).toMatchObject({ ok: true, user: { name: 'Ana', role: 'annotator' } });
    expect(await addUser(db, { name: '  ', role: 'annotator' })).toEqual({
      ok: false,
      message: 'Enter a name.',
    });
    expect(await addUser(db, { name: 'ana', role: 'reviewer' })).toEqual({
      ok: false,
      message: 'There is already a profile named Ana.',
    });
    if (!ana.ok) throw new Error(ana.message);
    await setCurrentUser(db, ana.user.id);
    expect((await startingUser(reopen(), 'lead')).name).toBe('Ana');
  });

  it('changes a role', async () => {
    const { db } = openTestDatabase('people-role');
    const ana = await addUser(db, { name: 'Ana', role: 'annotator' });
    if (!ana.ok) throw new Error(ana.message);
    await changeRole(db, ana.user.id, 'reviewer');
    expect((await usersById(db)).get(ana.user.id)?.role).toBe('reviewer');
  });

  it('adopts a profile from a task bundle under its own id, once', async () => {
    const { db } = openTestDatabase('people-adopt');
    const lead = { id: 'u-lead' as UserId, name: 'Lena', role: 'qa-lead' as const, createdAt: 1 };
    expect(await adoptUser(db, lead)).toEqual(lead);
    expect(await adoptUser(db, { ...lead, name: 'Renamed' })).toEqual(lead);
    expect((await usersById(db)).get('u-lead')?.name).toBe('Lena');
  });
});
