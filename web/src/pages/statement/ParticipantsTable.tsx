import { useTranslation } from 'react-i18next';

import type { Participant } from '../../api/client';
import { ScrollableTable } from '../../components/ScrollableTable';
import { useFormat } from '../../i18n/format';
import { useLegalTypeLabel } from './labels';

/** Who takes part, with each organisation's status; the caller's own row is marked. */
export function ParticipantsTable({
  participants,
  myOrganisationId,
}: {
  participants: Participant[];
  myOrganisationId: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const legalType = useLegalTypeLabel();
  if (participants.length === 0) return <p className="muted">{t('participants.none')}</p>;
  return (
    <ScrollableTable labelledBy="participants-heading">
      <table className="table table--stack">
        <thead>
          <tr>
            <th scope="col">{t('participants.organisation')}</th>
            <th scope="col">{t('participants.country')}</th>
            <th scope="col">{t('participants.type')}</th>
            <th scope="col">{t('participants.status')}</th>
            <th scope="col">{t('participants.invited')}</th>
            <th scope="col">{t('participants.answered')}</th>
          </tr>
        </thead>
        <tbody>
          {participants.map((p) => (
            <tr
              key={p.organisationId}
              className={p.organisationId === myOrganisationId ? 'table__row--mine' : undefined}
            >
              <th scope="row">
                <span translate="no">{p.name}</span>
                {p.organisationId === myOrganisationId ? (
                  <span className="tag tag--neutral">{t('participants.you')}</span>
                ) : null}
              </th>
              <td data-label={t('participants.country')}>{format.country(p.country)}</td>
              <td data-label={t('participants.type')}>
                {p.buyerLegalType ? legalType(p.buyerLegalType) : t('common.notGiven')}
              </td>
              <td data-label={t('participants.status')}>
                <span className={`tag tag--status-${p.status}`}>{t(`participantStatus.${p.status}`)}</span>
                {p.leaving ? (
                  <p className="table__note" data-testid="leaving">
                    {t(`leaving.long.${p.leaving}`)}
                  </p>
                ) : null}
                {p.statusReason && (p.leaving === 'declined' || p.leaving === 'withdrew') ? (
                  // The buyer's own words (the lead's and its own to read); the process's reasons are worded above.
                  <p className="table__note">
                    {t('participants.reason')} {p.statusReason}
                  </p>
                ) : null}
              </td>
              <td data-label={t('participants.invited')}>{format.date(p.invitedAt)}</td>
              <td data-label={t('participants.answered')}>
                {p.respondedAt ? format.date(p.respondedAt) : t('participants.notYet')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollableTable>
  );
}
