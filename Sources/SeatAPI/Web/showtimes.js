// The list of showtimes, and signing in when the server offers its development form.

import * as session from './session.js';

const $ = (id) => document.getElementById(id);

async function showShowtimes() {
  try {
    const answer = await fetch('/api/v1/showtimes', { cache: 'no-store' });
    const body = await answer.json();
    const list = $('showtimes');
    list.replaceChildren(...body.showtimes.map((showtime) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `/showtimes/${showtime.id}`;
      link.textContent = showtime.title;
      const when = new Date(showtime.starts_at).toLocaleString([], { timeZone: showtime.time_zone, dateStyle: 'medium', timeStyle: 'short' });
      const details = document.createElement('span');
      details.className = 'details';
      details.textContent = ` ${showtime.auditorium}, ${when}, ${showtime.seat_count} seats`;
      item.append(link, details);
      return item;
    }));
  } catch {
    $('showtimes-error').textContent = 'The showtimes cannot be loaded: the server cannot be reached. Reload to try again.';
  }
}

async function showSignIn() {
  const name = session.user();
  if (name) {
    $('who').textContent = `Signed in as ${name}. `;
    const out = document.createElement('button');
    out.type = 'button';
    out.textContent = 'Sign out';
    out.addEventListener('click', () => {
      session.signOut();
      window.location.reload();
    });
    $('who').append(out);
    return;
  }
  if (await session.devSignInOffered()) {
    $('sign-in').hidden = false;
    $('name').focus();
  } else {
    $('no-sign-in').hidden = false;
  }
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('sign-in-error').textContent = '';
  try {
    await session.signIn($('name').value.trim());
    $('sign-in').hidden = true;
    await showSignIn();
  } catch (error) {
    $('sign-in-error').textContent = error.message;
  }
});

session.adoptHandedOverToken();
showSignIn();
showShowtimes();
