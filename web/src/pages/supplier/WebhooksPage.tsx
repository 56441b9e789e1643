import { webhookEventTypes } from '@jointdemand/rules/webhooks';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { ShownOnceNotice } from '../../components/ShownOnceNotice';
import { StatusMessage } from '../../components/StatusMessage';
import { useSubmission } from '../../forms/errors';
import { useFormat } from '../../i18n/format';
import { useLoad } from '../needs/load';

type Endpoint = Schemas['WebhookEndpointView'];
type EventType = (typeof webhookEventTypes)[number];
type Pending = { kind: 'rotate' | 'disable' | 'delete'; endpoint: Endpoint };

const eventKeys = {
  'consultation.opened': 'webhooks.eventTypes.consultation_opened',
  'consultation.answer_published': 'webhooks.eventTypes.consultation_answer_published',
  'statement.published': 'webhooks.eventTypes.statement_published',
  'webhook.test': 'webhooks.eventTypes.test',
} as const;
const eventKey = (type: string) => eventKeys[type as keyof typeof eventKeys] ?? eventKeys['webhook.test'];

/** The secret, shown once after it is made, with a button that copies it. */
function SecretNotice({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <ShownOnceNotice
      testId="webhook-secret"
      inputId="webhook-secret"
      value={secret}
      text={{
        heading: t('webhooks.secret.heading'),
        intro: t('webhooks.secret.intro'),
        label: t('webhooks.secret.label'),
        copy: t('webhooks.secret.copy'),
        done: t('webhooks.secret.done'),
        copied: t('webhooks.secret.copied'),
      }}
      onDone={onDone}
    />
  );
}

function DeliveryLog({ endpoint }: { endpoint: Endpoint }) {
  const { t } = useTranslation();
  const format = useFormat();
  const loadLog = useCallback(
    () => call(api.GET('/api/me/webhooks/{endpointId}/deliveries', { params: { path: { endpointId: endpoint.id } } })),
    [endpoint.id],
  );
  const { data: log, problem, reload: load } = useLoad(loadLog);
  const entries = log?.entries;
  if (problem) return <ErrorSummary problem={problem} />;
  if (!entries) return <Loading />;
  return (
    <div
      className="table-scroll"
      role="region"
      aria-label={t('webhooks.log.heading', { url: endpoint.url })}
      tabIndex={0}
    >
      <table className="table">
        <caption>{t('webhooks.log.heading', { url: endpoint.url })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('webhooks.log.time')}</th>
            <th scope="col">{t('webhooks.log.event')}</th>
            <th scope="col">{t('webhooks.log.attempt')}</th>
            <th scope="col">{t('webhooks.log.result')}</th>
            <th scope="col">{t('webhooks.log.duration')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 ? (
            <tr>
              <td colSpan={5}>{t('webhooks.log.empty')}</td>
            </tr>
          ) : (
            entries.map((e) => (
              <tr key={`${e.webhookId}-${e.attempt}`}>
                <td>
                  <time dateTime={e.at}>{format.dateTime(e.at)}</time>
                </td>
                <td>
                  {t(eventKey(e.eventType))}
                  <br />
                  <code>{e.webhookId}</code>
                </td>
                <td>{e.attempt}</td>
                <td>
                  {e.succeeded
                    ? t('webhooks.log.succeeded', { code: e.statusCode })
                    : e.statusCode !== null
                      ? t('webhooks.log.failedStatus', { code: e.statusCode })
                      : t('webhooks.log.failedError')}
                  {!e.succeeded && e.error ? (
                    <>
                      {' '}
                      <span lang="en">({e.error})</span>
                    </>
                  ) : null}
                </td>
                <td>{t('webhooks.log.ms', { ms: format.number(e.durationMs) })}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <p>
        <button type="button" className="button button--secondary" onClick={() => void load()}>
          {t('webhooks.log.refresh')}
        </button>
      </p>
    </div>
  );
}

function EndpointCard({
  endpoint,
  onAsk,
  onChanged,
}: {
  endpoint: Endpoint;
  onAsk: (p: Pending) => void;
  onChanged: (status: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [showLog, setShowLog] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const headingId = `endpoint-${endpoint.id}`;
  const test = async () => {
    setProblem(undefined);
    try {
      await call(api.POST('/api/me/webhooks/{endpointId}/test', { params: { path: { endpointId: endpoint.id } } }));
      onChanged(t('webhooks.testSent', { url: endpoint.url }));
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  const enable = async () => {
    setProblem(undefined);
    try {
      await call(
        api.PUT('/api/me/webhooks/{endpointId}/enabled', {
          params: { path: { endpointId: endpoint.id } },
          body: { enabled: true },
        }),
      );
      onChanged(t('webhooks.enabledStatus', { url: endpoint.url }));
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{endpoint.url}</h3>
      {endpoint.description ? <p>{endpoint.description}</p> : null}
      <p data-testid="webhook-status">
        {endpoint.enabled
          ? t('webhooks.status.enabled')
          : t(`webhooks.status.disabled_${endpoint.disabledReason ?? 'by_supplier'}`, {
              when: endpoint.disabledAt ? format.dateTime(endpoint.disabledAt) : '',
            })}
      </p>
      <p>
        {t('webhooks.eventsChosen', {
          list: format.list(endpoint.eventTypes.map((type) => t(eventKey(type)))),
        })}
      </p>
      <ErrorSummary problem={problem} />
      <div className="button-row">
        {endpoint.enabled ? (
          <button type="button" className="button" onClick={() => void test()}>
            {t('webhooks.actions.test')}
          </button>
        ) : (
          <button type="button" className="button" onClick={() => void enable()}>
            {t('webhooks.actions.enable')}
          </button>
        )}
        <button
          type="button"
          className="button button--secondary"
          aria-expanded={showLog}
          onClick={() => setShowLog((v) => !v)}
        >
          {showLog ? t('webhooks.actions.hideLog') : t('webhooks.actions.showLog')}
        </button>
        <button type="button" className="button button--secondary" onClick={() => onAsk({ kind: 'rotate', endpoint })}>
          {t('webhooks.actions.rotate')}
        </button>
        {endpoint.enabled ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => onAsk({ kind: 'disable', endpoint })}
          >
            {t('webhooks.actions.disable')}
          </button>
        ) : null}
        <button type="button" className="button button--danger" onClick={() => onAsk({ kind: 'delete', endpoint })}>
          {t('webhooks.actions.delete')}
        </button>
      </div>
      {showLog ? <DeliveryLog endpoint={endpoint} /> : null}
    </article>
  );
}

const loadEndpoints = () => call(api.GET('/api/me/webhooks'));

/**
 * A supplier organisation's webhooks: add an endpoint (its secret shown once, with a copy
 * button), choose the public events it receives, see each endpoint's status and delivery log,
 * send a test event, rotate the secret, disable, enable or delete (each confirmed first).
 */
export default function WebhooksPage() {
  const { t } = useTranslation();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<EventType[]>(['consultation.opened', 'statement.published']);
  const [secret, setSecret] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [pending, setPending] = useState<Pending | undefined>();
  const [busy, setBusy] = useState(false);
  const [actionProblem, setActionProblem] = useState<ApiProblem | undefined>();
  const submission = useSubmission();

  const { data: list, problem: loadProblem, reload } = useLoad(loadEndpoints);

  const changed = (message: string) => {
    setStatus(message);
    void reload();
  };

  const confirm = async () => {
    if (!pending) return;
    const { kind, endpoint } = pending;
    const path = { params: { path: { endpointId: endpoint.id } } };
    setBusy(true);
    setActionProblem(undefined);
    try {
      if (kind === 'rotate') {
        const made = await call(api.POST('/api/me/webhooks/{endpointId}/secret', path));
        setSecret(made.secret);
        changed(t('webhooks.rotated', { url: endpoint.url }));
      } else if (kind === 'disable') {
        await call(api.PUT('/api/me/webhooks/{endpointId}/enabled', { ...path, body: { enabled: false } }));
        changed(t('webhooks.disabledStatus', { url: endpoint.url }));
      } else {
        await call(api.DELETE('/api/me/webhooks/{endpointId}', path));
        changed(t('webhooks.deleted', { url: endpoint.url }));
      }
    } catch (error) {
      setActionProblem(asProblem(error));
    } finally {
      setBusy(false);
      setPending(undefined);
    }
  };

  const labelFor = (path: string) =>
    path === 'url'
      ? t('webhooks.form.url')
      : path.startsWith('eventTypes')
        ? t('webhooks.form.events')
        : path === 'description'
          ? t('webhooks.form.description')
          : undefined;
  const errorOf = (path: string) => submission.fieldErrors.find((e) => e.path === path);
  const typesError = submission.fieldErrors.find((e) => e.path.startsWith('eventTypes'));
  const full = list ? list.endpoints.length >= list.maxEndpoints : false;

  return (
    <>
      <PageHeading>{t('webhooks.title')}</PageHeading>
      <p className="lead">{t('webhooks.intro')}</p>
      <p>{t('webhooks.verifyHint')}</p>
      {loadProblem ? <ErrorSummary problem={loadProblem} /> : null}
      {!list && !loadProblem ? <Loading /> : null}
      <StatusMessage focus>{status}</StatusMessage>
      {secret ? <SecretNotice secret={secret} onDone={() => setSecret(undefined)} /> : null}
      <ErrorSummary problem={actionProblem} />
      {list ? (
        <>
          <section aria-labelledby="webhooks-list-heading">
            <h2 id="webhooks-list-heading">{t('webhooks.listHeading')}</h2>
            {list.endpoints.length === 0 ? <p>{t('webhooks.none')}</p> : null}
            {list.endpoints.map((e) => (
              <EndpointCard key={e.id} endpoint={e} onAsk={setPending} onChanged={changed} />
            ))}
          </section>
          <section aria-labelledby="webhooks-add-heading">
            <h2 id="webhooks-add-heading">{t('webhooks.form.heading')}</h2>
            {full ? (
              <p>{t('webhooks.form.full', { count: list.maxEndpoints })}</p>
            ) : (
              <>
                <ErrorSummary
                  problem={submission.problem}
                  fieldErrors={submission.fieldErrors}
                  summaryRef={submission.summaryRef}
                  labelFor={labelFor}
                />
                <form
                  noValidate
                  className="form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    setStatus(undefined);
                    const body = { url: url.trim(), description: description.trim(), eventTypes: types };
                    void submission.submit(
                      () => {
                        const problems = [];
                        if (!body.url) problems.push({ path: 'url', message: t('webhooks.form.urlRequired') });
                        else if (!/^https?:\/\//i.test(body.url))
                          problems.push({ path: 'url', message: t('webhooks.form.urlHttps') });
                        if (types.length === 0)
                          problems.push({ path: 'eventTypes', message: t('webhooks.form.eventsRequired') });
                        return problems;
                      },
                      async () => {
                        const made = await call(api.POST('/api/me/webhooks', { body }));
                        setSecret(made.secret);
                        setUrl('');
                        setDescription('');
                        changed(t('webhooks.added', { url: made.endpoint.url }));
                      },
                    );
                  }}
                >
                  <TextField
                    path="url"
                    label={t('webhooks.form.url')}
                    hint={t('webhooks.form.urlHint')}
                    error={errorOf('url')}
                    type="url"
                    inputMode="url"
                    autoComplete="off"
                    value={url}
                    onChange={(e) => setUrl(e.target.value)}
                  />
                  <TextField
                    path="description"
                    label={t('webhooks.form.description')}
                    optional
                    error={errorOf('description')}
                    value={description}
                    onChange={(e) => setDescription(e.target.value)}
                  />
                  <fieldset
                    className={typesError ? 'field field--error' : 'field'}
                    aria-describedby={typesError ? 'eventTypes-error' : undefined}
                  >
                    <legend className="field__label">{t('webhooks.form.events')}</legend>
                    {typesError ? (
                      <p id="eventTypes-error" className="field__error">
                        {typesError.message}
                      </p>
                    ) : null}
                    {webhookEventTypes.map((type) => (
                      <div className="choice" key={type}>
                        <input
                          type="checkbox"
                          id={`event-${type}`}
                          checked={types.includes(type)}
                          onChange={(e) =>
                            setTypes((current) =>
                              e.target.checked ? [...current, type] : current.filter((x) => x !== type),
                            )
                          }
                        />
                        <label htmlFor={`event-${type}`}>{t(eventKey(type))}</label>
                      </div>
                    ))}
                  </fieldset>
                  <button
                    type="submit"
                    className="button button--primary"
                    aria-disabled={submission.submitting || undefined}
                  >
                    {submission.submitting ? t('common.saving') : t('webhooks.form.submit')}
                  </button>
                </form>
              </>
            )}
          </section>
        </>
      ) : null}
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? t(`webhooks.confirm.${pending.kind}.title`) : ''}
        confirmLabel={pending ? t(`webhooks.confirm.${pending.kind}.confirm`) : ''}
        busyLabel={t('common.saving')}
        cancelLabel={t('common.cancel')}
        busy={busy}
        variant={pending?.kind === 'delete' ? 'danger' : 'primary'}
        onConfirm={() => void confirm()}
        onCancel={() => setPending(undefined)}
      >
        <p>{pending ? t(`webhooks.confirm.${pending.kind}.body`, { url: pending.endpoint.url }) : null}</p>
      </ConfirmDialog>
    </>
  );
}
