import {
  agreementTermsLimits as limits,
  contractConclusions,
  type CostSharingMethod,
  costSharingMethods,
  jointEntityLawBases,
  jointEntityTypes,
  procedurePhases,
  procedureTypes,
} from '@jointdemand/rules/agreement';
import { participatingCountries } from '@jointdemand/rules/countries';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, call, type Schemas, type Statement } from '../../api/client';
import { ErrorSummary } from '../../components/ErrorSummary';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { type FieldError, fieldId, useSubmission } from '../../forms/errors';
import { textCharacterError, type TextKind } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';

type Agreement = Schemas['Agreement'];
type Proposal = Schemas['AgreementProposal'];

/** The choices are those the server accepts (`@jointdemand/rules/agreement`). */
const phases = procedurePhases;
/** The form offers the two methods without a share per party; fixed percentages are for the API. */
const costMethods = costSharingMethods.filter(
  (m): m is Exclude<CostSharingMethod, 'fixed_percentages'> => m !== 'fixed_percentages',
);

interface Values {
  leadAuthorityOrgId: string;
  /** Art. 39(4)(a): a party's Member State; Art. 39(5): that of a joint entity the parties set up. */
  lawKind: 'party_country' | 'joint_entity';
  lawCountry: string;
  entityName: string;
  entityType: (typeof jointEntityTypes)[number];
  officeCountry: string;
  activityCountries: string;
  lawOf: (typeof jointEntityLawBases)[number];
  entityDecision: string;
  procedureType: (typeof procedureTypes)[number];
  lotTitle: string;
  responsibilities: Record<string, string>;
  phases: Record<(typeof phases)[number], string>;
  contractConclusion: (typeof contractConclusions)[number];
  costSharing: (typeof costMethods)[number];
  languages: string;
  disputeText: string;
  disputeForum: string;
  months: string;
  accessionAllowed: boolean;
  accessionConditions: string;
  note: string;
}

/** Server paths (`responsibilities[0].text`, `responsibilities.0.text`) as this form's field paths. */
const normalisePath = (path: string) => path.replace(/\[(\d+)\]/g, '.$1');

/**
 * The lead buyer proposes the terms of the agreement (Art. 39(4)): who runs the procedure,
 * under which national law, the procedure and its lot, each party's responsibilities, who
 * conducts each phase, how contracts are concluded and costs shared, languages, disputes,
 * duration and accession. Each party receives its confirmed needs. Proposing again makes an
 * amendment that every party signs anew.
 */
export function TermsForm({
  statement,
  agreement,
  onDone,
}: {
  statement: Statement;
  agreement: Agreement;
  onDone: (a: Agreement, text: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const submission = useSubmission();
  const parties = agreement.parties.filter((p) => p.status === 'party');
  const lead = parties.find((p) => p.organisationId === agreement.leadOrganisationId) ?? parties[0];
  const [v, setV] = useState<Values>(() => ({
    leadAuthorityOrgId: lead?.organisationId ?? '',
    lawKind: 'party_country',
    lawCountry: lead?.country ?? '',
    entityName: '',
    entityType: 'egtc',
    officeCountry: lead?.country ?? '',
    activityCountries: [...new Set(parties.map((p) => p.country))].join(', '),
    lawOf: 'registered_office',
    entityDecision: '',
    procedureType: 'open',
    lotTitle: statement.title,
    responsibilities: Object.fromEntries(parties.map((p) => [p.organisationId, ''])),
    phases: {
      preparation: 'joint',
      publication: lead?.organisationId ?? 'joint',
      evaluation: 'joint',
      award: lead?.organisationId ?? 'joint',
      contract_management: 'joint',
    },
    contractConclusion: 'each_party_own_contract',
    costSharing: 'by_share_of_value',
    languages: 'en',
    disputeText: '',
    disputeForum: '',
    months: '48',
    accessionAllowed: false,
    accessionConditions: '',
    note: '',
  }));
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setV((old) => ({ ...old, [key]: value }));
  const countries = [...new Set(parties.map((p) => p.country))];
  const activityCountries = [
    ...new Set(
      v.activityCountries
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  // Art. 39(5): the law of the registered office (a) or of a Member State of the activities (b).
  const entityLawCountries = v.lawOf === 'registered_office' ? [v.officeCountry] : activityCountries;
  const entityLawCountry = entityLawCountries.includes(v.lawCountry) ? v.lawCountry : (entityLawCountries[0] ?? '');
  const errorFor = (path: string) => submission.errorFor(path);

  const labelFor = (path: string): string | undefined => {
    const m = /^responsibilities\.(\d+)\.text$/.exec(path);
    if (m) return t('agreement.terms.responsibilityOf', { party: parties[Number(m[1])]?.name ?? '' });
    const known: Record<string, string> = {
      leadAuthorityOrgId: t('agreement.terms.leadAuthority'),
      'applicableLaw.country': t('agreement.terms.law'),
      'applicableLaw.kind': t('agreement.terms.lawKind'),
      'applicableLaw.entityName': t('agreement.terms.entityName'),
      'applicableLaw.registeredOfficeCountry': t('agreement.terms.officeCountry'),
      'applicableLaw.activityCountries': t('agreement.terms.activityCountries'),
      'applicableLaw.decision': t('agreement.terms.entityDecision'),
      'lots.0.title': t('agreement.terms.lotTitle'),
      languages: t('agreement.terms.languages'),
      'disputeResolution.text': t('agreement.terms.disputeText'),
      'disputeResolution.forum': t('agreement.terms.disputeForum'),
      'duration.months': t('agreement.terms.months'),
      'accession.conditions': t('agreement.terms.accessionConditions'),
    };
    return known[path];
  };

  const validate = (): FieldError[] => {
    const errors: FieldError[] = [];
    const required = (path: string, value: string, kind: TextKind = 'paragraph') => {
      const characters = textCharacterError(kind, value, t);
      if (characters) errors.push({ path, message: characters });
      else if (!value.trim()) errors.push({ path, message: t('agreement.terms.errors.required') });
    };
    required('lots.0.title', v.lotTitle, 'title');
    if (v.lawKind === 'joint_entity') {
      required('applicableLaw.entityName', v.entityName, 'name');
      required('applicableLaw.decision', v.entityDecision, 'line');
      if (
        activityCountries.length === 0 ||
        activityCountries.some((c) => !(participatingCountries as readonly string[]).includes(c))
      )
        errors.push({
          path: 'applicableLaw.activityCountries',
          message: t('agreement.terms.errors.activityCountries'),
        });
    }
    parties.forEach((p, i) => required(`responsibilities.${i}.text`, v.responsibilities[p.organisationId] ?? ''));
    if (!/^[a-z]{2}(\s*,\s*[a-z]{2})*$/i.test(v.languages.trim()))
      errors.push({ path: 'languages', message: t('agreement.terms.errors.languages') });
    required('disputeResolution.text', v.disputeText);
    required('disputeResolution.forum', v.disputeForum, 'line');
    const months = Number(v.months);
    if (!Number.isInteger(months) || months < 1 || months > limits.months)
      errors.push({ path: 'duration.months', message: t('agreement.terms.errors.months') });
    if (v.accessionAllowed) required('accession.conditions', v.accessionConditions);
    const noteCharacters = textCharacterError('paragraph', v.note, t);
    if (noteCharacters) errors.push({ path: 'note', message: noteCharacters });
    return errors;
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submission
      .submit(validate, async () => {
        const body: Proposal = {
          leadAuthorityOrgId: v.leadAuthorityOrgId,
          applicableLaw:
            v.lawKind === 'party_country'
              ? { kind: 'party_country', country: v.lawCountry }
              : {
                  kind: 'joint_entity',
                  entityName: v.entityName.trim(),
                  entityType: v.entityType,
                  registeredOfficeCountry: v.officeCountry,
                  activityCountries,
                  lawOf: v.lawOf,
                  country: entityLawCountry,
                  decision: v.entityDecision.trim(),
                },
          procedureType: v.procedureType,
          lots: [{ id: 'LOT-1', title: v.lotTitle.trim(), cpvCodes: statement.cpvCodes }],
          responsibilities: parties.map((p) => ({
            orgId: p.organisationId,
            text: (v.responsibilities[p.organisationId] ?? '').trim(),
          })),
          phases: phases.map((phase) => ({ phase, conductedBy: v.phases[phase] })),
          contractConclusion: v.contractConclusion,
          costSharing: { method: v.costSharing },
          languages: v.languages.split(',').map((l) => l.trim().toLowerCase()),
          disputeResolution: { text: v.disputeText.trim(), forum: v.disputeForum.trim() },
          duration: { kind: 'months', months: Number(v.months) },
          accession: { allowed: v.accessionAllowed, conditions: v.accessionConditions.trim() },
          ...(v.note.trim() ? { note: v.note.trim() } : {}),
        };
        const updated = await call(
          api.POST('/api/statements/{statementId}/agreement/versions', {
            params: { path: { statementId: statement.id } },
            body,
          }),
        );
        onDone(updated, t('agreement.terms.done', { version: updated.currentVersion?.version ?? 1 }));
      })
      .then(() => undefined);
  };

  // Errors from the server use the request's paths; show them beside the same fields.
  const fieldErrors = submission.fieldErrors.map((e) => ({ ...e, path: normalisePath(e.path) }));
  const err = (path: string) => fieldErrors.find((e) => e.path === path) ?? errorFor(path);

  return (
    <section className="action-panel action-panel--highlight" aria-labelledby="terms-heading">
      <h2 id="terms-heading">
        {agreement.currentVersion ? t('agreement.terms.amendTitle') : t('agreement.terms.title')}
      </h2>
      <p>{t('agreement.terms.intro')}</p>
      <form noValidate onSubmit={onSubmit} className="form">
        <ErrorSummary
          problem={submission.problem}
          fieldErrors={fieldErrors}
          summaryRef={submission.summaryRef}
          scope="terms"
          labelFor={labelFor}
        />
        <fieldset className="form-section">
          <legend>{t('agreement.terms.procedure')}</legend>
          <SelectField
            path="leadAuthorityOrgId"
            scope="terms"
            label={t('agreement.terms.leadAuthority')}
            value={v.leadAuthorityOrgId}
            onChange={(e) => set('leadAuthorityOrgId', e.target.value)}
            error={err('leadAuthorityOrgId')}
          >
            {parties.map((p) => (
              <option key={p.organisationId} value={p.organisationId}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            path="applicableLaw.kind"
            scope="terms"
            label={t('agreement.terms.lawKind')}
            value={v.lawKind}
            onChange={(e) => set('lawKind', e.target.value as Values['lawKind'])}
            error={err('applicableLaw.kind')}
          >
            <option value="party_country">{t('agreement.terms.lawKindName.party_country')}</option>
            <option value="joint_entity">{t('agreement.terms.lawKindName.joint_entity')}</option>
          </SelectField>
          {v.lawKind === 'party_country' ? (
            <SelectField
              path="applicableLaw.country"
              scope="terms"
              label={t('agreement.terms.law')}
              hint={t('agreement.terms.lawHint')}
              value={v.lawCountry}
              onChange={(e) => set('lawCountry', e.target.value)}
              error={err('applicableLaw.country')}
            >
              {countries.map((c) => (
                <option key={c} value={c}>
                  {format.country(c)}
                </option>
              ))}
            </SelectField>
          ) : (
            <>
              <TextField
                path="applicableLaw.entityName"
                scope="terms"
                label={t('agreement.terms.entityName')}
                value={v.entityName}
                maxLength={300}
                onChange={(e) => set('entityName', e.target.value)}
                error={err('applicableLaw.entityName')}
              />
              <SelectField
                path="applicableLaw.entityType"
                scope="terms"
                label={t('agreement.terms.entityType')}
                value={v.entityType}
                onChange={(e) => set('entityType', e.target.value as Values['entityType'])}
                error={err('applicableLaw.entityType')}
              >
                {jointEntityTypes.map((k) => (
                  <option key={k} value={k}>
                    {t(`agreement.terms.entityTypeName.${k}`)}
                  </option>
                ))}
              </SelectField>
              <SelectField
                path="applicableLaw.registeredOfficeCountry"
                scope="terms"
                label={t('agreement.terms.officeCountry')}
                value={v.officeCountry}
                onChange={(e) => set('officeCountry', e.target.value)}
                error={err('applicableLaw.registeredOfficeCountry')}
              >
                {participatingCountries.map((c) => (
                  <option key={c} value={c}>
                    {format.country(c)}
                  </option>
                ))}
              </SelectField>
              <TextField
                path="applicableLaw.activityCountries"
                scope="terms"
                label={t('agreement.terms.activityCountries')}
                hint={t('agreement.terms.activityCountriesHint')}
                value={v.activityCountries}
                onChange={(e) => set('activityCountries', e.target.value)}
                error={err('applicableLaw.activityCountries')}
              />
              <SelectField
                path="applicableLaw.lawOf"
                scope="terms"
                label={t('agreement.terms.lawOf')}
                hint={t('agreement.terms.lawOfHint')}
                value={v.lawOf}
                onChange={(e) => set('lawOf', e.target.value as Values['lawOf'])}
                error={err('applicableLaw.lawOf')}
              >
                {jointEntityLawBases.map((b) => (
                  <option key={b} value={b}>
                    {t(`agreement.terms.lawOfName.${b}`)}
                  </option>
                ))}
              </SelectField>
              <SelectField
                path="applicableLaw.country"
                scope="terms"
                label={t('agreement.terms.law')}
                value={entityLawCountry}
                onChange={(e) => set('lawCountry', e.target.value)}
                error={err('applicableLaw.country')}
              >
                {entityLawCountries.map((c) => (
                  <option key={c} value={c}>
                    {format.country(c)}
                  </option>
                ))}
              </SelectField>
              <TextField
                path="applicableLaw.decision"
                scope="terms"
                label={t('agreement.terms.entityDecision')}
                hint={t('agreement.terms.entityDecisionHint')}
                value={v.entityDecision}
                maxLength={300}
                onChange={(e) => set('entityDecision', e.target.value)}
                error={err('applicableLaw.decision')}
              />
            </>
          )}
          <SelectField
            path="procedureType"
            scope="terms"
            label={t('agreement.terms.procedureType')}
            value={v.procedureType}
            onChange={(e) => set('procedureType', e.target.value as Values['procedureType'])}
            error={err('procedureType')}
          >
            {procedureTypes.map((p) => (
              <option key={p} value={p}>
                {t(`agreement.procedureType.${p}`)}
              </option>
            ))}
          </SelectField>
          <TextField
            path="lots.0.title"
            scope="terms"
            label={t('agreement.terms.lotTitle')}
            hint={t('agreement.terms.lotHint', { codes: format.list(statement.cpvCodes) })}
            value={v.lotTitle}
            maxLength={limits.lotTitle}
            onChange={(e) => set('lotTitle', e.target.value)}
            error={err('lots.0.title')}
          />
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('agreement.terms.responsibilities')}</legend>
          {parties.map((p, i) => (
            <TextAreaField
              key={p.organisationId}
              path={`responsibilities.${i}.text`}
              scope="terms"
              rows={2}
              label={t('agreement.terms.responsibilityOf', { party: p.name })}
              value={v.responsibilities[p.organisationId] ?? ''}
              maxLength={limits.responsibility}
              onChange={(e) => set('responsibilities', { ...v.responsibilities, [p.organisationId]: e.target.value })}
              error={err(`responsibilities.${i}.text`)}
            />
          ))}
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('agreement.terms.phases')}</legend>
          <p className="field__hint">{t('agreement.terms.phasesHint')}</p>
          <div className="grid grid--2">
            {phases.map((phase, i) => (
              <SelectField
                key={phase}
                path={`phases.${i}.conductedBy`}
                scope="terms"
                label={t(`agreement.phase.${phase}`)}
                value={v.phases[phase]}
                onChange={(e) => set('phases', { ...v.phases, [phase]: e.target.value })}
                error={err(`phases.${i}.conductedBy`)}
              >
                <option value="joint">{t('agreement.terms.jointly')}</option>
                {parties.map((p) => (
                  <option key={p.organisationId} value={p.organisationId}>
                    {p.name}
                  </option>
                ))}
              </SelectField>
            ))}
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('agreement.terms.contracts')}</legend>
          <SelectField
            path="contractConclusion"
            scope="terms"
            label={t('agreement.terms.contractConclusion')}
            value={v.contractConclusion}
            onChange={(e) => set('contractConclusion', e.target.value as Values['contractConclusion'])}
            error={err('contractConclusion')}
          >
            {contractConclusions.map((c) => (
              <option key={c} value={c}>
                {t(`agreement.contractConclusion.${c}`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            path="costSharing.method"
            scope="terms"
            label={t('agreement.terms.costSharing')}
            value={v.costSharing}
            onChange={(e) => set('costSharing', e.target.value as Values['costSharing'])}
            error={err('costSharing.method')}
          >
            {costMethods.map((c) => (
              <option key={c} value={c}>
                {t(`agreement.costSharing.${c}`)}
              </option>
            ))}
          </SelectField>
          <TextField
            path="languages"
            scope="terms"
            label={t('agreement.terms.languages')}
            hint={t('agreement.terms.languagesHint')}
            value={v.languages}
            onChange={(e) => set('languages', e.target.value)}
            error={err('languages')}
          />
          <TextAreaField
            path="disputeResolution.text"
            scope="terms"
            rows={2}
            label={t('agreement.terms.disputeText')}
            hint={t('agreement.terms.disputeTextHint')}
            value={v.disputeText}
            maxLength={limits.disputeText}
            onChange={(e) => set('disputeText', e.target.value)}
            error={err('disputeResolution.text')}
          />
          <TextField
            path="disputeResolution.forum"
            scope="terms"
            label={t('agreement.terms.disputeForum')}
            value={v.disputeForum}
            maxLength={limits.disputeForum}
            onChange={(e) => set('disputeForum', e.target.value)}
            error={err('disputeResolution.forum')}
          />
          <TextField
            path="duration.months"
            scope="terms"
            inputMode="numeric"
            className="field--short"
            label={t('agreement.terms.months')}
            value={v.months}
            onChange={(e) => set('months', e.target.value)}
            error={err('duration.months')}
          />
          <div className="choice">
            <input
              id={fieldId('accession.allowed', 'terms')}
              type="checkbox"
              checked={v.accessionAllowed}
              onChange={(e) => set('accessionAllowed', e.target.checked)}
            />
            <label htmlFor={fieldId('accession.allowed', 'terms')}>{t('agreement.terms.accessionAllowed')}</label>
          </div>
          {v.accessionAllowed ? (
            <TextAreaField
              path="accession.conditions"
              scope="terms"
              rows={2}
              label={t('agreement.terms.accessionConditions')}
              value={v.accessionConditions}
              maxLength={limits.accessionConditions}
              onChange={(e) => set('accessionConditions', e.target.value)}
              error={err('accession.conditions')}
            />
          ) : null}
          {agreement.currentVersion ? (
            <TextAreaField
              path="note"
              scope="terms"
              rows={2}
              optional
              label={t('agreement.terms.note')}
              value={v.note}
              maxLength={limits.note}
              onChange={(e) => set('note', e.target.value)}
              error={err('note')}
            />
          ) : null}
        </fieldset>
        <button type="submit" className="button button--primary" aria-disabled={submission.submitting || undefined}>
          {submission.submitting
            ? t('common.saving')
            : agreement.currentVersion
              ? t('agreement.terms.submitAmendment')
              : t('agreement.terms.submit')}
        </button>
      </form>
    </section>
  );
}
