// The playground's views, for any front end (this page, a notebook widget): mountViews mounts
// the network graph, the plane, the loss chart, the gradient-flow chart and explain-a-step on
// the given root elements and returns one object that feeds them all. Exports mountViews and
// each view's own mount function.
//
// The frame contract (what every view is fed; the session API's JSON, see session.py):
//   views.start(full)   a new network or data: ``full`` is a frame that also carries ``data``
//                       (task, features, plane, train/test points, ...) and ``network``
//                       (sizes, activations, ...), as creating or resetting a session returns;
//   views.update(frame) every later frame: epoch, losses {start, train, test}, boundary, units,
//                       weights, biases, weight_gradients, gradient_norms, diagnosis, ...;
//   views.clear()       nothing is built (the views go blank).
// Explain-a-step asks ``source`` for steps: source.explain(sample) and source.apply(sample)
// (promises of the /explain and /apply answers). Over HTTP that is api.js's client; a widget
// passes its kernel's.
//
//   const views = mountViews({ network: el1, plane: el2, loss: el3, gradients: el4, explain: el5 },
//                            { source });
//   views.start(await server.create(config));
//   views.update(await server.train(id, 1));
import { mountExplain } from "./explain_view.js";
import { mountGradients } from "./gradient_view.js";
import { mountLoss } from "./loss_view.js";
import { mountNetwork } from "./network_view.js";
import { mountPlane } from "./plane_view.js";

export { mountExplain, mountGradients, mountLoss, mountNetwork, mountPlane };

// ``roots``: { network, plane, loss, gradients, explain }, each an element (explain needs
// network and plane). ``options``: { source, ids (the page: parts get ids), run, onFrame }.
export function mountViews(roots, { source, ids = false, run, onFrame } = {}) {
  const network = mountNetwork(roots.network, { ids });
  const plane = mountPlane(roots.plane, { ids, onPick: (index) => explain.pick(index) });
  const loss = mountLoss(roots.loss, { ids });
  const gradients = mountGradients(roots.gradients, { ids });
  const views = { network, plane, loss, gradients };
  const all = [network, plane, loss, gradients];
  const fan = {
    start(full) { for (const view of all) view.start(full); },
    update(frame) { for (const view of all) view.update(frame); },
    clear() { for (const view of all) view.clear(); },
  };
  const explain = mountExplain(roots.explain, {
    ids, source, network, plane, run, onFrame: onFrame || ((frame) => fan.update(frame)),
  });
  all.push(explain);
  return Object.assign(fan, views, { explain });
}
