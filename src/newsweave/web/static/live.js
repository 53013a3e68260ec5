// The story list follows the store: GET /api/live (server-sent events) sends the list
// again whenever the store changes, and the list is redrawn in place, no reload. Stories
// that are new since the page opened are marked "new", those that gained outlets
// "+N sources"; every row says how long ago its story last changed.
(function () {
  var list = document.getElementById("stories");
  if (!list || !list.dataset.live || !window.EventSource) return;
  var count = document.getElementById("count");
  var status = document.getElementById("live");
  var opened = {};  // story id -> outlets when the page opened
  list.querySelectorAll("li[data-id]").forEach(function (li) {
    opened[li.dataset.id] = Number(li.dataset.sources);
  });

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function ago(iso) {
    var seconds = (Date.now() - Date.parse(iso)) / 1000;
    if (!(seconds >= 0)) return "updated just now";
    if (seconds < 60) return "updated just now";
    var minutes = Math.round(seconds / 60);
    if (minutes < 60) return "updated " + plural(minutes, "min") + " ago";
    var hours = Math.round(minutes / 60);
    if (hours < 48) return "updated " + plural(hours, "hour") + " ago";
    return "updated " + plural(Math.round(hours / 24), "day") + " ago";
  }

  function refreshTimes() {
    list.querySelectorAll("time.updated").forEach(function (t) {
      t.textContent = ago(t.getAttribute("datetime"));
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function row(s) {
    var li = element("li");
    li.dataset.id = s.id;
    li.dataset.sources = s.sources;
    var link = element("a", "headline", s.headline || (s.lead ? "\u201c" + s.lead.text + "\u201d" : "(untitled)"));
    link.href = "/stories/" + encodeURIComponent(s.id);
    li.appendChild(link);
    var span = s.first_seen + (s.last_seen !== s.first_seen ? " – " + s.last_seen : "");
    li.appendChild(element("span", "meta",
      plural(s.sources, "source") + " · " + plural(s.articles, "article") + " · " +
      (s.events !== undefined ? plural(s.events, "event") + " · " : "") + span));
    var time = element("time", "updated");
    time.setAttribute("datetime", s.updated);
    li.appendChild(time);
    if (!(s.id in opened)) {
      li.classList.add("changed");
      li.appendChild(element("span", "mark new", "new"));
    } else if (s.sources > opened[s.id]) {
      li.classList.add("changed");
      li.appendChild(element("span", "mark more", "+" + plural(s.sources - opened[s.id], "source")));
    }
    return li;
  }

  function render(page) {
    var rows = page.stories.map(row);
    list.replaceChildren.apply(list, rows);
    var text = page.total + (page.total === 1 ? " story" : " stories");
    var q = new URLSearchParams(location.search).get("q");
    if (count) count.textContent = text + (q ? " matching “" + q + "”" : "");
    refreshTimes();
  }

  var params = new URLSearchParams(location.search);
  ["q", "since", "offset"].forEach(function (k) { if (!params.get(k)) params.delete(k); });
  params.set("after", list.dataset.live);
  var events = new EventSource("/api/live?" + params.toString());
  events.addEventListener("stories", function (event) {
    render(JSON.parse(event.data));
    if (status) {
      status.hidden = false;
      status.textContent = "live · list updated " + new Date().toLocaleTimeString();
    }
  });
  events.addEventListener("open", function () {
    if (status) { status.hidden = false; if (!status.textContent) status.textContent = "live"; }
  });
  refreshTimes();
  setInterval(refreshTimes, 30000);
})();
