// Citation markers: hover shows the source sentence (CSS); click or Enter pins it open,
// so touch screens work too. Escape or a click elsewhere closes it. No framework.
(function () {
  function closeAll(except) {
    document.querySelectorAll(".pop.open").forEach(function (p) {
      if (p !== except) {
        p.classList.remove("open");
        p.previousElementSibling.setAttribute("aria-expanded", "false");
      }
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.cite") : null;
    if (!button) { if (!event.target.closest(".pop")) closeAll(null); return; }
    var pop = button.nextElementSibling;
    var open = !pop.classList.contains("open");
    closeAll(pop);
    pop.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      closeAll(null);
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    }
  });
})();
