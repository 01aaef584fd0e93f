/**
 * Pieces every renderer uses: move buttons with the testing hooks, and the generic words for
 * events and results.
 */
import { h } from "../ui.js";

/** Whether two JSON values are equal. */
export function sameData(a, b) {
  return JSON.stringify(sortKeys(a ?? {})) === JSON.stringify(sortKeys(b ?? {}));
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  return value;
}

/**
 * The entry of turn.actions for this move, if it is legal now (`data` undefined: any data).
 * @param {import("./registry.js").Table} table
 * @param {string} name
 * @param {object} [data]
 */
export function legalEntry(table, name, data) {
  return table.actions.find((entry) => entry.name === name && (data === undefined || entry.schema || sameData(entry.data, data))) || null;
}

/**
 * A button for one move: `data-action` (and `data-action-data` when it has data), enabled only
 * while the move is legal; a click sends it.
 * @param {import("./registry.js").Table} table
 * @param {{name: string, data?: object}} move
 * @param {string|Node} label
 * @param {{class?: string, testid?: string, title?: string, legal?: boolean}} [options]
 */
export function actionButton(table, move, label, options = {}) {
  const data = move.data || {};
  const legal = options.legal ?? legalEntry(table, move.name, data) !== null;
  return h(
    "button",
    {
      type: "button",
      class: options.class || "move",
      title: options.title,
      disabled: !legal,
      dataset: {
        testid: options.testid || "move",
        action: move.name,
        actionData: Object.keys(data).length ? JSON.stringify(data) : undefined,
      },
      onclick: () => table.act(move.name, data),
    },
    label,
  );
}

/** A move's data in words: {"card": 3} → "card 3". */
export function dataWords(data) {
  return Object.entries(data || {}).map(([key, value]) => `${key.replaceAll("_", " ")} ${JSON.stringify(value)}`).join(", ");
}

/** A readable label of a move's name: "end_turn" → "End turn". */
export function moveLabel(name) {
  const words = name.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The generic words for an event: "Ann: bid", "shown: bids [3, 1], winner Ann".
 * @param {object} event
 * @param {import("./registry.js").Table} table
 */
export function genericEventWords(event, table) {
  if (event.type === "timeout") return `${table.name(event.seat)} ran out of time; a move was played for them.`;
  const fields = Object.entries(event).filter(([key]) => key !== "type" && key !== "seat");
  const words = fields.map(([key, value]) => `${key.replaceAll("_", " ")} ${key === "winner" && typeof value === "number" ? table.name(value) : JSON.stringify(value)}`);
  const what = event.type.replaceAll("_", " ") + (words.length ? ` (${words.join(", ")})` : "");
  return typeof event.seat === "number" ? `${table.name(event.seat)}: ${what}` : what.charAt(0).toUpperCase() + what.slice(1);
}

/** Names joined: "Ann", "Ann and Ben", "Ann, Ben and Cid". */
export function joinNames(names) {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * Why a match ended, in words, for the reasons the bundled games and the server use.
 * @param {object} result
 * @param {import("./registry.js").Table} table
 */
export function genericResultWords(result, table) {
  const winners = joinNames(result.winners.map((seat) => table.name(seat)));
  const verb = result.winners.length > 1 ? "share the win" : "wins";
  const lead = winners ? `${winners} ${verb}: ` : "";
  const reasons = {
    win: `${lead}a line of three.`,
    draw: "Nobody won: it's a draw.",
    abandoned: "The match was ended without a winner.",
    ended: "The match was ended by the server's operator.",
    last_standing: `${lead}the last player standing; everyone else went bankrupt.`,
    turn_limit: `${lead}the richest when the round limit was reached.`,
    rounds: `${lead}most chips after the last round.`,
    bankrupt: `${lead}most chips once nobody could make the minimum bet.`,
    prizes: `${lead}most points once every card was played.`,
  };
  if (result.reason in reasons) return reasons[result.reason];
  return winners ? `${lead}${result.reason.replaceAll("_", " ")}.` : `The match ended (${result.reason.replaceAll("_", " ")}).`;
}
