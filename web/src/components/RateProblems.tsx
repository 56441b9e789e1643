import {
  type RateCoverage,
  rateMissingCode,
  type RateProblem,
  rateProblemOf,
  rateStaleCode,
} from '@jointdemand/rules/exchange-rates';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiProblem, asProblem, call, type Schemas } from '../api/client';
import { useMe, useSession } from '../auth/session';
import { type Formatter, useFormat } from '../i18n/format';
import { ErrorSummary } from './ErrorSummary';

type LiveState = Schemas['LiveState'];
export type AggregationBlocked = NonNullable<LiveState['aggregationBlocked']>;
type Blocked = AggregationBlocked;
/** A problem as the API sends it: a field, an English rule, and for a rate problem its code and values. */
type CodedProblem = { field: string; rule: string; code?: string; values?: Record<string, string | number | null> };

/** The rate problem a field problem carries (`rate_missing`, `rate_stale` with their values), if any. */
export function rateProblemFrom(p: CodedProblem): RateProblem | undefined {
  const v = p.values ?? {};
  const currency = typeof v.currency === 'string' ? v.currency : undefined;
  if (!currency) return undefined;
  if (p.code === rateMissingCode) {
    return { code: rateMissingCode, currency, tableDate: typeof v.tableDate === 'string' ? v.tableDate : null };
  }
  if (p.code === rateStaleCode && typeof v.rateDate === 'string') {
    return {
      code: rateStaleCode,
      currency,
      rateDate: v.rateDate,
      ageDays: Number(v.ageDays ?? 0),
      maxAgeDays: Number(v.maxAgeDays ?? 0),
    };
  }
  return undefined;
}

/** Why a currency cannot be converted, in the reader's language: which currency, and no rate or a rate too old. */
export function rateProblemText(t: TFunction, format: Formatter, p: RateProblem): string {
  if (p.code === rateStaleCode) {
    return t('exchangeRates.stale', {
      currency: p.currency,
      date: format.date(p.rateDate),
      count: p.ageDays,
      max: p.maxAgeDays,
    });
  }
  return p.tableDate
    ? t('exchangeRates.missing', { currency: p.currency, date: format.date(p.tableDate) })
    : t('exchangeRates.missingNoTable', { currency: p.currency });
}

let coverageRequest: Promise<RateCoverage> | undefined;

/** What converts today (GET /api/exchange-rates/coverage), asked once per page load and shared by every picker. */
export function useRateCoverage(): RateCoverage | undefined {
  const [coverage, setCoverage] = useState<RateCoverage | undefined>();
  useEffect(() => {
    let live = true;
    coverageRequest ??= call(api.GET('/api/exchange-rates/coverage')).catch((error: unknown) => {
      coverageRequest = undefined;
      throw error;
    });
    coverageRequest.then(
      (c) => live && setCoverage(c),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return coverage;
}

/** The rate problem of picking `currency`, once the coverage is known. */
export function currencyRateProblem(currency: string, coverage: RateCoverage | undefined): RateProblem | undefined {
  return coverage && currency ? rateProblemOf(currency, coverage) : undefined;
}

/** What a picker says beside the currency field: the rates used, or why this currency will not convert. */
export function CurrencyRateHint({ currency, coverage }: { currency: string; coverage: RateCoverage | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const problem = currencyRateProblem(currency, coverage);
  const text = !coverage
    ? ''
    : problem?.code === rateMissingCode
      ? t('exchangeRates.picker.missing', { currency })
      : problem?.code === rateStaleCode
        ? t('exchangeRates.picker.stale', { currency, date: format.date(problem.rateDate) })
        : currency !== 'EUR' && coverage.table
          ? t('exchangeRates.picker.ok', { date: format.date(coverage.table.date) })
          : '';
  // Always in the page, so a screen reader announces the warning the moment a currency is picked.
  return (
    <span role="status" className={problem ? 'field__warning' : undefined} data-testid="currency-rate-hint">
      {text}
    </span>
  );
}

/** The label of a currency in a picker: its code and name, and whether it can be converted. */
export function currencyOptionLabel(
  t: TFunction,
  code: string,
  name: string,
  coverage: RateCoverage | undefined,
): string {
  const problem = currencyRateProblem(code, coverage);
  const base = `${code} – ${name}`;
  if (!problem) return base;
  return `${base} (${t(problem.code === rateMissingCode ? 'exchangeRates.picker.optionMissing' : 'exchangeRates.picker.optionStale')})`;
}

/** The command that imports the ECB rates (bin/import-rates.ts): a command, the same in every language. */
const importCommand = 'npm run import-rates';

const pollMs = 1000;
const pollLimitMs = 60_000;

/**
 * A blocked aggregation for every viewer the API shows it to (the lead, the buyers, Commission
 * staff, administrators): which currency, and why (no rate, or a rate of a date older than the
 * limit), in the reader's language; who fixes it and how (an administrator imports the ECB rates
 * or records the table); and for the lead, "Aggregate again", which shows it is working and then
 * the result: the stage moves on, or the same problem is named again.
 */
export function RateBlockNotice({
  statementId,
  blocked,
  canRetry,
  onSettled,
}: {
  statementId: string;
  blocked: Blocked;
  canRetry: boolean;
  /**
   * Called once a retry has ended, so the page reloads: with the words to announce when the
   * aggregation went through (the notice goes then; the page says it), none when blocked again.
   */
  onSettled: (live: LiveState, done?: string) => unknown;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { sessionExpired } = useSession();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; n: number } | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const rateProblems = blocked.problems.map((p) => ({ p, rate: rateProblemFrom(p) }));
  const say = (text: string) => setOutcome((o) => ({ text, n: (o?.n ?? 0) + 1 }));

  const retry = async () => {
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    setOutcome(undefined);
    try {
      const before = blocked.at;
      await call(api.POST('/api/statements/{statementId}/aggregate/retry', { params: { path: { statementId } } }));
      const started = Date.now();
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        if (!mounted.current) return;
        const live = await call(api.GET('/api/statements/{statementId}/live', { params: { path: { statementId } } }));
        const moved = live.stage !== 'aggregation' || !live.aggregationBlocked;
        const again = live.aggregationBlocked && live.aggregationBlocked.at !== before;
        if (moved) {
          await onSettled(live, t('exchangeRates.blocked.done'));
          return;
        }
        if (again) {
          say(t('exchangeRates.blocked.stillBlocked'));
          await onSettled(live);
          return;
        }
        if (Date.now() - started > pollLimitMs) {
          say(t('exchangeRates.blocked.pending'));
          return;
        }
      }
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setProblem(p);
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  return (
    <section className="notice notice--warning" aria-labelledby="rate-block-heading" data-testid="rate-block">
      <h2 className="notice__title" id="rate-block-heading">
        {t('exchangeRates.blocked.title')}
      </h2>
      <p>{t('exchangeRates.blocked.intro')}</p>
      <ul data-testid="rate-block-currencies">
        {rateProblems.map(({ p, rate }) => (
          <li key={p.field}>
            {rate ? (
              rateProblemText(t, format, rate)
            ) : (
              <>
                <span className="mono">{p.field}</span>: <span lang="en">{p.rule}</span>
              </>
            )}
          </li>
        ))}
      </ul>
      <p>{me.user.isAdmin ? t('exchangeRates.blocked.forAdmin') : t('exchangeRates.blocked.askAdmin')}</p>
      {me.user.isAdmin ? (
        <p>
          <code translate="no">{importCommand}</code>
        </p>
      ) : null}
      <p role="status" data-testid="rate-block-outcome">
        {outcome?.text}
      </p>
      {canRetry ? (
        <>
          <ErrorSummary problem={problem} />
          <button
            type="button"
            className="button button--primary"
            aria-disabled={busy || undefined}
            onClick={() => void retry()}
          >
            {busy ? t('exchangeRates.blocked.retrying') : t('exchangeRates.blocked.retry')}
          </button>
        </>
      ) : null}
    </section>
  );
}
