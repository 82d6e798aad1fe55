import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER, TOKEN_QUERY } from '../shared/host-protocol.js';

export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies ignore ports, so each launch's cookie carries its own port in the name. */
export function tokenCookieName(port: number): string {
  return `sae-studio-token-${port}`;
}

function sameToken(candidate: string | undefined, token: string): boolean {
  if (!candidate) return false;
  const given = Buffer.from(candidate);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  const pairs = (request.headers.cookie ?? '').split(';').map((pair) => pair.trim().split('='));
  return pairs.find(([key]) => key === name)?.[1];
}

/** The token a request carries, from the header, the query or the cookie, in that order. */
export function presentedToken(request: IncomingMessage, port: number): string | undefined {
  const header = request.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get(TOKEN_QUERY);
  return query ?? cookieValue(request, tokenCookieName(port));
}

export interface Gate {
  port: number;
  token: string;
}

/**
 * Why a request must be refused, or undefined when it may pass: the Host header stops DNS rebinding,
 * the Origin header stops other sites' pages, and the token stops other local users and programs.
 */
export function refusal(request: IncomingMessage, gate: Gate): string | undefined {
  const allowedHosts = [`127.0.0.1:${gate.port}`, `localhost:${gate.port}`];
  if (!allowedHosts.includes(request.headers.host ?? '')) return 'This host only answers on 127.0.0.1 and localhost.';
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host}`) return 'Requests from other origins are refused.';
  if (!sameToken(presentedToken(request, gate.port), gate.token)) return 'This request needs the token printed when the host started.';
  return undefined;
}
