// The book's service worker: keeps the in-page Python (the Pyodide runtime and packages under
// _static/pyodide/, and the runner under _static/run_in_page/) so that the second page, and the
// next visit, load them from this browser and not from the network.
//
// runcell.js registers it on the first press of Run only, so a page that is only read loads nothing.
// The build (tools/run_in_page.py) copies it to the site root, so its scope is the whole site, and
// writes VERSION from the Pyodide version and a hash of the shipped lock and runner files: a new
// build gets a new cache, and activate deletes the old ones.
"use strict";

const VERSION = "__RUN_IN_PAGE_VERSION__";
const PREFIX = "run-in-page-";
const CACHE = PREFIX + VERSION;
const KEEP = new Set([CACHE, "run-in-page-fonts"]);
const SCOPE = new URL("./", self.location).href;
const CACHED = [SCOPE + "_static/pyodide/", SCOPE + "_static/run_in_page/"];

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && !KEEP.has(name)) await caches.delete(name);
      }
      await self.clients.claim(); // the page that pressed Run uses the cache from its first load on
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = request.url.split("#")[0].split("?")[0];
  if (!CACHED.some((prefix) => url.startsWith(prefix))) return; // everything else: the network, as usual
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(url);
      if (hit) return hit;
      const response = await fetch(url); // no integrity here: Pyodide checks its own request's hash
      // stored while the page reads it, so that the page's progress bar moves as the bytes arrive
      if (response.ok && response.type === "basic") event.waitUntil(cache.put(url, response.clone()));
      return response;
    })(),
  );
});
