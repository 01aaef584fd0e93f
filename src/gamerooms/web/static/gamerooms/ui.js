/**
 * Small DOM helpers shared by the demo's pages and the game renderers: element building, toasts,
 * error sentences, chat lines and the turn clock.
 */
import { GameroomsError } from "./gamerooms.js";

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
    const detailed = ["bad_message", "illegal_action"].includes(error.code) && error.message;
    return detailed ? `${text} (${error.message})` : text;
  }
  return "Something went wrong. Check your connection and try again.";
}

/** The element with this `data-testid` (in `root`, default the document). */
export const $ = (testid, root = document) => root.querySelector(`[data-testid="${testid}"]`);

/**
 * Build an element: h("li", {class: "x", dataset: {testid: "seat"}}, child, "text"). Attributes
 * that are null, undefined or false are left out; `on<event>` adds a listener.
 * @param {string} tag
 * @param {Record<string, any>} attrs
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "dataset") setData(element, value);
    else if (key === "class") element.className = value;
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, value);
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

function setData(element, values) {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null) element.dataset[key] = value;
  }
}

/** A player's avatar badge. */
export function avatar(player, size = "") {
  const { emoji = "🙂", color = "#8d8d8d" } = player.avatar || {};
  return h("span", { class: `avatar ${size}`, style: `background:${color}`, title: player.name, dataset: { testid: "avatar" } }, emoji);
}

/** A short message at the bottom of the page, gone after 6 s. */
export function toast(text, kind = "") {
  const item = h("div", { class: `toast ${kind}`, role: "alert", dataset: { testid: "toast" } }, text);
  $("toasts").append(item);
  setTimeout(() => item.remove(), 6000);
}

/** Tell the player what went wrong, in words. */
export function showError(error) {
  toast(describeError(error), "bad");
}

/** Replace a select's options with [value, label] pairs, `selected` chosen. */
export function fillSelect(select, options, selected) {
  select.replaceChildren(
    ...options.map(([value, label]) => h("option", { value, selected: String(value) === String(selected) }, label)),
  );
}

/** "m:ss" of a duration in ms (never negative). */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

/** Show or hide the element with this test id. */
export function show(testid, visible = true) {
  $(testid).hidden = !visible;
}

/** A line in the room's or the match's chat (`from` null: a line from the site). */
export function addChatLine(where, from, text) {
  const log = $(`${where}-chat-log`);
  const line = from
    ? h("li", { dataset: { testid: "chat-line" } }, avatar(from, "small"), " ", h("span", { class: "who" }, `${from.name}:`), " ", h("span", { class: "text" }, text))
    : h("li", { class: "system", dataset: { testid: "chat-line" } }, text);
  log.append(line);
  log.scrollTop = log.scrollHeight;
}

/** Wire up a chat form: `send(text)` is called with what was typed. */
export function chatBox(where, send) {
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
