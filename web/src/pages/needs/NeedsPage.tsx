import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';

import { allows, api, type ApiProblem, asProblem, call, type FieldProblem } from '../../api/client';
import { useMe, useSession } from '../../auth/session';
import { Deadline } from '../../components/Deadline';
import { Disclosure } from '../../components/Disclosure';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextAreaField } from '../../components/Field';
import { rateProblemFrom, rateProblemText } from '../../components/RateProblems';
import { StageTag } from '../../components/StageStepper';
import { StatementSubpageHeading } from '../../components/StatementSubpageHeading';
import { StatusMessage } from '../../components/StatusMessage';
import { type FieldError, focusField } from '../../forms/errors';
import { REASON_MAX, reasonError } from '../../forms/text-rules';
import { useFormat } from '../../i18n/format';
import {
  ambiguousAnswers,
  answersFromSaved,
  answersToRequest,
  type AnswerValue,
  type AnswerValues,
  validateAnswers,
} from '../../needs/answers';
import {
  ambiguousNumbers,
  copyLine,
  emptyLine,
  lineFieldLabel,
  lineFromSaved,
  linePath,
  lineToRequest,
  MAX_LINES,
  type NeedLineValues,
  totalsByCurrency,
  uiPathFor,
  validateLine,
} from '../../needs/need-lines';
import { leftParticipantStatuses } from '../../process/stages';
import { AnswersEditor } from './AnswersEditor';
import { getNeeds, getStatement, getSurvey, type NeedsVersion, useLoad } from './load';
import { NeedLineEditor } from './NeedLineEditor';
import { SheetPanel } from './SheetPanel';
import { VersionDetails } from './VersionDetails';

type Summary = 'notReady' | 'cannotSubmit' | 'notSaved' | undefined;

/** Moves the line index of field paths when a line is inserted (+1) or removed (-1) at `at`. */
function shiftErrors(errors: FieldError[], at: number, delta: 1 | -1): FieldError[] {
  return errors.flatMap((e) => {
    const m = /^lines\[(\d+)\](.*)$/.exec(e.path);
    if (!m) return [e];
    const i = Number(m[1]);
    if (delta === -1 && i === at) return [];
    const moved = delta === 1 ? (i >= at ? i + 1 : i) : i > at ? i - 1 : i;
    return [{ ...e, path: `lines[${moved}]${m[2]}` }];
  });
}

/**
 * A participating buyer's needs: the need lines (add, copy, remove; CPV and unit search;
 * estimated values and totals per currency as you type), the survey's own questions, saving
 * the draft and submitting it as a locked version; the versions submitted, confirming the
 * latest in the confirmation stage, and withdrawing with a reason.
 */
export default function NeedsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { sessionExpired } = useSession();
  const { statementId = '' } = useParams();
  const orgId = me.organisation.id;

  const load = useCallback(async () => {
    const [statement, survey] = await Promise.all([getStatement(statementId), getSurvey(statementId)]);
    const mine = statement.participants.find((p) => p.organisationId === orgId);
    const needs = mine ? await getNeeds(statementId, orgId) : undefined;
    return { statement, survey, needs };
  }, [statementId, orgId]);
  const { data, problem: loadProblem, reload } = useLoad(load);

  const [lines, setLines] = useState<NeedLineValues[] | undefined>();
  const [answers, setAnswers] = useState<AnswerValues>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [summary, setSummary] = useState<Summary>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState<'save' | 'submit' | undefined>();
  const [savedAt, setSavedAt] = useState<string | undefined>();
  const [message, setMessage] = useState<{ text: string; n: number; focus: boolean } | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const [focusPath, setFocusPath] = useState<string | undefined>();
  const [summaryFocus, setSummaryFocus] = useState(0);
  const summaryRef = useRef<HTMLDivElement | null>(null);

  const statement = data?.statement;
  const questions = data?.survey?.questions ?? [];
  const mine = statement?.participants.find((p) => p.organisationId === orgId);
  const versions = data?.needs?.versions ?? [];
  const latest: NeedsVersion | undefined = versions[0];
  const horizon = statement
    ? { fromYear: statement.schedule.deliveryFromYear, toYear: statement.schedule.deliveryToYear }
    : { fromYear: 2000, toYear: 2100 };
  const deadlinePassed = Boolean(statement?.stageDeadline && Date.parse(statement.stageDeadline) <= Date.now());
  // Entering needs is open while the server allows it: the stage, the deadline and the organisation's status.
  const editable = Boolean(statement && allows(statement, 'saveNeeds'));

  // The form starts from the saved draft, else from the latest version, else from one empty line.
  useEffect(() => {
    if (!data || lines !== undefined || !editable) return;
    const draft = data.needs?.draft;
    const source = draft ?? (latest ? { lines: latest.lines, answers: latest.answers } : undefined);
    const initial = source?.lines.map((l) => lineFromSaved(l, format.locale)) ?? [];
    setLines(initial.length > 0 ? initial : [emptyLine(horizon)]);
    setAnswers(answersFromSaved(data.survey?.questions ?? [], source?.answers, format.locale));
    if (draft) setSavedAt(draft.savedAt);
  }, [data, lines, editable, latest, format.locale, horizon]);

  useEffect(() => {
    if (focusPath) {
      focusField(focusPath);
      setFocusPath(undefined);
    }
  }, [focusPath]);

  useEffect(() => {
    if (summaryFocus > 0) summaryRef.current?.focus();
  }, [summaryFocus]);

  const say = (text: string, focus = false) => setMessage((m) => ({ text, n: (m?.n ?? 0) + 1, focus }));
  const errorFor = (path: string) => errors.find((e) => e.path === path);
  const clearError = (path: string) =>
    setErrors((list) => (list.some((e) => e.path === path) ? list.filter((e) => e.path !== path) : list));

  /** Server problems beside their fields, in the interface language where the rule is known here. */
  const fieldErrorsFrom = (problems: FieldProblem[], current: NeedLineValues[]): FieldError[] => {
    const local = [
      ...current.flatMap((l, i) => validateLine(l, i, horizon, format.locale, t)),
      ...validateAnswers(questions, answers, format.locale, t),
    ];
    const localByPath = new Map(local.map((e) => [e.path, e]));
    const out = new Map<string, FieldError>();
    for (const p of problems) {
      const path = uiPathFor(p.field, current);
      if (out.has(path)) continue;
      const known = localByPath.get(path);
      if (known) out.set(path, known);
      else if (/^lines\[\d+\]\.cpvCode$/.test(path)) out.set(path, { path, message: t('needs.errors.cpvUnknown') });
      else if (/^lines\[\d+\]\.unit$/.test(path)) out.set(path, { path, message: t('needs.errors.unitUnknown') });
      else if (path === 'lines') out.set(path, { path, message: t('needs.errors.linesRule') });
      else if (rateProblemFrom(p)) out.set(path, { path, message: rateProblemText(t, format, rateProblemFrom(p)!) });
      else out.set(path, { path, message: p.rule, fromServer: true });
    }
    for (const e of local) if (!out.has(e.path)) out.set(e.path, e);
    return [...out.values()];
  };

  const body = (current: NeedLineValues[]) => ({
    lines: current.map((l) => lineToRequest(l, format.locale)),
    answers: answersToRequest(questions, answers, format.locale),
  });

  const saveAndMaybeSubmit = async (intent: 'save' | 'submit') => {
    if (busy || !lines) return;
    // A number that reads two ways is not sent: the API would read "390.000" as 390 (issue 18).
    const ambiguous = [
      ...ambiguousNumbers(lines, format.locale, t),
      ...ambiguousAnswers(questions, answers, format.locale, t),
    ];
    if (ambiguous.length > 0) {
      setErrors(ambiguous);
      setProblem(undefined);
      setSummary('notSaved');
      setSummaryFocus((n) => n + 1);
      return;
    }
    setBusy(intent);
    setProblem(undefined);
    const current = lines;
    try {
      const saved = await call(
        api.PUT('/api/statements/{statementId}/needs/draft', {
          params: { path: { statementId } },
          body: body(current),
        }),
      );
      setSavedAt(saved.savedAt);
      const found = fieldErrorsFrom(saved.problems, current);
      setErrors(found);
      if (intent === 'save' || found.length > 0) {
        setSummary(found.length === 0 ? undefined : intent === 'save' ? 'notReady' : 'cannotSubmit');
        say(
          [
            t('needs.saved', { time: format.dateTime(saved.savedAt) }),
            found.length === 0 ? t('needs.readyToSubmit') : t('needs.notReady', { count: found.length }),
          ].join(' '),
        );
        if (found.length > 0) setSummaryFocus((n) => n + 1);
        return;
      }
      try {
        const submitted = await call(
          api.POST('/api/statements/{statementId}/needs/submit', { params: { path: { statementId } } }),
        );
        setSummary(undefined);
        say(t('needs.submitted', { version: submitted.version, count: submitted.lines }), true);
        await reload();
      } catch (error) {
        const p = asProblem(error);
        if (p.status === 401) sessionExpired();
        if (p.errors.length > 0) {
          setErrors(fieldErrorsFrom(p.errors, current));
          setSummary('cannotSubmit');
        } else setProblem(p);
        setSummaryFocus((n) => n + 1);
      }
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setProblem(p);
      setErrors(p.errors.map((e) => ({ path: uiPathFor(e.field, current), message: e.rule, fromServer: true })));
      setSummary(undefined);
      setSummaryFocus((n) => n + 1);
    } finally {
      setBusy(undefined);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void saveAndMaybeSubmit('submit');
  };

  const changeLine = (i: number, patch: Partial<NeedLineValues>, field: string) => {
    setLines((ls) => ls?.map((l, j) => (j === i ? { ...l, ...patch } : l)));
    if (field === 'delivery') {
      for (const f of ['delivery.year', 'delivery.fromYear', 'delivery.toYear']) clearError(linePath(i, f));
    } else clearError(linePath(i, field));
  };

  const addLine = () => {
    if (!lines || lines.length >= MAX_LINES) return;
    const last = lines[lines.length - 1];
    setLines([...lines, emptyLine(horizon, last?.currency)]);
    setAnnouncement(t('needs.lines.added', { n: lines.length + 1 }));
    setFocusPath(linePath(lines.length, 'cpvCode'));
  };

  const copy = (i: number) => {
    if (!lines || lines.length >= MAX_LINES) return;
    setLines([...lines.slice(0, i + 1), copyLine(lines[i]!), ...lines.slice(i + 1)]);
    setErrors((es) => shiftErrors(es, i + 1, 1));
    setAnnouncement(t('needs.lines.copied', { n: i + 1, copy: i + 2 }));
    setFocusPath(linePath(i + 1, 'description'));
  };

  const remove = (i: number) => {
    if (!lines || lines.length <= 1) return;
    setLines(lines.filter((_, j) => j !== i));
    setErrors((es) => shiftErrors(es, i, -1));
    setAnnouncement(t('needs.lines.removed', { n: i + 1 }));
    setFocusPath(linePath(Math.max(0, i - 1), 'cpvCode'));
  };

  const labelFor = (path: string) => {
    if (path.startsWith('answers.')) return questions.find((q) => `answers.${q.id}` === path)?.label;
    return lineFieldLabel(path, t);
  };

  const { totals, incomplete } = lines ? totalsByCurrency(lines, format.locale) : { totals: [], incomplete: 0 };

  return (
    <>
      <StatementSubpageHeading
        title={t('needs.title')}
        statement={statement}
        problem={loadProblem}
        loading={!data && !loadProblem}
      />

      {statement ? (
        <>
          <dl className="key-facts">
            <div>
              <dt>{t('statement.stage')}</dt>
              <dd>
                <StageTag stage={statement.stage} />
              </dd>
            </div>
            <div>
              <dt>{t('statement.deadline')}</dt>
              <dd>
                <Deadline at={statement.stageDeadline} />
              </dd>
            </div>
            <div>
              <dt>{t('statement.yourStatus')}</dt>
              <dd>{mine ? t(`participantStatus.${mine.status}`) : t('needs.notParticipant')}</dd>
            </div>
            <div>
              <dt>{t('needs.surveyVersion')}</dt>
              <dd>{data?.survey ? format.number(data.survey.version) : t('needs.noQuestions')}</dd>
            </div>
          </dl>

          <StatusMessage focus={message?.focus} key={message?.n}>
            {message?.text}
          </StatusMessage>
          <p role="status" className="visually-hidden">
            {announcement}
          </p>

          {!mine ? <p className="notice notice--info">{t('needs.notParticipantHelp')}</p> : null}
          {mine && !editable && statement.stage === 'needs_assessment' && deadlinePassed ? (
            <p className="notice notice--info">{t('needs.deadlinePassed')}</p>
          ) : null}
          {mine && leftParticipantStatuses.includes(mine.status) ? (
            <p className="notice notice--ended">
              {t('needs.outOfStatement', { status: t(`participantStatus.${mine.status}`) })}
              {mine.leaving ? ` ${t(`leaving.long.${mine.leaving}`)}` : ''}
              {mine.statusReason && (mine.leaving === 'declined' || mine.leaving === 'withdrew')
                ? ` ${t('participants.reason')} ${mine.statusReason}`
                : ''}
            </p>
          ) : null}
          {statement.stage === 'draft' && mine ? <p className="notice notice--info">{t('needs.notOpenYet')}</p> : null}

          {mine && (editable || versions.length > 0) ? (
            <SheetPanel
              statementId={statementId}
              organisationId={orgId}
              editable={editable}
              onFilled={(imported, text) => {
                setLines(imported.lines.map((l) => lineFromSaved(l, format.locale)));
                setSavedAt(imported.savedAt);
                setErrors([]);
                setSummary(undefined);
                setProblem(undefined);
                say(text, true);
              }}
            />
          ) : null}

          {editable && lines ? (
            <form noValidate onSubmit={onSubmit} className="form needs-form">
              <ErrorSummary
                problem={problem}
                fieldErrors={errors.length > 0 && (summary || problem) ? errors : []}
                summaryRef={summaryRef}
                labelFor={labelFor}
                title={summary ? t(`needs.summary.${summary}Title`) : undefined}
                help={summary ? t(`needs.summary.${summary}Help`) : undefined}
              />
              {latest && latest.status === 'submitted' ? (
                <p className="notice notice--info">
                  {t('needs.resubmitHelp', { version: latest.version, date: format.dateTime(latest.submittedAt) })}
                </p>
              ) : null}

              <section aria-labelledby="lines-heading" className="section">
                <h2 id="lines-heading">{t('needs.lines.title')}</h2>
                <p className="form-section__intro">{t('needs.lines.intro')}</p>
                <div className="need-lines">
                  {lines.map((line, i) => (
                    <NeedLineEditor
                      key={line.key}
                      line={line}
                      index={i}
                      count={lines.length}
                      horizon={horizon}
                      errorFor={errorFor}
                      onChange={(patch, field) => changeLine(i, patch, field)}
                      onCopy={() => copy(i)}
                      onRemove={() => remove(i)}
                    />
                  ))}
                </div>
                {lines.length < MAX_LINES ? (
                  <button type="button" className="button button--secondary" onClick={addLine}>
                    {t('needs.lines.add')}
                  </button>
                ) : null}
              </section>

              <section aria-labelledby="totals-heading" className="section totals">
                <h2 id="totals-heading">{t('needs.totals.title')}</h2>
                <p className="muted">{t('needs.totals.intro')}</p>
                {totals.length > 0 ? (
                  <dl className="facts totals__list" data-testid="totals">
                    {totals.map((x) => (
                      <div key={x.currency}>
                        <dt>
                          {t('needs.totals.currency', { currency: x.currency, name: format.currencyName(x.currency) })}
                        </dt>
                        <dd>
                          <strong>{format.amount(x.value.toFixed(), x.currency)}</strong>{' '}
                          <span className="muted">{t('needs.totals.lines', { count: x.lines })}</span>
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : (
                  <p>{t('needs.totals.none')}</p>
                )}
                {incomplete > 0 && totals.length > 0 ? (
                  <p className="muted">{t('needs.totals.incomplete', { count: incomplete })}</p>
                ) : null}
              </section>

              {questions.length > 0 ? (
                <section aria-labelledby="questions-heading" className="section">
                  <h2 id="questions-heading">{t('needs.questions.title')}</h2>
                  <p className="form-section__intro">{t('needs.questions.intro', { lead: statement.lead.name })}</p>
                  <AnswersEditor
                    questions={questions}
                    values={answers}
                    errorFor={errorFor}
                    onChange={(id: string, value: AnswerValue) => {
                      setAnswers((a) => ({ ...a, [id]: value }));
                      clearError(`answers.${id}`);
                    }}
                  />
                </section>
              ) : null}

              <div className="form-actions form-actions--sticky">
                <button
                  type="button"
                  className="button button--secondary"
                  aria-disabled={busy ? true : undefined}
                  onClick={() => void saveAndMaybeSubmit('save')}
                >
                  {busy === 'save' ? t('common.saving') : t('needs.saveDraft')}
                </button>
                <button type="submit" className="button button--primary" aria-disabled={busy ? true : undefined}>
                  {busy === 'submit' ? t('needs.submitting') : latest ? t('needs.submitAgain') : t('needs.submit')}
                </button>
                <p className="muted form-actions__note">
                  {savedAt ? t('needs.lastSaved', { time: format.dateTime(savedAt) }) : t('needs.notSavedYet')}
                </p>
              </div>
            </form>
          ) : null}

          {allows(statement, 'confirmNeeds') && latest?.status === 'submitted' ? (
            <ConfirmPanel
              statementId={statementId}
              version={latest}
              onDone={async (v) => {
                say(t('needs.confirm.done', { version: v }), true);
                await reload();
              }}
            />
          ) : null}
          {mine?.status === 'confirmed' && latest?.confirmedAt ? (
            <p className="notice notice--success">
              {t('needs.confirm.already', { version: latest.version, date: format.dateTime(latest.confirmedAt) })}
            </p>
          ) : null}

          {mine ? (
            <section aria-labelledby="versions-heading" className="section">
              <h2 id="versions-heading">{t('needs.versions.title')}</h2>
              {versions.length === 0 ? <p className="muted">{t('needs.versions.none')}</p> : null}
              <ol className="version-list">
                {versions.map((v) => (
                  <li key={v.id} className="version">
                    <h3 id={`version-${v.version}`} className="version__title">
                      {t('needs.versions.version', { version: v.version })}{' '}
                      <span className={`tag tag--version-${v.status}`}>{t(`needs.versionStatus.${v.status}`)}</span>
                    </h3>
                    <p className="muted">
                      {t('needs.versions.meta', {
                        date: format.dateTime(v.submittedAt),
                        count: v.lines.length,
                        survey: v.surveyVersion,
                      })}
                      {v.confirmedAt
                        ? ` ${t('needs.versions.confirmedOn', { date: format.dateTime(v.confirmedAt) })}`
                        : ''}
                    </p>
                    <Disclosure label={t('needs.versions.show', { version: v.version })}>
                      {() => (
                        <VersionDetails statementId={statementId} version={v} headingId={`version-${v.version}`} />
                      )}
                    </Disclosure>
                  </li>
                ))}
              </ol>
            </section>
          ) : null}

          {allows(statement, 'withdrawNeeds') ? (
            <WithdrawPanel
              statementId={statementId}
              onDone={async () => {
                say(t('needs.withdraw.done'), true);
                await reload();
              }}
            />
          ) : null}
        </>
      ) : null}
    </>
  );
}

function ConfirmPanel({
  statementId,
  version,
  onDone,
}: {
  statementId: string;
  version: NeedsVersion;
  onDone: (version: number) => Promise<void>;
}) {
  const { t } = useTranslation();
  const { sessionExpired } = useSession();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement | null>(null);
  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      await call(
        api.POST('/api/statements/{statementId}/needs/confirm', {
          params: { path: { statementId } },
          body: { versionId: version.id },
        }),
      );
      await onDone(version.version);
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setProblem(p);
      requestAnimationFrame(() => ref.current?.focus());
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="confirm-heading" className="section action-panel action-panel--highlight">
      <h2 id="confirm-heading">{t('needs.confirm.title')}</h2>
      <p>{t('needs.confirm.intro', { version: version.version })}</p>
      <ErrorSummary problem={problem} summaryRef={ref} />
      <Disclosure label={t('needs.confirm.open', { version: version.version })} variant="primary">
        {(close) => (
          <div className="confirm-step">
            <p>{t('needs.confirm.warning', { version: version.version })}</p>
            <div className="button-row">
              <button
                type="button"
                className="button button--primary"
                aria-disabled={busy || undefined}
                onClick={() => void confirm()}
              >
                {t('needs.confirm.submit', { version: version.version })}
              </button>
              <button type="button" className="button button--link" onClick={close}>
                {t('needs.confirm.notNow')}
              </button>
            </div>
          </div>
        )}
      </Disclosure>
    </section>
  );
}

function WithdrawPanel({ statementId, onDone }: { statementId: string; onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const { sessionExpired } = useSession();
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const r = reason.trim();
    const message = reasonError(reason, t, { required: true });
    if (message) {
      setErrors([{ path: 'reason', message }]);
      setProblem(undefined);
      requestAnimationFrame(() => ref.current?.focus());
      return;
    }
    setBusy(true);
    setErrors([]);
    setProblem(undefined);
    try {
      await call(
        api.POST('/api/statements/{statementId}/needs/withdraw', {
          params: { path: { statementId } },
          body: { reason: r },
        }),
      );
      await onDone();
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      setProblem(p);
      setErrors(p.errors.map((e) => ({ path: e.field, message: e.rule, fromServer: true })));
      requestAnimationFrame(() => ref.current?.focus());
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="withdraw-heading" className="section action-panel">
      <h2 id="withdraw-heading">{t('needs.withdraw.title')}</h2>
      <p>{t('needs.withdraw.intro')}</p>
      <Disclosure label={t('needs.withdraw.open')} variant="danger">
        {(close) => (
          <form noValidate onSubmit={(e) => void submit(e)} className="form form--compact">
            <ErrorSummary
              problem={problem}
              fieldErrors={errors}
              summaryRef={ref}
              scope="withdraw"
              labelFor={(path) => (path === 'reason' ? t('needs.withdraw.reason') : undefined)}
            />
            <TextAreaField
              path="reason"
              scope="withdraw"
              label={t('needs.withdraw.reason')}
              hint={t('needs.withdraw.reasonHint')}
              rows={3}
              value={reason}
              maxLength={REASON_MAX}
              onChange={(e) => setReason(e.target.value)}
              error={errors.find((e) => e.path === 'reason')}
            />
            <div className="button-row">
              <button type="submit" className="button button--danger" aria-disabled={busy || undefined}>
                {t('needs.withdraw.submit')}
              </button>
              <button type="button" className="button button--link" onClick={close}>
                {t('needs.withdraw.keep')}
              </button>
            </div>
          </form>
        )}
      </Disclosure>
    </section>
  );
}
