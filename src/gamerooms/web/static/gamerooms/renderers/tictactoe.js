/** Tic-tac-toe: a 3×3 board of buttons; a free cell is a `place` move while it is legal. */
import { h } from "../ui.js";
import { legalEntry } from "./common.js";
import { registerRenderer } from "./registry.js";

export const MARKS = ["X", "O"];
export const MARK_COLORS = ["#3e63dd", "#e5484d"];
const LINES = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];

/** The winning line of a board, if any. */
export function lineOf(cells) {
  return LINES.find(([a, b, c]) => cells[a] !== null && cells[a] === cells[b] && cells[b] === cells[c]) || null;
}

function freshCell(table) {
  const frame = table.fresh;
  const cell = frame?.action?.data?.cell;
  return frame && frame.seat !== table.seat && typeof cell === "number" ? cell : null;
}

function cellButton(table, mark, index, line, fresh) {
  const data = { cell: index };
  const legal = legalEntry(table, "place", data) !== null;
  return h(
    "button",
    {
      type: "button",
      class: [fresh === index ? "fresh" : "", line && line.includes(index) ? "win" : ""].join(" "),
      style: mark === null ? null : `color:${MARK_COLORS[mark]}`,
      disabled: !legal,
      "aria-label": mark === null ? `Cell ${index + 1}, empty` : `Cell ${index + 1}, ${MARKS[mark]}`,
      dataset: { testid: "cell", cell: String(index), mark: mark === null ? "" : MARKS[mark], action: "place", actionData: JSON.stringify(data) },
      onclick: () => table.act("place", data),
    },
    mark === null ? "" : MARKS[mark],
  );
}

export const tictactoeRenderer = {
  render(root, table) {
    const cells = table.view.board;
    const line = lineOf(cells);
    const fresh = freshCell(table);
    const board = h("div", { class: `board ${table.myTurn ? "my-turn" : ""}`, dataset: { testid: "board" } });
    board.append(...cells.map((mark, index) => cellButton(table, mark, index, line, fresh)));
    root.replaceChildren(board);
  },
  describeEvent(event, table) {
    if (event.type === "placed") return `${table.name(event.seat)} put ${MARKS[event.seat]} on cell ${event.cell + 1}.`;
    if (event.type === "line") return null;
    return undefined;
  },
  describeResult(result, table) {
    if (result.reason === "win") return `${table.name(result.winners[0])} made a line of three.`;
    if (result.reason === "draw") return "The board is full: a draw.";
    return undefined;
  },
  badge(seat) {
    return h("span", { class: "mark", style: `color:${MARK_COLORS[seat]}` }, MARKS[seat] || "");
  },
};

registerRenderer("tictactoe", tictactoeRenderer);
