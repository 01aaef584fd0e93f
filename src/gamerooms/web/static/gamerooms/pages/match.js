/**
 * The match view (`/matches/<id>/`, and the lobby and room pages after a hand-off): players, whose
 * turn and the clock, the game drawn by its renderer, an event log in words, chat, the pause
 * dialog and the result. The root element carries `data-status` (active | paused | finished),
 * `data-seat`, `data-version` and `data-my-turn`.
 */
import { CloseCode } from "../gamerooms.js";
import { genericResultWords, genericEventWords } from "../renderers/common.js";
import { onRegister, rendererFor } from "../renderers/registry.js";
import { client, requireSession } from "../session.js";
import { $, addChatLine, avatar, chatBox, clock, describeError, h, show, showError } from "../ui.js";

let started = false;

/**
 * Show the match view for `matchId` (opening its socket unless a hand-off already did).
 * @param {string} matchId
 * @param {{room?: string|null, game?: string|null}} context  where the player came from
 */
export function matchView(matchId, { room = null, game = null } = {}) {
  if (started) return;
  started = true;
  const path = `/matches/${matchId}/${room ? `?room=${encodeURIComponent(room)}` : ""}`;
  if (location.pathname + location.search !== path) history.replaceState(null, "", path);
  document.title = "gamerooms: match";
  show("match-view");
  const page = { matchId, room, game, contract: null, memo: {}, fresh: null, log: [] };
  page.render = (fresh = null) => render(page, fresh);
  client.games().then((games) => {
    page.contract = games.find((entry) => entry.name === (client.matchSnapshot?.game || game)) || null;
    page.render();
  }).catch(() => {});
  onRegister(() => page.render());
  wireEvents(page);
  wireControls(page);
  setInterval(tick, 250);
  if (!client.match || client.match.matchId !== matchId) openMatch(matchId);
  page.render();
}

/** `/matches/<id>/` itself. */
export async function matchPage(matchId) {
  await requireSession();
  matchView(matchId, { room: new URLSearchParams(location.search).get("room") });
}

function openMatch(matchId) {
  client.openMatch(matchId).catch(async (error) => {
    if (error.code === "not_authorized") {
      // Not seated here: watch, if the match allows spectators.
      try {
        await client.openMatch(matchId, { spectate: true });
      } catch {
        matchGone("You're not playing in this match, and it can't be watched.");
      }
      return;
    }
    matchGone(error.code === "not_found" ? "There's no such match." : describeError(error));
  });
}

function matchGone(text) {
  show("match-view", false);
  show("match-gone");
  $("match-gone-text").textContent = text;
}

/** A seat's player name ("Seat n" until known). */
function playerName(snap, seat) {
  const entry = snap?.players.find((player) => player.seat === seat);
  return entry ? entry.player.name : `Seat ${seat + 1}`;
}

/** A seat as the turn line says it: "You" for this page's own seat. */
function whoIs(snap, seat) {
  return seat === snap.seat ? "You" : playerName(snap, seat);
}

const isMyTurn = (snap) => snap.status === "active" && snap.seat !== null && snap.turn.seats.includes(snap.seat);

/** What a renderer is given (see renderers/registry.js). */
function tableOf(page) {
  const snap = client.matchSnapshot;
  const myTurn = isMyTurn(snap);
  return {
    snap,
    view: snap.state,
    contract: page.contract,
    seat: snap.seat,
    actions: myTurn ? snap.turn.actions || [] : [],
    myTurn,
    name: (seat) => playerName(snap, seat),
    act: (name, data = {}) => act(page, name, data),
    fresh: page.fresh,
    memo: page.memo,
  };
}

/**
 * Send a move; in a phase where several seats act at once, without a version to go stale. Until
 * the server answers, every move is disabled (and the game view carries `data-pending`).
 */
async function act(page, name, data) {
  const snap = client.matchSnapshot;
  const together = snap && snap.turn.seats.length > 1;
  page.pending = true;
  holdMoves(true);
  try {
    await client.act(name, data, together ? { version: null } : {});
  } catch (error) {
    showError(error);
  } finally {
    page.pending = false;
    page.render(page.fresh);
  }
}

function holdMoves(pending) {
  const root = $("game-view");
  if (!pending) {
    delete root.dataset.pending;
    return;
  }
  root.dataset.pending = "true";
  for (const element of root.querySelectorAll("[data-action]")) element.disabled = true;
}

function render(page, fresh = null) {
  const snap = client.matchSnapshot;
  if (!snap) return;
  page.fresh = fresh;
  Object.assign($("match-view").dataset, {
    game: snap.game,
    seat: snap.seat === null ? "" : String(snap.seat),
    status: snap.status,
    version: String(snap.version),
    myTurn: String(isMyTurn(snap)),
  });
  const table = tableOf(page);
  const renderer = rendererFor(snap.game);
  renderPlayers(snap, renderer, table);
  renderTurn(snap);
  const root = $("game-view");
  root.dataset.game = snap.game;
  root.dataset.renderer = renderer === rendererFor("*") ? "generic" : snap.game;
  renderer.render(root, table);
  holdMoves(!!page.pending);
  renderAway(snap);
  renderPause(snap);
  renderResult(page, snap, renderer, table);
  show("leave-match", snap.seat !== null && snap.status !== "finished");
  tick();
}

function renderPlayers(snap, renderer, table) {
  $("match-players").replaceChildren(
    ...snap.players.map((entry) => {
      const away = entry.seat in snap.away;
      const turn = snap.turn.seats.includes(entry.seat) && snap.status === "active";
      return h(
        "li",
        { class: [turn ? "turn" : "", away ? "away" : ""].join(" "), dataset: { testid: "match-player", seat: String(entry.seat), away: String(away), turn: String(turn) } },
        renderer.badge ? renderer.badge(entry.seat, table) : null,
        avatar(entry.player, "small"),
        h("span", {}, entry.player.name, entry.seat === snap.seat ? " (you)" : "", entry.player.bot ? " 🤖" : ""),
      );
    }),
  );
}

function turnWords(snap) {
  const names = snap.turn.seats.map((seat) => whoIs(snap, seat));
  if (snap.status === "finished") return "Game over";
  if (snap.seat === null) return names.length ? `Watching: ${names.join(" and ")} to play` : "Watching";
  if (snap.status === "paused") return "Paused";
  if (snap.turn.seats.includes(snap.seat)) return snap.turn.seats.length > 1 ? "Your turn (everyone plays at once)" : "Your turn";
  if (names.length) return `${names.join(" and ")}'s turn`;
  return "";
}

function renderTurn(snap) {
  const text = $("turn-text");
  const words = turnWords(snap);
  // Several seats at once: the page's own seat is "Your turn" either way.
  text.textContent = words.startsWith("Your turn") ? "Your turn" : words;
  text.title = words;
  text.dataset.mine = String(snap.turn.seats.includes(snap.seat));
}

function renderResult(page, snap, renderer, table) {
  const finished = snap.status === "finished";
  show("result-panel", finished);
  if (!finished) return;
  const result = snap.result || { winners: [], reason: "", scores: null };
  let headline;
  if (result.winners.includes(snap.seat)) headline = "You won! 🎉";
  else if (result.winners.length) headline = `${result.winners.map((seat) => playerName(snap, seat)).join(" and ")} won`;
  else if (result.reason === "draw") headline = "It's a draw";
  else headline = "The match has ended";
  $("result-text").textContent = headline;
  const own = renderer.describeResult ? renderer.describeResult(result, table) : undefined;
  $("result-reason").textContent = own === undefined ? genericResultWords(result, table) : own || "";
  $("result-reason").dataset.reason = result.reason;
  const scores = Object.entries(result.scores || {}).sort(([, a], [, b]) => b - a);
  $("result-scores").replaceChildren(
    ...scores.map(([seat, score]) => h("li", { dataset: { testid: "result-score", seat } }, `${playerName(snap, Number(seat))}: ${score.toLocaleString("en")}`)),
  );
  show("rematch", !!page.room);
  if (page.room) $("rematch").href = `/rooms/${page.room}/`;
  show("play-again", !page.room);
  $("play-again").href = `/lobby/?play=${encodeURIComponent(snap.game)}`;
  const dialog = $("pause-dialog");
  if (dialog.open) dialog.close();
}

function renderAway(snap) {
  $("away-notices").replaceChildren(
    ...Object.entries(snap.away)
      .filter(([seat]) => !(snap.pause && snap.pause.seat === Number(seat)) && snap.status !== "finished")
      .map(([seat, until]) => h("li", { dataset: { testid: "away-notice", seat, until } }, `${whoIs(snap, Number(seat))} lost the connection; waiting for them to come back…`)),
  );
}

const PAUSE_WORDS = {
  left: (who) => `${who} left the match. How do you want to go on?`,
  idle: (who) => `${who} let the clock run out too often. How do you want to go on?`,
};

function renderPause(snap) {
  const dialog = $("pause-dialog");
  const others = snap.pause && snap.seat !== null && snap.pause.seat !== snap.seat;
  if (snap.pause && snap.status === "paused" && others) {
    const who = whoIs(snap, snap.pause.seat);
    $("pause-text").textContent = (PAUSE_WORDS[snap.pause.reason] || ((name) => `${name} didn't come back. How do you want to go on?`))(who);
    $("replace-with-bot").disabled = false;
    $("end-match").disabled = false;
    if (!dialog.open) dialog.showModal();
  } else if (dialog.open) {
    dialog.close();
  }
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

/** The lines of one match.update, in words. */
function updateLines(frame, table) {
  const renderer = rendererFor(client.matchSnapshot.game);
  const own = renderer.describeUpdate ? renderer.describeUpdate(frame, table) : undefined;
  if (own !== undefined) return own;
  const events = frame.events || [];
  if (!events.length && frame.action) {
    return [`${table.name(frame.seat)}: ${frame.action.name.replaceAll("_", " ")}`];
  }
  return events
    .map((event) => {
      const words = renderer.describeEvent ? renderer.describeEvent(event, table) : undefined;
      return words === undefined ? genericEventWords(event, table) : words;
    })
    .filter(Boolean);
}

function logLines(lines, version) {
  const log = $("event-log");
  log.append(...lines.map((line) => h("li", { dataset: { testid: "event-line", version: String(version) } }, line)));
  while (log.children.length > 200) log.firstElementChild.remove();
  log.scrollTop = log.scrollHeight;
}

function wireEvents(page) {
  client.on("match.state", () => page.render());
  client.on("match.update", (frame) => {
    page.render(frame);
    logLines(updateLines(frame, tableOf(page)), frame.version);
    for (const event of frame.events || []) {
      if (event.type === "timeout") addChatLine("match", null, `${whoIs(client.matchSnapshot, event.seat)} ran out of time; a move was played for them.`);
    }
  });
  for (const type of ["match.player_disconnected", "match.player_reconnected", "match.paused"]) client.on(type, () => page.render());
  client.on("match.resumed", (frame) => {
    page.render();
    addChatLine("match", null, `${frame.player.name} took over seat ${frame.seat + 1}.`);
  });
  client.on("match.chat", (frame) => addChatLine("match", frame.from, frame.text));
  client.on("closed", (event) => {
    if (event.kind === "match" && event.code === CloseCode.REPLACED) matchGone("This match is open in another tab or window.");
  });
  chatBox("match", (text) => client.matchChat(text));
}

function wireControls(page) {
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
    location.assign(page.room ? `/rooms/${page.room}/` : "/lobby/");
  });
}
