/**
 * A small form for a move whose data is a range of values (an entry of turn.actions with a
 * `schema`): one field per property of the JSON Schema, bounded by its minimum and maximum, and a
 * submit button carrying `data-action` and the data it would send in `data-action-data`.
 */
import { h } from "../ui.js";
import { moveLabel } from "./common.js";

function fieldFor(name, schema, value, onchange) {
  const dataset = { testid: "move-field", field: name };
  if (Array.isArray(schema.enum)) {
    return h("select", { name, dataset, onchange }, ...schema.enum.map((option) => h("option", { value: JSON.stringify(option), selected: option === value }, String(option))));
  }
  if (schema.type === "boolean") return h("input", { type: "checkbox", name, checked: !!value, dataset, onchange });
  const number = schema.type === "integer" || schema.type === "number";
  return h("input", {
    type: number ? "number" : "text", name, value: value ?? "", required: true, dataset, oninput: onchange,
    min: schema.minimum, max: schema.maximum, step: schema.type === "integer" ? 1 : number ? "any" : undefined,
    "aria-label": name.replaceAll("_", " "),
  });
}

function readField(input, schema) {
  if (input.type === "checkbox") return input.checked;
  if (input.tagName === "SELECT") return JSON.parse(input.value);
  if (schema.type === "integer" || schema.type === "number") return input.value === "" ? NaN : Number(input.value);
  return input.value;
}

function valid(value, schema) {
  if (schema.type === "integer" && !Number.isInteger(value)) return false;
  if (schema.type === "number" && !Number.isFinite(value)) return false;
  if (typeof schema.minimum === "number" && value < schema.minimum) return false;
  if (typeof schema.maximum === "number" && value > schema.maximum) return false;
  if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) return false;
  return true;
}

/**
 * The form of one move with a schema. The values typed are kept in `memo[key]` across renders.
 * @param {import("./registry.js").Table} table
 * @param {{name: string, data: object, schema: object}} entry
 * @param {{label?: string, key?: string, legal?: boolean}} [options]
 */
export function schemaForm(table, entry, options = {}) {
  const key = options.key || `form:${entry.name}`;
  const properties = entry.schema?.properties || {};
  const values = { ...entry.data, ...(table.memo[key] || {}) };
  const legal = options.legal ?? true;
  const button = h("button", { type: "submit", class: "primary move", dataset: { testid: "move", action: entry.name } }, options.label || moveLabel(entry.name));
  const form = h("form", { class: "row move-form", dataset: { testid: "move-form", form: entry.name } });
  const sync = () => {
    for (const [name, schema] of Object.entries(properties)) {
      const input = form.querySelector(`[data-field="${name}"]`);
      if (input) values[name] = readField(input, schema);
    }
    table.memo[key] = { ...values };
    const ok = Object.entries(properties).every(([name, schema]) => valid(values[name], schema));
    button.disabled = !legal || !ok;
    button.dataset.actionData = JSON.stringify(values);
  };
  for (const [name, schema] of Object.entries(properties)) {
    const bounds = typeof schema.minimum === "number" && typeof schema.maximum === "number" ? ` (${schema.minimum}–${schema.maximum})` : "";
    form.append(h("label", { class: "inline" }, `${name.replaceAll("_", " ")}${bounds}`, fieldFor(name, schema, values[name], sync)));
  }
  form.append(button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sync();
    if (!button.disabled) table.act(entry.name, { ...values });
  });
  sync();
  return form;
}
