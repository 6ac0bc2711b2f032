"use strict";
// Builds the article list from the JSON data. Scraped text is only ever set with textContent, never parsed as HTML.
(function () {
  const META = new Set(["title", "dateline", "byline"]); // lines that became metadata, not boilerplate
  const PAGE = 200; // articles added per "Show more": keeps the page light with thousands of articles
  const articles = JSON.parse(document.getElementById("report-data").textContent);
  const list = document.getElementById("articles");
  const query = document.getElementById("q");
  const category = document.getElementById("category");
  const rule = document.getElementById("rule");
  const count = document.getElementById("count");
  const more = document.getElementById("more");
  const haystacks = new Array(articles.length);
  let matches = [];
  let shown = 0;
  let timer = 0;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function haystack(i) {
    if (haystacks[i] === undefined) {
      const a = articles[i];
      haystacks[i] = [a.path, a.title || "", a.url || ""].concat(a.lines.map((l) => l[3])).join("\n").toLowerCase();
    }
    return haystacks[i];
  }

  function selected(a, i, q, c, r) {
    if (c && !(a.cats[c] > 0)) return false;
    if (r && a.rules.indexOf(r) < 0) return false;
    return !q || haystack(i).indexOf(q) >= 0;
  }

  function lineNumber(l) {
    if (l[0] === null) return "";
    return l[1] > l[0] ? l[0] + "-" + l[1] : String(l[0]);
  }

  function line(l) {
    const status = l[2];
    const row = el("div", "line " + status + (status === "k" ? " " + l[4] : ""));
    row.append(el("span", "no", lineNumber(l)));
    const cell = el("div", "text");
    if (status === "k") {
      cell.textContent = l[3];
    } else {
      cell.append(el("del", "", l[3]));
      const label = el("span", "label");
      label.append(el("span", "tag c-" + (status === "m" ? "meta" : "removed"), l[4]), el("code", "", " " + l[5]));
      cell.append(label);
      if ((category.value && l[4] === category.value) || (rule.value && l[5] === rule.value)) row.classList.add("hit");
    }
    row.append(cell);
    return row;
  }

  function body(a) {
    const box = el("div", "lines");
    if (!a.exact) box.append(el("p", "note", "Input not found or changed since the run: kept paragraphs first, then the removed lines by number."));
    a.lines.forEach((l) => box.append(line(l)));
    return box;
  }

  function card(a) {
    const details = el("details", "article");
    details.dataset.id = a.id;
    const summary = el("summary");
    summary.append(el("strong", "title", a.title || "(no title)"), el("span", "path", a.path));
    summary.append(el("span", "tag", a.words + " words"));
    Object.keys(a.cats).forEach((c) => summary.append(el("span", "tag c-" + (META.has(c) ? "meta" : "removed"), c + " " + a.cats[c])));
    if (a.dup) summary.append(el("span", "tag c-dup", "duplicate of " + a.dup));
    details.append(summary);
    details.addEventListener("toggle", () => {
      if (details.open && details.children.length === 1) details.append(body(a)); // built on first open only
    });
    return details;
  }

  function render(upTo) {
    const fragment = document.createDocumentFragment();
    for (; shown < Math.min(upTo, matches.length); shown++) fragment.append(card(articles[matches[shown]]));
    list.append(fragment);
    more.hidden = shown >= matches.length;
    count.textContent = matches.length + " of " + articles.length + " articles" + (shown < matches.length ? " (" + shown + " shown)" : "");
  }

  function apply() {
    const q = query.value.trim().toLowerCase();
    matches = [];
    articles.forEach((a, i) => { if (selected(a, i, q, category.value, rule.value)) matches.push(i); });
    list.replaceChildren();
    shown = 0;
    render(PAGE);
  }

  query.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(apply, 120); });
  category.addEventListener("change", apply);
  rule.addEventListener("change", apply);
  more.addEventListener("click", () => render(shown + PAGE));
  document.querySelectorAll("#categories tbody tr").forEach((row) => row.addEventListener("click", () => {
    category.value = row.dataset.category; rule.value = ""; apply();
  }));
  document.querySelectorAll("#rules tbody tr").forEach((row) => row.addEventListener("click", () => {
    rule.value = row.dataset.rule; category.value = ""; apply();
  }));
  apply();
})();
