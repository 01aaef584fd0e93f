/**
 * Room settings fields generated from a game's `settings_schema` (GET /api/games/): a number
 * input for an integer or number (bounded by minimum/maximum), a checkbox for a boolean, a select
 * for an enum. The options with their own controls (seats, bots, bot level, turn clock) are left
 * to the form.
 */
import { h } from "./ui.js";

/** Room options the forms show with dedicated controls. */
export const OWN_CONTROLS = new Set(["bot_level", "target_players", "turn_seconds"]);

/**
 * The [name, schema] pairs of a game's settings that get generated fields.
 * @param {object} schema  the game's settings_schema
 */
export function generatedSettings(schema) {
  return Object.entries(schema?.properties || {}).filter(([name, field]) => !OWN_CONTROLS.has(name) && fieldKind(field));
}

function fieldKind(field) {
  if (Array.isArray(field.enum)) return "enum";
  if (field.type === "boolean") return "boolean";
  if (field.type === "integer" || field.type === "number") return "number";
  return null;
}

/** A readable label from a setting's name: "starting_money" → "Starting money". */
export function labelOf(name) {
  const words = name.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Fill `container` with one field per generated setting, showing `values` (else the defaults).
 * @param {HTMLElement} container
 * @param {object} schema
 * @param {string} prefix   test ids are `<prefix>-setting-<name>`
 * @param {Record<string, any>} values
 */
export function renderSettingsFields(container, schema, prefix, values = {}) {
  container.replaceChildren(
    ...generatedSettings(schema).map(([name, field]) => settingField(name, field, prefix, name in values ? values[name] : field.default)),
  );
}

function settingField(name, field, prefix, value) {
  const testid = `${prefix}-setting-${name}`;
  const title = field.description || "";
  const kind = fieldKind(field);
  if (kind === "boolean") {
    return h("label", { class: "check", title }, h("input", { type: "checkbox", name, checked: !!value, dataset: { testid, setting: name } }), ` ${labelOf(name)}`);
  }
  let input;
  if (kind === "enum") {
    input = h("select", { name, dataset: { testid, setting: name } }, ...field.enum.map((option) => h("option", { value: option, selected: option === value }, String(option))));
  } else {
    input = h("input", {
      type: "number", name, required: true, value: value ?? "",
      min: field.minimum ?? field.exclusiveMinimum, max: field.maximum ?? field.exclusiveMaximum,
      step: field.type === "integer" ? 1 : "any", dataset: { testid, setting: name },
    });
  }
  return h("label", { title }, labelOf(name), input, title ? h("span", { class: "muted small" }, title) : null);
}

/**
 * The values of the generated fields in `container`, typed as the schema says.
 * @param {HTMLElement} container
 * @param {object} schema
 * @returns {Record<string, any>}
 */
export function readSettingsFields(container, schema) {
  const values = {};
  for (const [name, field] of generatedSettings(schema)) {
    const input = container.querySelector(`[data-setting="${name}"]`);
    if (!input) continue;
    if (input.type === "checkbox") values[name] = input.checked;
    else if (fieldKind(field) === "number") values[name] = Number(input.value);
    else values[name] = input.value;
  }
  return values;
}
