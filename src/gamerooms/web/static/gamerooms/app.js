/**
 * The gamerooms demo site: landing, lobby, room and match pages on top of gamerooms.js.
 * Each Django template sets `<body data-page=...>`; `start()` runs that page. The lobby and room
 * pages also hold the match view, so a hand-off (Play now, the owner's Start) turns the page into
 * the match without reloading, over the socket the client opened itself.
 */
import { CloseCode, GameroomsClient, GameroomsError } from "./gamerooms.js";

const PROFILE_KEY = "gamerooms.profile";
const EMOJIS = ["🦊", "🐼", "🐸", "🐙", "🦄", "🐯", "🐵", "🐧", "🦉", "🐝", "🐢", "🦖"];
const COLORS = ["#ff8800", "#e5484d", "#d6409f", "#8e4ec6", "#3e63dd", "#0090ff", "#12a594", "#30a46c", "#ffc53d", "#8d8d8d"];
const MARKS = ["X", "O"];
const MARK_COLORS = ["#3e63dd", "#e5484d"];

/** What each error code means, in a player's words. */
export const ERROR_TEXT = {
  bad_json: "The server couldn't read that message.",
  bad_message: "Something in that request isn't right.",
  unknown_type: "The server doesn't know how to do that here.",
  not_authorized: "You're not allowed to do that here.",
  not_found: "That room or match doesn't exist (any more).",
  room_full: "Sorry, this room is full.",
  wrong_password: "That password isn't right.",
  already_joined: "You're already in this room.",
  not_owner: "Only the room's owner can do that.",
  not_ready: "Everyone has to be ready before the match can start.",
  too_few_players: "Not enough players yet: invite someone or let bots fill the empty seats.",
  illegal_action: "That move isn't allowed.",
  not_your_turn: "Hold on, it's not your turn yet.",
  stale_version: "The board changed just before your move; have another look.",
  match_over: "This match is already over.",
  match_paused: "The match is paused until someone decides what happens to the missing player.",
  rate_limited: "Whoa, that's fast! Slow down a little.",
  too_large: "That's too long to send.",
  timeout: "The server didn't answer in time. Check your connection.",
  connection_lost: "The connection dropped before the server answered. Try again.",
  closed: "You're not connected any more. Reload the page.",
  kicked: "The room's owner removed you from the room.",
  replaced: "You opened this in another tab or window, so this one stopped.",
  http_error: "The server had a problem. Try again in a moment.",
};

/**
 * A sentence a player understands for any error (adds the server's detail for bad requests).
 * @param {unknown} error
 * @returns {string}
 */
export function describeError(error) {
  if (error instanceof GameroomsError) {
    const text = ERROR_TEXT[error.code] || "Something went wrong.";
    return error.code === "bad_message" && error.message ? `${text} (${error.message})` : text;
  }
  return "Something went wrong. Check your connection and try again.";
}

// --- small DOM helpers ------------------------------------------------------------------------

const $ = (testid, root = document) => root.querySelector(`[data-testid="${testid}"]`);

/** Build an element: h("li", {class: "x", dataset: {testid: "seat"}}, child, "text"). */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "class") element.className = value;
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, value);
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

function avatar(player, size = "") {
  const { emoji = "🙂", color = "#8d8d8d" } = player.avatar || {};
  return h("span", { class: `avatar ${size}`, style: `background:${color}`, title: player.name, dataset: { testid: "avatar" } }, emoji);
}

function toast(text, kind = "") {
  const item = h("div", { class: `toast ${kind}`, role: "alert", dataset: { testid: "toast" } }, text);
  $("toasts").append(item);
  setTimeout(() => item.remove(), 6000);
}

function showError(error) {
  toast(describeError(error), "bad");
}

function fillSelect(select, options, selected) {
  select.replaceChildren(
    ...options.map(([value, label]) => h("option", { value, selected: String(value) === String(selected) }, label)),
  );
}

function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function show(testid, visible = true) {
  $(testid).hidden = !visible;
}

// --- profile and session ----------------------------------------------------------------------

function loadProfile() {
  try {
    return JSON.parse(localStorage.getItem(PROFILE_KEY) || "null");
  } catch {
    return null;
  }
}

const client = new GameroomsClient({ storage: localStorage });
window.gamerooms = { client, GameroomsClient, GameroomsError, CloseCode, describeError };

/** A signed-in session for the saved profile; sends newcomers to the landing page. */
async function requireSession() {
  const profile = loadProfile();
  if (!profile || !client.session) {
    location.assign(`/?next=${encodeURIComponent(location.pathname + location.search)}`);
    return new Promise(() => {});
  }
  try {
    await client.me();
  } catch {
    // The server no longer knows this player (a fresh database): sign in again as the same guest.
    await client.guest(profile.name, { emoji: profile.emoji, color: profile.color });
  }
  const me = $("me");
  me.replaceChildren(avatar(client.player, "small"), h("span", { dataset: { testid: "me-name" } }, client.player.name));
  me.hidden = false;
  return client.player;
}

// --- connection banner ------------------------------------------------------------------------

function watchConnection() {
  const trouble = new Map();
  let ticker = null;
  const render = () => {
    const banner = $("connection-banner");
    const text = $("connection-text");
    if (!navigator.onLine) {
      banner.hidden = false;
      banner.classList.add("offline");
      text.textContent = "You're offline. We'll reconnect as soon as the network is back.";
      return;
    }
    banner.classList.remove("offline");
    const waiting = [...trouble.values()];
    if (waiting.length === 0) {
      banner.hidden = true;
      clearInterval(ticker);
      ticker = null;
      return;
    }
    const next = Math.min(...waiting.map((entry) => entry.at));
    const attempt = Math.max(...waiting.map((entry) => entry.attempt));
    const seconds = Math.max(0, Math.ceil((next - Date.now()) / 1000));
    banner.hidden = false;
    text.textContent =
      seconds > 0
        ? `Connection lost. Reconnecting in ${seconds} s… (attempt ${attempt})`
        : `Connection lost. Reconnecting… (attempt ${attempt})`;
  };
  client.on("reconnecting", (event) => {
    trouble.set(event.kind, { at: Date.now() + event.delay, attempt: event.attempt });
    ticker = ticker || setInterval(render, 500);
    render();
  });
  client.on("connection", (event) => {
    if (event.state === "open" || event.state === "closed") {
      trouble.delete(event.kind);
      render();
    }
  });
  $("retry-now").addEventListener("click", () => client.channels().forEach((channel) => channel.retryNow()));
  addEventListener("offline", render);
  addEventListener("online", render);
  client.on("error", (frame, channel) => {
    // Errors that answer a request reject its promise (shown where it was made); these are the
    // others, such as a refusal on connect (handled by the page) or a rate limit.
    if (channel && channel.state === "open") showError(new GameroomsError(frame.code, frame.message, frame));
  });
}

// --- landing ----------------------------------------------------------------------------------

function landingPage() {
  const profile = loadProfile() || {
    name: "",
    emoji: EMOJIS[Math.floor(Math.random() * EMOJIS.length)],
    color: COLORS[Math.floor(Math.random() * COLORS.length)],
  };
  const form = $("landing-form");
  const nameInput = $("name-input");
  nameInput.value = profile.name;
  const preview = () => {
    const badge = $("avatar-preview");
    badge.textContent = profile.emoji;
    badge.style.background = profile.color;
    $("name-preview").textContent = nameInput.value ? `Hi, ${nameInput.value}!` : "";
    for (const button of $("emoji-grid").children) button.setAttribute("aria-checked", button.value === profile.emoji);
    for (const button of $("color-row").querySelectorAll("button")) button.setAttribute("aria-checked", button.value === profile.color);
    $("color-input").value = profile.color;
  };
  $("emoji-grid").replaceChildren(
    ...EMOJIS.map((emoji) =>
      h("button", {
        type: "button", role: "radio", value: emoji, "aria-label": emoji, dataset: { testid: "emoji-option" },
        onclick: () => { profile.emoji = emoji; preview(); },
      }, emoji),
    ),
  );
  $("color-row").replaceChildren(
    ...COLORS.map((color) =>
      h("button", {
        type: "button", role: "radio", value: color, style: `background:${color}`, "aria-label": color,
        dataset: { testid: "color-option" }, onclick: () => { profile.color = color; preview(); },
      }),
    ),
    h("input", {
      type: "color", "aria-label": "Any colour", dataset: { testid: "color-input" },
      oninput: (event) => { profile.color = event.target.value; preview(); },
    }),
  );
  nameInput.addEventListener("input", preview);
  preview();
  nameInput.focus();
  $("landing-submit").disabled = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (!name) return;
    const same =
      client.session &&
      client.player.name === name &&
      client.player.avatar.emoji === profile.emoji &&
      client.player.avatar.color === profile.color;
    try {
      if (!same) await client.guest(name, { emoji: profile.emoji, color: profile.color });
    } catch (error) {
      showError(error);
      return;
    }
    localStorage.setItem(PROFILE_KEY, JSON.stringify({ ...profile, name }));
    const next = new URLSearchParams(location.search).get("next");
    location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : "/lobby/");
  });
}

// --- lobby ------------------------------------------------------------------------------------

async function lobbyPage() {
  const me = await requireSession();
  const games = await client.games();
  const gameInfo = new Map(games.map((game) => [game.name, game]));
  const titleOf = (name) => gameInfo.get(name)?.title || name;
  const gameOptions = games.map((game) => [game.name, game.title]);
  fillSelect($("play-game"), gameOptions, gameInfo.has("tictactoe") ? "tictactoe" : undefined);
  fillSelect($("create-game"), gameOptions, gameInfo.has("tictactoe") ? "tictactoe" : undefined);
  $("filter-game").append(...games.map((game) => h("option", { value: game.name }, game.title)));

  const renderRooms = () => {
    const list = $("room-list");
    const rooms = [...client.lobbyRooms.values()];
    list.replaceChildren(...rooms.map((room) => roomCard(room, titleOf)));
    show("no-rooms", rooms.length === 0);
  };
  const renderDrafts = () => {
    const drafts = [...client.lobbyDrafts.entries()].filter(([, by]) => by.id !== me.id);
    $("drafts").replaceChildren(
      ...drafts.map(([pendingId, by]) =>
        h("li", { dataset: { testid: "draft", pendingId } }, avatar(by, "small"), `${by.name} is creating a room…`),
      ),
    );
  };
  for (const type of ["lobby.rooms", "lobby.room_added", "lobby.room_updated", "lobby.room_removed"]) {
    client.on(type, renderRooms);
  }
  client.on("lobby.room_pending", renderDrafts);
  client.on("lobby.room_pending_cancelled", renderDrafts);
  client.on("lobby.rooms", renderDrafts);
  client.connectLobby().catch(showError);

  // Filters
  const applyFilter = () =>
    client.filterLobby($("filter-game").value || null, $("filter-open").checked).catch(showError);
  $("filter-game").addEventListener("change", applyFilter);
  $("filter-open").addEventListener("change", applyFilter);

  // Join by code
  $("join-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = $("join-code").value.trim().toUpperCase();
    if (code) location.assign(`/rooms/${encodeURIComponent(code)}/`);
  });

  // Create a room
  const form = $("create-room-form");
  const syncCreateForm = () => {
    const game = gameInfo.get($("create-game").value);
    if (!game) return;
    const seats = Number($("create-seats").value) || game.default_players || game.min_players;
    const seatOptions = [];
    for (let n = game.min_players; n <= Math.min(game.max_players, 8); n++) seatOptions.push([n, `${n} seats`]);
    fillSelect($("create-seats"), seatOptions, Math.min(Math.max(seats, game.min_players), game.max_players));
    const chosen = Number($("create-seats").value);
    const bots = Math.min(Number($("create-bots").value) || 0, chosen - 1);
    fillSelect($("create-bots"), botOptions(chosen), bots);
    const level = $("create-bot-level").value;
    fillSelect($("create-bot-level"), game.bot_levels.map((name) => [name, name]), game.bot_levels.includes(level) ? level : game.bot_levels[0]);
  };
  $("create-game").addEventListener("change", syncCreateForm);
  $("create-seats").addEventListener("change", syncCreateForm);
  $("create-room-open").addEventListener("click", () => {
    form.hidden = false;
    $("create-room-open").disabled = true;
    $("create-name").value = $("create-name").value || `${me.name}'s room`;
    syncCreateForm();
    $("create-name").focus();
    try {
      client.startDraft();
    } catch {
      // no lobby socket right now: the notice is only a courtesy
    }
  });
  const closeForm = () => {
    form.hidden = true;
    $("create-room-open").disabled = false;
  };
  $("create-cancel").addEventListener("click", () => {
    closeForm();
    try {
      client.cancelDraft();
    } catch {
      // nothing to cancel
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const seats = Number($("create-seats").value);
    const bots = Number($("create-bots").value);
    const turn = $("create-turn").value;
    const password = $("create-password").value || null;
    $("create-submit").disabled = true;
    try {
      const room = await client.createRoom({
        name: $("create-name").value.trim(),
        game: $("create-game").value,
        maxPlayers: seats,
        private: $("create-private").checked,
        password,
        settings: {
          bot_level: $("create-bot-level").value,
          target_players: bots > 0 ? 1 + bots : 0,
          turn_seconds: turn ? Number(turn) : null,
        },
      });
      if (password) sessionStorage.setItem(`gamerooms.password.${room.id}`, password);
      location.assign(`/rooms/${room.id}/`);
    } catch (error) {
      showError(error);
      $("create-submit").disabled = false;
    }
  });

  // Play now (the queue)
  const queueText = $("queue-text");
  client.on("queue.waiting", (frame) => {
    queueText.textContent = `Waiting for players… ${frame.queued} of ${frame.needed} here`;
    $("queue-text").dataset.queued = frame.queued;
  });
  const playNow = async () => {
    const game = $("play-game").value;
    $("play-now").disabled = true;
    show("queue-status");
    queueText.textContent = "Looking for players…";
    try {
      await client.joinQueue(game);
    } catch (error) {
      showError(error);
      $("play-now").disabled = false;
      show("queue-status", false);
    }
  };
  $("play-now").addEventListener("click", playNow);
  $("queue-cancel").addEventListener("click", async () => {
    try {
      if (await client.cancelQueue()) {
        show("queue-status", false);
        $("play-now").disabled = false;
      }
    } catch (error) {
      showError(error);
    }
  });
  client.on("handoff", ({ matchId, from }) => {
    if (from !== "queue") return;
    client.disconnectLobby();
    show("lobby-view", false);
    matchView(matchId, { game: $("play-game").value });
  });
  // Everything is wired up: the buttons may be used (they start disabled in the template).
  for (const id of ["play-now", "join-code-button", "create-room-open"]) $(id).disabled = false;
  const wanted = new URLSearchParams(location.search).get("play");
  if (wanted && gameInfo.has(wanted)) {
    $("play-game").value = wanted;
    history.replaceState(null, "", "/lobby/");
    playNow();
  }
}

function botOptions(seats) {
  const options = [[0, "No bots"]];
  for (let n = 1; n < seats; n++) options.push([n, n === 1 ? "Up to 1 bot" : `Up to ${n} bots`]);
  return options;
}

function roomCard(room, titleOf) {
  const joinable = room.status === "open";
  const statusText = { open: "open", full: "full", playing: "playing" }[room.status] || room.status;
  return h(
    "li",
    { class: "room-card", dataset: { testid: "room-card", roomId: room.id } },
    h(
      "div",
      { class: "meta" },
      h("strong", { dataset: { testid: "room-name" } }, room.has_password ? h("span", { dataset: { testid: "room-lock" }, title: "Password" }, "🔒 ") : null, room.name),
      h("span", { class: "muted small" }, `${titleOf(room.game)} · `, h("span", { dataset: { testid: "room-seats" } }, `${room.players.length}/${room.max_players}`), " seats"),
      h("span", { class: "players" }, room.players.map((player) => avatar(player, "small"))),
    ),
    h(
      "div",
      { class: "row" },
      h("span", { class: `badge ${room.status}`, dataset: { testid: "room-status" } }, statusText),
      h("a", { class: `button ${joinable ? "primary" : ""}`, href: `/rooms/${room.id}/`, dataset: { testid: "room-join" } }, joinable ? "Join" : "View"),
    ),
  );
}

// --- room -------------------------------------------------------------------------------------

async function roomPage(code) {
  const me = await requireSession();
  const games = await client.games();
  const gameInfo = new Map(games.map((game) => [game.name, game]));
  const invite = `${location.origin}/rooms/${code}/`;
  $("invite-link").value = invite;
  $("copy-invite").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(invite);
      toast("Invite link copied.");
    } catch {
      $("invite-link").select();
      toast("Select the link and copy it.");
    }
  });
  const passwordKey = `gamerooms.password.${code}`;
  let entered = false;

  const gone = (text) => {
    show("room-view", false);
    show("password-gate", false);
    show("room-gone");
    $("room-gone-text").textContent = text;
  };

  const render = () => {
    const room = client.roomState;
    if (!room) return;
    const game = gameInfo.get(room.game);
    const owner = room.owner_id === me.id;
    $("room-title").textContent = room.name;
    $("room-game").textContent = game ? game.title : room.game;
    const facts = [`${room.players.length}/${room.max_players} seated`];
    if (room.private) facts.push("private");
    if (room.has_password) facts.push("🔒 password");
    if (room.settings.turn_seconds) facts.push(`${room.settings.turn_seconds} s per turn`);
    $("room-status-text").textContent = room.status === "playing" ? "match in progress" : facts.join(" · ");
    const botSeats = Math.max(0, Math.min(room.settings.target_players || 0, room.max_players) - room.players.length);
    const seats = room.players.map(({ player, ready }) =>
      h(
        "li",
        { dataset: { testid: "seat", playerId: player.id, ready: String(ready) } },
        avatar(player),
        h("span", { class: "name" }, player.name, player.id === me.id ? h("span", { class: "muted" }, " (you)") : null),
        player.id === room.owner_id ? h("span", { title: "Owner", dataset: { testid: "owner-crown" } }, "👑") : null,
        ready ? h("span", { class: "ready", title: "Ready", dataset: { testid: "ready-mark" } }, "✓ ready") : h("span", { class: "muted small" }, "not ready"),
        owner && player.id !== me.id
          ? h("button", { type: "button", dataset: { testid: "kick-button" }, onclick: () => client.kick(player.id).catch(showError) }, "Kick")
          : null,
      ),
    );
    for (let index = room.players.length; index < room.max_players; index++) {
      const bot = index - room.players.length < botSeats;
      seats.push(
        h("li", { class: "empty", dataset: { testid: "empty-seat" } },
          h("span", { class: "avatar" }, bot ? "🤖" : "·"),
          h("span", { class: "name" }, bot ? `A bot (${room.settings.bot_level}) takes this seat unless someone joins` : "Empty seat")),
      );
    }
    $("seats").replaceChildren(...seats);
    const mine = room.players.find((seat) => seat.player.id === me.id);
    const ready = mine ? mine.ready : false;
    const button = $("ready-button");
    button.textContent = ready ? "I'm not ready" : "I'm ready";
    button.classList.toggle("primary", !ready);
    button.dataset.ready = String(ready);
    button.disabled = room.status === "playing";

    show("owner-controls", owner);
    show("guest-note", !owner && room.status !== "playing");
    if (owner) renderOwnerControls(room, game, botSeats);

    const playing = room.status === "playing" && room.match_id;
    show("room-playing", !!playing);
    if (playing) $("room-match-link").href = `/matches/${room.match_id}/?room=${code}`;
  };

  const renderOwnerControls = (room, game, botSeats) => {
    const form = $("settings-form");
    if (!form.contains(document.activeElement) && game) {
      const seatOptions = [];
      for (let n = Math.max(game.min_players, room.players.length); n <= Math.min(game.max_players, 8); n++) seatOptions.push([n, `${n} seats`]);
      fillSelect($("settings-seats"), seatOptions, room.max_players);
      const target = room.settings.target_players || 0;
      fillSelect($("settings-bots"), botOptions(room.max_players), target > 0 ? Math.min(target - 1, room.max_players - 1) : 0);
      fillSelect($("settings-bot-level"), game.bot_levels.map((name) => [name, name]), room.settings.bot_level);
      $("settings-turn").value = room.settings.turn_seconds ? String(room.settings.turn_seconds) : "";
    }
    const enough = room.players.length + botSeats >= room.min_players;
    const allReady = room.players.every((seat) => seat.ready);
    const start = $("start-button");
    start.disabled = room.status === "playing" || !allReady || !enough;
    $("start-hint").textContent =
      room.status === "playing" ? "The match has started."
      : !enough ? `${game ? game.title : room.game} needs ${room.min_players} players: invite someone or add bots.`
      : !allReady ? "Waiting for everyone to be ready."
      : "Everyone's ready!";
  };

  $("ready-button").addEventListener("click", async () => {
    const ready = $("ready-button").dataset.ready !== "true";
    try {
      await client.setReady(ready);
    } catch (error) {
      showError(error);
    }
  });
  $("settings-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const bots = Number($("settings-bots").value);
    const turn = $("settings-turn").value;
    try {
      await client.changeRoomSettings({
        maxPlayers: Number($("settings-seats").value),
        settings: { bot_level: $("settings-bot-level").value, target_players: bots > 0 ? 1 + bots : 0, turn_seconds: turn ? Number(turn) : null },
      });
      document.activeElement?.blur();
      toast("Settings saved.");
    } catch (error) {
      showError(error);
    }
  });
  $("start-button").addEventListener("click", async () => {
    $("start-button").disabled = true;
    try {
      await client.startMatch();
    } catch (error) {
      showError(error);
      render();
    }
  });
  $("leave-room").addEventListener("click", async () => {
    try {
      await client.leaveRoom();
    } catch {
      // gone anyway
    }
    sessionStorage.removeItem(passwordKey);
    location.assign("/lobby/");
  });
  chatBox("room", (text) => client.roomChat(text));

  const systemLine = (text) => addChatLine("room", null, text);
  client.on("room.joined", render);
  client.on("room.settings", render);
  client.on("room.ready", render);
  client.on("room.player_joined", (frame) => {
    render();
    systemLine(`${frame.player.name} joined.`);
  });
  client.on("room.player_left", (frame) => {
    render();
    if (frame.player_id !== me.id) systemLine("A player left.");
  });
  client.on("room.chat", (frame) => addChatLine("room", frame.from, frame.text));
  client.on("closed", (event) => {
    if (event.kind !== "room" || !entered) return;
    if (event.code === CloseCode.KICKED) gone("The owner removed you from this room.");
    else if (event.code === CloseCode.REPLACED) gone("You opened this room in another tab or window.");
    else if (event.code === CloseCode.NOT_FOUND) gone("This room doesn't exist any more.");
  });
  client.on("handoff", ({ matchId, from }) => {
    if (from !== "room") return;
    show("room-view", false);
    matchView(matchId, { room: code, game: client.roomState?.game });
  });

  const enter = async (password) => {
    try {
      await client.joinRoom(code, { password });
      entered = true;
      if (password) sessionStorage.setItem(passwordKey, password);
      show("password-gate", false);
      show("room-view");
      render();
    } catch (error) {
      if (error.code === "wrong_password") {
        sessionStorage.removeItem(passwordKey);
        show("password-gate");
        if (password) {
          $("password-error").textContent = describeError(error);
          show("password-error");
        }
        $("password-input").focus();
      } else if (error.code === "not_found") {
        gone(`There's no room with the code ${code}.`);
      } else if (error.code === "room_full") {
        gone(error.message.includes("started") ? "The match in this room has already started." : describeError(error));
      } else {
        gone(describeError(error));
      }
    }
  };
  $("password-form").addEventListener("submit", (event) => {
    event.preventDefault();
    enter($("password-input").value);
  });
  enter(sessionStorage.getItem(passwordKey));
}

// --- chat -------------------------------------------------------------------------------------

function addChatLine(where, from, text) {
  const log = $(`${where}-chat-log`);
  const line = from
    ? h("li", { dataset: { testid: "chat-line" } }, avatar(from, "small"), " ", h("span", { class: "who" }, `${from.name}:`), " ", h("span", { class: "text" }, text))
    : h("li", { class: "system", dataset: { testid: "chat-line" } }, text);
  log.append(line);
  log.scrollTop = log.scrollHeight;
}

function chatBox(where, send) {
  const input = $(`${where}-chat-input`);
  $(`${where}-chat-form`).addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    try {
      await send(text);
      input.value = "";
    } catch (error) {
      showError(error);
    }
  });
}

// --- match ------------------------------------------------------------------------------------

let matchViewStarted = false;

/**
 * Show the match view for `matchId` (opening its socket unless a hand-off already did).
 * @param {string} matchId
 * @param {{room?: string|null, game?: string|null}} context  where the player came from
 */
function matchView(matchId, { room = null, game = null } = {}) {
  if (matchViewStarted) return;
  matchViewStarted = true;
  const path = `/matches/${matchId}/${room ? `?room=${encodeURIComponent(room)}` : ""}`;
  if (location.pathname + location.search !== path) history.replaceState(null, "", path);
  document.title = "gamerooms: match";
  show("match-view");
  let gameInfo = null;
  client.games().then((games) => {
    gameInfo = games.find((entry) => entry.name === (client.matchSnapshot?.game || game)) || null;
    render();
  }).catch(() => {});

  const nameOf = (seat) => {
    const entry = client.matchSnapshot?.players.find((player) => player.seat === seat);
    if (!entry) return `Seat ${seat + 1}`;
    return entry.seat === client.matchSnapshot.seat ? "You" : entry.player.name;
  };

  const renderPlayers = (snap) => {
    $("match-players").replaceChildren(
      ...snap.players.map((entry) =>
        h(
          "li",
          {
            class: [snap.turn.seats.includes(entry.seat) && snap.status === "active" ? "turn" : "", entry.seat in snap.away ? "away" : ""].join(" "),
            dataset: { testid: "match-player", seat: String(entry.seat), away: String(entry.seat in snap.away) },
          },
          snap.game === "tictactoe" ? h("span", { class: "mark", style: `color:${MARK_COLORS[entry.seat]}` }, MARKS[entry.seat] || "") : null,
          avatar(entry.player, "small"),
          h("span", {}, entry.player.name, entry.seat === snap.seat ? " (you)" : "", entry.player.bot ? " 🤖" : ""),
        ),
      ),
    );
  };

  const renderTurn = (snap) => {
    const text = $("turn-text");
    if (snap.status === "finished") text.textContent = "Game over";
    else if (snap.seat === null) text.textContent = `Watching: ${snap.turn.seats.map(nameOf).join(" and ")} to play`;
    else if (snap.status === "paused") text.textContent = "Paused";
    else if (snap.turn.seats.includes(snap.seat)) text.textContent = "Your turn";
    else if (snap.turn.seats.length) text.textContent = `${snap.turn.seats.map(nameOf).join(" and ")}'s turn`;
    else text.textContent = "";
    text.dataset.mine = String(snap.turn.seats.includes(snap.seat));
  };

  const renderBoard = (snap, fresh) => {
    const board = $("board");
    const cells = snap.state.board;
    const line = lineOf(cells);
    const mayPlay = snap.status === "active" && snap.turn.seats.includes(snap.seat);
    board.classList.toggle("my-turn", mayPlay);
    board.replaceChildren(
      ...cells.map((mark, index) => {
        return h(
          "button",
          {
            type: "button",
            class: [fresh === index ? "fresh" : "", line && line.includes(index) ? "win" : ""].join(" "),
            style: mark === null ? null : `color:${MARK_COLORS[mark]}`,
            disabled: mark !== null || !mayPlay,
            "aria-label": mark === null ? `Cell ${index + 1}, empty` : `Cell ${index + 1}, ${MARKS[mark]}`,
            dataset: { testid: "cell", cell: String(index), mark: mark === null ? "" : MARKS[mark] },
            onclick: () => client.act("place", { cell: index }).catch(showError),
          },
          mark === null ? "" : MARKS[mark],
        );
      }),
    );
  };

  const renderGeneric = (snap, fresh) => {
    const pre = $("state-json");
    pre.textContent = JSON.stringify(snap.state, null, 2);
    if (fresh) {
      pre.classList.remove("fresh");
      void pre.offsetWidth;
      pre.classList.add("fresh");
    }
    const actions = gameInfo?.actions || [];
    if ($("action-name").options.length !== actions.length) fillSelect($("action-name"), actions.map((name) => [name, name]));
    $("action-send").disabled = !(snap.status === "active" && snap.turn.seats.includes(snap.seat));
  };

  const renderResult = (snap) => {
    const finished = snap.status === "finished";
    show("result-panel", finished);
    if (!finished) return;
    const result = snap.result || { winners: [], reason: "" };
    let headline;
    if (result.winners.includes(snap.seat)) headline = "You won! 🎉";
    else if (result.winners.length) headline = `${result.winners.map((seat) => snap.players.find((p) => p.seat === seat)?.player.name || `Seat ${seat + 1}`).join(" and ")} won`;
    else if (result.reason === "draw") headline = "It's a draw";
    else headline = "The match has ended";
    $("result-text").textContent = headline;
    $("result-reason").textContent =
      { win: "Three in a row.", draw: "The board is full.", abandoned: "The match was ended without a winner." }[result.reason] || result.reason || "";
    show("rematch", !!room);
    if (room) $("rematch").href = `/rooms/${room}/`;
    show("play-again", !room);
    $("play-again").href = `/lobby/?play=${encodeURIComponent(snap.game)}`;
    const dialog = $("pause-dialog");
    if (dialog.open) dialog.close();
  };

  const renderAway = (snap) => {
    $("away-notices").replaceChildren(
      ...Object.entries(snap.away)
        .filter(([seat]) => !(snap.pause && snap.pause.seat === Number(seat)) && snap.status !== "finished")
        .map(([seat, until]) =>
          h("li", { dataset: { testid: "away-notice", seat, until } }, `${nameOf(Number(seat))} lost the connection; waiting for them to come back…`),
        ),
    );
  };

  const renderPause = (snap) => {
    const dialog = $("pause-dialog");
    const mine = snap.pause && snap.seat !== null && snap.pause.seat !== snap.seat;
    if (snap.pause && snap.status === "paused" && mine) {
      const who = nameOf(snap.pause.seat);
      $("pause-text").textContent =
        {
          left: `${who} left the match. How do you want to go on?`,
          idle: `${who} let the clock run out too often. How do you want to go on?`,
        }[snap.pause.reason] || `${who} didn't come back. How do you want to go on?`;
      $("replace-with-bot").disabled = false;
      $("end-match").disabled = false;
      if (!dialog.open) dialog.showModal();
    } else if (dialog.open) {
      dialog.close();
    }
  };

  function render(fresh = null) {
    const snap = client.matchSnapshot;
    if (!snap) return;
    Object.assign($("match-view").dataset, {
      seat: snap.seat === null ? "" : String(snap.seat),
      status: snap.status,
      version: String(snap.version),
      myTurn: String(snap.status === "active" && snap.turn.seats.includes(snap.seat)),
    });
    const tictactoe = snap.game === "tictactoe" && Array.isArray(snap.state.board);
    show("board", tictactoe);
    show("generic-view", !tictactoe);
    renderPlayers(snap);
    renderTurn(snap);
    if (tictactoe) renderBoard(snap, fresh);
    else renderGeneric(snap, fresh !== null);
    renderAway(snap);
    renderPause(snap);
    renderResult(snap);
    show("leave-match", snap.seat !== null && snap.status !== "finished");
    tick();
  }

  function tick() {
    const snap = client.matchSnapshot;
    const countdown = $("turn-countdown");
    const deadline = snap && snap.status === "active" && snap.turn.deadline ? Date.parse(snap.turn.deadline) : null;
    countdown.hidden = deadline === null;
    if (deadline !== null) {
      const left = deadline - Date.now();
      countdown.textContent = clock(left);
      countdown.classList.toggle("low", left < 10000);
    }
    if (snap && snap.pause) $("pause-countdown").textContent = clock(Date.parse(snap.pause.decide_by) - Date.now());
  }
  setInterval(tick, 250);

  client.on("match.state", () => render());
  client.on("match.update", (frame) => {
    const snap = client.matchSnapshot;
    const other = snap && frame.seat !== snap.seat;
    const cell = frame.action?.data?.cell;
    render(other ? (typeof cell === "number" ? cell : -1) : null);
    for (const event of frame.events || []) {
      if (event.type === "timeout") addChatLine("match", null, `${nameOf(event.seat)} ran out of time; a move was played for them.`);
    }
  });
  for (const type of ["match.player_disconnected", "match.player_reconnected", "match.paused"]) {
    client.on(type, () => render());
  }
  client.on("match.resumed", (frame) => {
    render();
    addChatLine("match", null, `${frame.player.name} took over seat ${frame.seat + 1}.`);
  });
  client.on("match.chat", (frame) => addChatLine("match", frame.from, frame.text));
  client.on("closed", (event) => {
    if (event.kind !== "match") return;
    if (event.code === CloseCode.REPLACED) matchGone("This match is open in another tab or window.");
  });
  chatBox("match", (text) => client.matchChat(text));

  $("replace-with-bot").addEventListener("click", async () => {
    const seat = client.matchSnapshot?.pause?.seat;
    if (seat === undefined) return;
    $("replace-with-bot").disabled = true;
    try {
      await client.replaceWithBot(seat);
    } catch (error) {
      if (error.code !== "illegal_action") showError(error); // someone else decided first
    }
  });
  $("end-match").addEventListener("click", async () => {
    $("end-match").disabled = true;
    try {
      await client.endMatch();
    } catch (error) {
      if (error.code !== "illegal_action") showError(error);
    }
  });
  $("pause-dialog").addEventListener("cancel", (event) => event.preventDefault());
  $("leave-match").addEventListener("click", async () => {
    if (!confirm("Leave the match? The others can give your seat to a bot.")) return;
    try {
      await client.leaveMatch();
    } catch {
      // gone anyway
    }
    location.assign(room ? `/rooms/${room}/` : "/lobby/");
  });
  $("action-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    let data;
    try {
      data = JSON.parse($("action-data").value || "{}");
    } catch {
      toast("The action data must be JSON, like {\"cell\": 4}.", "bad");
      return;
    }
    client.act($("action-name").value, data).catch(showError);
  });

  if (!client.match || client.match.matchId !== matchId) {
    client.openMatch(matchId).catch(async (error) => {
      if (error.code === "not_authorized") {
        // Not seated here: watch, if the match allows spectators.
        try {
          await client.openMatch(matchId, { spectate: true });
          return;
        } catch {
          matchGone("You're not playing in this match, and it can't be watched.");
          return;
        }
      }
      matchGone(error.code === "not_found" ? "There's no such match." : describeError(error));
    });
  }
  render();
}

function matchGone(text) {
  show("match-view", false);
  show("match-gone");
  $("match-gone-text").textContent = text;
}

/** The winning line of a tic-tac-toe board, if any. */
function lineOf(cells) {
  const lines = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];
  return lines.find(([a, b, c]) => cells[a] !== null && cells[a] === cells[b] && cells[b] === cells[c]) || null;
}

async function matchPage(matchId) {
  await requireSession();
  const room = new URLSearchParams(location.search).get("room");
  matchView(matchId, { room });
}

// --- start ------------------------------------------------------------------------------------

function start() {
  const { page, code, matchId } = document.body.dataset;
  if (page !== "landing") watchConnection();
  const run = { landing: landingPage, lobby: lobbyPage, room: () => roomPage(code), match: () => matchPage(matchId) }[page];
  Promise.resolve(run && run()).catch((error) => {
    console.error(error);
    showError(error);
  }).finally(() => {
    document.body.dataset.ready = "true";
  });
}

start();
