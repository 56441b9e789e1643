import { useTranslation } from 'react-i18next';

import { api, call, type Schemas } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { useSubmission } from '../../forms/errors';
import { useFormat } from '../../i18n/format';

type Request = Schemas['Signatories']['requests'][number];

/** The signatories of the published statement and, for the lead, buyers asking to sign late: accepting publishes a new version. */
export function SignatoriesSection({
  statementId,
  signatories,
  isLead,
  onDone,
}: {
  statementId: string;
  signatories: Schemas['Signatories'];
  isLead: boolean;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const pending = signatories.requests.filter((r) => r.status === 'pending');
  return (
    <section aria-labelledby="signatories-heading" className="section">
      <h2 id="signatories-heading">{t('approval.signatories.title')}</h2>
      <ul className="plain-list">
        {signatories.signatories.map((s) => (
          <li key={s.organisationId}>
            {s.name} ({format.country(s.country)})
            {s.late ? ` · ${t('public.published.since', { version: format.number(s.sinceVersion) })}` : ''}
          </li>
        ))}
      </ul>
      {isLead ? (
        <>
          <h3>{t('approval.signatories.requests')}</h3>
          {pending.length === 0 ? <p className="muted">{t('approval.signatories.noRequests')}</p> : null}
          <ul className="card-list">
            {pending.map((r) => (
              <SignatoryRequest key={r.organisationId} statementId={statementId} request={r} onDone={onDone} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function SignatoryRequest({
  statementId,
  request,
  onDone,
}: {
  statementId: string;
  request: Request;
  onDone: (text: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const decide = (accept: boolean) =>
    submission.submit(
      () => [],
      async () => {
        const decided = await call(
          api.POST('/api/statements/{statementId}/signatory-requests/{organisationId}', {
            params: { path: { statementId, organisationId: request.organisationId } },
            body: { accept },
          }),
        );
        await onDone(
          accept
            ? t('approval.signatories.accepted', {
                name: request.name,
                version: format.number(decided.publicationVersion ?? 0),
              })
            : t('approval.signatories.declined', { name: request.name }),
        );
      },
    );
  return (
    <li className="card">
      <p>
        {t('approval.signatories.request', {
          name: request.name,
          country: format.country(request.country),
          date: format.dateTime(request.requestedAt),
        })}
      </p>
      <ErrorSummary problem={submission.problem} summaryRef={submission.summaryRef} />
      <div className="button-row">
        <button
          type="button"
          className="button button--primary"
          aria-disabled={submission.submitting || undefined}
          onClick={() => void decide(true)}
        >
          {t('approval.signatories.accept', { name: request.name })}
        </button>
        <button
          type="button"
          className="button button--secondary"
          aria-disabled={submission.submitting || undefined}
          onClick={() => void decide(false)}
        >
          {t('approval.signatories.decline', { name: request.name })}
        </button>
      </div>
    </li>
  );
}
