import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas, type Statement } from '../../../api/client';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { SelectField } from '../../../components/Field';
import { useSubmission } from '../../../forms/errors';
import { useFormat } from '../../../i18n/format';
import type { ActionDone } from './types';

type RouteView = Schemas['ProcurementRouteView'];
type Cpb = Schemas['CentralPurchasingBodyList']['centralPurchasingBodies'][number];

const joint = 'joint';

/**
 * The lead buyer chooses, before the demand is aggregated, whether the buyers procure jointly
 * (Directive 2014/24/EU Art. 38, or Art. 39(4) with an agreement) or through a central purchasing
 * body (Art. 37, Art. 39(2)-(3)): then its Member State's law applies and no agreement is needed.
 */
export function ProcurementRoutePanel({
  statement,
  onDone,
  primary = false,
}: {
  statement: Statement;
  onDone: ActionDone;
  /** The stage's next step (domain/guidance.ts): its button is the page's one primary button. */
  primary?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const [route, setRoute] = useState<RouteView | undefined>();
  const [bodies, setBodies] = useState<Cpb[]>([]);
  const [choice, setChoice] = useState(joint);

  useEffect(() => {
    let live = true;
    const path = { params: { path: { statementId: statement.id } } };
    void Promise.all([
      call(api.GET('/api/statements/{statementId}/procurement-route', path)),
      call(api.GET('/api/central-purchasing-bodies')),
    ]).then(
      ([current, list]) => {
        if (!live) return;
        setRoute(current);
        setBodies(list.centralPurchasingBodies);
        setChoice(current.centralPurchasingBody?.orgId ?? joint);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [statement.id]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission.submit(
      () => [],
      async () => {
        const next = await call(
          api.PUT('/api/statements/{statementId}/procurement-route', {
            params: { path: { statementId: statement.id } },
            body:
              choice === joint
                ? { kind: 'joint' }
                : { kind: 'central_purchasing_body', centralPurchasingBodyOrgId: choice },
          }),
        );
        setRoute(next);
        onDone(statement, (tr) =>
          next.centralPurchasingBody
            ? tr('actions.route.doneCpb', { name: next.centralPurchasingBody.name })
            : tr('actions.route.doneJoint'),
        );
      },
    );
  };

  const cpb = route?.centralPurchasingBody;
  return (
    <section className="action-panel" aria-labelledby="route-heading">
      <h3 id="route-heading">{t('actions.route.title')}</h3>
      <p>{t('actions.route.intro')}</p>
      {route ? (
        <p data-testid="procurement-route">
          {cpb
            ? t('actions.route.currentCpb', { name: cpb.name, country: format.country(cpb.country) })
            : t('actions.route.currentJoint')}
        </p>
      ) : null}
      <form noValidate onSubmit={onSubmit} className="form form--compact">
        <ErrorSummary
          problem={submission.problem}
          fieldErrors={submission.fieldErrors}
          summaryRef={submission.summaryRef}
          scope="route"
          labelFor={(path) =>
            path === 'centralPurchasingBodyOrgId' || path === 'kind' ? t('actions.route.choice') : undefined
          }
        />
        <SelectField
          path="centralPurchasingBodyOrgId"
          scope="route"
          label={t('actions.route.choice')}
          hint={t('actions.route.choiceHint')}
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          error={submission.errorFor('centralPurchasingBodyOrgId')}
        >
          <option value={joint}>{t('actions.route.joint')}</option>
          {bodies.map((b) => (
            <option key={b.organisationId} value={b.organisationId}>
              {t('actions.route.cpbOption', { name: b.name, country: format.country(b.country) })}
            </option>
          ))}
        </SelectField>
        <button
          type="submit"
          className={`button ${primary ? 'button--primary' : 'button--secondary'}`}
          aria-disabled={submission.submitting || undefined}
        >
          {t('actions.route.submit')}
        </button>
      </form>
    </section>
  );
}
