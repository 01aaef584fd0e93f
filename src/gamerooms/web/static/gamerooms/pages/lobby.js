/** `/lobby/`: the live room list, room creation, join by code, and Play now. */
import { client, requireSession } from "../session.js";
import { readSettingsFields, renderSettingsFields } from "../settings-form.js";
import { $, avatar, fillSelect, h, show, showError } from "../ui.js";
import { matchView } from "./match.js";

export async function lobbyPage() {
  const me = await requireSession();
  const games = await client.games();
  const gameInfo = new Map(games.map((game) => [game.name, game]));
  const gameOptions = games.map((game) => [game.name, game.title]);
  const first = gameInfo.has("tictactoe") ? "tictactoe" : undefined;
  fillSelect($("play-game"), gameOptions, first);
  fillSelect($("create-game"), gameOptions, first);
  $("filter-game").append(...games.map((game) => h("option", { value: game.name }, game.title)));
  watchRooms(me, (name) => gameInfo.get(name)?.title || name);
  wireJoinByCode();
  wireCreateForm(me, gameInfo);
  const playNow = wireQueue();
  // Everything is wired up: the buttons may be used (they start disabled in the template).
  for (const id of ["play-now", "join-code-button", "create-room-open"]) $(id).disabled = false;
  const wanted = new URLSearchParams(location.search).get("play");
  if (wanted && gameInfo.has(wanted)) {
    $("play-game").value = wanted;
    history.replaceState(null, "", "/lobby/");
    playNow();
  }
}

function watchRooms(me, titleOf) {
  const renderRooms = () => {
    const rooms = [...client.lobbyRooms.values()];
    $("room-list").replaceChildren(...rooms.map((room) => roomCard(room, titleOf)));
    show("no-rooms", rooms.length === 0);
  };
  const renderDrafts = () => {
    const drafts = [...client.lobbyDrafts.entries()].filter(([, by]) => by.id !== me.id);
    $("drafts").replaceChildren(
      ...drafts.map(([pendingId, by]) => h("li", { dataset: { testid: "draft", pendingId } }, avatar(by, "small"), `${by.name} is creating a room…`)),
    );
  };
  for (const type of ["lobby.rooms", "lobby.room_added", "lobby.room_updated", "lobby.room_removed"]) client.on(type, renderRooms);
  for (const type of ["lobby.room_pending", "lobby.room_pending_cancelled", "lobby.rooms"]) client.on(type, renderDrafts);
  client.connectLobby().catch(showError);
  const applyFilter = () => client.filterLobby($("filter-game").value || null, $("filter-open").checked).catch(showError);
  $("filter-game").addEventListener("change", applyFilter);
  $("filter-open").addEventListener("change", applyFilter);
}

function wireJoinByCode() {
  $("join-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = $("join-code").value.trim().toUpperCase();
    if (code) location.assign(`/rooms/${encodeURIComponent(code)}/`);
  });
}

/** Seat options of a game ("2 seats" ...), from `low` up. */
export function seatOptions(game, low = game.min_players) {
  const options = [];
  for (let n = low; n <= Math.min(game.max_players, 8); n++) options.push([n, `${n} seats`]);
  return options;
}

/** Bot options for a room of `seats` seats. */
export function botOptions(seats) {
  const options = [[0, "No bots"]];
  for (let n = 1; n < seats; n++) options.push([n, n === 1 ? "Up to 1 bot" : `Up to ${n} bots`]);
  return options;
}

function syncCreateForm(gameInfo, shownGame) {
  const game = gameInfo.get($("create-game").value);
  if (!game) return shownGame;
  const seats = Number($("create-seats").value) || game.default_players || game.min_players;
  fillSelect($("create-seats"), seatOptions(game), Math.min(Math.max(seats, game.min_players), game.max_players));
  const chosen = Number($("create-seats").value);
  fillSelect($("create-bots"), botOptions(chosen), Math.min(Number($("create-bots").value) || 0, chosen - 1));
  const level = $("create-bot-level").value;
  fillSelect($("create-bot-level"), game.bot_levels.map((name) => [name, name]), game.bot_levels.includes(level) ? level : game.bot_levels[0]);
  if (shownGame !== game.name) renderSettingsFields($("create-game-settings"), game.settings_schema, "create");
  return game.name;
}

function wireCreateForm(me, gameInfo) {
  const form = $("create-room-form");
  let shownGame = null;
  const sync = () => { shownGame = syncCreateForm(gameInfo, shownGame); };
  $("create-game").addEventListener("change", sync);
  $("create-seats").addEventListener("change", sync);
  $("create-room-open").addEventListener("click", () => {
    form.hidden = false;
    $("create-room-open").disabled = true;
    $("create-name").value = $("create-name").value || `${me.name}'s room`;
    sync();
    $("create-name").focus();
    try {
      client.startDraft();
    } catch {
      // no lobby socket right now: the notice is only a courtesy
    }
  });
  $("create-cancel").addEventListener("click", () => {
    form.hidden = true;
    $("create-room-open").disabled = false;
    try {
      client.cancelDraft();
    } catch {
      // nothing to cancel
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    createRoom(gameInfo.get($("create-game").value));
  });
}

async function createRoom(game) {
  const bots = Number($("create-bots").value);
  const turn = $("create-turn").value;
  const password = $("create-password").value || null;
  $("create-submit").disabled = true;
  try {
    const room = await client.createRoom({
      name: $("create-name").value.trim(),
      game: game.name,
      maxPlayers: Number($("create-seats").value),
      private: $("create-private").checked,
      password,
      settings: {
        ...readSettingsFields($("create-game-settings"), game.settings_schema),
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
}

function wireQueue() {
  const queueText = $("queue-text");
  client.on("queue.waiting", (frame) => {
    queueText.textContent = `Waiting for players… ${frame.queued} of ${frame.needed} here`;
    queueText.dataset.queued = frame.queued;
  });
  const playNow = async () => {
    $("play-now").disabled = true;
    show("queue-status");
    queueText.textContent = "Looking for players…";
    try {
      await client.joinQueue($("play-game").value);
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
  return playNow;
}

function roomCard(room, titleOf) {
  const joinable = room.status === "open";
  const statusText = { open: "open", full: "full", playing: "playing" }[room.status] || room.status;
  const lock = room.has_password ? h("span", { dataset: { testid: "room-lock" }, title: "Password" }, "🔒 ") : null;
  return h(
    "li",
    { class: "room-card", dataset: { testid: "room-card", roomId: room.id } },
    h(
      "div",
      { class: "meta" },
      h("strong", { dataset: { testid: "room-name" } }, lock, room.name),
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
