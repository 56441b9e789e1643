import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useFormat } from '../../i18n/format';
import type { Question } from '../../needs/answers';
import { lineFromSaved, lineValue, totalsByCurrency } from '../../needs/need-lines';
import { CpvName, Quantity } from '../../reference/Words';
import { getSurvey, type NeedsVersion } from './load';

/**
 * What a submitted version holds: its lines with their estimated values, the totals per
 * currency, and the answers to the survey version it was given for.
 */
export function VersionDetails({
  statementId,
  version,
  headingId,
}: {
  statementId: string;
  version: NeedsVersion;
  headingId: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [questions, setQuestions] = useState<Question[] | undefined>();
  const lines = version.lines.map((raw) => lineFromSaved(raw, format.locale));
  const { totals } = totalsByCurrency(lines, format.locale);

  useEffect(() => {
    let live = true;
    getSurvey(statementId, version.surveyVersion).then(
      (s) => live && setQuestions(s?.questions ?? []),
      () => live && setQuestions([]),
    );
    return () => {
      live = false;
    };
  }, [statementId, version.surveyVersion]);

  const answers = (typeof version.answers === 'object' && version.answers !== null ? version.answers : {}) as Record<
    string,
    unknown
  >;
  const answerText = (q: Question, v: unknown): string => {
    if (q.type === 'yes_no') return v === true ? t('answers.yes') : t('answers.no');
    if (q.type === 'single_choice') return q.options.find((o) => o.id === v)?.label ?? String(v);
    if (q.type === 'multiple_choice' && Array.isArray(v))
      return format.list(v.map((id) => q.options.find((o) => o.id === id)?.label ?? String(id)));
    if (q.type === 'number') return `${format.number(String(v))} ${q.unit}`;
    if (q.type === 'date' && typeof v === 'string') return format.date(v);
    return String(v);
  };

  return (
    <div className="version-details">
      <div className="table-scroll" role="region" aria-labelledby={headingId} tabIndex={0}>
        <table className="table">
          <caption className="visually-hidden">
            {t('needs.versions.linesCaption', { version: version.version })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('needs.line.cpvCode')}</th>
              <th scope="col">{t('needs.line.description')}</th>
              <th scope="col">{t('needs.versions.quantity')}</th>
              <th scope="col">{t('needs.line.unitPrice')}</th>
              <th scope="col">{t('needs.line.delivery')}</th>
              <th scope="col">{t('needs.versions.value')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, i) => {
              const value = lineValue(line, format.locale);
              return (
                <tr key={line.key}>
                  <td>
                    <CpvName code={line.cpvCode} />
                  </td>
                  <th scope="row">
                    {line.description || t('needs.line.title', { n: i + 1 })}
                    {line.frameworkJustification ? (
                      <span className="muted need-line__justification">
                        {t('needs.versions.frameworkJustification', {
                          months: line.frameworkMonths,
                          justification: line.frameworkJustification,
                        })}
                      </span>
                    ) : null}
                  </th>
                  <td>{value ? <Quantity amount={value.quantity.toFixed()} unit={line.unit} /> : line.quantity}</td>
                  <td>{value ? format.amount(value.price.toFixed(), line.currency) : line.unitPrice}</td>
                  <td>
                    {line.deliveryKind === 'year'
                      ? line.deliveryYear
                      : t('statement.yearRange', { from: line.deliveryFromYear, to: line.deliveryToYear })}
                  </td>
                  <td>{value ? format.amount(value.value.toFixed(), line.currency) : t('common.notGiven')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {totals.length > 0 ? (
        <p>
          {t('needs.versions.total', {
            amounts: format.list(totals.map((x) => format.amount(x.value.toFixed(), x.currency))),
          })}
        </p>
      ) : null}
      {questions && questions.length > 0 ? (
        <dl className="facts">
          {questions.map((q) => (
            <div key={q.id}>
              <dt>{q.label}</dt>
              <dd>{answers[q.id] === undefined ? t('needs.versions.notAnswered') : answerText(q, answers[q.id])}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
