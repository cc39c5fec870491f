/* Admin check-in screens: live attendance counts and badge batch progress, by polling JSON. */
(function () {
  "use strict";

  var attendance = document.getElementById("attendance");
  if (attendance && attendance.dataset.liveUrl) {
    var refresh = function () {
      fetch(attendance.dataset.liveUrl, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          data.days.forEach(function (row) {
            var tr = attendance.querySelector('tr[data-day="' + row.day + '"]');
            if (!tr) return;
            tr.querySelector('[data-field="checked_in"]').textContent = row.checked_in;
            tr.querySelector('[data-field="confirmed"]').textContent = row.confirmed;
            tr.querySelector('[data-field="percent"]').textContent = row.percent;
            tr.querySelector('[data-field="progress"]').value = row.percent;
          });
        })
        .catch(function () {});
    };
    setInterval(refresh, 15000);
  }

  var rows = document.querySelectorAll("tr.badge-batch[data-finished=false]");
  rows.forEach(function (tr) {
    var poll = function () {
      fetch(tr.dataset.progressUrl, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          tr.querySelector('[data-field="progress"]').value = data.percent;
          tr.querySelector('[data-field="progress"]').textContent = data.percent + "%";
          tr.querySelector('[data-field="status"]').textContent = data.status_label;
          tr.querySelector('[data-field="done"]').textContent = data.done;
          tr.querySelector('[data-field="total"]').textContent = data.total;
          var error = tr.querySelector('[data-field="error"]');
          error.textContent = data.error;
          error.hidden = !data.error;  // Wagtail draws a warning icon even when it is empty
          if (data.download_url) {
            var link = tr.querySelector('[data-field="download"]');
            link.href = data.download_url;
            link.hidden = false;
          }
          if (data.finished) tr.dataset.finished = "true";
          else setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 5000); });
    };
    poll();
  });
})();
