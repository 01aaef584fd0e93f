/**
 * The generic renderer, for any game without a renderer of its own: the view as a readable tree,
 * every legal move a button (a small form for a move with a schema).
 */
import { h } from "../ui.js";
import { actionButton, dataWords, moveLabel } from "./common.js";
import { registerRenderer } from "./registry.js";
import { schemaForm } from "./schema-form.js";

const isScalar = (value) => value === null || typeof value !== "object";

function scalarText(value) {
  if (value === null) return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** A JSON value as nested lists: objects as key/value rows, arrays of scalars on one line. */
export function viewTree(value) {
  if (isScalar(value)) return h("span", { class: "leaf" }, scalarText(value));
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return h("span", { class: "leaf" }, value.length ? value.map(scalarText).join(", ") : "(none)");
    return h("ol", { class: "tree", start: "0" }, ...value.map((item) => h("li", {}, viewTree(item))));
  }
  return h(
    "dl",
    { class: "tree" },
    ...Object.entries(value).flatMap(([key, item]) => [h("dt", {}, key.replaceAll("_", " ")), h("dd", {}, viewTree(item))]),
  );
}

/** Every legal move as a button or form; when none, the game's moves as disabled buttons. */
export function moveButtons(table) {
  if (table.actions.length) {
    return table.actions.map((entry) =>
      entry.schema
        ? schemaForm(table, entry)
        : actionButton(table, entry, [moveLabel(entry.name), entry.data && Object.keys(entry.data).length ? `: ${dataWords(entry.data)}` : ""].join("")),
    );
  }
  const names = (table.contract?.actions || []).map((action) => action.name);
  return names.map((name) => actionButton(table, { name }, moveLabel(name), { legal: false }));
}

export const genericRenderer = {
  render(root, table) {
    root.replaceChildren(
      h("div", { class: "generic" },
        h("h3", {}, "Table"),
        h("div", { class: "view-tree", dataset: { testid: "view-tree" } }, viewTree(table.view)),
        h("h3", {}, table.myTurn ? "Your moves" : "Moves"),
        h("div", { class: "moves row", dataset: { testid: "moves" } }, moveButtons(table)),
      ),
    );
  },
};

registerRenderer("*", genericRenderer);
