/**
 * gamerooms.js: a browser client for the gamerooms wire protocol (v1).
 *
 * One ES module, no dependencies, no build step:
 *
 *     import { GameroomsClient } from "/static/gamerooms/gamerooms.js";
 *     const client = new GameroomsClient({ storage: window.localStorage });
 *     await client.guest("Ann", { emoji: "🦊", color: "#ff8800" });
 *     client.on("match.update", (update) => render(update.state));
 *     await client.joinRoom("K7QX2M");
 *     await client.setReady(true);
 *
 * What it does for you:
 * - guest sign-in and access-token refresh over HTTP (`/api/auth/...`);
 * - one socket per place (lobby, room, queue, match), each with the frames it takes;
 * - requests carry an `id`; their promise resolves with the reply frame that carries that id back,
 *   or rejects with a {@link GameroomsError} whose `.code` is the protocol's error code;
 * - the 4001 hand-off: after `match.started` / `match.found` it opens `/ws/matches/<id>/` itself;
 * - reconnection with exponential backoff after a network loss (a dropped socket, or the browser
 *   going offline; never after the close codes that say "stop": 4000, 4002, 4003, 4004, 4009,
 *   4010, 4011), resyncing from the fresh `match.state` / `room.joined` / `lobby.rooms` that the server
 *   sends on every connect;
 * - a small event API: `client.on(type, fn)`, `client.off(type, fn)`, `client.once(type)`, where
 *   `type` is a server frame type ("match.update", "room.chat", ...) or a client event
 *   ("connection", "reconnecting", "closed", "handoff", "session", "frame", "error").
 *
 * @module gamerooms
 */

// ---------------------------------------------------------------------------------------------
// Wire shapes (see docs/protocol.md)

/**
 * @typedef {{emoji: string, color: string}} Avatar
 * @typedef {{id: string, name: string, avatar: Avatar, bot: boolean, level?: string}} Player
 * @typedef {{access: string, refresh: string, player: Player}} Session
 * @typedef {{name: string, title: string, min_players: number, max_players: number,
 *   default_players?: number, settings_schema: object, bot_levels: string[], actions?: string[]}} GameInfo
 * @typedef {{id: string, name: string, game: string, owner: Player, players: Player[],
 *   max_players: number, min_players: number, status: "open"|"full"|"playing",
 *   has_password: boolean, private: boolean, settings: Record<string, any>}} RoomSummary
 * @typedef {{player: Player, ready: boolean, joined_at: string}} RoomSeat
 * @typedef {Omit<RoomSummary, "players"> & {players: RoomSeat[], owner_id: string,
 *   match_id?: string|null}} RoomState
 * @typedef {{name: string, data: object, schema?: object}} LegalAction  a move ready to send as
 *   is (`schema`: any data valid under this JSON Schema is legal too; `data` is an example)
 * @typedef {{seats: number[], deadline: string|null, actions?: LegalAction[]}} Turn  `actions`:
 *   your seat's legal moves now (`[]` when not in turn; absent for spectators)
 * @typedef {{winners: number[], scores: object|null, reason: string}} Result
 * @typedef {{seat: number, player: Player, connected: boolean}} MatchSeat
 * @typedef {"active"|"paused"|"finished"} MatchStatus
 * @typedef {{seat: number, reason: "left"|"timeout", options: string[], decide_by: string}} Pause
 * @typedef {{type: string, id?: string|number, [field: string]: any}} Frame
 */

/**
 * The client's live picture of the match it is in: the last `match.state`, with every
 * `match.update`, presence and pause event applied.
 * @typedef {object} MatchSnapshot
 * @property {string} matchId
 * @property {string} game
 * @property {number} version
 * @property {number|null} seat      your seat (null: spectator)
 * @property {MatchSeat[]} players
 * @property {object} state          the game's view for your seat
 * @property {Turn} turn
 * @property {MatchStatus} status
 * @property {Result|null} result
 * @property {Pause|null} pause      set while the match waits for a decision
 * @property {Record<number, string>} away  seats that dropped since you connected, with the end of
 *   their grace (`players[].connected` is as of the last `match.state`)
 */

/**
 * Events a client emits: every server frame under its `type`, plus these client events.
 * @typedef {object} ClientEvents
 * @property {{kind: ChannelKind, state: ChannelState, code?: number, attempt?: number,
 *   delay?: number}} connection      a socket's state changed (for a connection banner)
 * @property {{kind: ChannelKind, attempt: number, delay: number, code: number}} reconnecting
 *   a socket dropped; the next attempt is in `delay` ms
 * @property {{kind: ChannelKind, code: number, reason: string, error: GameroomsError|null}} closed
 *   a socket closed for good (left, kicked, refused, replaced, ...)
 * @property {{from: ChannelKind, matchId: string}} handoff   moved to a match (close 4001)
 * @property {Session|null} session   signed in, token refreshed, or signed out
 * @property {Frame} frame            every frame received, before its own event
 */

/** @typedef {"lobby"|"room"|"queue"|"match"} ChannelKind */
/** @typedef {"connecting"|"open"|"reconnecting"|"closed"} ChannelState */

// ---------------------------------------------------------------------------------------------
// Constants

/** WebSocket close codes the server uses (docs/protocol.md). */
export const CloseCode = Object.freeze({
  LEFT: 4000,
  MOVED: 4001,
  UNAUTHORIZED: 4002,
  FORBIDDEN: 4003,
  NOT_FOUND: 4004,
  POLICY: 4008,
  REPLACED: 4009,
  KICKED: 4010,
  HANDED_TO_BOT: 4011,
  GOING_AWAY: 1001,
  TRY_AGAIN_LATER: 1013,
});

/** Close codes after which a socket is not reopened. */
export const FINAL_CLOSE_CODES = Object.freeze([4000, 4002, 4003, 4004, 4009, 4010, 4011]);

/** Error codes of the protocol, plus the client's own (`timeout`, `connection_lost`, ...). */
export const ErrorCode = Object.freeze({
  BAD_JSON: "bad_json",
  BAD_MESSAGE: "bad_message",
  UNKNOWN_TYPE: "unknown_type",
  NOT_AUTHORIZED: "not_authorized",
  NOT_FOUND: "not_found",
  ROOM_FULL: "room_full",
  WRONG_PASSWORD: "wrong_password",
  ALREADY_JOINED: "already_joined",
  NOT_OWNER: "not_owner",
  NOT_READY: "not_ready",
  TOO_FEW_PLAYERS: "too_few_players",
  ILLEGAL_ACTION: "illegal_action",
  NOT_YOUR_TURN: "not_your_turn",
  STALE_VERSION: "stale_version",
  MATCH_OVER: "match_over",
  MATCH_PAUSED: "match_paused",
  RATE_LIMITED: "rate_limited",
  TOO_LARGE: "too_large",
  UNAVAILABLE: "unavailable",
  // client-side codes
  TIMEOUT: "timeout",
  CONNECTION_LOST: "connection_lost",
  CLOSED: "closed",
  KICKED: "kicked",
  REPLACED: "replaced",
  HANDED_TO_BOT: "handed_to_bot",
  HTTP: "http_error",
});

/** The error code a final close stands for, when no `error` frame said more. */
const CODE_OF_CLOSE = {
  4002: ErrorCode.NOT_AUTHORIZED,
  4003: ErrorCode.NOT_AUTHORIZED,
  4004: ErrorCode.NOT_FOUND,
  4008: ErrorCode.RATE_LIMITED,
  4009: ErrorCode.REPLACED,
  4010: ErrorCode.KICKED,
  4011: ErrorCode.HANDED_TO_BOT,
};

/** The frame a socket of each kind receives first on every (re)connect. */
const WELCOME = {
  lobby: ["lobby.rooms"],
  room: ["room.joined"],
  queue: ["queue.waiting", "match.found"],
  match: ["match.state"],
};

/** Default reconnection backoff: `initial * factor^attempt`, capped, with ±`jitter` spread. */
const DEFAULT_BACKOFF = Object.freeze({ initial: 500, factor: 2, max: 15000, jitter: 0.2 });

/** After 4008 (too many frames) the first retry waits at least this long. */
const POLICY_DELAY = 5000;

// ---------------------------------------------------------------------------------------------
// Errors and events

/** A refused request, a failed HTTP call, or a socket that closed before answering. */
export class GameroomsError extends Error {
  /**
   * @param {string} code     a protocol error code (see {@link ErrorCode}) or a client one
   * @param {string} message  the server's human-readable message
   * @param {Frame|null} [frame]  the `error` frame, if one came
   */
  constructor(code, message, frame = null) {
    super(message || code);
    this.name = "GameroomsError";
    /** @type {string} */
    this.code = code;
    /** @type {Frame|null} */
    this.frame = frame;
  }
}

/** A minimal typed event emitter: on / off / once per event type. */
export class Emitter {
  constructor() {
    /** @type {Map<string, Set<Function>>} */
    this._listeners = new Map();
  }

  /**
   * Call `listener(payload, source)` for every event of this type.
   * @param {string} type  a frame type ("match.update") or a client event ("connection")
   * @param {(payload: any, source?: any) => void} listener
   * @returns {() => void} a function that removes the listener
   */
  on(type, listener) {
    if (!this._listeners.has(type)) this._listeners.set(type, new Set());
    this._listeners.get(type).add(listener);
    return () => this.off(type, listener);
  }

  /**
   * Stop calling `listener` for this type.
   * @param {string} type
   * @param {Function} listener
   */
  off(type, listener) {
    this._listeners.get(type)?.delete(listener);
  }

  /**
   * The next event of this type: calls `listener` once, or without one returns a promise of it.
   * @param {string} type
   * @param {(payload: any, source?: any) => void} [listener]
   * @returns {Promise<any>|(() => void)}
   */
  once(type, listener) {
    if (listener === undefined) {
      return new Promise((resolve) => this.once(type, (payload) => resolve(payload)));
    }
    const wrapper = (payload, source) => {
      this.off(type, wrapper);
      listener(payload, source);
    };
    return this.on(type, wrapper);
  }

  /**
   * Deliver an event to its listeners (a throwing listener does not stop the others).
   * @param {string} type
   * @param {any} payload
   * @param {any} [source]
   */
  emit(type, payload, source) {
    for (const listener of [...(this._listeners.get(type) || [])]) {
      try {
        listener(payload, source);
      } catch (error) {
        console.error(`gamerooms: a "${type}" listener failed`, error);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Channel: one WebSocket with requests, reconnection and the first-frame handshake

/**
 * One socket to the server (lobby, room, queue or match), kept open across network losses.
 * Created by {@link GameroomsClient}; its frames are emitted on the client.
 */
export class Channel {
  /**
   * @param {GameroomsClient} client
   * @param {ChannelKind} kind
   * @param {string} path       e.g. "/ws/rooms/K7QX2M/"
   * @param {object} [options]
   * @param {Record<string, string>} [options.query]  extra query parameters
   * @param {() => Frame|null} [options.hello]  the frame to send first on every connect
   */
  constructor(client, kind, path, { query = {}, hello = null } = {}) {
    this.client = client;
    /** @type {ChannelKind} */
    this.kind = kind;
    this.path = path;
    this.query = query;
    this.hello = hello;
    /** @type {ChannelState} */
    this.state = "connecting";
    /** @type {WebSocket|null} the current socket (tests may close it to simulate a drop) */
    this.socket = null;
    /** How many reconnection attempts in a row have failed so far. */
    this.attempt = 0;
    /** How many times the socket has been (re)connected and welcomed by the server. */
    this.connections = 0;
    /** @type {number|null} the close code that ended the channel */
    this.closeCode = null;
    /** @type {GameroomsError|null} the error frame just received (without an id), if any */
    this.lastError = null;
    /** @type {string|null} the match a `match.started` / `match.found` announced */
    this.movedTo = null;
    /** @type {Map<string|number, {resolve: Function, reject: Function, timer: any, closes?: number[]}>} */
    this._pending = new Map();
    /** @type {string[]} frames waiting for the socket to open */
    this._outbox = [];
    this._retryTimer = null;
    this._welcomed = false; // the server has sent this connection's first frame
    this._everOpened = false;
    this._closing = false; // closed on purpose: do not reconnect
    this._refreshedAfter4002 = false;
    /** Resolves with the first welcome frame; rejects if the channel closes for good first. */
    this.ready = new Promise((resolve, reject) => {
      this._ready = { resolve, reject };
    });
    this.ready.catch(() => {});
    this._connect();
  }

  /** Whether the socket is open now. */
  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Send a frame without waiting for an answer (queued while reconnecting).
   * @param {string} type
   * @param {object} [fields]
   */
  send(type, fields = {}) {
    this._write(JSON.stringify({ type, ...fields }));
  }

  /**
   * Send a request with a fresh `id`; resolves with the frame that carries the id back.
   * @param {string} type
   * @param {object} [fields]
   * @param {object} [options]
   * @param {number} [options.timeout]  ms before rejecting with `timeout` (default: client's)
   * @param {number[]} [options.closes] close codes that answer the request (resolve with null)
   * @returns {Promise<Frame|null>}
   */
  request(type, fields = {}, { timeout = this.client.requestTimeout, closes } = {}) {
    if (this.state === "closed") {
      return Promise.reject(new GameroomsError(ErrorCode.CLOSED, `the ${this.kind} socket is closed`));
    }
    const id = this.client._nextId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new GameroomsError(ErrorCode.TIMEOUT, `no answer to ${type} in ${timeout} ms`));
      }, timeout);
      this._pending.set(id, { resolve, reject, timer, closes });
      this._write(JSON.stringify({ type, id, ...fields }));
    });
  }

  /**
   * Close the socket on purpose; it is not reopened.
   * @param {number} [code] 1000, or 3000-4999
   */
  close(code = 1000) {
    this._closing = true;
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) {
      this.socket.close(code);
    } else {
      this._finish(code, "closed by the client");
    }
  }

  /**
   * Treat the socket as lost (the browser went offline): close it and reconnect with backoff.
   * Tests may call it to simulate a network loss.
   */
  drop() {
    const socket = this.socket;
    if (!socket || this.state === "closed" || this._closing) return;
    this.socket = null;
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.close();
    this._closed(1006, "network lost");
  }

  /** Retry now (for example when the browser comes back online), skipping the wait. */
  retryNow() {
    if (this._retryTimer !== null) {
      clearTimeout(this._retryTimer);
      this._retryTimer = null;
      this._connect();
    }
  }

  _write(text) {
    if (this.isOpen && this._welcomedOrHello()) {
      this.socket.send(text);
    } else {
      this._outbox.push(text);
    }
  }

  /** Frames may go out once the hello (room.join) is acknowledged, or if there is none. */
  _welcomedOrHello() {
    return this._welcomed || this.hello === null;
  }

  async _connect() {
    this._welcomed = false;
    let url;
    try {
      url = await this.client._socketUrl(this.path, this.query);
    } catch (error) {
      if (error instanceof GameroomsError && error.code === ErrorCode.NOT_AUTHORIZED) {
        this.lastError = error; // not signed in, or the refresh token was refused
        this._finish(CloseCode.UNAUTHORIZED, error.message);
      } else {
        this._scheduleRetry(1006); // the network, most likely
      }
      return;
    }
    if (this._closing) {
      this._finish(1000, "closed by the client");
      return;
    }
    const socket = new WebSocket(url);
    this.socket = socket;
    this._setState(this.attempt === 0 && !this._everOpened ? "connecting" : "reconnecting");
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this._everOpened = true;
      const hello = this.hello ? this.hello() : null;
      if (hello) socket.send(JSON.stringify(hello));
      else this._flush();
    };
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      this._receive(frame);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this._closed(event.code, event.reason);
    };
  }

  _flush() {
    const waiting = this._outbox;
    this._outbox = [];
    for (const text of waiting) this.socket.send(text);
  }

  /** @param {Frame} frame */
  _receive(frame) {
    if (!this._welcomed && WELCOME[this.kind].includes(frame.type)) {
      this._welcomed = true;
      this.connections += 1;
      this.attempt = 0;
      this._refreshedAfter4002 = false;
      this._setState("open");
      this._flush();
      this._ready.resolve(frame);
    }
    if (frame.type === "match.started" || frame.type === "match.found") {
      this.movedTo = frame.match_id;
    }
    const pending = frame.id !== undefined ? this._pending.get(frame.id) : undefined;
    if (frame.type === "error") {
      const error = new GameroomsError(frame.code, frame.message, frame);
      if (pending) {
        this._settle(frame.id);
        pending.reject(error);
        return;
      }
      this.lastError = error; // says why, if the server closes the socket next
      this.client._dispatch(this, frame);
      return;
    }
    this.lastError = null;
    this.client._dispatch(this, frame);
    if (pending) {
      this._settle(frame.id);
      pending.resolve(frame);
    }
  }

  _settle(id) {
    const pending = this._pending.get(id);
    if (pending) clearTimeout(pending.timer);
    this._pending.delete(id);
  }

  _closed(code, reason) {
    this.socket = null;
    const intended = this._closing;
    for (const [id, pending] of this._pending) {
      if (pending.closes && pending.closes.includes(code)) {
        this._settle(id);
        pending.resolve(null);
      }
    }
    if (code === CloseCode.MOVED) {
      this._finish(code, reason);
      if (this.movedTo) this.client._handoff(this, this.movedTo);
      return;
    }
    if (intended || FINAL_CLOSE_CODES.includes(code)) {
      if (code === CloseCode.UNAUTHORIZED && !intended && !this._refreshedAfter4002) {
        this._refreshedAfter4002 = true;
        this._retryAfterRefresh();
        return;
      }
      this._finish(code, reason);
      return;
    }
    this._failPending(ErrorCode.CONNECTION_LOST, "the connection dropped");
    this._scheduleRetry(code);
  }

  /** 4002: the token was refused. Refresh it once and try again; give up if that fails. */
  async _retryAfterRefresh() {
    try {
      await this.client.refresh();
    } catch {
      this._finish(CloseCode.UNAUTHORIZED, "not authorized");
      return;
    }
    this._failPending(ErrorCode.CONNECTION_LOST, "reconnecting with a fresh token");
    this._connect();
  }

  _scheduleRetry(code) {
    const { initial, factor, max, jitter } = this.client.backoff;
    let delay = Math.min(max, initial * factor ** this.attempt);
    delay = Math.round(delay * (1 + jitter * (2 * Math.random() - 1)));
    if (code === CloseCode.POLICY) delay = Math.max(delay, POLICY_DELAY);
    this.attempt += 1;
    this._setState("reconnecting", { code, attempt: this.attempt, delay });
    this.client.emit("reconnecting", { kind: this.kind, attempt: this.attempt, delay, code }, this);
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      this._connect();
    }, delay);
  }

  _failPending(code, message) {
    this._outbox = [];
    for (const [id, pending] of this._pending) {
      this._settle(id);
      pending.reject(new GameroomsError(code, message));
    }
  }

  _finish(code, reason) {
    if (this.state === "closed") return;
    this.closeCode = code;
    const error =
      code === CloseCode.LEFT || code === CloseCode.MOVED || this._closing
        ? null
        : this.lastError ||
          new GameroomsError(CODE_OF_CLOSE[code] || ErrorCode.CLOSED, reason || `closed (${code})`);
    this._failPending(error ? error.code : ErrorCode.CLOSED, error ? error.message : "closed");
    this._setState("closed", { code });
    this._ready.reject(error || new GameroomsError(ErrorCode.CLOSED, `closed (${code})`));
    this.client._channelClosed(this);
    this.client.emit("closed", { kind: this.kind, code, reason, error }, this);
  }

  _setState(state, extra = {}) {
    this.state = state;
    this.client.emit("connection", { kind: this.kind, state, ...extra }, this);
  }
}

// ---------------------------------------------------------------------------------------------
// Client

/**
 * A gamerooms client: a signed-in player, their sockets, and the live state those sockets report.
 *
 * Live state, updated before each event is emitted:
 * - `lobbyRooms`: Map of room id → RoomSummary (with `lobbyDrafts`: pending id → Player);
 * - `roomState`: the RoomState of the room you are in;
 * - `matchSnapshot`: see {@link MatchSnapshot}.
 */
export class GameroomsClient extends Emitter {
  /**
   * @param {object} [options]
   * @param {string} [options.baseUrl]  the server, e.g. "https://example.org" (default: this page's)
   * @param {Storage|null} [options.storage]  where to keep the session (e.g. localStorage); null: memory
   * @param {string} [options.storageKey]
   * @param {Partial<typeof DEFAULT_BACKOFF>} [options.backoff]  reconnection delays in ms
   * @param {number} [options.requestTimeout]  ms before a request rejects with `timeout`
   */
  constructor({
    baseUrl = globalThis.location ? globalThis.location.origin : "",
    storage = null,
    storageKey = "gamerooms.session",
    backoff = {},
    requestTimeout = 10000,
  } = {}) {
    super();
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.storage = storage;
    this.storageKey = storageKey;
    this.backoff = { ...DEFAULT_BACKOFF, ...backoff };
    this.requestTimeout = requestTimeout;
    /** @type {Session|null} */
    this.session = this._loadSession();
    /** @type {Channel|null} */ this.lobby = null;
    /** @type {Channel|null} */ this.room = null;
    /** @type {Channel|null} */ this.queue = null;
    /** @type {Channel|null} */ this.match = null;
    /** @type {Map<string, RoomSummary>} */
    this.lobbyRooms = new Map();
    /** @type {Map<string, Player>} */
    this.lobbyDrafts = new Map();
    /** @type {{game: string|null, only_open: boolean}|null} */
    this.lobbyFilter = null;
    this.drafting = false;
    /** @type {RoomState|null} */
    this.roomState = null;
    /** @type {Player|null} you, as the room sees you */
    this.you = null;
    /** @type {MatchSnapshot|null} */
    this.matchSnapshot = null;
    this._id = 0;
    this._onOnline = () => {
      for (const channel of this.channels()) channel.retryNow();
    };
    this._onOffline = () => {
      for (const channel of this.channels()) channel.drop();
    };
    globalThis.addEventListener?.("online", this._onOnline);
    globalThis.addEventListener?.("offline", this._onOffline);
  }

  /** The signed-in player, or null. @returns {Player|null} */
  get player() {
    return this.session ? this.session.player : null;
  }

  /** The open channels. @returns {Channel[]} */
  channels() {
    return [this.lobby, this.room, this.queue, this.match].filter(Boolean);
  }

  // --- identity ------------------------------------------------------------------------------

  /**
   * Play as a new guest: `POST /api/auth/guest/`. Keeps the session (and stores it, if a storage
   * was given).
   * @param {string} name
   * @param {Avatar} [avatar]
   * @returns {Promise<Session>}
   */
  async guest(name, avatar) {
    const body = avatar ? { name, avatar } : { name };
    const session = await this._http("POST", "/api/auth/guest/", body, { auth: false });
    this.setSession(session);
    return session;
  }

  /**
   * Create an account and sign in with it: `POST /api/auth/register/`.
   * @param {string} username
   * @param {string} password
   * @returns {Promise<Session>}
   */
  async register(username, password) {
    const session = await this._http("POST", "/api/auth/register/", { username, password }, { auth: false });
    this.setSession(session);
    return session;
  }

  /**
   * Sign in to an account: `POST /api/auth/token/`, then `GET /api/me/` for the player.
   * @param {string} username
   * @param {string} password
   * @returns {Promise<Session>}
   */
  async login(username, password) {
    const tokens = await this._http("POST", "/api/auth/token/", { username, password }, { auth: false });
    this.session = { ...tokens, player: null };
    try {
      this.setSession({ ...tokens, player: await this.me() });
    } catch (error) {
      this.session = null;
      throw error;
    }
    return this.session;
  }

  /**
   * Trade the refresh token for a new access token: `POST /api/auth/token/refresh/`.
   * @returns {Promise<string>} the new access token
   */
  async refresh() {
    if (!this.session) throw new GameroomsError(ErrorCode.NOT_AUTHORIZED, "not signed in");
    if (!this._refreshing) {
      this._refreshing = this._http(
        "POST",
        "/api/auth/token/refresh/",
        { refresh: this.session.refresh },
        { auth: false },
      )
        .then((tokens) => {
          this.setSession({ ...this.session, ...tokens });
          return tokens.access;
        })
        .finally(() => {
          this._refreshing = null;
        });
    }
    return this._refreshing;
  }

  /**
   * Use this session (from your own sign-in), or null to sign out.
   * @param {Session|null} session
   */
  setSession(session) {
    this.session = session;
    if (this.storage) {
      if (session) this.storage.setItem(this.storageKey, JSON.stringify(session));
      else this.storage.removeItem(this.storageKey);
    }
    this.emit("session", session);
  }

  /**
   * A valid access token, refreshed first if it has expired (or is about to).
   * @returns {Promise<string>}
   */
  async accessToken() {
    if (!this.session) throw new GameroomsError(ErrorCode.NOT_AUTHORIZED, "not signed in");
    const expires = tokenExpiry(this.session.access);
    if (expires !== null && expires - Date.now() < 30000) return this.refresh();
    return this.session.access;
  }

  // --- HTTP ----------------------------------------------------------------------------------

  /**
   * The signed-in player as the server knows it: `GET /api/me/` (rejects with `not_authorized`
   * when the server does not know the token's player).
   * @returns {Promise<Player>}
   */
  me() {
    return this._http("GET", "/api/me/");
  }

  /**
   * The games this server plays: `GET /api/games/`.
   * @returns {Promise<GameInfo[]>}
   */
  games() {
    return this._http("GET", "/api/games/", undefined, { auth: false });
  }

  /**
   * The listed rooms: `GET /api/rooms/`.
   * @param {{game?: string|null, onlyOpen?: boolean}} [filter]
   * @returns {Promise<RoomSummary[]>}
   */
  listRooms({ game = null, onlyOpen = false } = {}) {
    const query = new URLSearchParams();
    if (game) query.set("game", game);
    if (onlyOpen) query.set("only_open", "1");
    return this._http("GET", `/api/rooms/?${query}`, undefined, { auth: false });
  }

  /**
   * One room by its code (private rooms too): `GET /api/rooms/<code>/`.
   * @param {string} code
   * @returns {Promise<RoomSummary>}
   */
  getRoom(code) {
    return this._http("GET", `/api/rooms/${encodeURIComponent(code)}/`, undefined, { auth: false });
  }

  // --- lobby ---------------------------------------------------------------------------------

  /**
   * Subscribe to the lobby (`/ws/lobby/`), optionally filtered. Resolves with the rooms shown;
   * then `lobby.room_added` / `_updated` / `_removed` / `_pending` / `_pending_cancelled` events
   * keep `client.lobbyRooms` and `client.lobbyDrafts` current (the filter and your draft notice
   * are restored after a reconnect).
   * @param {{game?: string|null, onlyOpen?: boolean}} [filter]
   * @returns {Promise<RoomSummary[]>}
   */
  async connectLobby({ game = null, onlyOpen = false } = {}) {
    if (!this.lobby) {
      this.lobbyFilter = null;
      this.lobby = new Channel(this, "lobby", "/ws/lobby/");
    }
    await this.lobby.ready;
    if (game || onlyOpen) return this.filterLobby(game, onlyOpen);
    return [...this.lobbyRooms.values()];
  }

  /**
   * Show only some rooms: `lobby.filter`. Resolves with the rooms that match.
   * @param {string|null} game  a game name, or null for every game
   * @param {boolean} [onlyOpen]  only rooms with a free seat
   * @returns {Promise<RoomSummary[]>}
   */
  async filterLobby(game, onlyOpen = false) {
    this.lobbyFilter = { game, only_open: onlyOpen };
    const reply = await this._need("lobby").request("lobby.filter", this.lobbyFilter);
    return reply.rooms;
  }

  /** Tell the lobby you are creating a room (`room.drafting`); others see a notice. */
  startDraft() {
    this.drafting = true;
    this._need("lobby").send("room.drafting");
  }

  /** Withdraw the "creating a room" notice (`room.draft_cancel`). */
  cancelDraft() {
    this.drafting = false;
    this._need("lobby").send("room.draft_cancel");
  }

  /**
   * Create a room: `room.create` on the lobby socket (or `POST /api/rooms/` without one).
   * Then join it with {@link GameroomsClient#joinRoom}.
   * @param {object} room
   * @param {string} room.name
   * @param {string} room.game
   * @param {number} room.maxPlayers
   * @param {boolean} [room.private]
   * @param {string|null} [room.password]
   * @param {object} [room.settings]  game settings plus bot_level, target_players, turn_seconds, ...
   * @returns {Promise<RoomSummary>}
   */
  async createRoom({ name, game, maxPlayers, private: isPrivate = false, password = null, settings = {} }) {
    const body = { name, game, max_players: maxPlayers, private: isPrivate, password, settings };
    this.drafting = false;
    if (this.lobby && this.lobby.state !== "closed") {
      const reply = await this.lobby.request("room.create", body);
      return reply.room;
    }
    return this._http("POST", "/api/rooms/", body);
  }

  /** Close the lobby socket. */
  disconnectLobby() {
    this.lobby?.close();
  }

  // --- room ----------------------------------------------------------------------------------

  /**
   * Join a room (`/ws/rooms/<code>/`, first frame `room.join`); resolves with `room.joined`.
   * Rejects with `not_found`, `room_full`, `wrong_password`, ... Reconnects keep the seat.
   * @param {string} code
   * @param {{password?: string|null}} [options]
   * @returns {Promise<{room: RoomState, you: Player}>}
   */
  async joinRoom(code, { password = null } = {}) {
    this.room?.close();
    const channel = new Channel(this, "room", `/ws/rooms/${encodeURIComponent(code)}/`, {
      hello: () => ({ type: "room.join", password }),
    });
    this.room = channel;
    const joined = await channel.ready;
    return { room: joined.room, you: joined.you };
  }

  /**
   * Mark yourself ready or not: `room.ready`.
   * @param {boolean} ready
   * @returns {Promise<Frame>} the `room.ready` broadcast (with `all_ready`)
   */
  async setReady(ready) {
    return this._need("room").request("room.ready", { ready });
  }

  /**
   * Change the room (owner only): `room.settings`. Settings are merged into the current ones.
   * @param {{maxPlayers?: number, settings?: object}} change
   * @returns {Promise<RoomState>}
   */
  async changeRoomSettings({ maxPlayers, settings } = {}) {
    const fields = {};
    if (maxPlayers !== undefined) fields.max_players = maxPlayers;
    if (settings !== undefined) fields.settings = settings;
    const reply = await this._need("room").request("room.settings", fields);
    return reply.room;
  }

  /**
   * Say something in the room: `room.chat` (1-500 characters).
   * @param {string} text
   * @returns {Promise<Frame>}
   */
  async roomChat(text) {
    return this._need("room").request("room.chat", { text });
  }

  /**
   * Remove a player from the room (owner only): `room.kick`.
   * @param {string} playerId
   * @returns {Promise<Frame>} the `room.player_left` broadcast
   */
  async kick(playerId) {
    return this._need("room").request("room.kick", { player_id: playerId });
  }

  /**
   * Start the match (owner only): `room.start`. Resolves with the match id; the client then
   * follows the hand-off to the match socket (watch the `handoff` event).
   * @returns {Promise<string>}
   */
  async startMatch() {
    const reply = await this._need("room").request("room.start");
    return reply.match_id;
  }

  /**
   * Give up your seat: `room.leave`; resolves when the server has closed the socket (4000).
   * @returns {Promise<void>}
   */
  async leaveRoom() {
    await this._need("room").request("room.leave", {}, { closes: [CloseCode.LEFT] });
  }

  // --- queue ---------------------------------------------------------------------------------

  /**
   * Queue for a game (`/ws/queue/<game>/`). Resolves with the first `queue.waiting` (or
   * `match.found`); then `queue.waiting` events report `queued` / `needed`, and when a match is
   * made the client moves to it by itself (`handoff`).
   * @param {string} game
   * @param {{players?: number|null}} [options]  a match size within the game's range
   * @returns {Promise<Frame>}
   */
  joinQueue(game, { players = null } = {}) {
    this.queue?.close();
    const query = players ? { players: String(players) } : {};
    this.queue = new Channel(this, "queue", `/ws/queue/${encodeURIComponent(game)}/`, { query });
    return this.queue.ready;
  }

  /**
   * Wait for a match of another size instead (`queue.join`); resolves with `queue.waiting`.
   * @param {number|null} players  a size within the game's range (null: the server's choice)
   * @returns {Promise<Frame>}
   */
  async changeQueueSize(players) {
    return this._need("queue").request("queue.join", { players });
  }

  /**
   * Leave the queue: `queue.cancel`. Resolves true when out of the queue (4000), false when a
   * match was found first (the hand-off follows).
   * @returns {Promise<boolean>}
   */
  async cancelQueue() {
    const channel = this._need("queue");
    await channel.request("queue.cancel", {}, { closes: [CloseCode.LEFT, CloseCode.MOVED] });
    return channel.closeCode !== CloseCode.MOVED;
  }

  // --- match ---------------------------------------------------------------------------------

  /**
   * Open a match's socket (`/ws/matches/<id>/`); resolves with its first `match.state`.
   * Called by itself on a hand-off; call it yourself after a page load.
   * @param {string} matchId
   * @param {{spectate?: boolean}} [options]
   * @returns {Promise<Frame>}
   */
  openMatch(matchId, { spectate = false } = {}) {
    if (this.match && this.match.matchId === matchId && this.match.state !== "closed") {
      return this.match.ready;
    }
    this.match?.close();
    const query = spectate ? { spectate: "1" } : {};
    const channel = new Channel(this, "match", `/ws/matches/${encodeURIComponent(matchId)}/`, { query });
    channel.matchId = matchId;
    this.match = channel;
    return channel.ready;
  }

  /**
   * Make a move: `match.action`. `version` defaults to the version you have seen, so a move made
   * on an outdated board is refused (`stale_version`) rather than applied; pass null to skip it.
   * @param {string} action  e.g. "place"
   * @param {object} [data]  e.g. {cell: 4}
   * @param {{version?: number|null}} [options]
   * @returns {Promise<Frame>} your copy of the resulting `match.update`
   */
  async act(action, data = {}, { version } = {}) {
    const fields = { action, data };
    const seen = version === undefined ? this.matchSnapshot?.version : version;
    if (seen !== null && seen !== undefined) fields.version = seen;
    return this._need("match").request("match.action", fields);
  }

  /**
   * Say something in the match: `match.chat` (1-500 characters).
   * @param {string} text
   * @returns {Promise<Frame>}
   */
  async matchChat(text) {
    return this._need("match").request("match.chat", { text });
  }

  /**
   * Leave the match: `match.leave`. The others are asked whether a bot takes your seat.
   * Resolves when the server has closed the socket (4000).
   * @returns {Promise<void>}
   */
  async leaveMatch() {
    await this._need("match").request("match.leave", {}, { closes: [CloseCode.LEFT] });
  }

  /**
   * Answer a pause: a bot takes the departed seat (`match.replace_with_bot`).
   * @param {number} seat  the paused seat (`match.paused.seat`)
   * @returns {Promise<Frame>} the `match.resumed` broadcast
   */
  async replaceWithBot(seat) {
    return this._need("match").request("match.replace_with_bot", { seat });
  }

  /**
   * Answer a pause: end the match (`match.end`).
   * @returns {Promise<Frame>} the final `match.update` (status "finished")
   */
  async endMatch() {
    return this._need("match").request("match.end");
  }

  /** Close every socket and stop listening to the browser's online / offline events. */
  close() {
    for (const channel of this.channels()) channel.close();
    globalThis.removeEventListener?.("online", this._onOnline);
    globalThis.removeEventListener?.("offline", this._onOffline);
  }

  // --- internals -----------------------------------------------------------------------------

  _nextId() {
    this._id += 1;
    return this._id;
  }

  /** @param {ChannelKind} kind @returns {Channel} */
  _need(kind) {
    const channel = this[kind];
    if (!channel || channel.state === "closed") {
      throw new GameroomsError(ErrorCode.CLOSED, `not connected to a ${kind}`);
    }
    return channel;
  }

  async _socketUrl(path, query) {
    const token = await this.accessToken();
    const base = new URL(this.baseUrl || globalThis.location.origin);
    base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    const url = new URL(path, base);
    url.searchParams.set("token", token);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  }

  async _http(method, path, body, { auth = true } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth) headers.Authorization = `Bearer ${await this.accessToken()}`;
    const response = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      throw httpError(response.status, data);
    }
    return data;
  }

  /** Apply a frame to the live state, then emit it. */
  _dispatch(channel, frame) {
    if (channel.kind === "lobby") this._applyLobby(frame, channel);
    else if (channel.kind === "room") this._applyRoom(frame);
    else if (channel.kind === "match") this._applyMatch(frame);
    this.emit("frame", frame, channel);
    this.emit(frame.type, frame, channel);
  }

  _applyLobby(frame, channel) {
    switch (frame.type) {
      case "lobby.rooms":
        this.lobbyRooms = new Map(frame.rooms.map((room) => [room.id, room]));
        if (frame.id === undefined) this.lobbyDrafts = new Map(); // drafts follow
        if (frame.id === undefined && channel.connections > 1) this._resumeLobby(channel);
        break;
      case "lobby.room_added":
      case "lobby.room_updated":
        this.lobbyRooms.set(frame.room.id, frame.room);
        break;
      case "lobby.room_removed":
        this.lobbyRooms.delete(frame.room_id);
        break;
      case "lobby.room_pending":
        this.lobbyDrafts.set(frame.pending_id, frame.by);
        break;
      case "lobby.room_pending_cancelled":
        this.lobbyDrafts.delete(frame.pending_id);
        break;
    }
  }

  /** A reconnected lobby socket starts unfiltered and without our draft: restore them. */
  _resumeLobby(channel) {
    if (this.lobbyFilter && (this.lobbyFilter.game || this.lobbyFilter.only_open)) {
      channel.request("lobby.filter", this.lobbyFilter).catch(() => {});
    }
    if (this.drafting) channel.send("room.drafting");
  }

  _applyRoom(frame) {
    switch (frame.type) {
      case "room.joined":
        this.roomState = frame.room;
        this.you = frame.you;
        break;
      case "room.player_joined":
      case "room.settings":
      case "room.player_left":
        this.roomState = frame.room;
        break;
      case "room.ready":
        if (this.roomState) {
          for (const seat of this.roomState.players) {
            if (seat.player.id === frame.player_id) seat.ready = frame.ready;
          }
        }
        break;
    }
  }

  _applyMatch(frame) {
    const snapshot = this.matchSnapshot;
    switch (frame.type) {
      case "match.state":
        this.matchSnapshot = {
          matchId: frame.match_id,
          game: frame.game,
          version: frame.version,
          seat: frame.seat,
          players: frame.players,
          state: frame.state,
          turn: frame.turn,
          status: frame.status,
          result: frame.result,
          pause: null,
          away: {},
        };
        break;
      case "match.update":
        // (a match ended by `match.end` sends a final update at the same version)
        if (!snapshot || frame.version < snapshot.version) break;
        Object.assign(snapshot, {
          version: frame.version,
          state: frame.state,
          turn: frame.turn,
          status: frame.status,
          result: frame.result,
        });
        if (frame.status !== "paused") snapshot.pause = null;
        break;
      case "match.player_disconnected":
        if (snapshot) {
          snapshot.away[frame.seat] = frame.grace_until;
          setConnected(snapshot, frame.seat, false);
        }
        break;
      case "match.player_reconnected":
        if (snapshot) {
          delete snapshot.away[frame.seat];
          setConnected(snapshot, frame.seat, true);
        }
        break;
      case "match.paused":
        if (snapshot) {
          snapshot.status = "paused";
          snapshot.pause = { seat: frame.seat, reason: frame.reason, options: frame.options, decide_by: frame.decide_by };
        }
        break;
      case "match.resumed":
        if (snapshot) {
          snapshot.status = "active";
          snapshot.pause = null;
          if (frame.turn) snapshot.turn = frame.turn;
          delete snapshot.away[frame.seat];
          const seat = snapshot.players.find((entry) => entry.seat === frame.seat);
          if (seat) Object.assign(seat, { player: frame.player, connected: true });
        }
        break;
    }
  }

  _handoff(channel, matchId) {
    this.emit("handoff", { from: channel.kind, matchId }, channel);
    this.openMatch(matchId);
  }

  _channelClosed(channel) {
    if (this[channel.kind] === channel) this[channel.kind] = null;
  }

  _loadSession() {
    if (!this.storage) return null;
    try {
      return JSON.parse(this.storage.getItem(this.storageKey) || "null");
    } catch {
      return null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function setConnected(snapshot, seat, connected) {
  const entry = snapshot.players.find((player) => player.seat === seat);
  if (entry) entry.connected = connected;
}

/**
 * The expiry time (ms since the epoch) of a JWT, or null if it can't be read.
 * @param {string} token
 * @returns {number|null}
 */
export function tokenExpiry(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, "=")));
    return typeof claims.exp === "number" ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

function httpError(status, data) {
  if (data && typeof data.code === "string") {
    return new GameroomsError(data.code, data.message || data.code, data);
  }
  if (status === 401 || status === 403) {
    return new GameroomsError(ErrorCode.NOT_AUTHORIZED, (data && data.detail) || "not authorized", data);
  }
  if (status === 404) return new GameroomsError(ErrorCode.NOT_FOUND, "not found", data);
  if (status === 400 && data && typeof data === "object") {
    const [field, problems] = Object.entries(data)[0] || ["request", ["invalid"]];
    const problem = Array.isArray(problems) ? problems[0] : JSON.stringify(problems);
    return new GameroomsError(ErrorCode.BAD_MESSAGE, `${field}: ${problem}`, data);
  }
  return new GameroomsError(ErrorCode.HTTP, `HTTP ${status}`, data);
}
