/**
 * `work`, or a rejection naming the bound when it has not settled within `timeoutMs`: health
 * probes ask dependencies that may hang (a database that accepts connections but never answers),
 * and a probe must never wait longer than its own timeout.
 */
export async function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
