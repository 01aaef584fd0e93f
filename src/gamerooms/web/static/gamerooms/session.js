/**
 * The page's one client, the saved profile (name and avatar), and the connection banner.
 */
import { CloseCode, GameroomsClient, GameroomsError } from "./gamerooms.js";
import { $, avatar, describeError, h, showError } from "./ui.js";

export const PROFILE_KEY = "gamerooms.profile";
export const EMOJIS = ["🦊", "🐼", "🐸", "🐙", "🦄", "🐯", "🐵", "🐧", "🦉", "🐝", "🐢", "🦖"];
export const COLORS = ["#ff8800", "#e5484d", "#d6409f", "#8e4ec6", "#3e63dd", "#0090ff", "#12a594", "#30a46c", "#ffc53d", "#8d8d8d"];

export const client = new GameroomsClient({ storage: localStorage });
window.gamerooms = { client, GameroomsClient, GameroomsError, CloseCode, describeError };

/** The name and avatar this browser chose, if any. */
export function loadProfile() {
  try {
    return JSON.parse(localStorage.getItem(PROFILE_KEY) || "null");
  } catch {
    return null;
  }
}

/** A signed-in session for the saved profile; sends newcomers to the landing page. */
export async function requireSession() {
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

/** Keep the connection banner up to date (offline, reconnecting in n s, back). */
export function watchConnection() {
  const trouble = new Map();
  const banner = { ticker: null };
  const render = () => renderBanner(trouble, banner);
  client.on("reconnecting", (event) => {
    trouble.set(event.kind, { at: Date.now() + event.delay, attempt: event.attempt });
    banner.ticker = banner.ticker || setInterval(render, 500);
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

function renderBanner(trouble, banner) {
  const box = $("connection-banner");
  const text = $("connection-text");
  if (!navigator.onLine) {
    box.hidden = false;
    box.classList.add("offline");
    text.textContent = "You're offline. We'll reconnect as soon as the network is back.";
    return;
  }
  box.classList.remove("offline");
  const waiting = [...trouble.values()];
  if (waiting.length === 0) {
    box.hidden = true;
    clearInterval(banner.ticker);
    banner.ticker = null;
    return;
  }
  const next = Math.min(...waiting.map((entry) => entry.at));
  const attempt = Math.max(...waiting.map((entry) => entry.attempt));
  const seconds = Math.max(0, Math.ceil((next - Date.now()) / 1000));
  box.hidden = false;
  text.textContent =
    seconds > 0
      ? `Connection lost. Reconnecting in ${seconds} s… (attempt ${attempt})`
      : `Connection lost. Reconnecting… (attempt ${attempt})`;
}
