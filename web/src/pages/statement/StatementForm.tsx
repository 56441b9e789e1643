import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { ErrorSummary } from '../../components/ErrorSummary';
import { TextAreaField, TextField } from '../../components/Field';
import { CpvField, UnitField } from '../../components/ReferenceFields';
import { fieldId, focusField, type Submission } from '../../forms/errors';
import {
  DESCRIPTION_MAX,
  durationFields,
  MAX_CPV_CODES,
  MAX_QUANTITY_RULES,
  MAX_REMINDERS,
  normaliseDecimal,
  statementFieldLabel,
  type StatementFormValues,
  TITLE_MAX,
} from '../../forms/statement-form';
import { useFormat } from '../../i18n/format';
import { cpvInputPattern, normaliseCpvInput } from './cpv';

interface Props {
  initial: StatementFormValues;
  submission: Submission;
  submitLabel: string;
  cancelTo: string;
  onSubmit: (values: StatementFormValues) => void | Promise<void>;
}

function Section({
  id,
  n,
  title,
  intro,
  children,
}: {
  id: string;
  n: number;
  title: string;
  intro?: string;
  children: ReactNode;
}) {
  const format = useFormat();
  return (
    <fieldset className="form-section" aria-describedby={intro ? `${id}-intro` : undefined}>
      <legend className="form-section__legend">
        <span className="form-section__number" aria-hidden="true">
          {format.number(n)}
        </span>
        {title}
      </legend>
      {intro ? (
        <p id={`${id}-intro`} className="form-section__intro">
          {intro}
        </p>
      ) : null}
      {children}
    </fieldset>
  );
}

/**
 * The guided statement form, shared by "create" and "edit": subject, CPV codes, schedule and
 * critical-mass rules, in numbered sections with hints; rows can be added and removed, and the
 * focus follows (to the new row, or to the row before the removed one).
 */
export function StatementForm({ initial, submission, submitLabel, cancelTo, onSubmit }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const [v, setV] = useState<StatementFormValues>(initial);
  const [focusPath, setFocusPath] = useState<string | undefined>();
  const err = submission.errorFor;

  useEffect(() => {
    if (focusPath) {
      focusField(focusPath);
      setFocusPath(undefined);
    }
  }, [focusPath]);

  const set = <K extends keyof StatementFormValues>(key: K, value: StatementFormValues[K]) =>
    setV((old) => ({ ...old, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onSubmit(v);
  };

  const validCodes = [...new Set(v.cpvCodes.map(normaliseCpvInput).filter((c) => cpvInputPattern.test(c)))];
  const minTotal = normaliseDecimal(v.minTotalValueEur);

  return (
    <form noValidate onSubmit={submit} className="form statement-form">
      <ErrorSummary
        problem={submission.problem}
        fieldErrors={submission.fieldErrors}
        summaryRef={submission.summaryRef}
        labelFor={(path) => statementFieldLabel(path, t)}
      />

      <Section
        id="s-subject"
        n={1}
        title={t('statementForm.sections.subject')}
        intro={t('statementForm.sections.subjectIntro')}
      >
        <TextField
          path="title"
          label={t('statementForm.title')}
          hint={t('statementForm.titleHint')}
          value={v.title}
          maxLength={TITLE_MAX}
          onChange={(e) => set('title', e.target.value)}
          error={err('title')}
        />
        <TextAreaField
          path="description"
          label={t('statementForm.description')}
          hint={t('statementForm.descriptionHint')}
          value={v.description}
          maxLength={DESCRIPTION_MAX}
          rows={6}
          onChange={(e) => set('description', e.target.value)}
          error={err('description')}
        />
      </Section>

      <Section id="s-cpv" n={2} title={t('statementForm.sections.cpv')} intro={t('statementForm.sections.cpvIntro')}>
        <div id={fieldId('cpvCodes')} className="rows">
          {err('cpvCodes') ? <p className="field__error">{err('cpvCodes')!.message}</p> : null}
          {v.cpvCodes.map((code, i) => (
            <div className="row" key={i}>
              <CpvField
                path={`cpvCodes[${i}]`}
                label={t('statementForm.cpvCode', { n: i + 1 })}
                hint={i === 0 ? t('statementForm.cpvHint') : null}
                className="row__grow"
                value={code}
                onChange={(value) =>
                  set(
                    'cpvCodes',
                    v.cpvCodes.map((c, j) => (j === i ? value : c)),
                  )
                }
                error={err(`cpvCodes[${i}]`)}
              />
              {v.cpvCodes.length > 1 ? (
                <button
                  type="button"
                  className="button button--link row__remove"
                  onClick={() => {
                    set(
                      'cpvCodes',
                      v.cpvCodes.filter((_, j) => j !== i),
                    );
                    setFocusPath(`cpvCodes[${Math.max(0, i - 1)}]`);
                  }}
                >
                  {t('statementForm.remove')}
                  <span className="visually-hidden"> {t('statementForm.cpvCode', { n: i + 1 })}</span>
                </button>
              ) : null}
            </div>
          ))}
          {v.cpvCodes.length < MAX_CPV_CODES ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                set('cpvCodes', [...v.cpvCodes, '']);
                setFocusPath(`cpvCodes[${v.cpvCodes.length}]`);
              }}
            >
              {t('statementForm.addCpv')}
            </button>
          ) : null}
        </div>
      </Section>

      <Section
        id="s-schedule"
        n={3}
        title={t('statementForm.sections.schedule')}
        intro={t('statementForm.sections.scheduleIntro')}
      >
        <div className="grid grid--3">
          {durationFields.map((field) => (
            <TextField
              key={field}
              path={`schedule.${field}`}
              label={t(`statementForm.durations.${field}`)}
              hint={t('statementForm.daysHint')}
              inputMode="numeric"
              className="field--short"
              value={v.durations[field]}
              onChange={(e) => set('durations', { ...v.durations, [field]: e.target.value })}
              error={err(`schedule.${field}`)}
            />
          ))}
        </div>

        <fieldset className="subsection" id={fieldId('schedule.reminderOffsets')} aria-describedby="reminders-hint">
          <legend>{t('statementForm.reminders')}</legend>
          <p id="reminders-hint" className="field__hint">
            {t('statementForm.remindersHint', { max: MAX_REMINDERS })}
          </p>
          {err('schedule.reminderOffsets') ? (
            <p className="field__error">{err('schedule.reminderOffsets')!.message}</p>
          ) : null}
          {v.reminderOffsets.length === 0 ? <p className="muted">{t('statementForm.noReminders')}</p> : null}
          {v.reminderOffsets.map((r, i) => (
            <div className="row" key={i}>
              <TextField
                path={`schedule.reminderOffsets[${i}]`}
                label={t('statementForm.reminder', { n: i + 1 })}
                hint={t('statementForm.reminderHint')}
                inputMode="numeric"
                className="field--short"
                value={r}
                onChange={(e) =>
                  set(
                    'reminderOffsets',
                    v.reminderOffsets.map((x, j) => (j === i ? e.target.value : x)),
                  )
                }
                error={err(`schedule.reminderOffsets[${i}]`)}
              />
              <button
                type="button"
                className="button button--link row__remove"
                onClick={() => {
                  set(
                    'reminderOffsets',
                    v.reminderOffsets.filter((_, j) => j !== i),
                  );
                  setFocusPath(i > 0 ? `schedule.reminderOffsets[${i - 1}]` : 'schedule.reminderOffsets');
                }}
              >
                {t('statementForm.remove')}
                <span className="visually-hidden"> {t('statementForm.reminder', { n: i + 1 })}</span>
              </button>
            </div>
          ))}
          {v.reminderOffsets.length < MAX_REMINDERS ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                set('reminderOffsets', [...v.reminderOffsets, '']);
                setFocusPath(`schedule.reminderOffsets[${v.reminderOffsets.length}]`);
              }}
            >
              {t('statementForm.addReminder')}
            </button>
          ) : null}
        </fieldset>

        <fieldset className="subsection">
          <legend>{t('statementForm.deliveryHorizon')}</legend>
          <div className="grid grid--3">
            <TextField
              path="schedule.deliveryFromYear"
              label={t('statementForm.deliveryFromYear')}
              inputMode="numeric"
              className="field--short"
              value={v.deliveryFromYear}
              onChange={(e) => set('deliveryFromYear', e.target.value)}
              error={err('schedule.deliveryFromYear')}
            />
            <TextField
              path="schedule.deliveryToYear"
              label={t('statementForm.deliveryToYear')}
              inputMode="numeric"
              className="field--short"
              value={v.deliveryToYear}
              onChange={(e) => set('deliveryToYear', e.target.value)}
              error={err('schedule.deliveryToYear')}
            />
            <TextField
              path="schedule.expectedProcurementStart"
              type="date"
              label={t('statementForm.expectedProcurementStart')}
              hint={t('statementForm.expectedProcurementStartHint')}
              value={v.expectedProcurementStart}
              onChange={(e) => set('expectedProcurementStart', e.target.value)}
              error={err('schedule.expectedProcurementStart')}
            />
          </div>
        </fieldset>
      </Section>

      <Section
        id="s-mass"
        n={4}
        title={t('statementForm.sections.criticalMass')}
        intro={t('statementForm.sections.criticalMassIntro')}
      >
        <div className="grid grid--3">
          <TextField
            path="criticalMass.minBuyers"
            label={t('statementForm.minBuyers')}
            optional
            inputMode="numeric"
            className="field--short"
            value={v.minBuyers}
            onChange={(e) => set('minBuyers', e.target.value)}
            error={err('criticalMass.minBuyers')}
          />
          <TextField
            path="criticalMass.minCountries"
            label={t('statementForm.minCountries')}
            optional
            inputMode="numeric"
            className="field--short"
            value={v.minCountries}
            onChange={(e) => set('minCountries', e.target.value)}
            error={err('criticalMass.minCountries')}
          />
          <TextField
            path="criticalMass.minTotalValueEur"
            label={t('statementForm.minTotalValueEur')}
            optional
            inputMode="decimal"
            hint={
              /^\d{1,15}(\.\d{1,6})?$/.test(minTotal)
                ? t('statementForm.amountPreview', { amount: format.amount(minTotal, 'EUR') })
                : t('statementForm.minTotalValueEurHint')
            }
            value={v.minTotalValueEur}
            onChange={(e) => set('minTotalValueEur', e.target.value)}
            error={err('criticalMass.minTotalValueEur')}
          />
        </div>

        <fieldset className="subsection" id={fieldId('criticalMass.minQuantityPerCpv')}>
          <legend>{t('statementForm.quantityRules')}</legend>
          <p className="field__hint">{t('statementForm.quantityRulesHint')}</p>
          {v.quantityRules.map((r, i) => {
            const base = `criticalMass.minQuantityPerCpv[${i}]`;
            const update = (patch: Partial<typeof r>) =>
              set(
                'quantityRules',
                v.quantityRules.map((x, j) => (j === i ? { ...x, ...patch } : x)),
              );
            return (
              <fieldset className="row-group" key={i}>
                <legend>{t('statementForm.quantityRule', { n: i + 1 })}</legend>
                <div className="grid grid--3">
                  <CpvField
                    path={`${base}.cpvCode`}
                    label={t('statementForm.quantity.cpvCode')}
                    value={r.cpvCode}
                    onChange={(value) => update({ cpvCode: value })}
                    error={err(`${base}.cpvCode`)}
                  />
                  <UnitField
                    path={`${base}.unit`}
                    label={t('statementForm.quantity.unit')}
                    hint={t('statementForm.unitHint')}
                    value={r.unit}
                    onChange={(value) => update({ unit: value })}
                    error={err(`${base}.unit`)}
                  />
                  <TextField
                    path={`${base}.minQuantity`}
                    label={t('statementForm.quantity.minQuantity')}
                    inputMode="decimal"
                    className="field--short"
                    value={r.minQuantity}
                    onChange={(e) => update({ minQuantity: e.target.value })}
                    error={err(`${base}.minQuantity`)}
                  />
                </div>
                <button
                  type="button"
                  className="button button--link"
                  onClick={() => {
                    set(
                      'quantityRules',
                      v.quantityRules.filter((_, j) => j !== i),
                    );
                    setFocusPath(
                      i > 0 ? `criticalMass.minQuantityPerCpv[${i - 1}].cpvCode` : 'criticalMass.minQuantityPerCpv',
                    );
                  }}
                >
                  {t('statementForm.remove')}
                  <span className="visually-hidden"> {t('statementForm.quantityRule', { n: i + 1 })}</span>
                </button>
              </fieldset>
            );
          })}
          {v.quantityRules.length < MAX_QUANTITY_RULES ? (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                set('quantityRules', [...v.quantityRules, { cpvCode: validCodes[0] ?? '', unit: '', minQuantity: '' }]);
                setFocusPath(`criticalMass.minQuantityPerCpv[${v.quantityRules.length}].cpvCode`);
              }}
            >
              {t('statementForm.addQuantityRule')}
            </button>
          ) : null}
        </fieldset>
      </Section>

      <div className="form-actions">
        <button type="submit" className="button button--primary" aria-disabled={submission.submitting || undefined}>
          {submission.submitting ? t('common.saving') : submitLabel}
        </button>
        <Link to={cancelTo} className="button button--secondary">
          {t('common.cancel')}
        </Link>
      </div>
    </form>
  );
}
