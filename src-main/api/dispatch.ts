import { describeError, InputError } from '../shared/errors.js';
import type { Channel, RequestOf, ResponseOf } from './contract.js';
import { isChannel, validateRequest } from './validate.js';

export type Handlers = { [C in Channel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C> };

/** What crosses the process boundary for every invoke, in both hosts: never a thrown error. */
export type ApiReply<T = unknown> = { ok: true; value: T } | { ok: false; error: { message: string; details?: string } };

/** Validates and runs one request; any failure, malformed payload included, becomes an error reply. */
export async function dispatch(handlers: Handlers, channel: string, payload: unknown): Promise<ApiReply> {
  try {
    if (!isChannel(channel)) throw new InputError(`There is no API channel '${channel}'.`);
    const request = validateRequest(channel, payload);
    const handler = handlers[channel] as (request: unknown) => unknown;
    return { ok: true, value: await handler(request) };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
