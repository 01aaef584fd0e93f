/**
 * The renderer registry: which module draws which game on the match page. A game without a
 * renderer of its own gets the generic one (registered as "*").
 *
 * @typedef {object} Table  what a renderer is given on every render
 * @property {object} snap         client.matchSnapshot (state, turn, status, seat, players, ...)
 * @property {object} view         snap.state: the game's view for this seat
 * @property {object|null} contract  the game's entry of GET /api/games/ (actions, settings_schema,
 *   static), null until loaded
 * @property {number|null} seat    this page's seat (null: a spectator)
 * @property {{name: string, data: object, schema?: object}[]} actions  turn.actions: the seat's
 *   legal moves now (empty when not in turn, paused or finished)
 * @property {boolean} myTurn      active and this seat is in turn.seats
 * @property {(seat: number) => string} name   a seat's player name ("Seat 2" if unknown)
 * @property {(name: string, data?: object) => Promise<any>} act  send a move (errors are shown)
 * @property {object|null} fresh   the match.update just applied (null after a match.state)
 * @property {Record<string, any>} memo  kept across renders of this match (form values, ...)
 *
 * @typedef {object} Renderer
 * @property {(root: HTMLElement, table: Table) => void} render  draw the view and the moves in
 *   `root` (called on every change; replace what was there)
 * @property {(event: object, table: Table) => string|null|undefined} [describeEvent]  one event
 *   in words (null: say nothing; undefined: the generic words)
 * @property {(frame: object, table: Table) => string[]|undefined} [describeUpdate]  the lines
 *   of a whole match.update, if the renderer joins events into sentences itself
 * @property {(result: object, table: Table) => string|null|undefined} [describeResult]  why the
 *   match ended, in words (undefined: the generic words for result.reason)
 * @property {(seat: number, table: Table) => Node|string|null} [badge]  shown by a player's name
 */

const renderers = new Map();
const listeners = new Set();

/**
 * Draw `game` (its name, as in GET /api/games/) with `renderer`; "*" sets the fallback.
 * Registering again replaces the renderer; an open match page redraws at once.
 * @param {string} game
 * @param {Renderer} renderer
 */
export function registerRenderer(game, renderer) {
  if (!renderer || typeof renderer.render !== "function") throw new TypeError("a renderer needs a render(root, table) method");
  renderers.set(game, renderer);
  for (const listener of listeners) listener(game);
}

/**
 * The renderer of `game`, else the fallback.
 * @param {string} game
 * @returns {Renderer}
 */
export function rendererFor(game) {
  return renderers.get(game) || renderers.get("*");
}

/** Call `listener(game)` whenever a renderer is registered. */
export function onRegister(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
