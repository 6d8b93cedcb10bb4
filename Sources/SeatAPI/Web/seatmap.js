// One showtime's seat map: the same states, glyphs and keys as the terminal map. Seats
// picked are held at once (shown as yours while the server is asked, put back if it says
// no), the hold grows while the moviegoer is active, and the seats go when the page does.
// Live changes come over the WebSocket; without it the status is polled every 10 s with
// If-None-Match; while the server cannot be reached a banner says so, and the map comes
// back by itself.

import * as api from './api.js';
import * as session from './session.js';
import { SeatSocket } from './socket.js';

const $ = (id) => document.getElementById(id);

/** The terminal map's glyphs: each state has a shape of its own, so colour is never needed.
 *  Ⓦ is drawn as a W in a circle of CSS: few fonts have the circled letter. */
const GLYPHS = {
  available: '○', selected: '●', locked: '◐', occupied: '×', choosing: '◌', house: '▣', booked: '◆', party: '◉',
};
const CATEGORY_GLYPHS = { premium: '◎', wheelchair: 'W' };
const WORDS = {
  available: 'free', selected: 'yours, held', locked: 'held by someone', occupied: 'sold', choosing: 'being chosen by someone',
  house: 'not available', booked: 'your booking', party: "your party's",
};
const POLL_EVERY = 10_000;
const RETRY_EVERY = 2_000;
/** The hold is extended on activity at most this often. */
const EXTEND_EVERY = 60_000;

class SeatMap {
  constructor(showtime) {
    this.showtimeID = showtime;
    this.seats = new Map(); // code → {row, number, category, state, expiresAt}
    this.rows = [];
    this.booked = new Set();
    this.cursor = null;
    this.pending = new Set();
    this.tag = null;
    this.connection = 'connecting'; // live | polling | unreachable
    this.lastActive = Date.now();
    this.lastExtended = Date.now();
    this.suggestions = [];
    /** The seats held from this page: another tab of the same person keeps its own. */
    this.pickedHere = new Set();
    /** Counts this page's own changes: a status asked for before one of them is out of date. */
    this.generation = 0;
  }

  async open() {
    const detail = await api.request('GET', `/api/v1/showtimes/${this.showtimeID}`);
    this.showtime = detail.body.showtime;
    this.policy = detail.body.policy;
    this.layout();
    $('title').textContent = `${this.showtime.title} — ${this.showtime.auditorium}, ${new Date(this.showtime.starts_at)
      .toLocaleString([], { timeZone: this.showtime.time_zone, dateStyle: 'medium', timeStyle: 'short' })}`;
    document.title = `CineBook — ${this.showtime.title}`;
    await this.waitForTurn();
    $('map').hidden = false;
    $('status-bar').hidden = false;
    this.socket = new SeatSocket(this.showtimeID, {
      onEvent: (name) => this.heard(name),
      onState: (state, error) => this.socketState(state, error),
    });
    await this.loadBookings();
    await this.reload();
    this.bindKeys();
    setInterval(() => this.tick(), 1000);
    window.addEventListener('pagehide', () => {
      api.releaseOnClose(this.showtimeID, this.mine().filter((code) => this.pickedHere.has(code)));
    });
  }

  // MARK: The hall

  /** Builds the grid once: a row of buttons per row, a gap for each `_` of the layout. */
  layout() {
    const grid = $('grid');
    grid.replaceChildren();
    for (const row of this.showtime.rows) {
      const line = document.createElement('div');
      line.setAttribute('role', 'row');
      line.setAttribute('aria-label', `Row ${row.row}`);
      const header = document.createElement('span');
      header.setAttribute('role', 'rowheader');
      header.className = 'row-label';
      header.textContent = row.row;
      line.append(header);
      const codes = [];
      let number = 0;
      for (const kind of row.seats) {
        if (kind === '_') {
          const gap = document.createElement('span');
          gap.className = 'gap';
          gap.setAttribute('aria-hidden', 'true');
          line.append(gap);
          continue;
        }
        number += 1;
        const code = `${row.row}${number}`;
        const category = { s: 'standard', p: 'premium', w: 'wheelchair' }[kind] ?? 'standard';
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'seat';
        button.dataset.seat = code;
        button.setAttribute('role', 'gridcell');
        button.tabIndex = -1;
        // The cursor follows the focus, wherever it came from (Tab, a click).
        button.addEventListener('focus', () => {
          if (this.cursor !== code) {
            this.cursor = code;
            this.draw();
          }
        });
        button.addEventListener('click', () => {
          this.active();
          this.moveTo(code);
          this.toggle(code);
        });
        line.append(button);
        codes.push(code);
        this.seats.set(code, { row: row.row, number, category, state: 'available', expiresAt: null, button });
      }
      this.rows.push(codes);
      grid.append(line);
    }
    this.cursor = this.rows[0]?.[0] ?? null;
  }

  /** What the moviegoer sees a seat as: their booking over a sold seat. */
  shownState(code) {
    const seat = this.seats.get(code);
    if (seat.state === 'occupied' && this.booked.has(code)) return 'booked';
    return seat.state;
  }

  draw() {
    for (const [code, seat] of this.seats) {
      const state = this.shownState(code);
      const glyph = state === 'available' ? (CATEGORY_GLYPHS[seat.category] ?? GLYPHS.available) : GLYPHS[state] ?? '?';
      const button = seat.button;
      if (state === 'available' && seat.category === 'wheelchair') {
        const circled = document.createElement('span');
        circled.className = 'circled';
        circled.textContent = glyph;
        button.replaceChildren(circled);
      } else {
        button.textContent = glyph;
      }
      button.dataset.state = state;
      button.className = `seat ${state} ${seat.category}${this.pending.has(code) ? ' pending' : ''}`;
      const category = seat.category === 'standard' ? '' : `, ${seat.category}`;
      button.setAttribute('aria-label', `${code}${category}, ${WORDS[state] ?? state}`);
      button.tabIndex = code === this.cursor ? 0 : -1;
      button.setAttribute('aria-selected', String(state === 'selected'));
    }
    this.drawStatus();
  }

  drawStatus() {
    const mine = this.mine();
    const cursor = this.cursor && this.seats.get(this.cursor);
    $('cursor-line').textContent = cursor
      ? `${this.cursor}: ${WORDS[this.shownState(this.cursor)]}${cursor.category === 'standard' ? '' : ` (${cursor.category})`}`
      : '';
    const left = this.holdLeft();
    const minutes = Math.round((this.policy?.lock_seconds ?? 900) / 60);
    $('hold').textContent = mine.length === 0
      ? `Holds last ${minutes} min while you are active.`
      : `Holding ${mine.join(' ')} — hold ${formatLeft(left)} of ${minutes} min`;
    $('book').disabled = mine.length === 0;
    $('book').textContent = mine.length === 0 ? 'Book' : `Book ${mine.length} seat${mine.length === 1 ? '' : 's'}`;
    $('live').textContent = { live: '● live', polling: '◌ polling every 10 s', unreachable: '× offline', connecting: '… connecting' }[this.connection];
    $('live').dataset.connection = this.connection;
    $('banner').hidden = this.connection !== 'unreachable';
  }

  mine() {
    return [...this.seats].filter(([, seat]) => seat.state === 'selected').map(([code]) => code);
  }

  holdLeft() {
    const ends = this.mine().map((code) => Date.parse(this.seats.get(code).expiresAt ?? '')).filter((time) => !Number.isNaN(time));
    if (ends.length === 0) return null;
    return Math.max(0, Math.min(...ends) - this.serverNow());
  }

  serverNow() {
    return Date.now() + (this.clockOffset ?? 0);
  }

  // MARK: The waiting room

  /** Joins the showtime's waiting room; while there is a line, shows the place in it (as the
   *  terminal does) and asks again when the server says, until it is this person's turn.
   *  With no room, or once admitted, the map opens; the pass goes with the first pick. */
  async waitForTurn() {
    $('room-leave').addEventListener('click', async () => {
      await api.request('DELETE', `/api/v1/showtimes/${this.showtimeID}/queue`).catch(() => {});
      window.location.assign('/');
    });
    let standing = (await api.request('POST', `/api/v1/showtimes/${this.showtimeID}/queue`)).body;
    while (standing.phase === 'waiting' || standing.phase === 'pre_queue') {
      this.showStanding(standing);
      await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(standing.ask_again_ms ?? 2000, 500), 10_000)));
      try {
        standing = (await api.request('GET', `/api/v1/showtimes/${this.showtimeID}/queue`)).body;
      } catch (error) {
        $('room-note').textContent = error.unreachable ? 'The server cannot be reached; your place is kept, trying again…' : error.message;
      }
    }
    $('room').hidden = true;
    if (standing.phase === 'admitted') {
      this.pass = standing.pass;
      this.say("It's your turn: pick your seats.");
    }
  }

  showStanding(standing) {
    $('room').hidden = false;
    if (standing.phase === 'pre_queue') {
      const opens = standing.opens_at ? new Date(standing.opens_at).toLocaleTimeString([], { timeZone: this.showtime.time_zone }) : 'soon';
      $('room-place').textContent = `Sales open at ${opens}.`;
      $('room-ahead').textContent = 'Everyone here before then gets a place drawn at random when sales open: coming early or refreshing changes nothing.';
    } else {
      const ahead = standing.ahead ?? 0;
      const wait = standing.estimated_wait_seconds ? ` · about ${Math.max(1, Math.round(standing.estimated_wait_seconds / 60))} min` : '';
      $('room-place').textContent = `Your place in line: ${standing.ticket ?? '?'}`;
      $('room-ahead').textContent = ahead === 0 ? 'You are next.' : `${ahead} ${ahead === 1 ? 'person' : 'people'} ahead of you${wait}`;
    }
    $('room-note').textContent = standing.likely_sold_out
      ? 'Sold out, or very likely: the people ahead of you would take every seat left. You keep your place in case seats come back.'
      : '';
  }

  // MARK: Keys and the cursor

  bindKeys() {
    $('grid').addEventListener('keydown', (event) => this.key(event));
    for (const name of ['keydown', 'pointerdown', 'pointermove', 'scroll', 'touchstart']) {
      window.addEventListener(name, () => this.active(), { passive: true });
    }
    $('best').addEventListener('click', () => this.askBest());
    $('book').addEventListener('click', () => this.askToBook());
    $('best-dialog').addEventListener('close', () => {
      if ($('best-dialog').returnValue === 'take') {
        this.takeBest(Number($('best-count').value), $('best-wheelchair').checked);
      }
    });
    $('book-dialog').addEventListener('close', () => {
      if ($('book-dialog').returnValue === 'book') this.book();
    });
    document.addEventListener('keydown', (event) => {
      if (event.target.closest('dialog, input') || event.target.closest('#grid')) return;
      if (event.key === 'a' || event.key === 'b') this.key(event);
    });
    this.draw();
    this.seats.get(this.cursor)?.button.focus();
  }

  key(event) {
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (moves[event.key]) {
      event.preventDefault();
      this.move(...moves[event.key]);
    } else if (event.key === ' ' || event.key === 'Enter') {
      event.preventDefault();
      if (this.cursor) this.toggle(this.cursor);
    } else if (event.key === 'a') {
      event.preventDefault();
      if (this.suggestions.length > 0) this.takeSuggestion(0);
      else this.askBest();
    } else if (event.key === 'b') {
      event.preventDefault();
      this.askToBook();
    } else if (/^[1-9]$/.test(event.key) && this.suggestions.length >= Number(event.key)) {
      event.preventDefault();
      this.takeSuggestion(Number(event.key) - 1);
    } else if (event.key === 'Escape') {
      this.say('');
      this.showSuggestions([]);
    }
  }

  move(rows, columns) {
    const row = this.rows.findIndex((codes) => codes.includes(this.cursor));
    const column = this.rows[row].indexOf(this.cursor);
    const nextRow = Math.max(0, Math.min(this.rows.length - 1, row + rows));
    const codes = this.rows[nextRow];
    const nextColumn = Math.max(0, Math.min(codes.length - 1, rows === 0 ? column + columns : column));
    this.moveTo(codes[nextColumn]);
  }

  moveTo(code) {
    this.cursor = code;
    this.draw();
    this.seats.get(code).button.focus();
    this.notePresence();
  }

  /** Where the cursor rests on a free seat, others see it being chosen, as in the terminal:
   *  a mark after 600 ms of rest, renewed every 3 s while the person is active, over the
   *  socket only; moving to a seat that is not free clears it. */
  notePresence() {
    clearTimeout(this.presenceTimer);
    const code = this.cursor;
    this.presenceTimer = setTimeout(() => this.markChoosing(code), 600);
  }

  markChoosing(code) {
    if (code !== this.cursor || !this.socket.ready) return;
    const seats = this.seats.get(code).state === 'available' ? [code] : [];
    if (seats.length === 0 && !this.marked) return;
    this.marked = seats.length > 0;
    this.socket.send('presence', { seats }).catch(() => {});
    if (this.marked && Date.now() - this.lastActive < EXTEND_EVERY) {
      this.presenceTimer = setTimeout(() => this.markChoosing(code), 3000);
    }
  }

  // MARK: Seat operations

  /** A seat operation over the socket when it is open, else over HTTP. */
  async operate(op, fields) {
    const pass = op === 'lock' || op === 'best' ? this.pass : null;
    const body = await this.send(op, fields, pass);
    if (pass) this.pass = null;
    return body;
  }

  /** The waiting room's pass, if any, goes in the socket's message or in HTTP's header. */
  async send(op, fields, pass) {
    if (this.socket.ready) return (await this.socket.send(op, pass ? { ...fields, pass } : fields)).body;
    const headers = pass ? { 'Cinebook-Pass': pass } : {};
    const routes = {
      lock: ['POST', 'seats/lock'], unlock: ['DELETE', 'seats/unlock'], extend: ['PUT', 'seats/extend-lock'], book: ['POST', 'bookings'],
    };
    if (op === 'best') {
      const query = new URLSearchParams({ count: String(fields.count), wheelchair: String(Boolean(fields.wheelchair)) });
      return (await api.request('POST', `/api/v1/showtimes/${this.showtimeID}/seats/best?${query}`, { headers })).body;
    }
    const [method, path] = routes[op];
    return (await api.request(method, `/api/v1/showtimes/${this.showtimeID}/${path}`, { body: fields, headers })).body;
  }

  /** Space or a click: lets go of a seat of yours, else asks for it. A seat shown taken is
   *  asked for too: the map may be behind, and the server's refusal names free seats nearby. */
  toggle(code) {
    if (this.pending.has(code)) return;
    if (this.seats.get(code).state === 'selected') this.release([code]);
    else this.hold([code]);
  }

  /** Shows free seats as yours at once, and puts them back if the server says no. */
  async hold(codes) {
    const before = codes.map((code) => [code, { ...this.seats.get(code) }]);
    for (const code of codes) {
      this.pending.add(code);
      // Counted as this page's from the click: a tab closed before the answer still lets it go.
      this.pickedHere.add(code);
      const seat = this.seats.get(code);
      if (seat.state === 'available') seat.state = 'selected';
    }
    this.draw();
    try {
      const grant = await this.operate('lock', { seats: codes });
      this.granted(grant);
      this.say(`Holding ${grant.seats.join(' ')}.`);
      this.showSuggestions([]);
    } catch (error) {
      for (const [code, seat] of before) {
        Object.assign(this.seats.get(code), { state: seat.state, expiresAt: seat.expiresAt });
        if (seat.state !== 'selected') this.pickedHere.delete(code);
      }
      this.refused(error);
    } finally {
      for (const code of codes) this.pending.delete(code);
      this.draw();
      this.reload();
    }
  }

  granted(grant) {
    this.generation += 1;
    this.noteServerTime(grant.server_time);
    for (const held of grant.held) {
      Object.assign(this.seats.get(held.seat), { state: 'selected', expiresAt: held.expires_at });
      this.pickedHere.add(held.seat);
    }
    this.lastExtended = Date.now();
  }

  async release(codes) {
    try {
      const answer = await this.operate('unlock', { seats: codes });
      this.generation += 1;
      for (const code of answer.released) {
        Object.assign(this.seats.get(code), { state: 'available', expiresAt: null });
        this.pickedHere.delete(code);
      }
      this.say(`Let go of ${codes.join(' ')}.`);
    } catch (error) {
      this.refused(error);
    }
    this.draw();
    this.reload();
  }

  /** A refusal in words, with the nearest free blocks to take instead when the seats were taken. */
  refused(error) {
    this.say(error.message, true);
    this.showSuggestions(error.body?.suggestions ?? []);
    if (error.unreachable) this.lostTouch();
  }

  showSuggestions(suggestions) {
    this.suggestions = suggestions;
    const box = $('suggestions');
    box.replaceChildren(...suggestions.map((seats, index) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'suggestion';
      button.textContent = `${index + 1}: take ${seats.join(' ')}`;
      button.addEventListener('click', () => this.takeSuggestion(index));
      return button;
    }));
  }

  takeSuggestion(index) {
    const seats = this.suggestions[index];
    if (!seats) return;
    this.showSuggestions([]);
    this.moveTo(seats[0]);
    this.hold(seats);
  }

  askBest() {
    $('best-count').max = String(this.policy?.max_seats_per_user ?? 10);
    $('best-dialog').showModal();
  }

  async takeBest(count, wheelchair) {
    try {
      const grant = await this.operate('best', { count, wheelchair });
      this.granted(grant);
      this.say(`Holding the best ${grant.seats.length === 1 ? 'seat' : 'seats'} free: ${grant.seats.join(' ')}.`);
      this.moveTo(grant.seats[0]);
    } catch (error) {
      this.refused(error);
    }
    this.reload();
  }

  askToBook() {
    const mine = this.mine();
    if (mine.length === 0) {
      this.say('Pick seats first: Space on a free seat, or a for the best available.');
      return;
    }
    $('book-summary').textContent = `${mine.join(' ')} for ${this.showtime.title}, as ${session.user()}.`;
    $('book-dialog').showModal();
  }

  async book() {
    const mine = this.mine();
    try {
      const booking = await this.operate('book', { seats: mine });
      this.generation += 1;
      for (const code of booking.seats) {
        this.booked.add(code);
        this.pickedHere.delete(code);
        Object.assign(this.seats.get(code), { state: 'occupied', expiresAt: null });
      }
      this.say(`Booked ${booking.seats.join(' ')}: booking ${booking.booking_id}. Enjoy the film.`);
    } catch (error) {
      this.refused(error);
    }
    this.draw();
    this.reload();
  }

  /** Activity keeps the hold: an extension at most once a minute while seats are held. */
  active() {
    this.lastActive = Date.now();
    const mine = this.mine();
    if (mine.length === 0 || Date.now() - this.lastExtended < EXTEND_EVERY) return;
    this.lastExtended = Date.now();
    this.operate('extend', { seats: mine }).then((grant) => {
      this.granted(grant);
      this.draw();
    }, () => this.reload());
  }

  // MARK: Staying current

  heard(name) {
    if (name === 'token_expired') {
      this.say('Your sign-in has expired; sign in again on the showtimes page.', true);
      return;
    }
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.reload(), 30);
  }

  socketState(state, error) {
    if (state === 'open') {
      this.connection = 'live';
      this.reload();
    } else if (state === 'refused') {
      this.say(error.message, true);
      this.connection = 'polling';
    } else {
      this.connection = 'polling';
      this.reload();
    }
    this.drawStatus();
  }

  /** The status, if it changed: over the socket when it is open, else a conditional GET. */
  async reload() {
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    this.reloading = true;
    const generation = this.generation;
    try {
      let status;
      if (this.socket.ready) {
        const answer = await this.socket.send('status', { if_none_match: this.tag ?? undefined });
        if (answer.status === 200) status = answer.body;
      } else {
        const answer = await api.request('GET', `/api/v1/showtimes/${this.showtimeID}/seats/status`, {
          headers: this.tag ? { 'If-None-Match': this.tag } : {},
        });
        if (answer.status === 200) status = { ...answer.body, etag: answer.headers.get('ETag') };
      }
      if (status && generation !== this.generation) {
        // Asked before one of this page's own changes: read again rather than go back.
        this.reloadAgain = true;
      } else if (status) {
        this.apply(status);
      }
      if (this.connection === 'unreachable' || this.connection === 'connecting') {
        this.connection = this.socket.ready ? 'live' : 'polling';
      }
    } catch (error) {
      if (error.unreachable) this.lostTouch();
      else this.say(error.message, true);
    } finally {
      this.reloading = false;
      this.draw();
      this.schedulePoll();
      if (this.reloadAgain) {
        this.reloadAgain = false;
        this.reload();
      }
    }
  }

  apply(status) {
    this.tag = status.etag ?? null;
    this.noteServerTime(status.server_time);
    for (const entry of status.seats) {
      const seat = this.seats.get(entry.seat);
      if (!seat || this.pending.has(entry.seat)) continue;
      seat.state = entry.state;
      seat.expiresAt = entry.expires_at ?? null;
    }
    document.body.dataset.loaded = 'true';
  }

  noteServerTime(text) {
    const time = Date.parse(text ?? '');
    if (!Number.isNaN(time)) this.clockOffset = time - Date.now();
  }

  lostTouch() {
    this.connection = 'unreachable';
    this.drawStatus();
  }

  /** Polls while there is no socket: every 10 s, or every 2 s while the server is away. */
  schedulePoll() {
    clearTimeout(this.pollTimer);
    if (this.connection === 'live') return;
    this.pollTimer = setTimeout(() => this.reload(), this.connection === 'unreachable' ? RETRY_EVERY : POLL_EVERY);
  }

  async loadBookings() {
    try {
      const answer = await api.request('GET', '/api/v1/bookings');
      for (const booking of answer.body.bookings) {
        if (booking.showtime_id === this.showtimeID) booking.seats.forEach((code) => this.booked.add(code));
      }
    } catch {
      // The map works without them: sold seats show as sold.
    }
  }

  /** Each second: the countdown, and held seats whose hold ran out go back. */
  tick() {
    const now = this.serverNow();
    for (const seat of this.seats.values()) {
      if (seat.state === 'selected' && seat.expiresAt && Date.parse(seat.expiresAt) <= now) {
        seat.state = 'available';
        this.say('Your hold ran out; the seats went back on sale.', true);
        this.reload();
      }
    }
    this.drawStatus();
  }

  say(text, problem = false) {
    $('message').textContent = text;
    $('message').classList.toggle('problem', problem);
  }
}

function formatLeft(milliseconds) {
  if (milliseconds === null) return '--:--';
  const seconds = Math.ceil(milliseconds / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

async function start() {
  session.adoptHandedOverToken();
  const id = Number(window.location.pathname.split('/').pop());
  if (!session.token()) {
    $('needs-sign-in').hidden = false;
    $('title').textContent = '';
    return;
  }
  $('who').textContent = `Signed in as ${session.user()}`;
  const map = new SeatMap(id);
  try {
    await map.open();
  } catch (error) {
    $('title').textContent = error.unreachable ? 'The server cannot be reached. Reload to try again.' : error.message;
  }
}

start();
