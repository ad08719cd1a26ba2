// The page's status line and message boxes: exports showError (the server's error, with a
// button that applies the fix it offers), setMessage (a titled box, or hidden), setRunNote,
// showSummary (the network in one line), showFrameMessages (a frame's epoch, divergence,
// untrainable network and gradient diagnosis) and showNotBuilt (why nothing is on screen).
// setMessage and showFrameMessages take ``find`` (a name -> element lookup, default the page's
// ids), so a second front end (the notebook widget) shows the same messages in its own boxes.
import { $, button } from "./controls.js";

// ``fix``: settings that would work (e.g. {batch_size: 8}); ``useFix(fix)`` applies them.
export function showError(message, fix, useFix) {
  const box = $("error");
  box.replaceChildren(document.createTextNode(message || ""));
  if (message && fix && fix.batch_size && useFix) {
    const apply = button(`Use batch size ${fix.batch_size}`, () => useFix(fix),
      "set the batch size to the number of training samples and build again");
    apply.id = "apply-fix";
    box.append(" ", apply);
  }
  box.hidden = !message;
}

export function setMessage(id, text, title, find = $) {
  const box = find(id);
  box.hidden = !text;
  box.replaceChildren();
  if (!text) return;
  const strong = document.createElement("strong");
  strong.textContent = title;
  box.append(strong, document.createTextNode(text));
}

const TITLES = { vanishing: "Vanishing gradients", exploding: "Exploding gradients",
                 no_gradient: "No gradient flows", too_large_learning_rate: "The learning rate is too large" };

export function setRunNote(text) {
  $("run-note").textContent = text;
}

export function showSummary(net) {
  $("summary").textContent = `${net.sizes.join("-")} network, ${net.parameters} parameters, ` +
    `${net.loss.replaceAll("_", " ")} loss`;
}

export function showFrameMessages(frame, find = $) {
  find("epoch").textContent = `Epoch ${frame.epoch}`;
  find("epoch").dataset.epoch = String(frame.epoch);
  let divergence = frame.divergence;
  if (divergence && frame.can_train) {
    divergence += ` The learning rate is now ${frame.learning_rate}: press Step or Play to go on from ` +
      `epoch ${frame.epoch}.`;
  }
  setMessage("divergence", divergence, "The training diverged", find);
  setMessage("not-trainable", frame.not_trainable, "This network cannot be trained", find);
  const diagnosis = frame.diagnosis;
  const bad = diagnosis && diagnosis.status !== "healthy";
  setMessage("gradient-warning", bad ? diagnosis.advice : null, bad ? TITLES[diagnosis.status] || "Gradients" : "",
    find);
}

export function showNotBuilt(reason) {
  $("epoch").textContent = "Not built";
  $("epoch").dataset.epoch = "";
  $("summary").textContent = "";
  setMessage("not-built", `${reason} Fix the setting on the left; the network is built again when it changes.`,
    "No network is built");
  for (const id of ["divergence", "not-trainable", "gradient-warning"]) setMessage(id, null);
  setRunNote("");
}
