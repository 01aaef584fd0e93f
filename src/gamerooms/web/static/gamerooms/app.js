/**
 * The gamerooms demo site: landing, lobby, room and match pages on top of gamerooms.js.
 * Each Django template sets `<body data-page=...>`; `start()` runs that page (pages/*.js). The
 * lobby and room pages also hold the match view, so a hand-off (Play now, the owner's Start) turns
 * the page into the match without reloading. Games are drawn by renderers (renderers/*.js),
 * registered with `registerRenderer(game, renderer)`; a game without one gets the generic one.
 */
import "./renderers/generic.js";
import "./renderers/tictactoe.js";
import "./renderers/blackjack.js";
import "./renderers/magnate.js";
import { landingPage } from "./pages/landing.js";
import { lobbyPage } from "./pages/lobby.js";
import { matchPage } from "./pages/match.js";
import { roomPage } from "./pages/room.js";
import { watchConnection } from "./session.js";
import { showError } from "./ui.js";

export { registerRenderer } from "./renderers/registry.js";
export { describeError, ERROR_TEXT } from "./ui.js";

function start() {
  const { page, code, matchId } = document.body.dataset;
  if (page !== "landing") watchConnection();
  const run = { landing: landingPage, lobby: lobbyPage, room: () => roomPage(code), match: () => matchPage(matchId) }[page];
  Promise.resolve(run && run())
    .catch((error) => {
      console.error(error);
      showError(error);
    })
    .finally(() => {
      document.body.dataset.ready = "true";
    });
}

start();
