/**
 * The replay page (`/matches/<id>/replay/`): steps forward and back through a finished match as
 * `GET /api/matches/<id>/replay/` gives it, each step as this player's seat saw it (the public
 * view for anyone else). Buttons `data-replay="back"` / `data-replay="forward"` and the ← / →
 * keys move; the step number is in `[data-replay-step]`; the root's `data-replay-status` is
 * `loading`, `ready` or `error`.
 */
import { GameroomsClient } from "./gamerooms.js";

const MARKS = ["X", "O"];
const REASONS = {
  win: "Three in a row.",
  draw: "The board is full.",
  rounds: "Most chips after the last round.",
  bankrupt: "Nobody had the chips for another bet.",
  last_standing: "The last player still solvent.",
  turn_limit: "The richest player when the rounds ran out.",
  abandoned: "The match was ended without a winner.",
  ended: "The match was ended by the server's operator.",
  finished: "The match is over.",
};

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

/** An element with a class (optional) and children. */
function el(tag, className, ...children) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.append(...children);
  return element;
}

/** The authorization headers of the saved session, if any (none: the public view). */
async function authHeaders() {
  const client = new GameroomsClient({ storage: localStorage });
  if (!client.session) return {};
  try {
    return { Authorization: `Bearer ${await client.accessToken()}` };
  } catch {
    return {};
  }
}

/** A JSON value as a nested list: objects and arrays unfold, `null` reads "hidden / none". */
function tree(value) {
  if (value === null) return el("span", "hidden-value", "— (hidden or none)");
  if (typeof value !== "object") return el("span", "value", JSON.stringify(value));
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  if (entries.length === 0) return el("span", "value", Array.isArray(value) ? "[]" : "{}");
  const list = el("ul");
  for (const [key, item] of entries) list.append(el("li", "", el("span", "key", `${key}: `), tree(item)));
  return list;
}

/** Data fields in words: "amount 10, property 3". */
function fields(data) {
  return Object.entries(data || {})
    .map(([key, value]) => `${key.replace(/_/g, " ")} ${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(", ");
}

/** A step's action in words. */
function actionText(replay, action) {
  if (!action) return "The match begins";
  const who = playerName(replay, action.seat);
  if (replay.game === "tictactoe" && action.name === "place") {
    const cell = action.data.cell;
    return `${who} (${MARKS[action.seat]}) marked row ${Math.floor(cell / 3) + 1}, column ${(cell % 3) + 1}`;
  }
  const detail = fields(action.data);
  return `${who}: ${action.name.replace(/_/g, " ")}${detail ? ` (${detail})` : ""}`;
}

/** An event in words: its type, then its fields (seats by their player's name). */
function eventText(replay, event) {
  const { type, seat, ...rest } = event;
  const who = seat === undefined ? "" : `${playerName(replay, seat)}: `;
  const detail = fields(rest);
  return `${who}${type.replace(/_/g, " ")}${detail ? ` — ${detail}` : ""}`;
}

function playerName(replay, seat) {
  const entry = replay.seats[seat];
  return entry ? entry.player.name : `Seat ${seat}`;
}

/** The result in words: who won and why. */
function resultText(replay) {
  const { winners, reason } = replay.result;
  const names = winners.map((seat) => playerName(replay, seat));
  const headline = names.length === 0 ? "No winner" : `${names.join(" and ")} ${names.length === 1 ? "wins" : "win"}`;
  return [headline, REASONS[reason] || reason];
}

function renderBoard(cells) {
  const board = $("replay-board");
  board.hidden = false;
  board.replaceChildren(
    ...cells.map((mark, index) => {
      const button = el("button", "", mark === null ? "" : MARKS[mark]);
      button.type = "button";
      button.disabled = true;
      button.dataset.testid = "replay-cell";
      button.dataset.cell = String(index);
      button.dataset.mark = mark === null ? "" : MARKS[mark];
      return button;
    }),
  );
}

function render(replay, index) {
  const step = replay.steps[index];
  const last = replay.steps.length - 1;
  document.querySelector("[data-replay-step]").textContent = String(index);
  $("replay-view").dataset.version = String(step.version);
  $("replay-last").textContent = String(last);
  document.querySelector('[data-replay="back"]').disabled = index === 0;
  document.querySelector('[data-replay="forward"]').disabled = index === last;
  $("replay-action").textContent = actionText(replay, step.action);
  const turn = step.turn.seats.map((seat) => playerName(replay, seat));
  $("replay-turn").textContent = turn.length ? `Then to play: ${turn.join(", ")}` : "";
  $("replay-events").replaceChildren(...step.events.map((event) => el("li", "", eventText(replay, event))));
  if (replay.game === "tictactoe") renderBoard(step.state.board);
  $("replay-state").replaceChildren(tree(step.state));
  const over = index === last;
  $("replay-result").hidden = !over;
  if (over) {
    const [headline, reason] = resultText(replay);
    $("replay-result-text").textContent = headline;
    $("replay-result-reason").textContent = reason;
  }
}

function showHeader(replay) {
  $("replay-title").textContent = `Replay of a ${replay.game} match`;
  const winners = new Set(replay.result.winners);
  $("replay-players").replaceChildren(
    ...replay.seats.map(({ seat, player }) => {
      const item = el("li", winners.has(seat) ? "winner" : "", `${player.avatar?.emoji || ""} ${player.name}`);
      item.dataset.testid = "replay-player";
      return item;
    }),
  );
  $("replay-viewer").textContent =
    replay.seat === null ? "You see the public view, as a spectator did." : `You see what ${playerName(replay, replay.seat)} saw.`;
}

function showError(status, body) {
  const root = $("replay-view");
  root.dataset.replayStatus = "error";
  const error = $("replay-error");
  error.hidden = false;
  error.textContent =
    body && body.code === "match_not_finished"
      ? "This match is still being played: its replay opens once it is finished."
      : status === 404
        ? "There is no such match."
        : `The replay could not be loaded (${(body && body.message) || status}).`;
}

async function start() {
  const matchId = document.body.dataset.matchId;
  const response = await fetch(`/api/matches/${encodeURIComponent(matchId)}/replay/`, {
    headers: { Accept: "application/json", ...(await authHeaders()) },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    showError(response.status, body);
    return;
  }
  let index = 0;
  const move = (delta) => {
    const next = Math.min(Math.max(index + delta, 0), body.steps.length - 1);
    if (next !== index) render(body, (index = next));
  };
  showHeader(body);
  $("replay-controls").hidden = false;
  $("replay-step-card").hidden = false;
  render(body, index);
  document.querySelector('[data-replay="back"]').addEventListener("click", () => move(-1));
  document.querySelector('[data-replay="forward"]').addEventListener("click", () => move(1));
  document.addEventListener("keydown", (event) => {
    if (event.target instanceof HTMLInputElement) return;
    if (event.key === "ArrowLeft") move(-1);
    else if (event.key === "ArrowRight") move(1);
  });
  $("replay-view").dataset.replayStatus = "ready";
}

start().catch((error) => {
  console.error(error);
  showError(0, { message: String(error) });
});
