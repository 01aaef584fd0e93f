/** `/`: pick a name and an avatar; the choice is kept in localStorage. */
import { COLORS, EMOJIS, PROFILE_KEY, client, loadProfile } from "../session.js";
import { $, h, showError } from "../ui.js";

const pick = (list) => list[Math.floor(Math.random() * list.length)];

export function landingPage() {
  const profile = loadProfile() || { name: "", emoji: pick(EMOJIS), color: pick(COLORS) };
  const nameInput = $("name-input");
  nameInput.value = profile.name;
  const preview = () => renderPreview(profile, nameInput.value);
  $("emoji-grid").replaceChildren(...EMOJIS.map((emoji) => emojiOption(emoji, () => { profile.emoji = emoji; preview(); })));
  $("color-row").replaceChildren(
    ...COLORS.map((color) => colorOption(color, () => { profile.color = color; preview(); })),
    h("input", {
      type: "color", "aria-label": "Any colour", dataset: { testid: "color-input" },
      oninput: (event) => { profile.color = event.target.value; preview(); },
    }),
  );
  nameInput.addEventListener("input", preview);
  preview();
  nameInput.focus();
  $("landing-submit").disabled = false;
  $("landing-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit(profile, nameInput.value.trim());
  });
}

function emojiOption(emoji, onclick) {
  return h("button", { type: "button", role: "radio", value: emoji, "aria-label": emoji, dataset: { testid: "emoji-option" }, onclick }, emoji);
}

function colorOption(color, onclick) {
  return h("button", {
    type: "button", role: "radio", value: color, style: `background:${color}`, "aria-label": color,
    dataset: { testid: "color-option" }, onclick,
  });
}

function renderPreview(profile, name) {
  const badge = $("avatar-preview");
  badge.textContent = profile.emoji;
  badge.style.background = profile.color;
  $("name-preview").textContent = name ? `Hi, ${name}!` : "";
  for (const button of $("emoji-grid").children) button.setAttribute("aria-checked", button.value === profile.emoji);
  for (const button of $("color-row").querySelectorAll("button")) button.setAttribute("aria-checked", button.value === profile.color);
  $("color-input").value = profile.color;
}

async function submit(profile, name) {
  if (!name) return;
  const player = client.session && client.player;
  const same = player && player.name === name && player.avatar.emoji === profile.emoji && player.avatar.color === profile.color;
  try {
    if (!same) await client.guest(name, { emoji: profile.emoji, color: profile.color });
  } catch (error) {
    showError(error);
    return;
  }
  localStorage.setItem(PROFILE_KEY, JSON.stringify({ ...profile, name }));
  const next = new URLSearchParams(location.search).get("next");
  location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : "/lobby/");
}
