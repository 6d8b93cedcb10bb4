// Who the moviegoer is: a bearer token kept in this tab's sessionStorage only. It never
// goes into a URL the page keeps: a cinema's own login hands it over in the fragment
// (#access_token=…, which browsers never send to a server), and the page takes it out of
// the address at once; `cinebook serve --dev` offers a sign-in form instead.

const TOKEN = 'cinebook.token';
const USER = 'cinebook.user';

/** Takes a token handed over in the fragment, and removes it from the address and history. */
export function adoptHandedOverToken() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get('access_token');
  if (!token) return;
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(USER, userOf(token) ?? '');
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

/** The user the token names (its `sub`), read without checking: the server checks. */
function userOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).sub ?? null;
  } catch {
    return null;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function user() {
  return sessionStorage.getItem(USER);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(USER);
}

/** Whether the server offers the development sign-in form. */
export async function devSignInOffered() {
  try {
    const answer = await fetch('/api/v1/dev/tokens', { method: 'GET' });
    return answer.status === 204;
  } catch {
    return false;
  }
}

/** Signs in through the development form; throws an Error with the server's message. */
export async function signIn(name) {
  const answer = await fetch('/api/v1/dev/tokens', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) throw new Error(body.message ?? `The server answered ${answer.status}.`);
  sessionStorage.setItem(TOKEN, body.token);
  sessionStorage.setItem(USER, body.user);
  return body.user;
}
