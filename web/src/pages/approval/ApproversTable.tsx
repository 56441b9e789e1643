import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { useFormat } from '../../i18n/format';

/** Who approves the current version, and what each has decided on it. */
export function ApproversTable({
  text,
  myOrganisationId,
}: {
  text: Schemas['StatementText'];
  myOrganisationId: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section aria-labelledby="approvers-heading" className="section">
      <h2 id="approvers-heading">{t('approval.approvers.title', { version: format.number(text.version) })}</h2>
      <div className="table-scroll" role="region" aria-labelledby="approvers-heading" tabIndex={0}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('participants.organisation')}</th>
              <th scope="col">{t('participants.country')}</th>
              <th scope="col">{t('approval.approvers.decision')}</th>
            </tr>
          </thead>
          <tbody>
            {text.approvers.map((a) => (
              <tr
                key={a.organisationId}
                className={a.organisationId === myOrganisationId ? 'table__row--mine' : undefined}
              >
                <th scope="row">
                  {a.name}
                  {a.organisationId === myOrganisationId ? (
                    <span className="tag tag--neutral">{t('participants.you')}</span>
                  ) : null}
                </th>
                <td>{a.country ? format.country(a.country) : ''}</td>
                <td>
                  <span className={`tag tag--decision-${a.decision ?? 'waiting'}`}>
                    {a.decision ? t(`approval.decision.${a.decision}`) : t('approval.decision.waiting')}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
