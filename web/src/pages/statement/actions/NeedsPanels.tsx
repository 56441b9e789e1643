import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { allows, type Statement, type ViewerAction } from '../../../api/client';
import { useFormat } from '../../../i18n/format';

/** Which of the statement's pages the signed-in organisation can use now, and which call for it: as the server allows. */
export function needsLinksFor(statement: Statement) {
  const may = (action: ViewerAction) => allows(statement, action);
  return {
    survey: may('defineSurvey'),
    overview: may('viewNeedsOverview'),
    /** The answers to the lead's own survey, per question and per participant. */
    surveyResults: may('viewSurveyResults'),
    enterNeeds: may('saveNeeds'),
    confirm: may('confirmNeeds'),
    seeNeeds: may('viewOwnNeeds'),
    /** The aggregated demand and the critical-mass meter. */
    demand: may('viewAggregate'),
    decideShortfall: may('decideShortfall'),
    /** The joint procurement agreement of a published statement: the lead starts it, its signatories follow. */
    agreement: may('viewAgreement'),
    agreementLead: may('startAgreement'),
    /** The market consultation: the lead sets the request for information early and runs it; the buyers taking part follow it. */
    market: may('viewMarket'),
    runMarket: may('answerSupplierQuestions'),
    prepareMarket: may('setRequestForInformation'),
    followSuppliers: may('followSuppliers'),
    /** The statement text: approved by the lead and the buyers that confirmed; read by those still taking part. */
    approval: may('viewStatementText'),
    approve: may('approveStatement'),
  };
}

/** The statement's pages a panel leads to, each one panel on the statement page. */
export const linkPanelKinds = [
  'needs',
  'demand',
  'approval',
  'market',
  'agreement',
  'overview',
  'surveyResults',
  'survey',
] as const;
export type LinkPanelKind = (typeof linkPanelKinds)[number];

/** Whether the viewer has a panel of `kind` now. */
export function hasLinkPanel(kind: LinkPanelKind, links: ReturnType<typeof needsLinksFor>): boolean {
  switch (kind) {
    case 'needs':
      return links.enterNeeds || links.confirm || links.seeNeeds;
    case 'demand':
      return links.demand;
    case 'approval':
      return links.approval;
    case 'market':
      return links.market;
    case 'agreement':
      return links.agreement;
    case 'overview':
      return links.overview;
    case 'surveyResults':
      return links.surveyResults;
    case 'survey':
      return links.survey;
  }
}

/**
 * One panel on the statement page leading to one of its pages (the survey, the needs form, the
 * overview…). `primary` marks the stage's next step (domain/guidance.ts): its button is the
 * page's one primary button; every other panel's is secondary.
 */
export function LinkPanel({
  kind,
  statement,
  links,
  primary,
}: {
  kind: LinkPanelKind;
  statement: Statement;
  links: ReturnType<typeof needsLinksFor>;
  primary: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const base = `/statements/${statement.id}`;
  const deadline = statement.stageDeadline ? format.dateTime(statement.stageDeadline) : undefined;
  const panelClass = `action-panel${primary ? ' action-panel--highlight' : ''}`;
  const buttonClass = `button ${primary ? 'button--primary' : 'button--secondary'}`;
  switch (kind) {
    case 'needs':
      return links.enterNeeds || links.confirm ? (
        <section className={panelClass} aria-labelledby="needs-heading">
          <h3 id="needs-heading">{links.confirm ? t('actions.needs.confirmTitle') : t('actions.needs.enterTitle')}</h3>
          <p>
            {links.confirm ? t('actions.needs.confirmIntro') : t('actions.needs.enterIntro')}
            {deadline ? ` ${t('actions.needs.deadline', { deadline })}` : ''}
          </p>
          <Link className={buttonClass} to={`${base}/needs`}>
            {links.confirm ? t('actions.needs.confirmLink') : t('actions.needs.enterLink')}
          </Link>
        </section>
      ) : (
        <section className={panelClass} aria-labelledby="needs-heading">
          <h3 id="needs-heading">{t('actions.needs.seeTitle')}</h3>
          <p>{t('actions.needs.seeIntro')}</p>
          <Link className={buttonClass} to={`${base}/needs`}>
            {t('actions.needs.seeLink')}
          </Link>
        </section>
      );
    case 'demand':
      return (
        <section className={panelClass} aria-labelledby="demand-heading">
          <h3 id="demand-heading">
            {links.decideShortfall ? t('actions.demand.shortfallTitle') : t('actions.demand.title')}
          </h3>
          <p>{links.decideShortfall ? t('actions.demand.shortfallIntro') : t('actions.demand.intro')}</p>
          <Link className={buttonClass} to={`${base}/demand`}>
            {links.decideShortfall ? t('actions.demand.shortfallLink') : t('actions.demand.link')}
          </Link>
        </section>
      );
    case 'approval':
      return (
        <section className={panelClass} aria-labelledby="approval-heading">
          <h3 id="approval-heading">
            {links.approve ? t('actions.approval.approveTitle') : t('actions.approval.title')}
          </h3>
          <p>
            {links.approve ? t('actions.approval.approveIntro') : t('actions.approval.intro')}
            {links.approve && deadline ? ` ${t('actions.needs.deadline', { deadline })}` : ''}
          </p>
          <Link className={buttonClass} to={`${base}/approval`}>
            {links.approve ? t('actions.approval.approveLink') : t('actions.approval.link')}
          </Link>
        </section>
      );
    case 'market': {
      // Before the consultation opens the lead prepares it; the link says so.
      const preparing = links.prepareMarket && !links.runMarket;
      return (
        <section className={panelClass} aria-labelledby="market-heading">
          <h3 id="market-heading">
            {links.runMarket
              ? t('actions.market.runTitle')
              : preparing
                ? t('actions.market.prepareTitle')
                : t('actions.market.title')}
          </h3>
          <p>
            {links.runMarket
              ? t('actions.market.runIntro')
              : preparing
                ? t('actions.market.introEarly')
                : links.followSuppliers
                  ? t('actions.market.introClosed')
                  : t('actions.market.intro')}
            {links.runMarket && deadline ? ` ${t('actions.needs.deadline', { deadline })}` : ''}
          </p>
          <Link className={buttonClass} to={`${base}/market`}>
            {links.runMarket
              ? t('actions.market.runLink')
              : preparing
                ? t('actions.market.prepareLink')
                : t('actions.market.link')}
          </Link>
        </section>
      );
    }
    case 'agreement':
      return (
        <section className={panelClass} aria-labelledby="agreement-heading">
          <h3 id="agreement-heading">{t('actions.agreement.title')}</h3>
          <p>{links.agreementLead ? t('actions.agreement.introLead') : t('actions.agreement.intro')}</p>
          <Link className={buttonClass} to={`${base}/agreement`}>
            {t('actions.agreement.link')}
          </Link>
        </section>
      );
    case 'overview':
      return (
        <section className={panelClass} aria-labelledby="overview-heading">
          <h3 id="overview-heading">{t('actions.overview.title')}</h3>
          <p>{t('actions.overview.intro')}</p>
          <Link className={buttonClass} to={`${base}/needs-overview`}>
            {t('actions.overview.link')}
          </Link>
        </section>
      );
    case 'surveyResults':
      return (
        <section className={panelClass} aria-labelledby="survey-results-heading">
          <h3 id="survey-results-heading">{t('surveyResults.panel.title')}</h3>
          <p>{t('surveyResults.panel.intro')}</p>
          <Link className={buttonClass} to={`${base}/survey-results`}>
            {t('surveyResults.panel.link')}
          </Link>
        </section>
      );
    case 'survey':
      return (
        <section className={panelClass} aria-labelledby="survey-heading">
          <h3 id="survey-heading">{t('actions.survey.title')}</h3>
          <p>{statement.stage === 'draft' ? t('actions.survey.introDraft') : t('actions.survey.introOpen')}</p>
          <Link className={buttonClass} to={`${base}/survey`}>
            {statement.stage === 'draft' ? t('actions.survey.linkDraft') : t('actions.survey.linkOpen')}
          </Link>
        </section>
      );
  }
}
