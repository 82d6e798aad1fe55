import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER, TOKEN_QUERY } from '../shared/host-protocol.js';

export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(candidate: string | undefined, token: string): boolean {
  if (!candidate) return false;
  const given = Buffer.from(candidate);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The token a request carries, from the header or the query; never from a cookie, since browsers send
 * 127.0.0.1's cookies to every port on it, so any other local server would receive it.
 */
export function presentedToken(request: IncomingMessage): string | undefined {
  const header = request.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  return new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get(TOKEN_QUERY) ?? undefined;
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
  const reason = foreignRefusal(request, gate);
  if (reason) return reason;
  if (!sameToken(presentedToken(request), gate.token)) return 'This request needs the token printed when the host started.';
  return undefined;
}

/** The Host and Origin checks alone: what the page and its assets, which hold no secret, must pass. */
export function foreignRefusal(request: IncomingMessage, gate: Gate): string | undefined {
  const allowedHosts = [`127.0.0.1:${gate.port}`, `localhost:${gate.port}`];
  if (!allowedHosts.includes(request.headers.host ?? '')) return 'This host only answers on 127.0.0.1 and localhost.';
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host}`) return 'Requests from other origins are refused.';
  return undefined;
}

/** How long the code in an opened address stays good: enough for a browser to start. */
export const NONCE_LIFETIME_MS = 2 * 60_000;

/** Single-use, short-lived launch codes: the address handed to xdg-open (visible in ps) carries one, never the token. */
export class Nonces {
  readonly #expiries = new Map<string, number>();
  readonly #lifetimeMs: number;

  constructor(lifetimeMs = NONCE_LIFETIME_MS) {
    this.#lifetimeMs = lifetimeMs;
  }

  issue(): string {
    const nonce = randomBytes(18).toString('base64url');
    this.#expiries.set(nonce, Date.now() + this.#lifetimeMs);
    return nonce;
  }

  /** True once for a nonce issued within its lifetime; it is spent either way. */
  redeem(nonce: string): boolean {
    const expiry = this.#expiries.get(nonce);
    this.#expiries.delete(nonce);
    return expiry !== undefined && Date.now() <= expiry;
  }
}
