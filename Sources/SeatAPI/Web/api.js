// The HTTP API as the page calls it: JSON in and out, the bearer token in a header, a
// timeout on every request. A failure is an ApiError with the server's code and message;
// a server that cannot be reached is an ApiError with code `server_unreachable`.

import * as session from './session.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `The server answered ${status}.`);
    this.status = status;
    this.code = body?.error ?? 'internal_error';
    this.body = body ?? {};
  }

  get unreachable() {
    return this.code === 'server_unreachable';
  }
}

export function unreachable(reason) {
  return new ApiError(0, { error: 'server_unreachable', message: `The server cannot be reached (${reason}).` });
}

/** `{status, body, headers}` of a 2xx or 304 answer; throws ApiError otherwise. */
export async function request(method, path, { body, headers = {}, timeout = 5000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const fields = { ...headers };
  const token = session.token();
  if (token) fields.Authorization = `Bearer ${token}`;
  if (body !== undefined) fields['Content-Type'] = 'application/json';
  let answer;
  try {
    answer = await fetch(path, {
      method,
      headers: fields,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    });
  } catch (error) {
    throw unreachable(error.name === 'AbortError' ? 'no answer in time' : 'no connection');
  } finally {
    clearTimeout(timer);
  }
  if (answer.status === 304) return { status: 304, body: null, headers: answer.headers };
  const text = await answer.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (answer.status >= 500 && !parsed) throw unreachable(`HTTP ${answer.status}`);
  if (!answer.ok) throw new ApiError(answer.status, parsed);
  return { status: answer.status, body: parsed, headers: answer.headers };
}

/** Lets the seats go as the page closes: a beacon outlives the page, and carries its token in the body. */
export function releaseOnClose(showtime, seats, party) {
  const token = session.token();
  if (!token || seats.length === 0) return false;
  const body = JSON.stringify({ token, seats, party: party ?? null });
  return navigator.sendBeacon(`/api/v1/showtimes/${showtime}/seats/release`, body);
}
