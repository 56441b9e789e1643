import { useCallback, useEffect, useState } from 'react';

import { api, type ApiProblem, asProblem, call, type Schemas, type Statement } from '../../api/client';
import { useSession } from '../../auth/session';
import { latestGate } from './latest-gate';

export type SurveyVersion = Omit<Schemas['SurveyVersion'], 'questions'> & { questions: Schemas['SurveyQuestion'][] };
export type Needs = Schemas['Needs'];
export type NeedsVersion = Needs['versions'][number];
export type NeedsOverview = Schemas['NeedsOverview'];

/**
 * Loads what a page needs in one go and reloads it on demand; a 401 ends the session, any
 * other problem is kept for the page to show.
 */
export function useLoad<T>(load: () => Promise<T>): {
  data: T | undefined;
  problem: ApiProblem | undefined;
  reload: () => Promise<T | undefined>;
  set: (data: T) => void;
} {
  const { sessionExpired } = useSession();
  const [data, setData] = useState<T | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [begin] = useState(latestGate);
  const reload = useCallback(async () => {
    const isLatest = begin();
    try {
      const value = await load();
      if (!isLatest()) return value;
      setData(value);
      setProblem(undefined);
      return value;
    } catch (error) {
      const p = asProblem(error);
      if (!isLatest()) return undefined;
      if (p.status === 401) sessionExpired();
      setProblem(p);
      return undefined;
    }
  }, [load, sessionExpired, begin]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, problem, reload, set: setData };
}

/**
 * After an action on a page: `done(text)` reloads the page's data, then shows `text` in the
 * status message (a new key each time, so the same words are announced again).
 */
export function useDoneMessage(reload: () => Promise<unknown>): {
  message: { text: string; n: number } | undefined;
  done: (text: string) => Promise<void>;
} {
  const [message, setMessage] = useState<{ text: string; n: number } | undefined>();
  const done = useCallback(
    async (text: string) => {
      await reload();
      setMessage((m) => ({ text, n: (m?.n ?? 0) + 1 }));
    },
    [reload],
  );
  return { message, done };
}

export const getStatement = (statementId: string): Promise<Statement> =>
  call(api.GET('/api/statements/{statementId}', { params: { path: { statementId } } }));

/** The survey's latest version, or none when the lead has not defined one (404). */
export async function getSurvey(statementId: string, version?: number): Promise<SurveyVersion | null> {
  try {
    return (await call(
      api.GET('/api/statements/{statementId}/survey', {
        params: { path: { statementId }, query: version ? { version } : {} },
      }),
    )) as SurveyVersion;
  } catch (error) {
    if (asProblem(error).status === 404) return null;
    throw error;
  }
}

export const getNeeds = (statementId: string, organisationId: string): Promise<Needs> =>
  call(
    api.GET('/api/statements/{statementId}/needs/{organisationId}', {
      params: { path: { statementId, organisationId } },
    }),
  );

/** A page of the needs overview (the first without `cursor`), optionally only participants in `statuses`. */
export const getOverview = (
  statementId: string,
  page: { cursor?: string; statuses?: readonly string[]; limit?: number } = {},
): Promise<NeedsOverview> =>
  call(
    api.GET('/api/statements/{statementId}/needs-overview', {
      params: {
        path: { statementId },
        query: {
          ...(page.cursor ? { cursor: page.cursor } : {}),
          ...(page.statuses ? { status: page.statuses.join(',') } : {}),
          ...(page.limit ? { limit: page.limit } : {}),
        },
      },
    }),
  );
