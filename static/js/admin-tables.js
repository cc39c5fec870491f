// Wide tables in the Wagtail admin scroll inside their own region (WCAG 1.4.10 Reflow).
// Wagtail's <main> hides horizontal overflow, so at 320 px (or 400 % zoom) the columns on the
// right of a listing were cut off with no way to reach them. Each table in <main> is wrapped in
// a region that scrolls sideways; while it does, it is a named, focusable region so that a
// keyboard user can scroll it with the arrow keys and a screen reader announces it.
(function () {
  "use strict";
  var script = document.currentScript;
  var fallbackLabel = (script && script.dataset.label) || "Table";
  var WRAPPER = "admin-table-scroll";

  function scrollsAlready(table, main) {
    for (var node = table.parentElement; node && node !== main; node = node.parentElement) {
      var overflow = window.getComputedStyle(node).overflowX;
      if (overflow === "auto" || overflow === "scroll") {
        return true;
      }
    }
    return false;
  }

  function labelFor(table) {
    var caption = table.querySelector("caption");
    var heading = document.querySelector("main h1, #main h1, h1");
    var text = (caption && caption.textContent) || (heading && heading.textContent) || "";
    text = text.replace(/\s+/g, " ").trim();
    return text || fallbackLabel;
  }

  function update(wrapper) {
    var overflowing = wrapper.scrollWidth > wrapper.clientWidth + 1;
    if (overflowing) {
      wrapper.setAttribute("role", "region");
      wrapper.setAttribute("tabindex", "0");
      wrapper.setAttribute("aria-label", labelFor(wrapper.querySelector("table")));
    } else {
      wrapper.removeAttribute("role");
      wrapper.removeAttribute("tabindex");
      wrapper.removeAttribute("aria-label");
    }
  }

  var resizeObserver = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { update(entry.target); });
  }) : null;

  function wrapTables(main) {
    main.querySelectorAll("table").forEach(function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains(WRAPPER) || table.closest("." + WRAPPER)) {
        return;
      }
      if (scrollsAlready(table, main)) {
        return;
      }
      var wrapper = document.createElement("div");
      wrapper.className = WRAPPER;
      parent.insertBefore(wrapper, table);
      wrapper.appendChild(table);
      update(wrapper);
      if (resizeObserver) {
        resizeObserver.observe(wrapper);
      }
    });
  }

  function start() {
    var main = document.getElementById("main") || document.querySelector("main");
    if (!main) {
      return;
    }
    wrapTables(main);
    // Filtering, searching and paging replace the listing without a page load.
    new MutationObserver(function () { wrapTables(main); }).observe(main, {
      childList: true,
      subtree: true,
    });
    window.addEventListener("resize", function () {
      main.querySelectorAll("." + WRAPPER).forEach(update);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
