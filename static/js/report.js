// Report export progress: polls the export's JSON status and updates the progress bar.
// Labels come from data- attributes rendered (translated) by the template.
(function () {
  "use strict";
  var root = document.querySelector(".export-status[data-status-url]");
  if (!root) { return; }
  var bar = document.getElementById("export-progress");
  var state = document.getElementById("export-state");
  var download = document.getElementById("export-download");
  var url = root.getAttribute("data-status-url");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        if (data.status === "done") {
          state.textContent = root.getAttribute("data-done-label");
          download.hidden = false;
          return;
        }
        if (data.status === "failed") {
          state.textContent = root.getAttribute("data-failed-label");
          return;
        }
        state.textContent = data.status_label + " (" + data.progress + "%)";
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
