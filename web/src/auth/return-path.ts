/**
 * Where to go once signed in, when sign-in was asked for from a page (`/sign-in?return=/consultations/…`).
 * Kept in localStorage because the e-mailed link may open in a new tab; only same-site paths are kept.
 */
const key = 'jd.signInReturn';

export function isSafeReturn(path: string | null | undefined): path is string {
  return typeof path === 'string' && /^\/(?![/\\])/.test(path) && !/[\s\\]/.test(path);
}

export function rememberReturn(path: string | null | undefined): void {
  try {
    if (isSafeReturn(path)) localStorage.setItem(key, path);
  } catch {
    // Storage refused (private mode): signing in leads to the start page instead.
  }
}

export function peekReturn(): string | undefined {
  try {
    const path = localStorage.getItem(key);
    return isSafeReturn(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export function forgetReturn(): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing kept.
  }
}
