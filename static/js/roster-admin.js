/* Roster import: while the worker checks or imports, poll its progress; reload when done. */
(function () {
  "use strict";
  var root = document.getElementById("roster-detail");
  if (!root || root.dataset.finished === "true") return;
  var bar = document.getElementById("roster-progress");
  var text = document.getElementById("roster-progress-text");
  var poll = function () {
    fetch(root.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { setTimeout(poll, 5000); return; }
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
        if (text) text.textContent = data.status_label + " (" + data.percent + "%)";
        if (data.finished) window.location.reload();
        else setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  };
  poll();
})();
