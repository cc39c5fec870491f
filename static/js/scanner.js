/* The check-in scanner: camera (native BarcodeDetector, else the vendored jsQR), keyboard-wedge
 * USB scanners (a code typed, then Enter), and name search. Without a network, scans are kept
 * in IndexedDB and sent in one request when the connection returns; every scan carries a nonce,
 * so sending one twice counts once. Strings come translated from the page (json_script). */
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) return;
  var T = JSON.parse(document.getElementById("scanner-strings").textContent);
  var eventId = root.dataset.event;
  var csrf = root.dataset.csrf;
  var device = (navigator.userAgent || "").slice(0, 100);
  var els = {
    connection: document.getElementById("scanner-connection"),
    result: document.getElementById("scanner-result"),
    message: document.getElementById("scanner-message"),
    details: document.getElementById("scanner-details"),
    language: document.getElementById("scanner-language"),
    assistance: document.getElementById("scanner-assistance"),
    time: document.getElementById("scanner-time"),
    timeLabel: document.getElementById("scanner-time-label"),
    wedge: document.getElementById("wedge-form"),
    token: document.getElementById("token-input"),
    cameraToggle: document.getElementById("camera-toggle"),
    cameraStatus: document.getElementById("camera-status"),
    video: document.getElementById("camera-video"),
    canvas: document.getElementById("camera-canvas"),
    searchForm: document.getElementById("search-form"),
    searchInput: document.getElementById("search-input"),
    searchResults: document.getElementById("search-results"),
    recent: document.getElementById("scanner-recent"),
  };

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  /* Times are the event's wall clock (its zone is on the page), never the device's zone:
   * the server says when a scan was recorded; a scan kept offline shows the device clock's
   * moment converted to the event's zone. */
  var timeZone = root.dataset.timeZone || undefined;
  function eventTime(date) {
    try {
      return new Intl.DateTimeFormat("en-GB", {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timeZone,
      }).format(date);
    } catch (e) {
      return date.toISOString().slice(11, 16);
    }
  }

  function newNonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  /* ---- IndexedDB queue ------------------------------------------------------------ */
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open("checkin-queue", 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore("scans", { keyPath: "nonce" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }
  function store(mode) {
    return db().then(function (d) {
      return d.transaction("scans", mode).objectStore("scans");
    });
  }
  function asPromise(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function queueAdd(scan) {
    return store("readwrite").then(function (s) { return asPromise(s.put(scan)); });
  }
  function queueAll() {
    return store("readonly").then(function (s) { return asPromise(s.getAll()); }).then(
      function (rows) { return rows.filter(function (r) { return r.event === eventId; }); }
    );
  }
  function queueDelete(nonces) {
    return store("readwrite").then(function (s) {
      return Promise.all(nonces.map(function (n) { return asPromise(s.delete(n)); }));
    });
  }

  /* ---- Display ---------------------------------------------------------------------- */
  function showConnection(waiting) {
    var online = navigator.onLine;
    var text = online ? T.online : T.offline;
    if (waiting) text += " " + fmt(T.waiting, { count: waiting });
    els.connection.textContent = text;
    els.connection.dataset.state = online ? (waiting ? "waiting" : "online") : "offline";
  }
  function refreshConnection() {
    return queueAll().then(function (rows) { showConnection(rows.length); });
  }

  function show(result) {
    els.result.dataset.level = result.level || "error";
    els.result.dataset.code = result.code || "";
    els.message.textContent = result.message;
    var p = result.participant;
    if (p) {
      els.language.textContent = p.language || T.none;
      var needs = p.assistance_needs || [];
      els.assistance.textContent = needs.length ? needs.join(", ") : (p.assistance ? T.yes : T.no);
      els.time.textContent = p.time ? p.time + ", " + p.time_zone : "";
      els.time.hidden = els.timeLabel.hidden = !p.time;
      els.details.hidden = false;
    } else {
      els.details.hidden = true;
    }
    var item = document.createElement("li");
    item.dataset.level = result.level || "error";
    var when = result.participant && result.participant.time;
    item.textContent = (when || eventTime(new Date())) + " · " + result.message;
    els.recent.insertBefore(item, els.recent.firstChild);
    while (els.recent.children.length > 30) els.recent.removeChild(els.recent.lastChild);
  }

  /* ---- Sending ---------------------------------------------------------------------- */
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  }

  function queueScan(scan) {
    return queueAdd(scan).then(function () {
      show({ level: "warning", code: "queued", message: T.queued });
      return refreshConnection();
    });
  }

  /* Check-out mode records when the badge holder leaves; it needs the connection (the
   * offline queue holds arrivals only). */
  var mode = "checkin";
  var wedgeSubmit = document.getElementById("wedge-submit");
  var wedgeLabel = wedgeSubmit ? wedgeSubmit.textContent : "";
  document.querySelectorAll("input[name=scanner-mode]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (!input.checked) return;
      mode = input.value === "checkout" ? "checkout" : "checkin";
      if (wedgeSubmit) wedgeSubmit.textContent = mode === "checkout" ? T.check_out : wedgeLabel;
      els.token.focus();
    });
  });
  function checkoutUnsent() {
    show({ level: "error", code: "checkout_offline", message: T.checkout_offline });
  }

  function submit(token) {
    token = (token || "").trim();
    if (!token) return Promise.resolve();
    var scan = { event: eventId, token: token, nonce: newNonce(), at: new Date().toISOString() };
    var leaving = mode === "checkout";
    if (!navigator.onLine) return leaving ? Promise.resolve(checkoutUnsent()) : queueScan(scan);
    var body = { token: scan.token, nonce: scan.nonce, device: device };
    if (leaving) body.mode = "checkout";
    return post(root.dataset.scanUrl, body)
      .then(
        function (response) {
          if (response.status >= 500) throw new Error("server");
          return response.json().then(show);
        },
        function () { return leaving ? checkoutUnsent() : queueScan(scan); }
      )
      .catch(function () {
        show({ level: "error", code: "server_error", message: T.server_error });
      });
  }

  var syncing = false;
  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return queueAll()
      .then(function (rows) {
        if (!rows.length) return null;
        var scans = rows.map(function (r) { return { token: r.token, nonce: r.nonce, at: r.at }; });
        return post(root.dataset.syncUrl, { scans: scans, device: device }).then(function (response) {
          if (!response.ok) throw new Error("sync " + response.status);
          return response.json().then(function (data) {
            data.results.forEach(show);
            return queueDelete(rows.map(function (r) { return r.nonce; })).then(function () {
              els.connection.dataset.synced = String(rows.length);
              return rows.length;
            });
          });
        });
      })
      .then(function (count) {
        return refreshConnection().then(function () {
          if (count) els.connection.textContent += " " + fmt(T.synced, { count: count });
        });
      })
      .catch(function () { return refreshConnection(); })
      .then(function () { syncing = false; });
  }

  /* ---- Keyboard wedge and search ------------------------------------------------------- */
  els.wedge.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = els.token.value;
    els.token.value = "";
    submit(value).then(function () { els.token.focus(); });
  });

  function runSearch() {
    var q = els.searchInput.value.trim();
    if (q.length < 2) return Promise.resolve();
    return fetch(root.dataset.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        els.searchResults.textContent = "";
        if (!data.results.length) {
          var none = document.createElement("li");
          none.textContent = T.no_results;
          els.searchResults.appendChild(none);
          return;
        }
        data.results.forEach(function (row) {
          var li = document.createElement("li");
          var text = document.createElement("span");
          var status = row.status_label + (row.checked_in_label ? ", " + row.checked_in_label : "");
          text.textContent =
            row.name + (row.organisation ? " — " + row.organisation : "") + " (" + status + ")";
          if (row.checked_in) li.dataset.checkedIn = row.checked_in;
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button button-small";
          button.textContent = T.check_in;
          button.setAttribute("aria-label", T.check_in + ": " + row.name);
          button.addEventListener("click", function () {
            // The list is asked for again, so it shows who is now checked in, and when.
            submit(row.token).then(function () { if (navigator.onLine) return runSearch(); });
          });
          li.appendChild(text);
          // Someone checked in today needs no second scan: the time says it all.
          if (!row.checked_in) {
            li.appendChild(document.createTextNode(" "));
            li.appendChild(button);
          }
          els.searchResults.appendChild(li);
        });
      })
      .catch(function () {
        show({ level: "error", code: "network_error", message: T.network_error });
      });
  }

  els.searchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    runSearch();
  });

  /* ---- Camera -------------------------------------------------------------------------- */
  var stream = null;
  var detector = null;
  var lastToken = "";
  var lastAt = 0;
  var busy = false;

  function found(token) {
    var now = Date.now();
    if (token === lastToken && now - lastAt < 4000) return;
    lastToken = token;
    lastAt = now;
    busy = true;
    submit(token).then(function () { busy = false; });
  }

  function decodeFrame() {
    if (!stream) return;
    var video = els.video;
    if (!busy && video.readyState >= 2 && video.videoWidth) {
      if (detector) {
        detector.detect(video).then(function (codes) {
          if (codes.length) found(codes[0].rawValue);
        }, function () {});
      } else if (window.jsQR) {
        var canvas = els.canvas;
        var scale = Math.min(1, 640 / video.videoWidth);
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        var ctx = canvas.getContext("2d", { willReadFrequently: true });
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(image.data, image.width, image.height, {
          inversionAttempts: "dontInvert",
        });
        if (code && code.data) found(code.data);
      }
    }
    setTimeout(decodeFrame, 150);
  }

  function startCamera() {
    var constraints = { video: { facingMode: "environment" }, audio: false };
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      els.cameraStatus.textContent = T.camera_error;
      return;
    }
    var ready = Promise.resolve();
    if ("BarcodeDetector" in window && window.BarcodeDetector.getSupportedFormats) {
      ready = window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") >= 0) {
          detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        }
      }, function () {});
    }
    ready
      .then(function () { return navigator.mediaDevices.getUserMedia(constraints); })
      .then(function (s) {
        stream = s;
        els.video.srcObject = s;
        els.video.hidden = false;
        return els.video.play();
      })
      .then(function () {
        els.cameraToggle.textContent = T.camera_stop;
        els.cameraToggle.setAttribute("aria-pressed", "true");
        els.cameraStatus.textContent = T.camera_on;
        decodeFrame();
      })
      .catch(function () {
        stopCamera();
        els.cameraStatus.textContent = T.camera_error;
      });
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    els.video.hidden = true;
    els.video.srcObject = null;
    els.cameraToggle.textContent = T.camera_start;
    els.cameraToggle.setAttribute("aria-pressed", "false");
    els.cameraStatus.textContent = "";
  }

  els.cameraToggle.addEventListener("click", function () {
    if (stream) stopCamera();
    else startCamera();
  });

  /* ---- Connection and the service worker ----------------------------------------------- */
  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", function () { refreshConnection(); });
  setInterval(sync, 15000);
  refreshConnection().then(sync);

  if ("serviceWorker" in navigator && root.dataset.swUrl) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "cached") root.dataset.offlineReady = "true";
    });
    navigator.serviceWorker
      .register(root.dataset.swUrl, { scope: root.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        var urls = [location.href];
        document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (el) {
          urls.push(el.href || el.src);
        });
        performance.getEntriesByType("resource").forEach(function (entry) {
          if (entry.name.indexOf(location.origin + "/static/") === 0) urls.push(entry.name);
        });
        if (registration.active) registration.active.postMessage({ type: "cache", urls: urls });
      })
      .catch(function () {});
  }
})();
