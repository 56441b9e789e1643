import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { api, type ApiProblem, asProblem, call, type FieldProblem, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorSummary } from '../../components/ErrorSummary';
import { FieldShell } from '../../components/Field';
import { readDecimalInput } from '../../forms/decimal';
import { useFormat } from '../../i18n/format';
import { numberProblemMessage } from '../../needs/need-lines';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Imported = Schemas['NeedLinesImported'];
type SheetProblem = FieldProblem & { row?: number; column?: string; value?: string };

interface Props {
  statementId: string;
  organisationId: string;
  /** Whether the draft may be filled now (the stage, the deadline and the status allow it). */
  editable: boolean;
  onFilled: (imported: Imported, message: string) => void;
}

/** The language the workbook speaks: its headers, and how numbers typed as text in it are read. */
function sheetLanguage(locale: string): 'en' | 'fr' | 'de' {
  const l = locale.slice(0, 2);
  return l === 'fr' || l === 'de' ? l : 'en';
}

/**
 * Need lines from and to spreadsheets (issue 18): the template to download, a filled sheet to
 * upload (every problem shown by row and column, nothing saved; or the draft filled, saying how
 * many lines), and the buyer's own lines to download.
 */
export function SheetPanel({ statementId, organisationId, editable, onFilled }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const { sessionExpired } = useSession();
  const lang = sheetLanguage(format.locale);
  const [file, setFile] = useState<File | undefined>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [fileError, setFileError] = useState<'missing' | 'changed' | undefined>();
  const summaryRef = useRef<HTMLDivElement | null>(null);
  const tableRef = useRef<HTMLHeadingElement | null>(null);
  const inputRef = useRef<HTMLInputElement | null>(null);

  const sheetProblems = (problem?.status === 422 ? problem.errors : []) as SheetProblem[];

  /** A problem in the reader's language where the page knows its rule (a number as typed), else the server's English. */
  const messageOf = (p: SheetProblem): { text: string; lang?: string } => {
    if (p.value !== undefined) {
      const read = readDecimalInput(p.value, lang);
      if (!read.ok && read.problem.kind !== 'empty') {
        const rule =
          read.problem.kind === 'ambiguous'
            ? ({ ok: false, rule: 'ambiguous', typed: p.value, ...read.problem } as const)
            : ({ ok: false, rule: read.problem.kind === 'grouping' ? 'grouping' : 'format' } as const);
        return { text: numberProblemMessage(rule, format.locale, t) };
      }
    }
    return { text: p.rule, lang: 'en' };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const refuse = (why: 'missing' | 'changed') => {
      setFileError(why);
      setProblem(undefined);
      inputRef.current?.focus();
    };
    if (!file) return refuse('missing');
    // Read now: a file changed on disk since it was chosen (fixed in the spreadsheet meanwhile)
    // can no longer be read, and is chosen again rather than sent stale or failing as a network error.
    let bytes: ArrayBuffer;
    try {
      bytes = await file.arrayBuffer();
    } catch {
      return refuse('changed');
    }
    setBusy(true);
    setFileError(undefined);
    setProblem(undefined);
    const done = () => {
      // Each upload is of the file as it is when chosen: after an answer, it is chosen again.
      setFile(undefined);
      if (inputRef.current) inputRef.current.value = '';
    };
    try {
      const imported = await call(
        api.POST('/api/statements/{statementId}/needs/draft/sheet', {
          params: { path: { statementId }, query: { lang } },
          body: bytes as unknown as string,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { 'Content-Type': xlsxType },
        }),
      );
      done();
      onFilled(imported, t('needs.sheet.filled', { count: imported.filled, file: file.name }));
    } catch (error) {
      const p = asProblem(error);
      if (p.status === 401) sessionExpired();
      if (p.status !== 0) done();
      setProblem(p);
      requestAnimationFrame(() => (p.status === 422 ? tableRef.current : summaryRef.current)?.focus());
    } finally {
      setBusy(false);
    }
  };

  const base = `/api/statements/${statementId}`;
  return (
    <section aria-labelledby="sheet-heading" className="section action-panel">
      <h2 id="sheet-heading">{t('needs.sheet.title')}</h2>
      {editable ? <p>{t('needs.sheet.intro')}</p> : null}
      <div className="sheet-panel__actions">
        {editable ? (
          <a className="button button--secondary" href={`${base}/needs-template.xlsx?lang=${lang}`} download>
            {t('needs.sheet.downloadTemplate')}
          </a>
        ) : null}
        <a
          className="button button--secondary"
          href={`${base}/needs/${organisationId}/lines.xlsx?lang=${lang}`}
          download
        >
          {t('needs.sheet.downloadMine')}
        </a>
      </div>
      {editable ? (
        <form noValidate onSubmit={(e) => void submit(e)} className="form form--compact">
          <ErrorSummary problem={problem?.status === 422 ? undefined : problem} summaryRef={summaryRef} scope="sheet" />
          <FieldShell
            path="file"
            scope="sheet"
            label={t('needs.sheet.file')}
            hint={t('needs.sheet.fileHint')}
            error={
              fileError
                ? {
                    path: 'file',
                    message: t(fileError === 'missing' ? 'needs.sheet.chooseFile' : 'needs.sheet.fileChanged'),
                  }
                : undefined
            }
          >
            {(control) => (
              <input
                ref={inputRef}
                type="file"
                className="input input--file"
                name="file"
                accept={`.xlsx,${xlsxType}`}
                onChange={(e) => {
                  setFile(e.target.files?.[0]);
                  setFileError(undefined);
                }}
                {...control}
              />
            )}
          </FieldShell>
          <div className="button-row">
            <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
              {busy ? t('needs.sheet.uploading') : t('needs.sheet.upload')}
            </button>
          </div>
          {sheetProblems.length > 0 ? (
            <div className="notice sheet-problems" role="alert">
              <h3 tabIndex={-1} ref={tableRef}>
                {t('needs.sheet.problemsTitle', { count: sheetProblems.length })}
              </h3>
              <p>{t('needs.sheet.problemsHelp')}</p>
              <table data-testid="sheet-problems">
                <caption className="visually-hidden">{t('needs.sheet.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('needs.sheet.row')}</th>
                    <th scope="col">{t('needs.sheet.column')}</th>
                    <th scope="col">{t('needs.sheet.problem')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sheetProblems.map((p, i) => {
                    const message = messageOf(p);
                    return (
                      <tr key={`${p.row}-${p.field}-${i}`}>
                        <td data-label={t('needs.sheet.row')}>{p.row !== undefined ? format.number(p.row) : ''}</td>
                        <td data-label={t('needs.sheet.column')}>{p.column || t('needs.sheet.wholeRow')}</td>
                        <td data-label={t('needs.sheet.problem')} lang={message.lang}>
                          {message.text}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}
