/** `/rooms/<code>/`: seats, chat, the invite link, and the owner's settings and Start. */
import { CloseCode } from "../gamerooms.js";
import { client, requireSession } from "../session.js";
import { readSettingsFields, renderSettingsFields } from "../settings-form.js";
import { $, addChatLine, avatar, chatBox, describeError, fillSelect, h, show, showError, toast } from "../ui.js";
import { botOptions, seatOptions } from "./lobby.js";
import { matchView } from "./match.js";

export async function roomPage(code) {
  const me = await requireSession();
  const games = await client.games();
  const page = { code, me, gameInfo: new Map(games.map((game) => [game.name, game])), entered: false };
  page.passwordKey = `gamerooms.password.${code}`;
  page.render = () => renderRoom(page);
  wireInvite(code);
  wireControls(page);
  wireEvents(page);
  chatBox("room", (text) => client.roomChat(text));
  $("password-form").addEventListener("submit", (event) => {
    event.preventDefault();
    enter(page, $("password-input").value);
  });
  enter(page, sessionStorage.getItem(page.passwordKey));
}

function wireInvite(code) {
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
}

function gone(text) {
  show("room-view", false);
  show("password-gate", false);
  show("room-gone");
  $("room-gone-text").textContent = text;
}

function roomFacts(room) {
  const facts = [`${room.players.length}/${room.max_players} seated`];
  if (room.private) facts.push("private");
  if (room.has_password) facts.push("🔒 password");
  if (room.settings.turn_seconds) facts.push(`${room.settings.turn_seconds} s per turn`);
  return room.status === "playing" ? "match in progress" : facts.join(" · ");
}

function renderRoom(page) {
  const room = client.roomState;
  if (!room) return;
  const game = page.gameInfo.get(room.game);
  const owner = room.owner_id === page.me.id;
  $("room-title").textContent = room.name;
  $("room-game").textContent = game ? game.title : room.game;
  $("room-status-text").textContent = roomFacts(room);
  const botSeats = Math.max(0, Math.min(room.settings.target_players || 0, room.max_players) - room.players.length);
  $("seats").replaceChildren(...seatItems(room, page.me, owner, botSeats));
  renderReadyButton(room, page.me);
  show("owner-controls", owner);
  show("guest-note", !owner && room.status !== "playing");
  if (owner) renderOwnerControls(room, game, botSeats);
  const playing = room.status === "playing" && room.match_id;
  show("room-playing", !!playing);
  if (playing) $("room-match-link").href = `/matches/${room.match_id}/?room=${page.code}`;
}

function seatItems(room, me, owner, botSeats) {
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
    const text = bot ? `A bot (${room.settings.bot_level}) takes this seat unless someone joins` : "Empty seat";
    seats.push(h("li", { class: "empty", dataset: { testid: "empty-seat" } }, h("span", { class: "avatar" }, bot ? "🤖" : "·"), h("span", { class: "name" }, text)));
  }
  return seats;
}

function renderReadyButton(room, me) {
  const mine = room.players.find((seat) => seat.player.id === me.id);
  const ready = mine ? mine.ready : false;
  const button = $("ready-button");
  button.textContent = ready ? "I'm not ready" : "I'm ready";
  button.classList.toggle("primary", !ready);
  button.dataset.ready = String(ready);
  button.disabled = room.status === "playing";
}

function renderOwnerControls(room, game, botSeats) {
  const form = $("settings-form");
  if (!form.contains(document.activeElement) && game) {
    fillSelect($("settings-seats"), seatOptions(game, Math.max(game.min_players, room.players.length)), room.max_players);
    const target = room.settings.target_players || 0;
    fillSelect($("settings-bots"), botOptions(room.max_players), target > 0 ? Math.min(target - 1, room.max_players - 1) : 0);
    fillSelect($("settings-bot-level"), game.bot_levels.map((name) => [name, name]), room.settings.bot_level);
    $("settings-turn").value = room.settings.turn_seconds ? String(room.settings.turn_seconds) : "";
    renderSettingsFields($("settings-game-settings"), game.settings_schema, "settings", room.settings);
  }
  const enough = room.players.length + botSeats >= room.min_players;
  const allReady = room.players.every((seat) => seat.ready);
  $("start-button").disabled = room.status === "playing" || !allReady || !enough;
  $("start-hint").textContent =
    room.status === "playing" ? "The match has started."
    : !enough ? `${game ? game.title : room.game} needs ${room.min_players} players: invite someone or add bots.`
    : !allReady ? "Waiting for everyone to be ready."
    : "Everyone's ready!";
}

function wireControls(page) {
  $("ready-button").addEventListener("click", () => {
    client.setReady($("ready-button").dataset.ready !== "true").catch(showError);
  });
  $("settings-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const game = page.gameInfo.get(client.roomState?.game);
    const bots = Number($("settings-bots").value);
    const turn = $("settings-turn").value;
    try {
      await client.changeRoomSettings({
        maxPlayers: Number($("settings-seats").value),
        settings: {
          ...readSettingsFields($("settings-game-settings"), game?.settings_schema),
          bot_level: $("settings-bot-level").value,
          target_players: bots > 0 ? 1 + bots : 0,
          turn_seconds: turn ? Number(turn) : null,
        },
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
      page.render();
    }
  });
  $("leave-room").addEventListener("click", async () => {
    try {
      await client.leaveRoom();
    } catch {
      // gone anyway
    }
    sessionStorage.removeItem(page.passwordKey);
    location.assign("/lobby/");
  });
}

function wireEvents(page) {
  const { render, me } = page;
  const systemLine = (text) => addChatLine("room", null, text);
  for (const type of ["room.joined", "room.settings", "room.ready"]) client.on(type, render);
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
    if (event.kind !== "room" || !page.entered) return;
    if (event.code === CloseCode.KICKED) gone("The owner removed you from this room.");
    else if (event.code === CloseCode.REPLACED) gone("You opened this room in another tab or window.");
    else if (event.code === CloseCode.NOT_FOUND) gone("This room doesn't exist any more.");
  });
  client.on("handoff", ({ matchId, from }) => {
    if (from !== "room") return;
    show("room-view", false);
    matchView(matchId, { room: page.code, game: client.roomState?.game });
  });
}

async function enter(page, password) {
  try {
    await client.joinRoom(page.code, { password });
    page.entered = true;
    if (password) sessionStorage.setItem(page.passwordKey, password);
    show("password-gate", false);
    show("room-view");
    page.render();
  } catch (error) {
    refused(page, error, password);
  }
}

function refused(page, error, password) {
  if (error.code === "wrong_password") {
    sessionStorage.removeItem(page.passwordKey);
    show("password-gate");
    if (password) {
      $("password-error").textContent = describeError(error);
      show("password-error");
    }
    $("password-input").focus();
  } else if (error.code === "not_found") {
    gone(`There's no room with the code ${page.code}.`);
  } else if (error.code === "room_full") {
    gone(error.message.includes("started") ? "The match in this room has already started." : describeError(error));
  } else {
    gone(describeError(error));
  }
}
