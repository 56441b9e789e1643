import type { Request, RequestHandler, Response } from 'express';

import { problem, sendProblem } from './problem.js';

/** An RFC 9457 problem for the statuses `api/problem.ts` has no code for (415, 421). */
export function sendHttpProblem(res: Response, status: number, code: string, title: string, detail: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `https://jointdemand.eu/problems/${code.replace(/_/g, '-')}`,
        title,
        status,
        detail,
        code,
      }),
    );
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** `localhost`, `127.0.0.1`, `[::1]`, or a name under `.localhost` (RFC 6761: always loopback). */
export const isLoopbackHostname = (hostname: string): boolean => {
  const h = hostname.toLowerCase();
  return LOOPBACK_NAMES.has(h) || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h);
};

/** The peer of the TCP connection is this machine (not what a proxy header claims). */
export const isLoopbackPeer = (req: Request): boolean => {
  const address = req.socket.remoteAddress ?? '';
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
};

/**
 * The request reached us from this machine without passing through a proxy: the peer is loopback
 * and no forwarding header says it came from elsewhere (a reverse proxy on the same host would
 * otherwise make every visitor look local).
 */
export const isDirectLoopbackRequest = (req: Request): boolean =>
  isLoopbackPeer(req) && req.get('x-forwarded-for') === undefined && req.get('forwarded') === undefined;

/** Host and port as a browser sends them in `Host`, the default port left out. */
function hostOf(url: URL): string {
  return url.host.toLowerCase();
}

/** Splits a `Host` header into its name and port; undefined when it is not a host. */
export function parseHostHeader(value: string): { hostname: string; port: string } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return undefined;
  return { hostname: match[1]!.toLowerCase(), port: match[2] ?? '' };
}

export interface HostPolicy {
  /** The `Host` values the public URL is reached by (with and without its default port). */
  hosts: Set<string>;
  /** Any port on a loopback name, in development and tests only. */
  loopback: boolean;
}

export function hostPolicy(publicUrl: string, nodeEnv: string): HostPolicy {
  const url = new URL(publicUrl);
  const hosts = new Set([hostOf(url)]);
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  if (!url.port) hosts.add(`${url.hostname.toLowerCase()}:${defaultPort}`);
  return { hosts, loopback: nodeEnv !== 'production' };
}

export function isAllowedHost(policy: HostPolicy, host: string | undefined): boolean {
  if (!host) return false;
  const parsed = parseHostHeader(host);
  if (!parsed) return false;
  if (policy.hosts.has(parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname)) return true;
  return policy.loopback && isLoopbackHostname(parsed.hostname);
}

/** Host values whose verdict a process keeps. */
export const maxKeptVerdicts = 256;

/**
 * Answers only requests addressed to this application by name: the `Host` of `PUBLIC_URL` (and,
 * outside production, loopback names on any port). A DNS-rebinding page (attacker.example
 * resolving to this server) sends its own name as `Host` and gets 421 Misdirected Request;
 * a request without a usable `Host` gets 400. The probes (`/healthz`, `/readyz`) are answered
 * whatever the name, since orchestrators address them by IP; they reveal no detail to strangers.
 */
export function hostAllowList(options: {
  publicUrl: string;
  nodeEnv: string;
  exempt?: readonly string[];
}): RequestHandler {
  const policy = hostPolicy(options.publicUrl, options.nodeEnv);
  const exempt = new Set(options.exempt ?? ['/healthz', '/readyz']);
  // Requests name a handful of hosts, and parsing each anew was a visible part of a public read's
  // cost. Bounded: a stream of made-up names is parsed each time, never kept.
  const verdicts = new Map<string, 'allowed' | 'invalid' | 'misdirected'>();
  const verdictOn = (host: string) => {
    let verdict = verdicts.get(host);
    if (verdict === undefined) {
      verdict = !parseHostHeader(host) ? 'invalid' : isAllowedHost(policy, host) ? 'allowed' : 'misdirected';
      if (verdicts.size < maxKeptVerdicts) verdicts.set(host, verdict);
    }
    return verdict;
  };
  return (req, res, next) => {
    if (exempt.has(req.path)) return next();
    const host = req.headers.host;
    const verdict = host ? verdictOn(host) : 'invalid';
    if (verdict === 'invalid') {
      sendProblem(res, problem('invalid_input', 'The request has no valid Host header'));
      return;
    }
    if (verdict === 'misdirected') {
      sendHttpProblem(
        res,
        421,
        'misdirected_request',
        'Misdirected request',
        'This server does not answer for that host name',
      );
      return;
    }
    next();
  };
}
