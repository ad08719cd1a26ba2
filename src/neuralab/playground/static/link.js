// The setup in the page's link: exports writeHash (after a build: the link names what is on
// screen), readHash (the fields from the link) and copyLink (the "Copy link" button). The
// hash format itself is setup.js's (pure, for any front end); this module reads and writes
// the page's fields.
import { $, chosenInputs, renderInputs, renderLayers, showSliders } from "./controls.js";
import { FIELDS, readSetupHash, setupHash } from "./setup.js";
import { state } from "./state.js";

function currentSetup() {
  const values = { hidden: state.layers, inputs: $("dataset").value === "upload" ? null : chosenInputs() };
  for (const [key, id] of FIELDS) values[key] = $(id).value.trim();
  return values;
}

// The first write replaces the entry the page was opened with; later ones are new entries
// (Back goes back).
export function writeHash() {
  const hash = setupHash(currentSetup());
  if (location.hash === hash) return;
  if (state.historyReady) history.pushState(null, "", hash);
  else history.replaceState(null, "", hash);
  state.historyReady = true;
}

// The fields as the link says (what it does not name stays). ``build`` rebuilds after an input
// feature's click, ``changed`` after a layer's edit.
export function readHash({ build, changed }) {
  const { values, hidden, inputs } = readSetupHash(location.hash);
  for (const [key, id] of FIELDS) {
    if (values[key] !== undefined) $(id).value = values[key];
  }
  if (hidden !== null) state.layers = hidden;
  renderInputs(state.options.inputs, inputs || ["x1", "x2"], build);
  showSliders();
  renderLayers(changed);
}

export async function copyLink() {
  const note = $("link-note");
  try {
    await navigator.clipboard.writeText(location.href);
    note.textContent = "Link copied: ";
  } catch {
    note.textContent = "Copy this link: ";
  }
  const link = document.createElement("code");
  link.textContent = location.href;
  note.append(link);
}
