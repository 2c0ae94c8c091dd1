// Relay chat: the browser client. It speaks the relay chat protocol, version 2 (PROTOCOL.md at the
// project root), over a WebSocket at /ws: each WebSocket text message is exactly one protocol line.
//
// Security: every piece of text that comes from the network is put into the page with textContent
// (or createTextNode), never as HTML.
(function () {
  'use strict';

  const MAX_HISTORY = 1000;          // messages kept (and shown) per room
  const BACKOFF_MAX_S = 30;          // reconnect delays: 1, 2, 4, ... 30 s
  const HEARTBEAT_MS = 30000;        // silence before we /ping, and again before we give up
  const NICK_KEY = 'relay.nick';

  // ---- the page

  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $('status'), notice: $('notice'),
    connectForm: $('connect-form'), nick: $('nick'), connectRooms: $('connect-rooms'),
    connectRoomsField: $('connect-rooms-field'), connectButton: $('connect-button'), disconnect: $('disconnect'),
    rooms: $('rooms'), joinForm: $('join-form'), joinRoom: $('join-room'),
    roomTitle: $('room-title'), messages: $('messages'), composer: $('composer'), input: $('input'),
    members: $('members'), memberCount: $('member-count'),
    presenceNote: $('presence-note'), presenceText: $('presence-text'), refreshMembers: $('refresh-members'),
  };

  // ---- state

  const state = {
    ws: null,
    phase: 'offline',     // offline | connecting | arriving (socket open, no WELCOME yet) | session | waiting
    nick: '',             // our nick, as the server spells it
    wantNick: '',         // the nick to arrive with (empty: a guest nick)
    wantRooms: [],        // the rooms to arrive in, the current one first
    current: null,        // the current room's name
    recent: [],           // rooms in the order they were current, the latest last
    rooms: new Map(),     // name -> room (see newRoom)
    loose: [],            // lines shown while we are in no room
    userClosed: false,    // the user asked to disconnect: do not reconnect
    attempt: 0,           // reconnect attempts since the last WELCOME
    retryTimer: 0,
    heartbeat: 0,
    arrivalTries: 0,      // /hello lines sent on this connection
    arrivalError: null,   // the ERR that refused our first /hello, if any
    bye: '',              // the last BYE text on this connection
    lastKind: '',         // the kind of the last line received
    lastErr: '', lastErrCode: '',
    idleTimeoutMs: 0,     // from SERVER
    lastSent: 0, lastHeard: 0, pingSentAt: 0,
    whoBuf: new Map(),    // room -> nicks collected from WHO lines until WHOEND
    whoShow: new Map(),   // room -> how many /who answers the user asked to see
    roomsBuf: [],         // name:count pairs collected from ROOMS lines until ROOMSEND
    history: [], historyPos: 0, // what the user typed, for the up/down keys
  };

  function newRoom(name) {
    return { name, joined: false, messages: [], unread: 0, members: new Map(), quiet: false, count: 0 };
  }

  // ---- small helpers

  const lower = (s) => s.toLowerCase();
  const sameNick = (a, b) => !!a && !!b && lower(a) === lower(b); // nicks compare case-insensitively
  const normRoom = (raw) => lower(raw.trim().replace(/^#/, ''));  // "#Dev" is "dev" (section 2)
  const isBlank = (s) => /^[ \t]*$/.test(s);                      // what the server ignores

  function parseRoomList(text) {
    const names = text.split(/[\s,]+/).map(normRoom).filter(Boolean);
    return [...new Set(names)];
  }

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (e) { /* storage may be unavailable */ }
  }

  function load(key) {
    try { return localStorage.getItem(key) || ''; } catch (e) { return ''; }
  }

  function hhmm(d) {
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }

  function nickColour(nick) {
    let h = 0;
    for (const c of lower(nick)) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return 'c' + (h % 8);
  }

  function span(cls, text) {
    const s = document.createElement('span');
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function joinedRooms() {
    return [...state.rooms.values()].filter((r) => r.joined);
  }

  // ---- parsing server lines (section 5): KIND, then exactly N single-word arguments, then the text

  const ARG_COUNTS = new Map(Object.entries({
    WELCOME: 2, SERVER: 0, CURRENT: 1, MSG: 2, ACTION: 2, PRIV: 1, JOIN: 2, LEAVE: 2, NICK: 3, QUIT: 2,
    PRESENCE: 3, ROOMS: 0, ROOMSEND: 1, WHO: 1, WHOEND: 2, INFO: 0, ERR: 1, PONG: 0, BYE: 0,
  }));

  /** Returns {kind, args, text}; kind is null for an unknown kind, the whole result null if malformed. */
  function parseLine(line) {
    const sp = line.indexOf(' ');
    const kind = sp < 0 ? line : line.slice(0, sp);
    if (!ARG_COUNTS.has(kind)) return { kind: null, args: [], text: line };
    const args = [];
    let pos = sp < 0 ? line.length : sp + 1;
    for (let i = 0; i < ARG_COUNTS.get(kind); i++) {
      if (pos >= line.length) return null;
      const next = line.indexOf(' ', pos);
      args.push(line.slice(pos, next < 0 ? line.length : next));
      pos = next < 0 ? line.length : next + 1;
    }
    return { kind, args, text: pos >= line.length ? '' : line.slice(pos) };
  }

  // ---- the connection

  function wsUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  }

  function send(line) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
    state.ws.send(line);
    state.lastSent = Date.now();
    return true;
  }

  function connect() {
    clearTimeout(state.retryTimer);
    detachSocket();
    Object.assign(state, {
      userClosed: false, phase: 'connecting', arrivalTries: 0, arrivalError: null,
      bye: '', lastErr: '', lastErrCode: '', lastKind: '', idleTimeoutMs: 0, pingSentAt: 0,
    });
    state.whoBuf.clear();
    state.roomsBuf = [];
    setStatus('connecting', 'connecting…');
    let ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      closed(null, 'cannot open a WebSocket: ' + e.message);
      return;
    }
    ws.binaryType = 'arraybuffer';
    state.ws = ws;
    ws.onopen = () => {
      state.phase = 'arriving';
      state.lastHeard = state.lastSent = Date.now();
      startHeartbeat(1000);
      sendArrival(state.wantNick, state.wantRooms); // at once: the arrival window is short (250 ms)
    };
    ws.onmessage = (ev) => {
      state.lastHeard = Date.now();
      state.pingSentAt = 0;
      const data = typeof ev.data === 'string' ? ev.data : new TextDecoder().decode(ev.data);
      // One line per message; split anyway in case a server ever batches lines.
      for (const raw of data.split('\n')) {
        const line = raw.replace(/\r$/, '');
        if (line) handleLine(line);
      }
    };
    ws.onclose = (ev) => closed(ev, '');
  }

  /** The arrival line (section 3): `/hello [nick=NICK] [rooms=A,B]`; empty options are not allowed. */
  function sendArrival(nick, rooms) {
    state.arrivalTries++;
    let line = '/hello';
    if (nick) line += ' nick=' + nick;
    if (rooms.length) line += ' rooms=' + rooms.join(',');
    send(line);
  }

  /** Forgets the socket without waiting for its close event (which a dead network may delay). */
  function detachSocket() {
    const ws = state.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try { ws.close(1000); } catch (e) { /* already closed */ }
    state.ws = null;
  }

  function closed(ev, why) {
    stopHeartbeat();
    detachSocket();
    const hadSession = state.phase === 'session';
    // Why: the close frame's reason, else the server's BYE, else an ERR it sent last (such as
    // too-many-connections, or a refused arrival), else what we know.
    const closingErr = ['too-many-connections', 'room-full'].includes(state.lastErrCode);
    const errLast = state.phase === 'arriving' || (state.lastKind === 'ERR' && closingErr);
    const reason = (ev && ev.reason) || state.bye || (errLast && state.lastErr) || why ||
      (ev ? 'connection closed' + (ev.code && ev.code !== 1005 ? ' (code ' + ev.code + ')' : '') : 'connection lost');
    if (hadSession) {
      const rooms = joinedRooms().map((r) => r.name);
      // Arrive again in the same rooms, the current one first (the first of rooms= is current).
      state.wantRooms = state.current && rooms.includes(state.current)
        ? [state.current, ...rooms.filter((n) => n !== state.current)] : rooms;
      if (state.nick) state.wantNick = state.nick;
      for (const r of state.rooms.values()) r.members.clear();
      system(state.current, 'Disconnected: ' + reason);
      invalidate();
    }
    if (state.userClosed) {
      state.phase = 'offline';
      setStatus('disconnected', 'disconnected: ' + reason);
    } else {
      scheduleReconnect(reason);
    }
  }

  function scheduleReconnect(reason) {
    state.phase = 'waiting';
    let left = Math.min(BACKOFF_MAX_S, 2 ** state.attempt);
    state.attempt++;
    const tick = () => {
      if (left <= 0) { connect(); return; }
      setStatus('reconnecting', 'reconnecting in ' + left + ' s', 'Disconnected: ' + reason);
      left--;
      state.retryTimer = setTimeout(tick, 1000);
    };
    tick();
  }

  /** Keep-alive and heartbeat (section 4, /ping). */
  function startHeartbeat(everyMs) {
    stopHeartbeat();
    state.heartbeat = setInterval(() => {
      const now = Date.now();
      if (state.idleTimeoutMs > 0 && now - state.lastSent >= state.idleTimeoutMs * 0.4) send('/ping keepalive');
      if (now - state.lastHeard < HEARTBEAT_MS) return;
      if (!state.pingSentAt) {
        state.pingSentAt = now;
        send('/ping heartbeat');
      } else if (now - state.pingSentAt >= HEARTBEAT_MS) {
        closed(null, 'the server stopped answering');
      }
    }, everyMs);
  }

  function stopHeartbeat() {
    clearInterval(state.heartbeat);
    state.heartbeat = 0;
  }

  function disconnect() {
    state.userClosed = true;
    clearTimeout(state.retryTimer);
    if (state.phase === 'session' && send('/quit')) {
      // The server answers BYE and closes; do not wait forever for it.
      const ws = state.ws;
      setTimeout(() => { if (state.ws === ws) closed(null, 'closed by you'); }, 3000);
    } else if (state.ws) {
      closed(null, 'closed by you');
    } else {
      state.phase = 'offline';
      setStatus('disconnected', 'disconnected: closed by you');
    }
  }

  // ---- server lines

  function handleLine(raw) {
    const line = parseLine(raw);
    if (!line || !line.kind) return; // unknown kinds are ignored (section 5); malformed ones too
    state.lastKind = line.kind;
    handlers[line.kind](line.args, line.text);
  }

  const handlers = {
    // WELCOME nick room text: the session has started; room is current.
    WELCOME([nick, room], text) {
      state.phase = 'session';
      state.attempt = 0;
      state.nick = nick;
      for (const r of state.rooms.values()) { r.joined = false; r.quiet = false; r.members.clear(); }
      const r = ensureRoom(room);
      r.joined = true;
      state.current = null;
      setCurrent(room);
      for (const m of state.loose.splice(0)) if (!m.hint) r.messages.push(m);
      if (text) system(room, text);
      const refused = state.arrivalError;
      if (refused && isNickError(refused.code)) {
        system(room, 'Your nick was refused (' + (refused.text || refused.code) + '); you are ' + nick +
          ' for now. Pick another nick above.', 'error');
        ui.nick.focus();
        ui.nick.select();
      } else {
        if (refused) system(room, 'Your rooms were refused (' + (refused.text || refused.code) + ').', 'error');
        ui.nick.value = nick;
        if (!refused) showNotice('');
      }
      setStatus('connected', 'connected as ' + nick);
      startHeartbeat(1000);
      renderMessages();
    },

    // SERVER key=value ...: unknown keys are ignored.
    SERVER(_, text) {
      const params = {};
      for (const word of text.split(' ')) {
        const eq = word.indexOf('=');
        if (eq > 0) params[word.slice(0, eq)] = word.slice(eq + 1);
      }
      state.idleTimeoutMs = Number(params['idle-timeout-ms']) || 0;
      const idle = state.idleTimeoutMs;
      startHeartbeat(idle > 0 ? Math.max(100, Math.min(1000, idle / 10)) : 1000);
    },

    CURRENT([room]) {
      if (state.rooms.has(room) && state.rooms.get(room).joined) setCurrent(room);
    },

    MSG([room, nick], text) { chat(room, 'msg', nick, text); },

    ACTION([room, nick], text) { chat(room, 'action', nick, text); },

    // PRIV from text: shown inline in the current room, marked private.
    PRIV([from], text) {
      addMessage(state.current, { kind: 'priv', nick: from, text, dir: 'from' });
    },

    JOIN([room, nick]) {
      if (sameNick(nick, state.nick)) {
        const r = ensureRoom(room);
        r.joined = true;
        r.quiet = false;
        r.members.clear();
        r.members.set(lower(nick), nick);
        system(room, 'You joined #' + room);
        requestWho(room);
      } else {
        const r = state.rooms.get(room);
        if (!r) return;
        r.members.set(lower(nick), nick);
        system(room, nick + ' joined #' + room);
      }
      invalidate();
    },

    // LEAVE room nick: /part. Ours is followed by CURRENT if the room was current.
    LEAVE([room, nick]) {
      const r = state.rooms.get(room);
      if (!r) return;
      if (sameNick(nick, state.nick)) {
        r.joined = false;
        r.members.clear();
        r.unread = 0;
        if (state.current === room) {
          // The server makes the most recently current of the others current; CURRENT confirms it.
          const next = [...state.recent].reverse().find((n) => n !== room && state.rooms.get(n)?.joined);
          if (next) setCurrent(next);
        }
      } else {
        r.members.delete(lower(nick));
        system(room, nick + ' left #' + room);
      }
      invalidate();
    },

    QUIT([room, nick], reason) {
      const r = state.rooms.get(room);
      if (!r || sameNick(nick, state.nick)) return;
      r.members.delete(lower(nick));
      system(room, nick + ' quit' + (reason ? ' (' + reason + ')' : ''));
      invalidate();
    },

    // NICK room old new: one line per room we share; ours comes once per room we are in.
    NICK([room, old, nick]) {
      const me = sameNick(old, state.nick) || sameNick(nick, state.nick);
      if (me) {
        if (state.nick !== nick) {
          state.nick = state.wantNick = nick;
          store(NICK_KEY, nick);
          ui.nick.value = nick;
          state.arrivalError = null;
          showNotice('');
          setStatus('connected', 'connected as ' + nick);
        }
      }
      const r = state.rooms.get(room);
      if (!r) return;
      r.members.delete(lower(old));
      r.members.set(lower(nick), nick);
      system(room, me ? 'You are now known as ' + nick : old + ' is now known as ' + nick);
      invalidate();
    },

    // PRESENCE room off|on count text: big rooms stop (off) or resume (on) announcing others.
    PRESENCE([room, st, count], text) {
      const r = state.rooms.get(room);
      if (!r) return;
      r.quiet = st === 'off';
      r.count = Number(count) || 0;
      system(room, text || ('#' + room + ': presence ' + st + ', ' + count + ' members'));
      if (!r.quiet) requestWho(room); // the list kept while quiet is incomplete
      invalidate();
    },

    ROOMS(_, text) { state.roomsBuf.push(...text.split(' ').filter(Boolean)); },

    ROOMSEND() {
      const list = state.roomsBuf.splice(0).map((pair) => {
        const i = pair.lastIndexOf(':');
        return i < 0 ? '#' + pair : '#' + pair.slice(0, i) + ' (' + pair.slice(i + 1) + ')';
      });
      system(state.current, list.length ? 'Rooms: ' + list.join(', ') : 'There are no rooms.');
    },

    WHO([room], text) {
      if (!state.whoBuf.has(room)) state.whoBuf.set(room, []);
      state.whoBuf.get(room).push(...text.split(' ').filter(Boolean));
    },

    WHOEND([room]) {
      const nicks = state.whoBuf.get(room) || [];
      state.whoBuf.delete(room);
      const r = state.rooms.get(room);
      if (r && r.joined) {
        r.members = new Map(nicks.map((n) => [lower(n), n]));
        r.count = nicks.length;
        invalidate();
      }
      const asked = state.whoShow.get(room) || 0;
      if (asked > 0 || !r || !r.joined) {
        if (asked > 1) state.whoShow.set(room, asked - 1); else state.whoShow.delete(room);
        system(state.current, 'In #' + room + ' (' + nicks.length + '): ' + (nicks.join(', ') || 'no one'));
      }
    },

    INFO(_, text) { system(state.current, text); },

    // ERR code text: the line we sent last-but-pending was refused.
    ERR([code], text) {
      state.lastErr = text || code;
      state.lastErrCode = code;
      if (state.phase === 'arriving') { arrivalRefused(code, text); return; }
      system(state.current, text || code, 'error', code);
    },

    PONG() { /* keep-alive answers: nothing to show */ },

    BYE(_, text) {
      state.bye = text || 'the server closed the connection';
      system(state.current, text);
    },
  };

  /**
   * Our /hello was refused: nothing was kept, and the arrival window starts again (section 3). Try
   * once more without the part that failed; after that send nothing, and the server makes us a guest.
   */
  const isNickError = (code) => code === 'nick-taken' || code === 'bad-nick';

  function arrivalRefused(code, text) {
    if (!state.arrivalError) state.arrivalError = { code, text };
    const said = (text || code) + (isNickError(code) ? ' — pick another nick.' : '');
    showNotice(state.arrivalTries > 1 && ui.notice.textContent ? ui.notice.textContent + ' · ' + said : said);
    system(null, text || code, 'error', code);
    if (state.arrivalTries > 1) return;
    if (isNickError(code)) {
      if (state.wantRooms.length) sendArrival('', state.wantRooms);
    } else if (['bad-room', 'room-full', 'too-many-rooms', 'too-many-joined'].includes(code)) {
      if (state.wantNick) sendArrival(state.wantNick, []);
    }
  }

  function chat(room, kind, nick, text) {
    const r = state.rooms.get(room);
    if (r && r.quiet && !r.members.has(lower(nick))) { r.members.set(lower(nick), nick); invalidate(); }
    addMessage(room, { kind, nick, text });
  }

  function requestWho(room) {
    send('/who ' + room);
  }

  // ---- rooms and messages

  function ensureRoom(name) {
    if (!state.rooms.has(name)) state.rooms.set(name, newRoom(name));
    return state.rooms.get(name);
  }

  function setCurrent(name) {
    const r = state.rooms.get(name);
    if (!r) return;
    const changed = state.current !== name;
    state.current = name;
    r.unread = 0;
    state.recent = state.recent.filter((n) => n !== name).concat(name);
    invalidate();
    if (changed) renderMessages();
  }

  /** The user picked a tab: tell the server (so /me and plain lines go there) and refresh members. */
  function switchTo(name) {
    if (name === state.current) return;
    setCurrent(name);
    send('/switch ' + name);
    requestWho(name);
  }

  /** Adds a message to a room (null: the loose lines shown while we are in no room). */
  function addMessage(roomName, msg) {
    msg.time = new Date();
    const r = roomName ? state.rooms.get(roomName) : null;
    if (roomName && !r) return; // not a room of ours
    const list = r ? r.messages : state.loose;
    list.push(msg);
    if (list.length > MAX_HISTORY) list.splice(0, list.length - MAX_HISTORY);
    const shown = state.current && state.rooms.has(state.current) ? state.current : null;
    if ((r ? r.name : null) === shown) {
      appendMessageEl(messageEl(r ? r.name : '', msg));
    } else if (r && (msg.kind === 'msg' || msg.kind === 'action') && !msg.self) {
      r.unread++;
      invalidate();
    }
  }

  function system(roomName, text, extra, code, hint) {
    addMessage(roomName, { kind: 'system', nick: '', text, extra, code, hint });
  }

  function messageEl(room, m) {
    const div = document.createElement('div');
    div.className = 'message ' + (m.kind === 'priv' ? 'private' : m.kind) +
      (m.extra ? ' ' + m.extra : '') + (m.self ? ' self' : '');
    div.dataset.room = room;
    if (m.code) { div.dataset.code = m.code; div.title = m.code; }
    const time = document.createElement('time');
    time.className = 'time';
    time.dateTime = m.time.toISOString();
    time.textContent = hhmm(m.time);
    div.append(time);
    if (m.kind === 'action') div.append(' ', span('star', '*'));
    if (m.kind === 'priv') div.append(' ', span('tag', m.dir === 'to' ? 'private to ' + m.to : 'private'));
    const nick = span('nick', m.nick);
    if (m.nick && m.kind !== 'system') nick.classList.add(nickColour(m.nick));
    // Real spaces between the parts, so the line reads (and copies) as "12:34 * alice waves".
    if (m.kind === 'system') div.append(' ', nick, span('text', m.text));
    else div.append(' ', nick, ' ', span('text', m.text));
    if (!m.self && m.kind !== 'system' && mentions(m.text)) div.classList.add('mention');
    return div;
  }

  function mentions(text) {
    if (!state.nick) return false;
    const t = lower(text), n = lower(state.nick);
    let i = t.indexOf(n);
    while (i >= 0) {
      const before = t[i - 1], after = t[i + n.length];
      if (!/[a-z0-9_-]/.test(before || ' ') && !/[a-z0-9_-]/.test(after || ' ')) return true;
      i = t.indexOf(n, i + 1);
    }
    return false;
  }

  function atBottom() {
    const m = ui.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 40;
  }

  function appendMessageEl(node) {
    const stick = atBottom();
    ui.messages.append(node);
    while (ui.messages.childElementCount > MAX_HISTORY) ui.messages.firstElementChild.remove();
    if (stick) ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function renderMessages() {
    const r = state.current ? state.rooms.get(state.current) : null;
    const frag = document.createDocumentFragment();
    for (const m of (r ? r.messages : state.loose)) frag.append(messageEl(r ? r.name : '', m));
    ui.messages.replaceChildren(frag);
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  // ---- tabs, members, title: redrawn together, at most once per turn of the event loop

  let renderQueued = false;
  function invalidate() {
    if (renderQueued) return;
    renderQueued = true;
    setTimeout(() => { renderQueued = false; renderTabs(); renderMembers(); renderTitle(); }, 0);
  }

  const tabEls = new Map(); // room -> {wrap, tab, unread, part}

  function renderTabs() {
    const rooms = joinedRooms();
    const names = new Set(rooms.map((r) => r.name));
    for (const [name, els] of tabEls) {
      if (!names.has(name)) { els.wrap.remove(); tabEls.delete(name); }
    }
    for (const r of rooms) {
      let els = tabEls.get(r.name);
      if (!els) els = createTab(r.name);
      const selected = r.name === state.current;
      els.wrap.classList.toggle('selected', selected);
      els.tab.setAttribute('aria-selected', String(selected));
      els.tab.tabIndex = selected || !state.current ? 0 : -1;
      els.unread.textContent = r.unread > 0 ? String(r.unread) : '';
      els.unread.hidden = r.unread === 0;
      els.tab.setAttribute('aria-label', '#' + r.name + (r.unread ? ', ' + r.unread + ' unread' : ''));
    }
  }

  function createTab(name) {
    const wrap = document.createElement('div');
    wrap.className = 'tab';
    wrap.setAttribute('role', 'presentation');
    const tab = document.createElement('button');
    tab.type = 'button';
    tab.className = 'room-tab';
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', 'messages');
    tab.dataset.room = name;
    const unread = span('unread', '');
    unread.hidden = true;
    tab.append(span('room-name', '#' + name), unread);
    const part = document.createElement('button');
    part.type = 'button';
    part.className = 'part';
    part.dataset.room = name;
    part.textContent = '×';
    part.setAttribute('aria-label', 'Leave #' + name);
    part.title = 'Leave #' + name;
    wrap.append(tab, part);
    ui.rooms.append(wrap);
    const els = { wrap, tab, unread, part };
    tabEls.set(name, els);
    return els;
  }

  function renderMembers() {
    const r = state.current ? state.rooms.get(state.current) : null;
    const nicks = r && r.joined ? [...r.members.values()].sort((a, b) => lower(a).localeCompare(lower(b))) : [];
    const frag = document.createDocumentFragment();
    for (const nick of nicks) {
      const li = document.createElement('li');
      li.dataset.nick = nick;
      li.append(document.createTextNode(nick));
      if (sameNick(nick, state.nick)) { li.classList.add('me'); li.append(span('you', '(you)')); }
      frag.append(li);
    }
    ui.members.replaceChildren(frag);
    ui.memberCount.textContent = r && r.joined ? '(' + (r.quiet ? Math.max(r.count, nicks.length) : nicks.length) + ')' : '';
    ui.presenceNote.hidden = !(r && r.joined && r.quiet);
    if (r && r.quiet) {
      ui.presenceText.textContent = 'Big room (' + r.count + ' members): arrivals, departures and renames are ' +
        'not announced here, so this list may be out of date.';
    }
  }

  function renderTitle() {
    ui.roomTitle.textContent = state.current ? '#' + state.current : 'Not connected';
    const unread = joinedRooms().reduce((n, r) => n + r.unread, 0);
    document.title = (unread ? '(' + unread + ') ' : '') + 'Relay chat';
  }

  function setStatus(kind, text, title) {
    ui.status.dataset.state = kind;
    ui.status.textContent = text;
    ui.status.title = title || '';
    const live = kind === 'connected';
    ui.connectButton.textContent = live ? 'Change nick' : 'Connect';
    ui.disconnect.hidden = kind === 'offline' || kind === 'disconnected';
    ui.connectRoomsField.hidden = live;
  }

  function showNotice(text) {
    ui.notice.textContent = text;
    ui.notice.hidden = !text;
  }

  // ---- what the user does

  function onConnectSubmit(ev) {
    ev.preventDefault();
    const nick = ui.nick.value.trim();
    if (/\s/.test(nick)) { showNotice('A nick cannot contain spaces.'); ui.nick.focus(); return; }
    if (state.phase === 'session') {
      if (nick && nick !== state.nick) send('/nick ' + nick); // answered by NICK lines, or ERR
      return;
    }
    if (nick) store(NICK_KEY, nick);
    showNotice('');
    state.wantNick = nick;
    const given = parseRoomList(ui.connectRooms.value);
    if (given.length) state.wantRooms = given;
    state.attempt = 0;
    connect();
  }

  function onComposerSubmit(ev) {
    ev.preventDefault();
    const text = ui.input.value;
    if (isBlank(text)) return;
    if (state.phase !== 'session' || !state.current) {
      system(state.current, 'Not connected: your message was not sent.', 'error');
      return;
    }
    remember(text);
    if (text.startsWith('/') && !text.startsWith('//')) runCommand(text);
    else say(state.current, text.startsWith('//') ? text.slice(1) : text);
    ui.input.value = '';
  }

  /** Plain text goes to the room whose tab is selected, with /say so it cannot land elsewhere. */
  function say(room, text) {
    send('/say ' + room + ' ' + text);
    // The server does not echo chat lines to their sender: show ours ourselves.
    addMessage(room, { kind: 'msg', nick: state.nick, text: text.replace(/[ \t]+$/, ''), self: true });
  }

  /** Sends a typed command as-is, and shows locally what the server will not echo (section 4). */
  function runCommand(line) {
    const sp = line.indexOf(' ');
    const word = lower(sp < 0 ? line.slice(1) : line.slice(1, sp));
    const rest = sp < 0 ? '' : line.slice(sp + 1).trim();
    send(line);
    const cut = rest.indexOf(' ');
    const first = cut < 0 ? rest : rest.slice(0, cut);
    const after = cut < 0 ? '' : rest.slice(cut + 1);
    switch (word) {
      case 'me':
        if (rest) addMessage(state.current, { kind: 'action', nick: state.nick, text: rest, self: true });
        break;
      case 'msg':
        if (after.trim()) {
          addMessage(state.current, { kind: 'priv', nick: state.nick, text: after.trim(), dir: 'to', to: first, self: true });
        }
        break;
      case 'say': {
        const room = normRoom(first);
        if (!isBlank(after) && state.rooms.get(room)?.joined) {
          addMessage(room, { kind: 'msg', nick: state.nick, text: after, self: true });
        }
        break;
      }
      case 'who': {
        const room = rest ? normRoom(rest) : state.current;
        if (room) state.whoShow.set(room, (state.whoShow.get(room) || 0) + 1);
        break;
      }
      case 'quit':
        state.userClosed = true;
        break;
      default:
        break; // /join, /part, /switch, /nick ...: the server's answers update the page
    }
  }

  function remember(text) {
    if (state.history[state.history.length - 1] !== text) state.history.push(text);
    if (state.history.length > 50) state.history.shift();
    state.historyPos = state.history.length;
  }

  function onInputKey(ev) {
    if (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown') return;
    const h = state.history;
    if (!h.length) return;
    ev.preventDefault();
    state.historyPos = Math.max(0, Math.min(h.length, state.historyPos + (ev.key === 'ArrowUp' ? -1 : 1)));
    ui.input.value = h[state.historyPos] || '';
  }

  function onJoinSubmit(ev) {
    ev.preventDefault();
    const room = normRoom(ui.joinRoom.value);
    if (!room) return;
    if (state.phase !== 'session') { system(state.current, 'Not connected.', 'error'); return; }
    send('/join ' + room); // answered by JOIN and CURRENT, or ERR
    ui.joinRoom.value = '';
  }

  function onRoomsClick(ev) {
    const button = ev.target.closest('button');
    if (!button || !button.dataset.room) return;
    if (button.classList.contains('part')) send('/part ' + button.dataset.room); // LEAVE, or ERR last-room
    else switchTo(button.dataset.room);
  }

  /** Arrow keys move between tabs (the tablist pattern); Enter/Space click as usual. */
  function onRoomsKey(ev) {
    const tabs = [...ui.rooms.querySelectorAll('.room-tab')];
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[ev.key];
    if (!step) return;
    ev.preventDefault();
    const next = tabs[(i + step + tabs.length) % tabs.length];
    next.focus();
    switchTo(next.dataset.room);
  }

  function start() {
    ui.nick.value = load(NICK_KEY);
    try {
      if (location.hash.length > 1) ui.connectRooms.value = decodeURIComponent(location.hash.slice(1));
    } catch (e) { /* a malformed #hash: ignore it */ }
    ui.connectForm.addEventListener('submit', onConnectSubmit);
    ui.disconnect.addEventListener('click', disconnect);
    ui.composer.addEventListener('submit', onComposerSubmit);
    ui.input.addEventListener('keydown', onInputKey);
    ui.joinForm.addEventListener('submit', onJoinSubmit);
    ui.rooms.addEventListener('click', onRoomsClick);
    ui.rooms.addEventListener('keydown', onRoomsKey);
    ui.refreshMembers.addEventListener('click', () => { if (state.current) requestWho(state.current); });
    setStatus('offline', 'offline');
    system(null, 'Choose a nick (or leave it empty for a guest nick) and press Connect.', '', '', true);
    renderMessages();
  }

  start();
})();
