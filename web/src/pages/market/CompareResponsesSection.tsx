import './compare-responses.css';

import { locales } from '@jointdemand/rules/locales';
import { type CSSProperties, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Schemas } from '../../api/client';
import { SelectField, TextField } from '../../components/Field';
import { ScrollableTable } from '../../components/ScrollableTable';
import { useFormat } from '../../i18n/format';

type Compared = Schemas['SupplierResponsesCompared'];
type Supplier = Compared['suppliers'][number];
type SortKey = 'responded' | 'name' | 'country' | 'updated';
const sortKeys: readonly SortKey[] = ['responded', 'name', 'country', 'updated'];

/** Answers longer than this are shortened in their cell, with a button to read them whole. */
const shortLength = 160;

/**
 * The lead compares suppliers' responses side by side: one row per supplier, one column per
 * request-for-information question in the request's order (as the server lays them out). Rows
 * are the suppliers because a consultation has a handful of questions but may draw dozens of
 * suppliers: the table grows down the page, and filtering and sorting act on whole rows. It
 * scrolls sideways in a ScrollableTable (a focusable region with its cue); the workbook download
 * has the same content with the questions as rows.
 */
export function CompareResponsesSection({ statementId, compared }: { statementId: string; compared: Compared }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const lang = locales.find((l) => i18n.language.startsWith(l)) ?? 'en';
  const [search, setSearch] = useState('');
  const [country, setCountry] = useState('');
  const [smeOnly, setSmeOnly] = useState(false);
  const [sort, setSort] = useState<SortKey>('responded');

  const countries = useMemo(
    () =>
      [...new Set(compared.suppliers.map((s) => s.country))].sort((a, b) =>
        format.country(a).localeCompare(format.country(b), lang),
      ),
    [compared.suppliers, format, lang],
  );
  const rows = useMemo(() => {
    const words = search.trim().toLocaleLowerCase(lang);
    const shown = compared.suppliers.filter(
      (s) =>
        (country === '' || s.country === country) &&
        (!smeOnly || s.sme) &&
        (words === '' || [s.name, ...s.answers].some((text) => text?.toLocaleLowerCase(lang).includes(words))),
    );
    const byName = (a: Supplier, b: Supplier) => a.name.localeCompare(b.name, lang);
    if (sort === 'name') return shown.sort(byName);
    if (sort === 'country')
      return shown.sort(
        (a, b) => format.country(a.country).localeCompare(format.country(b.country), lang) || byName(a, b),
      );
    if (sort === 'updated') return shown.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return shown;
  }, [compared.suppliers, search, country, smeOnly, sort, format, lang]);

  return (
    <section aria-labelledby="compare-heading" className="section compare-responses">
      <h2 id="compare-heading">{t('market.compare.title')}</h2>
      <p>{t('market.compare.intro')}</p>
      <div className="button-row">
        <a
          className="button button--secondary"
          href={`/api/statements/${statementId}/market/responses.xlsx?lang=${lang}`}
          download
        >
          {t('market.compare.download')}
        </a>
      </div>
      {compared.suppliers.length === 0 ? (
        <p className="muted">{t('market.compare.none')}</p>
      ) : compared.questions.length === 0 ? (
        <p className="muted">{t('market.compare.noQuestions')}</p>
      ) : (
        <>
          <form
            className="filters compare-filters"
            role="search"
            aria-label={t('market.compare.filters')}
            onSubmit={(e) => e.preventDefault()}
          >
            <TextField
              path="compare-search"
              type="search"
              label={t('market.compare.search')}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
            <SelectField
              path="compare-country"
              label={t('market.compare.country')}
              value={country}
              onChange={(e) => setCountry(e.target.value)}
            >
              <option value="">{t('market.compare.allCountries')}</option>
              {countries.map((c) => (
                <option key={c} value={c}>
                  {format.country(c)}
                </option>
              ))}
            </SelectField>
            <SelectField
              path="compare-sort"
              label={t('market.compare.sort')}
              value={sort}
              onChange={(e) => setSort(sortKeys.find((k) => k === e.target.value) ?? 'responded')}
            >
              {sortKeys.map((k) => (
                <option key={k} value={k}>
                  {t(`market.compare.sortBy.${k}`)}
                </option>
              ))}
            </SelectField>
            <div className="choice compare-filters__sme">
              <input
                type="checkbox"
                id="compare-sme"
                checked={smeOnly}
                onChange={(e) => setSmeOnly(e.target.checked)}
              />
              <label htmlFor="compare-sme">{t('market.compare.smeOnly')}</label>
            </div>
          </form>
          <p role="status" className="result-count" data-testid="compare-count">
            {t('market.compare.shown', {
              count: compared.suppliers.length,
              shown: format.number(rows.length),
            })}
          </p>
          <ScrollableTable label={t('market.compare.region')}>
            <table
              className="table compare-table"
              // Table cells ignore min-width: the stylesheet sizes the table from the number of questions.
              style={{ '--compare-questions': compared.questions.length } as CSSProperties}
            >
              <caption className="visually-hidden">{t('market.compare.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('market.compare.supplier')}</th>
                  {compared.questions.map((q, i) => (
                    <th scope="col" key={q.id}>
                      <span className="compare-table__number">{t('market.compare.question', { n: i + 1 })}</span>{' '}
                      {q.text}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.organisationId}>
                    <th scope="row">
                      {s.name}
                      <span className="muted small compare-table__facts">
                        {format.country(s.country)}
                        {s.sme ? ` · ${t('market.responses.sme')}` : ''}
                        <br />
                        {t('market.compare.updated', { date: format.dateTime(s.updatedAt) })}
                      </span>
                    </th>
                    {s.answers.map((answer, i) => (
                      <td key={compared.questions[i]!.id}>
                        <AnswerCell answer={answer} supplier={s.name} n={i + 1} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
        </>
      )}
    </section>
  );
}

/** One answer: whole when short; otherwise its beginning, and a button that shows it whole (and back). */
function AnswerCell({ answer, supplier, n }: { answer: string | null; supplier: string; n: number }) {
  const { t } = useTranslation();
  const [whole, setWhole] = useState(false);
  if (answer === null) return <span className="muted">{t('market.compare.noAnswer')}</span>;
  if (answer.length <= shortLength) return <span className="prose">{answer}</span>;
  return (
    <>
      <span className="prose">{whole ? answer : shorten(answer)}</span>{' '}
      <button
        type="button"
        className="button button--link compare-table__more"
        aria-expanded={whole}
        onClick={() => setWhole((w) => !w)}
      >
        {whole ? t('market.compare.showLess') : t('market.compare.readAll')}
        <span className="visually-hidden"> ({t('market.compare.answerOf', { supplier, n })})</span>
      </button>
    </>
  );
}

/** The answer's beginning, cut at a word where there is one near the limit. */
function shorten(text: string): string {
  const cut = text.slice(0, shortLength);
  const space = cut.lastIndexOf(' ');
  return `${(space > shortLength * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
