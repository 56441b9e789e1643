import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/PageHeading';
import { StatusMessage } from '../../components/StatusMessage';

/**
 * Administrators find an organisation and manage its users' access: disable or enable a user,
 * end its sessions and revoke its API tokens, or remove it from the organisation. The server
 * audits each action.
 */
export default function AdminUsersPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [organisations, setOrganisations] = useState<Schemas['Organisation'][]>([]);
  const [selected, setSelected] = useState<Schemas['Organisation'] | undefined>();
  const [users, setUsers] = useState<Schemas['UserAccess'][] | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [status, setStatus] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    call(
      api.GET('/api/organisations', {
        params: { query: { search: search.trim() || undefined, limit: 20, offset: 0 } },
      }),
    ).then(
      (rows) => live && setOrganisations(rows),
      (error: unknown) => live && setProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, [search]);

  const loadUsers = async (org: Schemas['Organisation']) => {
    setSelected(org);
    setUsers(
      await call(
        api.GET('/api/admin/organisations/{organisationId}/users', { params: { path: { organisationId: org.id } } }),
      ),
    );
  };

  const act = async (action: () => Promise<unknown>, done: string) => {
    setProblem(undefined);
    setStatus(undefined);
    try {
      await action();
      setStatus(done);
      if (selected) await loadUsers(selected);
    } catch (error) {
      setProblem(asProblem(error));
    }
  };

  return (
    <>
      <PageHeading>{t('adminUsers.title')}</PageHeading>
      <ErrorSummary problem={problem} />
      <StatusMessage focus>{status}</StatusMessage>
      <TextField
        path="search"
        type="search"
        label={t('adminUsers.search')}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <ul>
        {organisations.map((org) => (
          <li key={org.id}>
            <button
              type="button"
              className="button button--secondary"
              aria-pressed={selected?.id === org.id}
              onClick={() => void loadUsers(org).catch((e: unknown) => setProblem(asProblem(e)))}
            >
              {org.name}
            </button>
          </li>
        ))}
      </ul>
      {selected && users ? (
        <section aria-labelledby="users-heading">
          <h2 id="users-heading">{t('adminUsers.usersOf', { name: selected.name })}</h2>
          <p>
            <Link to={`/admin/organisations/${selected.id}`}>
              {t('adminUsers.readAndCorrect', { name: selected.name })}
            </Link>
          </p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('adminUsers.user')}</th>
                <th scope="col">{t('adminUsers.state')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('adminUsers.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const path = { params: { path: { userId: u.id } } };
                return (
                  <tr key={u.id}>
                    <td>{t('adminUsers.nameAndEmail', { name: u.name, email: u.email })}</td>
                    <td>
                      {u.removedAt
                        ? t('adminUsers.removed')
                        : u.disabledAt
                          ? t('adminUsers.disabled')
                          : t('adminUsers.active')}
                    </td>
                    <td>
                      {u.removedAt ? null : (
                        <>
                          {u.disabledAt ? (
                            <button
                              type="button"
                              className="button button--secondary"
                              onClick={() =>
                                void act(
                                  () => call(api.POST('/api/admin/users/{userId}/enable', path)),
                                  t('adminUsers.enabledDone'),
                                )
                              }
                            >
                              {t('adminUsers.enable', { name: u.name })}
                            </button>
                          ) : (
                            <button
                              type="button"
                              className="button button--secondary"
                              onClick={() =>
                                void act(
                                  () => call(api.POST('/api/admin/users/{userId}/disable', path)),
                                  t('adminUsers.disabledDone'),
                                )
                              }
                            >
                              {t('adminUsers.disable', { name: u.name })}
                            </button>
                          )}{' '}
                          <button
                            type="button"
                            className="button button--secondary"
                            onClick={() =>
                              void act(
                                () =>
                                  call(
                                    api.POST('/api/admin/users/{userId}/revoke-credentials', {
                                      ...path,
                                      body: { sessions: true, tokens: true },
                                    }),
                                  ),
                                t('adminUsers.revokedDone'),
                              )
                            }
                          >
                            {t('adminUsers.revoke', { name: u.name })}
                          </button>{' '}
                          <button
                            type="button"
                            className="button button--danger"
                            onClick={() =>
                              void act(
                                () =>
                                  call(
                                    api.DELETE('/api/admin/organisations/{organisationId}/users/{userId}', {
                                      params: { path: { organisationId: selected.id, userId: u.id } },
                                    }),
                                  ),
                                t('adminUsers.removedDone'),
                              )
                            }
                          >
                            {t('adminUsers.remove', { name: u.name })}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}
