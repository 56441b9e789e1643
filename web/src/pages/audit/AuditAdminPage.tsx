import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { PageHeading } from '../../components/PageHeading';
import { useFormat } from '../../i18n/format';
import { useLoad } from '../needs/load';
import { AuditLogSection, type AuditPageRequest } from './AuditLog';

/** For administrators: what the nightly verification found (nothing on a normal night), and the platform chain. */
export default function AuditAdminPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const loadAlerts = useCallback(() => call(api.GET('/api/audit/alerts')), []);
  const { data: alerts, problem } = useLoad(loadAlerts);
  const load = useCallback(
    (query: AuditPageRequest) => call(api.GET('/api/audit/platform', { params: { query } })),
    [],
  );
  return (
    <>
      <PageHeading documentTitle={t('audit.adminTitle')}>{t('audit.adminTitle')}</PageHeading>
      <section aria-labelledby="audit-alerts-heading" className="section">
        <h2 id="audit-alerts-heading">{t('audit.alertsTitle')}</h2>
        <ErrorSummary problem={problem} />
        {alerts && alerts.length === 0 ? <p data-testid="audit-alerts">{t('audit.noAlerts')}</p> : null}
        {alerts && alerts.length > 0 ? (
          <ul data-testid="audit-alerts" className="notice notice--ended">
            {alerts.map((a) => (
              <li key={`${a.runId}:${a.chain}`}>
                {t('audit.alert', { time: format.dateTime(a.raisedAt), chain: a.chain, seq: a.seq, issue: a.issue })}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <h2>{t('audit.platformTitle')}</h2>
      <AuditLogSection load={load} />
    </>
  );
}
