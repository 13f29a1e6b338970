// While a member import is being checked or applied, poll its summary every two seconds
// and move its progress bar; reload once it has finished, so the report shows. The page
// gives the summary's URL in data-url on this script's tag.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var url = script.dataset.url;
  var section = document.querySelector("[data-import]");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (item) {
        if (item && item.status !== "checking" && item.status !== "applying") { window.location.reload(); return; }
        if (item && section) {
          var bar = section.querySelector('[data-field="progress"]');
          var rows = section.querySelector('[data-field="rows"]');
          bar.max = Math.max(item.rows_total, 1); bar.value = item.rows_done;
          rows.textContent = item.rows_done + "/" + item.rows_total;
        }
        window.setTimeout(poll, 2000);
      });
  }
  window.setTimeout(poll, 2000);
})();
