// The driver's outbox: which server answers finish an action, keep it for a retry, or keep it
// for the driver's attention, and how long to wait before the next attempt. Pure functions,
// no DOM: the page (routes-driver.js) loads it as `NextMileOutbox`, the tests run it in node.
(function (root, factory) {
  "use strict";
  var rules = factory();
  if (typeof module === "object" && module.exports) { module.exports = rules; }
  else { root.NextMileOutbox = rules; }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var BASE_MS = 2000, CAP_MS = 5 * 60 * 1000;

  // `status` is the HTTP status, or null when no answer came (network error, timeout).
  // 2xx: recorded (201) or already recorded under the same idempotency key (200): done.
  // 408, 429, every 5xx and no answer: the server did not decide; keep and retry.
  // Any other 4xx: the server refused this action; keep it until the driver fixes or discards it.
  function outcome(status) {
    if (status === null || status === undefined || status === 0) { return "retry"; }
    if (status >= 200 && status < 300) { return "done"; }
    if (status === 408 || status === 429 || status >= 500) { return "retry"; }
    if (status >= 400) { return "attention"; }
    return "retry";  // 1xx / 3xx: no definite answer (a redirect to sign-in is not a refusal)
  }

  // Exponential backoff from 2 s, doubled per failed attempt, capped at 5 minutes.
  // `retryAfterS` (a Retry-After header in seconds) wins when it asks for longer.
  function delayMs(attempts, retryAfterS) {
    var n = Math.max(0, (attempts || 1) - 1);
    var wait = Math.min(CAP_MS, BASE_MS * Math.pow(2, Math.min(n, 20)));
    if (retryAfterS && retryAfterS * 1000 > wait) { wait = Math.min(CAP_MS, retryAfterS * 1000); }
    return wait;
  }

  // The refusal's first message, from a DRF error body ({"field": ["msg"]} or {"detail": "msg"}).
  function refusalMessage(body) {
    if (!body || typeof body !== "object") { return "The server refused this action."; }
    var keys = Object.keys(body);
    if (!keys.length) { return "The server refused this action."; }
    var value = body[keys[0]];
    return Array.isArray(value) ? value.join(" ") : String(value);
  }

  // Longest side at most `maxSide`, keeping the aspect ratio; never upscaled.
  function fitWithin(width, height, maxSide) {
    var scale = Math.min(1, maxSide / Math.max(width, height));
    return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  }

  return { outcome: outcome, delayMs: delayMs, refusalMessage: refusalMessage, fitWithin: fitWithin };
});
