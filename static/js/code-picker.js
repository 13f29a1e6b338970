/*
 * Code picker: turns a text box of comma-separated HS or ISIC codes into a search
 * with suggestions and removable chips. The text box stays the form field (hidden),
 * so the form works the same without JavaScript.
 *
 * Markup: <input data-code-picker="hs|isic" data-search-url="/api/v1/taxonomies/hs/"
 *                data-multiple="true|false"> inside [data-code-picker-root], optionally
 *         followed by <ul data-code-list><li data-code data-description>…</li></ul>.
 *
 * Also: a <select data-province-for="id_country" data-provinces-url=".../{code}/provinces/">
 * reloads its options when the country changes.
 */
(function () {
  "use strict";

  var SEARCH_DELAY_MS = 250;
  var MIN_QUERY_LENGTH = 2;
  var pickerCount = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function splitCodes(value) {
    return (value || "").split(/[,;\n]/).map(function (c) { return c.trim(); })
      .filter(function (c) { return c.length > 0; });
  }

  function normalise(code) {
    return String(code).replace(/[^0-9A-Za-z]/g, "").toUpperCase();
  }

  function levelName(taxonomy, level) {
    if (taxonomy === "hs") {
      return { 2: "chapter", 4: "heading", 6: "subheading" }[level] || "";
    }
    return { 1: "section", 2: "division", 3: "group", 4: "class" }[level] || "";
  }

  function CodePicker(input) {
    this.input = input;
    this.taxonomy = input.dataset.codePicker;
    this.searchUrl = input.dataset.searchUrl;
    this.multiple = input.dataset.multiple !== "false";
    this.root = input.closest("[data-code-picker-root]") || input.parentNode;
    this.descriptions = {};
    this.codes = splitCodes(input.value).map(normalise);
    this.results = [];
    this.active = -1;
    this.requestSeq = 0;
    this.timer = null;
    this.id = "code-picker-" + (++pickerCount);
    this.build();
  }

  CodePicker.prototype.build = function () {
    var self = this;
    var list = this.root.querySelector("[data-code-list]");
    if (list) {
      list.querySelectorAll("li[data-code]").forEach(function (item) {
        self.descriptions[item.dataset.code] = item.dataset.description || "";
      });
      list.hidden = true;
    }

    this.chips = el("ul", { "class": "code-chips", "aria-label": "Chosen codes" });
    this.search = el("input", {
      type: "search",
      id: this.input.id + "_search",
      "class": "code-picker-search",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": this.id + "-listbox",
      autocomplete: "off",
      placeholder: this.taxonomy === "hs"
        ? "Type a product (e.g. t-shirt) or an HS code"
        : "Type an activity (e.g. knitting) or an ISIC code"
    });
    var describedBy = this.input.getAttribute("aria-describedby");
    if (describedBy) this.search.setAttribute("aria-describedby", describedBy);
    if (this.input.getAttribute("aria-invalid")) this.search.setAttribute("aria-invalid", "true");
    this.listbox = el("ul", { id: this.id + "-listbox", role: "listbox", "class": "code-suggestions" });
    this.listbox.hidden = true;
    this.status = el("p", { "class": "visually-hidden", "aria-live": "polite" });

    var label = document.querySelector('label[for="' + this.input.id + '"]');
    if (label) label.setAttribute("for", this.search.id);

    this.input.type = "hidden";
    this.root.insertBefore(this.chips, this.input);
    this.root.insertBefore(this.search, this.input);
    this.root.insertBefore(this.listbox, this.input);
    this.root.appendChild(this.status);
    this.renderChips();

    this.search.addEventListener("input", function () { self.schedule(); });
    this.search.addEventListener("keydown", function (event) { self.onKey(event); });
    this.search.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 150);
    });
    this.listbox.addEventListener("mousedown", function (event) {
      // Keep the focus in the search box so that blur does not close the list first.
      event.preventDefault();
    });
    this.listbox.addEventListener("click", function (event) {
      var option = event.target.closest("li[data-index]");
      if (option) self.choose(Number(option.dataset.index));
    });
    this.chips.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-remove]");
      if (button) self.remove(button.dataset.remove);
    });
  };

  CodePicker.prototype.sync = function () {
    this.input.value = this.codes.join(", ");
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  CodePicker.prototype.renderChips = function () {
    var self = this;
    this.chips.textContent = "";
    this.codes.forEach(function (code) {
      var description = self.descriptions[code];
      var chip = el("li", { "class": "code-chip", "data-code": code });
      chip.appendChild(el("code", {}, code));
      chip.appendChild(el("span", { title: description || "" }, description || "unknown code"));
      chip.appendChild(el("button", {
        type: "button",
        "data-remove": code,
        "aria-label": "Remove " + code + (description ? " " + description : "")
      }, "×"));
      self.chips.appendChild(chip);
    });
    this.chips.hidden = this.codes.length === 0;
  };

  CodePicker.prototype.add = function (code, description) {
    code = normalise(code);
    if (!code) return;
    if (description) this.descriptions[code] = description;
    if (!this.multiple) {
      this.codes = [code];
    } else if (this.codes.indexOf(code) === -1) {
      this.codes.push(code);
    }
    this.sync();
    this.renderChips();
    this.status.textContent = code + " added.";
  };

  CodePicker.prototype.remove = function (code) {
    this.codes = this.codes.filter(function (c) { return c !== code; });
    this.sync();
    this.renderChips();
    this.status.textContent = code + " removed.";
    this.search.focus();
  };

  CodePicker.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.fetch(); }, SEARCH_DELAY_MS);
  };

  CodePicker.prototype.fetch = function () {
    var self = this;
    var query = this.search.value.trim();
    if (query.length < MIN_QUERY_LENGTH) { this.close(); return; }
    var seq = ++this.requestSeq;
    var url = this.searchUrl + (this.searchUrl.indexOf("?") === -1 ? "?" : "&") +
      "q=" + encodeURIComponent(query);
    window.fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (seq !== self.requestSeq) return;  // a newer search has started
        self.show(Array.isArray(data) ? data : (data.results || []), data.count);
      })
      .catch(function () {
        if (seq !== self.requestSeq) return;
        self.showMessage("Suggestions are unavailable; type the codes separated by commas.");
      });
  };

  CodePicker.prototype.show = function (results, count) {
    var self = this;
    this.results = results;
    this.active = -1;
    this.listbox.textContent = "";
    if (!results.length) {
      this.showMessage("No code matches “" + this.search.value.trim() + "”.");
      return;
    }
    results.forEach(function (item, index) {
      var option = el("li", {
        role: "option",
        id: self.id + "-option-" + index,
        "data-index": String(index),
        "data-code": item.code,
        "aria-selected": "false"
      });
      option.appendChild(el("code", {}, item.code));
      option.appendChild(document.createTextNode(" " + item.description));
      var level = levelName(self.taxonomy, item.level);
      if (level) option.appendChild(el("span", { "class": "level" }, level));
      self.listbox.appendChild(option);
    });
    this.open();
    var total = typeof count === "number" ? count : results.length;
    this.status.textContent = total + " suggestion" + (total === 1 ? "" : "s") + ".";
  };

  CodePicker.prototype.showMessage = function (text) {
    this.results = [];
    this.listbox.textContent = "";
    this.listbox.appendChild(el("li", { "class": "empty", role: "option", "aria-disabled": "true" }, text));
    this.open();
    this.status.textContent = text;
  };

  CodePicker.prototype.open = function () {
    this.listbox.hidden = false;
    this.search.setAttribute("aria-expanded", "true");
  };

  CodePicker.prototype.close = function () {
    this.listbox.hidden = true;
    this.active = -1;
    this.search.setAttribute("aria-expanded", "false");
    this.search.removeAttribute("aria-activedescendant");
  };

  CodePicker.prototype.choose = function (index) {
    var item = this.results[index];
    if (!item) return;
    this.add(item.code, item.description);
    this.search.value = "";
    this.close();
    this.search.focus();
  };

  CodePicker.prototype.highlight = function (index) {
    var options = this.listbox.querySelectorAll("li[data-index]");
    if (!options.length) return;
    this.active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === this.active ? "true" : "false");
    }, this);
    var current = options[this.active];
    this.search.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  CodePicker.prototype.onKey = function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (this.listbox.hidden) { this.fetch(); } else { this.highlight(this.active + 1); }
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      this.highlight(this.active - 1);
    } else if (event.key === "Enter") {
      // Enter picks a suggestion instead of submitting the whole form.
      if (!this.listbox.hidden && this.active >= 0) {
        event.preventDefault();
        this.choose(this.active);
      } else if (/^[0-9A-Za-z. ]+$/.test(this.search.value.trim()) && /\d/.test(this.search.value)) {
        event.preventDefault();
        this.add(this.search.value);
        this.search.value = "";
        this.close();
      }
    } else if (event.key === "Escape") {
      this.close();
    } else if (event.key === "Backspace" && !this.search.value && this.codes.length) {
      this.remove(this.codes[this.codes.length - 1]);
    }
  };

  function ProvinceLoader(select) {
    var country = document.getElementById(select.dataset.provinceFor);
    var template = select.dataset.provincesUrl;
    if (!country || !template) return;
    var seq = 0;
    country.addEventListener("change", function () {
      var code = country.value;
      var mine = ++seq;
      var blank = select.options.length ? select.options[0].cloneNode(true) : el("option", { value: "" }, "—");
      select.textContent = "";
      select.appendChild(blank);
      select.value = "";
      if (!code) return;
      window.fetch(template.replace("{code}", encodeURIComponent(code)), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (mine !== seq) return;
          var items = Array.isArray(data) ? data : (data.results || []);
          items.forEach(function (item) {
            var label = item.name || item.description || item.code;
            if (item.type) label += " (" + item.type + ")";
            select.appendChild(el("option", { value: item.code }, label));
          });
        })
        .catch(function () { /* keep the blank choice: the province stays optional */ });
    });
  }

  function init() {
    document.querySelectorAll("input[data-code-picker]").forEach(function (input) {
      new CodePicker(input);
    });
    document.querySelectorAll("select[data-province-for]").forEach(function (select) {
      ProvinceLoader(select);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
