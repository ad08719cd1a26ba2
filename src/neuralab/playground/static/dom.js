// Mounting a view's markup on a root element. Exports mount(root, html, { ids }): fills ``root``
// with ``html`` and returns its parts by name, each element that carries data-part="name".
// With ``ids`` (the page) each part also gets that name as its id (the page's tests and CSS
// address them so); a second front end (a notebook widget, several per page) leaves ids off
// and styles parts as [data-part=...].

export function mount(root, html, { ids = false } = {}) {
  root.innerHTML = html;
  const parts = {};
  for (const element of root.querySelectorAll("[data-part]")) {
    parts[element.dataset.part] = element;
    if (ids) element.id = element.dataset.part;
  }
  return parts;
}
