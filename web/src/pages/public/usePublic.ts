import { useEffect, useState } from 'react';

import { type ApiProblem, asProblem } from '../../api/client';

/** Loads one public resource (no sign-in) once per `key`: the data, or the problem to show. */
export function usePublic<T>(
  load: () => Promise<T>,
  key: string,
): { data: T | undefined; problem: ApiProblem | undefined } {
  const [state, setState] = useState<{ key: string; data?: T; problem?: ApiProblem }>({ key });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ key, data }),
      (error: unknown) => live && setState({ key, problem: asProblem(error) }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state.key === key ? { data: state.data, problem: state.problem } : { data: undefined, problem: undefined };
}
