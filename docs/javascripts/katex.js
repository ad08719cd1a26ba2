// Typesets the math that pymdownx.arithmatex (generic mode) leaves in the page:
// <span class="arithmatex">\( ... \)</span> inline and <div class="arithmatex">\[ ... \]</div>
// displayed. KaTeX is vendored in docs/assets/katex/ (see SOURCE.txt there): no request
// leaves the site, so the math shows offline.
(function () {
  function typeset(root) {
    root.querySelectorAll(".arithmatex").forEach(function (element) {
      if (element.dataset.typeset) return;
      var tex = element.textContent.trim();
      var display = element.tagName === "DIV";
      tex = tex.replace(/^\\[([]/, "").replace(/\\[)\]]$/, "");
      katex.render(tex, element, { displayMode: display, throwOnError: false });
      element.dataset.typeset = "yes";
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { typeset(document.body); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { typeset(document.body); });
  }
})();
