/**
 * Magnate: the board drawn from the game's static data (square names, prices, colour groups),
 * with owners, houses, mortgages and the players' tokens; the dice; every player's cash and net
 * worth; a button for each legal move (naming the property for moves that take one); and the
 * debt and bankruptcy flow.
 */
import { h } from "../ui.js";
import { actionButton, genericResultWords, joinNames } from "./common.js";
import { registerRenderer } from "./registry.js";

const GROUP_COLORS = { brown: "#8b5a2b", sky: "#5bc0eb", pink: "#d6409f", orange: "#f08c00", red: "#e5484d", blue: "#3e63dd" };
const PALETTE = Object.values(GROUP_COLORS);
const DIE = ["", "⚀", "⚁", "⚂", "⚃", "⚄", "⚅"];
const SIDE = 7;

/** Grid row and column (1-based) of square `index` on a ring of 4 × (SIDE - 1) squares. */
export function gridCell(index) {
  const edge = SIDE - 1;
  if (index <= edge) return [SIDE, SIDE - index];
  if (index <= 2 * edge) return [SIDE - (index - edge), 1];
  if (index <= 3 * edge) return [1, 1 + (index - 2 * edge)];
  return [1 + (index - 3 * edge), SIDE];
}

function groupColor(board, group) {
  const entry = board.groups.find((one) => one.index === group);
  return (entry && GROUP_COLORS[entry.name]) || PALETTE[group % PALETTE.length];
}

function seatColor(table, seat) {
  return table.snap.players.find((entry) => entry.seat === seat)?.player.avatar?.color || "#8d8d8d";
}

function seatEmoji(table, seat) {
  return table.snap.players.find((entry) => entry.seat === seat)?.player.avatar?.emoji || String(seat + 1);
}

function squareName(table, index) {
  return table.contract?.static?.squares?.[index]?.name || `square ${index}`;
}

function token(table, seat) {
  const current = table.view.current === seat;
  return h("span", { class: `token ${current ? "current" : ""}`, style: `background:${seatColor(table, seat)}`, title: table.name(seat), dataset: { testid: "token", seat: String(seat) } }, seatEmoji(table, seat));
}

function squareBox(table, board, square) {
  const view = table.view;
  const [row, col] = gridCell(square.index);
  const owner = view.owner[square.index];
  const houses = view.houses[square.index];
  const here = view.position.map((at, seat) => (at === square.index && view.alive[seat] ? seat : null)).filter((seat) => seat !== null);
  const style = [`grid-row:${row}`, `grid-column:${col}`, owner >= 0 ? `border-color:${seatColor(table, owner)}` : ""].join(";");
  return h(
    "div",
    { class: `square ${square.kind} ${owner >= 0 ? "owned" : ""}`, style, title: squareTitle(table, square), dataset: { testid: "square", square: String(square.index), owner: owner >= 0 ? String(owner) : "", houses: String(houses), mortgaged: String(view.mortgaged[square.index]) } },
    square.group >= 0 ? h("div", { class: "band", style: `background:${groupColor(board, square.group)}` }) : null,
    h("div", { class: "square-name" }, square.name),
    square.price ? h("div", { class: "square-price muted" }, `${square.price}`) : square.tax ? h("div", { class: "square-price muted" }, `pay ${square.tax}`) : null,
    houses ? h("div", { class: "houses", dataset: { testid: "houses" } }, "⌂".repeat(houses)) : null,
    view.mortgaged[square.index] ? h("div", { class: "mortgaged small" }, "mortgaged") : null,
    owner >= 0 ? h("div", { class: "owner small", style: `color:${seatColor(table, owner)}` }, table.name(owner)) : null,
    h("div", { class: "tokens" }, here.map((seat) => token(table, seat))),
  );
}

function squareTitle(table, square) {
  if (square.kind !== "property") return square.name;
  return `${square.name}: price ${square.price}, house ${square.house_cost}, rents ${square.rents.join(" / ")}`;
}

function moveLabelOf(table, entry) {
  const view = table.view;
  const squares = table.contract?.static?.squares || [];
  const at = squares[view.position[view.current]];
  const property = typeof entry.data?.property === "number" ? squares[entry.data.property] : null;
  const name = property ? property.name : "";
  switch (entry.name) {
    case "roll": return view.jail[view.current] ? "Roll for doubles" : "Roll the dice";
    case "pay_fine": return `Pay ${view.jail_fine} to leave jail`;
    case "use_card": return "Use your get-out-of-jail card";
    case "buy": return at ? `Buy ${at.name} for ${at.price}` : "Buy";
    case "decline": return at ? `Leave ${at.name} with the bank` : "Don't buy";
    case "build": return `Build on ${name} (${property?.house_cost ?? "?"})`;
    case "sell_house": return `Sell a house on ${name} (+${Math.floor((property?.house_cost ?? 0) / 2)})`;
    case "mortgage": return `Mortgage ${name} (+${Math.floor((property?.price ?? 0) / 2)})`;
    case "unmortgage": return `Lift the mortgage on ${name}`;
    case "end_turn": return "End your turn";
    case "declare_bankruptcy": return "Declare bankruptcy";
    default: return entry.name.replaceAll("_", " ");
  }
}

function moves(table) {
  const entries = table.actions.length ? table.actions : [{ name: "roll", data: {} }, { name: "end_turn", data: {} }];
  return h(
    "div",
    { class: "magnate-moves", dataset: { testid: "moves" } },
    entries.map((entry) => actionButton(table, entry, moveLabelOf(table, entry), { class: `move ${entry.name === "declare_bankruptcy" ? "danger" : ""}` })),
  );
}

function debtNotice(table) {
  const view = table.view;
  if (view.phase !== "debt") return null;
  const who = view.current === table.seat ? "You owe" : `${table.name(view.current)} owes`;
  const to = view.creditor >= 0 ? table.name(view.creditor) : "the bank";
  const has = view.current === table.seat ? "you have" : "has";
  return h(
    "p",
    { class: "debt notice", dataset: { testid: "debt-notice" } },
    `${who} ${view.debt} to ${to} and ${has} ${view.cash[view.current]}: raise it by selling houses or mortgaging, or declare bankruptcy.`,
  );
}

function centre(table) {
  const view = table.view;
  const dice = view.dice.length ? `${DIE[view.dice[0]]} ${DIE[view.dice[1]]}  ${view.dice[0]} + ${view.dice[1]}` : "–";
  return h(
    "div",
    { class: "centre" },
    h("div", { class: "round muted", dataset: { testid: "round" } }, `Round ${Math.min(view.round, view.max_turns)} of ${view.max_turns}`),
    h("div", { class: "dice", dataset: { testid: "dice", dice: view.dice.join(",") } }, dice),
    h("div", { class: "phase" }, view.phase === "over" ? "The game is over" : `${table.name(view.current)} to ${{ roll: "roll", buy: "buy or not", build: "build or end the turn", debt: "pay up" }[view.phase] || view.phase}`),
    debtNotice(table),
    table.seat === null ? null : moves(table),
  );
}

function playersPanel(table) {
  const view = table.view;
  return h(
    "table",
    { class: "magnate-players", dataset: { testid: "magnate-players" } },
    h("tr", {}, h("th", {}, "Player"), h("th", {}, "Cash"), h("th", {}, "Worth"), h("th", {}, "")),
    view.cash.map((cash, seat) =>
      h(
        "tr",
        { class: view.alive[seat] ? "" : "out", dataset: { testid: "magnate-player", seat: String(seat) } },
        h("td", {}, token(table, seat), " ", table.name(seat)),
        h("td", { dataset: { testid: "cash" } }, String(cash)),
        h("td", {}, String(view.net_worth[seat])),
        h("td", { class: "small muted" }, !view.alive[seat] ? "bankrupt" : view.jail[seat] ? "in jail" : view.cards[seat] ? "🗝 jail card" : ""),
      ),
    ),
  );
}

const PAID_WORDS = { rent: "rent", tax: "tax", fine: "the jail fine", chance: "for a chance card", repairs: "for street repairs", debt: "the debt" };

function clause(event, table) {
  const to = (party) => (party === null || party === undefined ? "the bank" : table.name(party));
  const square = (index) => squareName(table, index);
  switch (event.type) {
    case "rolled": return `rolled ${event.dice[0]} + ${event.dice[1]}`;
    case "moved": return `moved to ${square(event.to)}`;
    case "salary": return `collected ${event.amount} passing Start`;
    case "bought": return `bought ${square(event.property)} for ${event.price}`;
    case "declined": return `left ${square(event.property)} with the bank`;
    case "built": return `built on ${square(event.property)} (${event.houses} ${event.houses === 1 ? "house" : "houses"})`;
    case "sold_house": return `sold a house on ${square(event.property)}`;
    case "mortgaged": return `mortgaged ${square(event.property)}`;
    case "unmortgaged": return `lifted the mortgage on ${square(event.property)}`;
    case "chance": return `drew “${event.text}”`;
    case "went_to_jail": return "went to jail";
    case "left_jail": return { doubles: "rolled doubles out of jail", fine: "paid to leave jail", card: "used a card to leave jail" }[event.how] || "left jail";
    case "in_debt": return `owes ${event.amount} to ${to(event.to)}`;
    case "paid": return `paid ${event.amount} ${PAID_WORDS[event.reason] || event.reason}${event.to === null || event.to === undefined ? "" : ` to ${to(event.to)}`}`;
    case "bankrupt": return `went bankrupt (everything goes to ${to(event.to)})`;
    case "timeout": return "ran out of time";
    default: return null;
  }
}

const ACTION_WORDS = { end_turn: "ended the turn", declare_bankruptcy: "declared bankruptcy", decline: "did not buy" };

/** One sentence per player of an update: "Ann rolled 4 + 2, moved to Pier Parade and paid 8 rent to Ben." */
function describeUpdate(frame, table) {
  const sentences = [];
  let seat = null;
  let clauses = [];
  const flush = () => {
    if (clauses.length) sentences.push(`${table.name(seat)} ${joinNames(clauses)}.`);
    clauses = [];
  };
  for (const event of frame.events || []) {
    const words = typeof event.seat === "number" && event.type !== "turn" ? clause(event, table) : null;
    if (!words) continue;
    if (event.seat !== seat) flush();
    seat = event.seat;
    clauses.push(words);
  }
  flush();
  if (!sentences.length && frame.action && typeof frame.seat === "number") {
    sentences.push(`${table.name(frame.seat)} ${ACTION_WORDS[frame.action.name] || frame.action.name.replaceAll("_", " ")}.`);
  }
  return sentences;
}

function describeResult(result, table) {
  const winners = joinNames(result.winners.map((seat) => table.name(seat)));
  const verb = result.winners.length > 1 ? "share the win" : "wins";
  if (result.reason === "last_standing") return `${winners} ${verb}: the last player standing, everyone else went bankrupt.`;
  if (result.reason === "turn_limit") {
    const worth = Math.max(...result.winners.map((seat) => table.view.net_worth[seat]));
    return `${winners} ${verb}: the richest (worth ${worth}) after ${table.view.max_turns} round${table.view.max_turns === 1 ? "" : "s"}.`;
  }
  return genericResultWords(result, table);
}

export const magnateRenderer = {
  render(root, table) {
    const board = table.contract?.static;
    if (!board) {
      root.replaceChildren(h("p", { class: "muted" }, "Setting out the board…"));
      return;
    }
    root.replaceChildren(
      h(
        "div",
        { class: "magnate", dataset: { testid: "magnate", phase: table.view.phase } },
        h("div", { class: "magnate-board", dataset: { testid: "magnate-board" } }, board.squares.map((square) => squareBox(table, board, square)), centre(table)),
        playersPanel(table),
      ),
    );
  },
  describeUpdate,
  describeResult,
  badge(seat, table) {
    const cash = table.view.cash?.[seat];
    return cash === undefined ? null : h("span", { class: "muted small" }, `💰 ${cash}`);
  },
};

registerRenderer("magnate", magnateRenderer);
