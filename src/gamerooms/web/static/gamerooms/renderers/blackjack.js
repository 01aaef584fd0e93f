/**
 * Blackjack: the dealer (the hole card face down until revealed) and every seat with its cards,
 * chips, bet and each hand's outcome; a bet control bounded by the bet's schema, and hit / stand /
 * double / split, each enabled only while it is in turn.actions.
 */
import { h } from "../ui.js";
import { actionButton, genericResultWords, joinNames, legalEntry } from "./common.js";
import { registerRenderer } from "./registry.js";
import { schemaForm } from "./schema-form.js";

const SUITS = { S: "♠", H: "♥", D: "♦", C: "♣" };
const OUTCOMES = { blackjack: "Blackjack!", win: "Win", push: "Push", lose: "Lose", bust: "Bust" };
const PLAY = [["hit", "Hit"], ["stand", "Stand"], ["double", "Double"], ["split", "Split"]];

/** "TH" → "10♥". */
export function cardName(card) {
  const rank = card[0] === "T" ? "10" : card[0];
  return `${rank}${SUITS[card[1]] || card[1]}`;
}

function cardFace(card) {
  if (card === null) return h("span", { class: "playing-card back", title: "Face down", dataset: { testid: "card", card: "hidden" } }, "🂠");
  const red = card[1] === "H" || card[1] === "D";
  return h("span", { class: `playing-card ${red ? "red" : ""}`, dataset: { testid: "card", card } }, cardName(card));
}

const chips = (count) => `${count.toLocaleString("en")} chips`;

function dealerBox(view) {
  const hidden = view.dealer.cards.includes(null);
  const total = view.dealer.cards.length ? `${hidden ? "shows" : "has"} ${view.dealer.total}` : "waiting for bets";
  return h(
    "div",
    { class: "bj-dealer", dataset: { testid: "dealer" } },
    h("div", { class: "bj-label" }, "Dealer ", h("span", { class: "muted small", dataset: { testid: "dealer-total" } }, total)),
    h("div", { class: "bj-cards" }, view.dealer.cards.map(cardFace)),
  );
}

function handBox(hand, number, active) {
  const facts = [`${hand.soft ? "soft " : ""}${hand.total}`, `bet ${hand.bet}`];
  if (hand.doubled) facts.push("doubled");
  if (hand.split) facts.push("split");
  return h(
    "div",
    { class: `bj-hand ${active ? "active" : ""}`, dataset: { testid: "hand", hand: String(number), outcome: hand.outcome || "" } },
    h("div", { class: "bj-cards" }, hand.cards.map(cardFace)),
    h("div", { class: "muted small" }, facts.join(" · ")),
    hand.outcome ? h("span", { class: `bj-outcome ${hand.outcome}`, dataset: { testid: "hand-outcome" } }, OUTCOMES[hand.outcome] || hand.outcome) : null,
  );
}

function seatBox(view, seat, index, table) {
  const active = view.active && view.active.seat === index;
  const bet = seat.bet ? h("span", { class: "bj-bet", dataset: { testid: "seat-bet" } }, `bets ${seat.bet}`) : null;
  return h(
    "div",
    { class: `bj-seat ${active ? "active" : ""} ${index === table.seat ? "mine" : ""}`, dataset: { testid: "bj-seat", seat: String(index) } },
    h("div", { class: "bj-label" }, h("strong", {}, table.name(index)), " ", h("span", { class: "muted small", dataset: { testid: "seat-chips" } }, chips(seat.chips)), " ", bet),
    h("div", { class: "bj-hands" }, seat.hands.map((hand, number) => handBox(hand, number, active && view.active.hand === number))),
  );
}

function betControl(table) {
  const entry = legalEntry(table, "bet");
  const rules = table.view.settings;
  if (entry) return schemaForm(table, entry, { label: "Bet", key: "bet" });
  const schema = { type: "object", properties: { amount: { type: "integer", minimum: rules.min_bet, maximum: rules.max_bet } } };
  return schemaForm(table, { name: "bet", data: { amount: rules.min_bet }, schema }, { label: "Bet", key: "bet", legal: false });
}

function controls(table) {
  const betting = table.view.phase === "betting";
  return h(
    "div",
    { class: "bj-controls row", dataset: { testid: "moves" } },
    betting ? betControl(table) : null,
    PLAY.map(([name, label]) => actionButton(table, { name }, label)),
  );
}

function roundLine(view) {
  const rules = view.settings;
  const of = rules.rounds ? ` of ${rules.rounds}` : "";
  const phase = { betting: "place your bets", playing: "playing the hands", finished: "the table is closed" }[view.phase] || view.phase;
  return h("p", { class: "muted", dataset: { testid: "round" } }, `Round ${view.round}${of}: ${phase} · bets ${rules.min_bet}–${rules.max_bet} · ${view.shoe} cards in the shoe`);
}

function describeEvent(event, table) {
  const who = typeof event.seat === "number" ? table.name(event.seat) : "";
  switch (event.type) {
    case "bet": return `${who} bet ${event.amount}.`;
    case "dealt": return `Round ${event.round}: the cards are dealt; the dealer shows ${cardName(event.dealer)}.`;
    case "hit": return `${who} hit: ${cardName(event.card)} (${event.total}).`;
    case "double": return `${who} doubled: ${cardName(event.card)} (${event.total}).`;
    case "stand": return `${who} stood on ${event.total}.`;
    case "bust": return `${who} went bust with ${event.total}.`;
    case "split": return `${who} split the pair.`;
    case "reveal": return `The dealer turns up ${cardName(event.card)}: ${event.total}.`;
    case "dealer_hit": return `The dealer draws ${cardName(event.card)}: ${event.total}.`;
    case "dealer_bust": return `The dealer went bust with ${event.total}.`;
    case "shuffled": return "The shoe is reshuffled.";
    case "payout": return payoutWords(event, who);
    default: return undefined;
  }
}

function payoutWords(event, who) {
  const words = {
    blackjack: `${who} has blackjack and is paid ${event.paid - event.bet} on ${event.bet}`,
    win: `${who} beats the dealer and wins ${event.bet}`,
    push: `${who} ties the dealer and gets the ${event.bet} back`,
    lose: `${who} loses ${event.bet} to the dealer`,
    bust: `${who} loses ${event.bet} (bust)`,
  }[event.outcome] || `${who}: ${event.outcome}`;
  return `${words}; ${chips(event.chips)} now.`;
}

function describeResult(result, table) {
  const winners = joinNames(result.winners.map((seat) => table.name(seat)));
  const verb = result.winners.length > 1 ? "share the win" : "wins";
  const rounds = table.view.settings.rounds;
  if (result.reason === "rounds") return `${winners} ${verb}: most chips after ${rounds} round${rounds === 1 ? "" : "s"}.`;
  if (result.reason === "bankrupt") return `${winners} ${verb}: most chips once nobody could make the minimum bet.`;
  return genericResultWords(result, table);
}

export const blackjackRenderer = {
  render(root, table) {
    const view = table.view;
    root.replaceChildren(
      h(
        "div",
        { class: "blackjack", dataset: { testid: "blackjack", phase: view.phase } },
        roundLine(view),
        dealerBox(view),
        h("div", { class: "bj-seats" }, view.seats.map((seat, index) => seatBox(view, seat, index, table))),
        table.seat === null ? null : controls(table),
      ),
    );
  },
  describeEvent,
  describeResult,
  badge(seat, table) {
    const chipsLeft = table.view.seats[seat]?.chips;
    return chipsLeft === undefined ? null : h("span", { class: "muted small" }, `🪙 ${chipsLeft.toLocaleString("en")}`);
  },
};

registerRenderer("blackjack", blackjackRenderer);
