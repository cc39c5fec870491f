/* Service worker of the check-in scanner (served at /admin/checkin/sw.js, scope /admin/checkin/).
 * It keeps a copy of the scanner page and the files it loads, so the page reloads without a
 * network; scans made then are queued by scanner.js. Nothing but GET requests is cached, and
 * JSON endpoints (scan, sync, search) always go to the network. */
"use strict";

var CACHE = "checkin-scanner-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  var urls = data.urls.filter(function (url) {
    return new URL(url, self.location.href).origin === self.location.origin;
  });
  var client = event.source;
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(
        urls.map(function (url) {
          return fetch(url, { credentials: "same-origin" }).then(function (response) {
            if (response.ok) return cache.put(url, response);
          }, function () {});
        })
      );
    }).then(function () {
      // Tell the page its copy is kept: only from now on does a reload work offline.
      if (client) client.postMessage({ type: "cached" });
    })
  );
});

function isScannerPage(url) {
  return /\/checkin\/\d+\/$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && isScannerPage(url)) {
    // Network first: staff get the live page; the copy is only for when the network is gone.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request.url, copy); });
        }
        return response;
      }, function () {
        return caches.match(request.url).then(function (hit) {
          return hit || Response.error();
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(request.url).then(function (hit) {
          return hit || Response.error();
        });
      })
    );
  }
});
