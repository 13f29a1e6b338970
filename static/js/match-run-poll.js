// While a match run is queued or running, poll the API every few seconds and update its
// row; reload once every run on the page has finished, so counts and duration show.
// The page gives the run ids (json_script "active-runs") and the API's base URL
// (data-api on this script's tag).
(function () {
  "use strict";
  var script = document.currentScript;
  var data = document.getElementById("active-runs");
  if (!script || !data) { return; }
  var ids = JSON.parse(data.textContent);
  var base = script.dataset.api;
  var active = ["queued", "running"];
  function update(run) {
    var row = document.querySelector('[data-run="' + run.id + '"]');
    if (!row) { return; }
    var status = row.querySelector('[data-field="status"]');
    var bar = row.querySelector('[data-field="progress"]');
    var shards = row.querySelector('[data-field="shards"]');
    if (status) { status.textContent = run.status_display; }
    if (bar) { bar.max = Math.max(run.shards_total, 1); bar.value = run.shards_done; }
    if (shards) { shards.textContent = run.shards_done + "/" + run.shards_total; }
  }
  function poll() {
    Promise.all(ids.map(function (id) {
      return fetch(base + id + "/", {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; });
    })).then(function (runs) {
      var running = 0;
      runs.forEach(function (run) {
        if (!run) { running += 1; return; }
        update(run);
        if (active.indexOf(run.status) !== -1) { running += 1; }
      });
      if (running) { window.setTimeout(poll, 3000); } else { window.location.reload(); }
    });
  }
  window.setTimeout(poll, 3000);
})();
