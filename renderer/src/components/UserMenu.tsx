/** Who is working, in the top bar: the current profile, and a dialog to switch to another or add one. */

import { useEffect, useState } from 'react';
import { ROLE_LABELS, ROLES, type Role, type UserProfile } from '../../../src/core/qa/people';
import { useServices } from '../app/services';
import { addUser, changeRole, listUsers, setCurrentUser, startingUser } from '../db/people';
import { useUi } from '../state/ui';
import { Dialog } from './Dialog';

export function UserMenu() {
  const { api, db } = useServices();
  const user = useUi((s) => s.user);
  const setUser = useUi((s) => s.setUser);
  const [open, setOpen] = useState(false);
  // Where several people share this machine, the start asks whether the last person is still working.
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    let live = true;
    void api
      .call('app.info', {})
      .then((info) => startingUser(db, info.ok ? info.value.userName : ''))
      .then(async (profile) => {
        if (!live) return;
        setUser(profile);
        setConfirming((await db.users.count()) > 1);
      });
    return () => {
      live = false;
    };
  }, [api, db, setUser]);

  return (
    <>
      <button
        type="button"
        className="user-chip"
        data-testid="current-user"
        data-user={user?.name ?? ''}
        data-role={user?.role ?? ''}
        onClick={() => setOpen(true)}
        title="Who is working: switch or add a person"
      >
        <span className="user-avatar" aria-hidden>
          {(user?.name ?? '?').slice(0, 1).toUpperCase()}
        </span>
        {user ? (
          <>
            {user.name} <span className="muted">· {ROLE_LABELS[user.role]}</span>
          </>
        ) : (
          '…'
        )}
      </button>
      {confirming && user && (
        <span className="user-confirm" role="status" data-testid="confirm-user">
          Is this you?{' '}
          <button type="button" className="link" onClick={() => setConfirming(false)}>
            Yes
          </button>{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setConfirming(false);
              setOpen(true);
            }}
          >
            Switch person
          </button>
        </span>
      )}
      {open && (
        <PeopleDialog
          current={user}
          onChoose={(profile) => {
            void setCurrentUser(db, profile.id).then(() => setUser(profile));
            setOpen(false);
            setConfirming(false);
          }}
          onRoleChanged={setUser}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

function PeopleDialog({
  current,
  onChoose,
  onRoleChanged,
  onClose,
}: {
  current: UserProfile | null;
  onChoose: (user: UserProfile) => void;
  /** The person working had their own role changed. */
  onRoleChanged: (user: UserProfile) => void;
  onClose: () => void;
}) {
  const { db } = useServices();
  const [users, setUsers] = useState<UserProfile[]>([]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const [error, setError] = useState('');
  useEffect(() => {
    void listUsers(db).then(setUsers);
  }, [db]);

  return (
    <Dialog title="Who is working?" onClose={onClose}>
      <p className="muted small">
        Labels, reviews and the audit log record the person chosen here. Profiles stay on this machine.
      </p>
      <ul className="people-list">
        {users.map((user) => (
          <li key={user.id}>
            <button
              type="button"
              className={user.id === current?.id ? 'primary' : ''}
              data-testid="choose-user"
              onClick={() => onChoose(user)}
            >
              {user.name} <span className="muted">· {ROLE_LABELS[user.role]}</span>
            </button>
            <select
              aria-label={`${user.name}'s role`}
              value={user.role}
              onChange={(e) => {
                const changed = { ...user, role: e.target.value as Role };
                void changeRole(db, user.id, changed.role).then(() => {
                  setUsers(users.map((u) => (u.id === user.id ? changed : u)));
                  if (user.id === current?.id) onRoleChanged(changed);
                });
              }}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          </li>
        ))}
      </ul>
      <form
        className="people-add"
        onSubmit={(e) => {
          e.preventDefault();
          void addUser(db, { name, role }).then((result) =>
            result.ok ? onChoose(result.user) : setError(result.message),
          );
        }}
      >
        <h3>Add a person</h3>
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} aria-label="New person's name" />
        </label>
        <label>
          Role{' '}
          <select
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            aria-label="New person's role"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          Add and switch
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
