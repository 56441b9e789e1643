import { useTranslation } from 'react-i18next';

import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { currencyOptionLabel, CurrencyRateHint, useRateCoverage } from '../../components/RateProblems';
import { CpvField, UnitField } from '../../components/ReferenceFields';
import { type FieldError, fieldId } from '../../forms/errors';
import { useFormat } from '../../i18n/format';
import {
  commonCurrencies,
  FRAMEWORK_MONTHS_WITHOUT_JUSTIFICATION,
  linePath,
  lineValue,
  MAX_DESCRIPTION,
  MAX_FRAMEWORK_JUSTIFICATION,
  MAX_REQUIREMENTS,
  type NeedLineValues,
  needsFrameworkJustification,
} from '../../needs/need-lines';
import { NumberField } from './NumberField';

interface Props {
  line: NeedLineValues;
  index: number;
  count: number;
  horizon: { fromYear: number; toYear: number };
  errorFor: (path: string) => FieldError | undefined;
  onChange: (patch: Partial<NeedLineValues>, field: string) => void;
  onCopy: () => void;
  onRemove: () => void;
}

/** One need line: what, how much, at what price, when, under which contract shape; its value as you type. */
export function NeedLineEditor({ line, index, count, horizon, errorFor, onChange, onCopy, onRemove }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const n = index + 1;
  const p = (field: string) => linePath(index, field);
  const err = (field: string) => errorFor(p(field));
  const value = lineValue(line, format.locale);
  const currencyName = (code: string) => format.currencyName(code);
  const currencies: string[] = commonCurrencies.includes(line.currency as (typeof commonCurrencies)[number])
    ? [...commonCurrencies]
    : [line.currency, ...commonCurrencies].filter(Boolean);
  const valueId = fieldId(p('value'));
  // Which currencies convert to EUR today: one that does not is marked, and picking it says so at once.
  const coverage = useRateCoverage();

  return (
    <fieldset className="need-line" aria-describedby={valueId}>
      <legend className="need-line__legend">{t('needs.line.title', { n })}</legend>

      <div className="grid grid--2">
        <CpvField
          path={p('cpvCode')}
          label={t('needs.line.cpvCode')}
          value={line.cpvCode}
          error={err('cpvCode')}
          onChange={(v) => onChange({ cpvCode: v }, 'cpvCode')}
        />
        <TextAreaField
          path={p('description')}
          label={t('needs.line.description')}
          hint={t('needs.line.descriptionHint')}
          rows={2}
          value={line.description}
          maxLength={MAX_DESCRIPTION}
          error={err('description')}
          onChange={(e) => onChange({ description: e.target.value }, 'description')}
        />
      </div>

      <div className="grid grid--4">
        <NumberField
          path={p('quantity')}
          label={t('needs.line.quantity')}
          hint={t('needs.line.quantityHint')}
          shows={{ unit: line.unit }}
          value={line.quantity}
          error={err('quantity')}
          onChange={(e) => onChange({ quantity: e.target.value }, 'quantity')}
        />
        <UnitField
          path={p('unit')}
          label={t('needs.line.unit')}
          value={line.unit}
          error={err('unit')}
          onChange={(v) => onChange({ unit: v }, 'unit')}
        />
        <NumberField
          path={p('unitPrice')}
          label={t('needs.line.unitPrice')}
          hint={t('needs.line.unitPriceHint')}
          shows={{ currency: line.currency }}
          value={line.unitPrice}
          error={err('unitPrice')}
          onChange={(e) => onChange({ unitPrice: e.target.value }, 'unitPrice')}
        />
        <SelectField
          path={p('currency')}
          label={t('needs.line.currency')}
          value={line.currency}
          error={err('currency')}
          hint={coverage ? <CurrencyRateHint currency={line.currency} coverage={coverage} /> : undefined}
          onChange={(e) => onChange({ currency: e.target.value }, 'currency')}
        >
          {currencies.map((c) => (
            <option key={c} value={c}>
              {currencyOptionLabel(t, c, currencyName(c), coverage)}
            </option>
          ))}
        </SelectField>
      </div>

      <fieldset className="subsection" id={fieldId(p('delivery'))}>
        <legend>{t('needs.line.delivery')}</legend>
        <p className="field__hint">
          {t('needs.line.deliveryHint', { from: format.year(horizon.fromYear), to: format.year(horizon.toYear) })}
        </p>
        <div className="choice-row">
          {(['year', 'window'] as const).map((kind) => (
            <div className="choice" key={kind}>
              <input
                type="radio"
                id={`${fieldId(p('deliveryKind'))}-${kind}`}
                name={`${p('deliveryKind')}`}
                checked={line.deliveryKind === kind}
                onChange={() => onChange({ deliveryKind: kind }, 'delivery')}
              />
              <label htmlFor={`${fieldId(p('deliveryKind'))}-${kind}`}>
                {t(kind === 'year' ? 'needs.line.singleYear' : 'needs.line.window')}
              </label>
            </div>
          ))}
        </div>
        {line.deliveryKind === 'year' ? (
          <TextField
            path={p('delivery.year')}
            label={t('needs.line.deliveryYear')}
            inputMode="numeric"
            className="field--short"
            value={line.deliveryYear}
            error={err('delivery.year')}
            onChange={(e) => onChange({ deliveryYear: e.target.value }, 'delivery.year')}
          />
        ) : (
          <div className="grid grid--4">
            <TextField
              path={p('delivery.fromYear')}
              label={t('needs.line.deliveryFromYear')}
              inputMode="numeric"
              className="field--short"
              value={line.deliveryFromYear}
              error={err('delivery.fromYear')}
              onChange={(e) => onChange({ deliveryFromYear: e.target.value }, 'delivery.fromYear')}
            />
            <TextField
              path={p('delivery.toYear')}
              label={t('needs.line.deliveryToYear')}
              inputMode="numeric"
              className="field--short"
              value={line.deliveryToYear}
              error={err('delivery.toYear')}
              onChange={(e) => onChange({ deliveryToYear: e.target.value }, 'delivery.toYear')}
            />
          </div>
        )}
      </fieldset>

      <fieldset className="subsection">
        <legend>{t('needs.line.contract')}</legend>
        <p className="field__hint">{t('needs.line.contractHint')}</p>
        <div className="grid grid--4">
          <TextField
            path={p('frameworkMonths')}
            label={t('needs.line.frameworkMonths')}
            hint={t('needs.line.frameworkMonthsHint')}
            optional
            inputMode="numeric"
            value={line.frameworkMonths}
            error={err('frameworkMonths')}
            onChange={(e) => onChange({ frameworkMonths: e.target.value }, 'frameworkMonths')}
          />
          <NumberField
            path={p('optionalQuantity')}
            label={t('needs.line.optionalQuantity')}
            hint={t('needs.line.optionalQuantityHint')}
            optional
            shows={{ unit: line.unit }}
            value={line.optionalQuantity}
            error={err('optionalQuantity')}
            onChange={(e) => onChange({ optionalQuantity: e.target.value }, 'optionalQuantity')}
          />
          <TextField
            path={p('renewals.count')}
            label={t('needs.line.renewalCount')}
            optional
            inputMode="numeric"
            value={line.renewalCount}
            error={err('renewals.count')}
            onChange={(e) => onChange({ renewalCount: e.target.value }, 'renewals.count')}
          />
          <NumberField
            path={p('renewals.quantityEach')}
            label={t('needs.line.renewalQuantityEach')}
            optional
            shows={{ unit: line.unit }}
            value={line.renewalQuantityEach}
            error={err('renewals.quantityEach')}
            onChange={(e) => onChange({ renewalQuantityEach: e.target.value }, 'renewals.quantityEach')}
          />
        </div>
        {needsFrameworkJustification(line) && (
          <TextAreaField
            path={p('frameworkJustification')}
            label={t('needs.line.frameworkJustification')}
            hint={t('needs.line.frameworkJustificationHint', { months: FRAMEWORK_MONTHS_WITHOUT_JUSTIFICATION })}
            rows={3}
            value={line.frameworkJustification}
            maxLength={MAX_FRAMEWORK_JUSTIFICATION}
            error={err('frameworkJustification')}
            onChange={(e) => onChange({ frameworkJustification: e.target.value }, 'frameworkJustification')}
          />
        )}
      </fieldset>

      <TextAreaField
        path={p('requirements')}
        label={t('needs.line.requirements')}
        hint={t('needs.line.requirementsHint')}
        optional
        rows={3}
        value={line.requirements}
        maxLength={MAX_REQUIREMENTS}
        error={err('requirements')}
        onChange={(e) => onChange({ requirements: e.target.value }, 'requirements')}
      />

      <p id={valueId} className="need-line__value">
        {value ? (
          <>
            <span className="need-line__value-label">{t('needs.line.value')}</span>{' '}
            <strong data-testid={`line-value-${n}`}>
              {format.amount(value.value.toFixed(), line.currency || 'EUR')}
            </strong>
            <span className="muted">
              {' '}
              {t('needs.line.valueDetail', {
                quantity: format.number(value.quantity.toFixed()),
                unit: line.unit.trim().toUpperCase(),
                price: format.amount(value.price.toFixed(), line.currency || 'EUR'),
              })}
            </span>
          </>
        ) : (
          <span className="muted">{t('needs.line.valueMissing')}</span>
        )}
      </p>

      <div className="button-row">
        <button type="button" className="button button--secondary" onClick={onCopy}>
          {t('needs.line.copy', { n })}
        </button>
        {count > 1 ? (
          <button type="button" className="button button--link button--danger-link" onClick={onRemove}>
            {t('needs.line.remove', { n })}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}
