#!/usr/bin/env python3
"""html-check.py DOM FACTS_JSON HTML_FILE: checks a page chromium dumped (--dump-dom) against the facts
(`stacktune facts --format json`) of the same run: every bar segment, total and limit carries the model's
number, and its width/position is that number times the chart's scale. Prints problems; exit 1 on any."""
import json, re, sys
from html.parser import HTMLParser

dom = open(sys.argv[1], encoding="utf-8").read()
facts = {f["name"]: f["value"] for f in json.load(open(sys.argv[2]))["facts"]}
raw = open(sys.argv[3], encoding="utf-8").read()
bad = []


class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.charts, self.chart, self.bar, self.body, self.ports = {}, None, None, {}, []

    def handle_starttag(self, tag, a):
        a = dict(a)
        cls = (a.get("class") or "").split()
        if tag == "body":
            self.body = a
        if tag == "svg" and "chart" in cls:
            self.chart = {"id": a["id"], "scale": float(a["data-scale"]), "x0": float(a["data-x0"]), "bars": []}
            self.charts[a["id"]] = self.chart
        if tag == "g" and "bar" in cls and self.chart is not None:
            self.bar = dict(a, segs=[])
            self.chart["bars"].append(self.bar)
        if tag == "g" and "port" in cls:
            self.ports.append(a)
        if tag == "rect" and "seg" in cls and self.bar is not None:
            self.bar["segs"].append(a)
        if tag == "line" and "limit" in cls and self.bar is not None:
            self.bar["line"] = a

    def handle_endtag(self, tag):
        if tag == "svg":
            self.chart = None
            self.bar = None


p = P()
p.feed(dom)
nseg = 0
for cid, c in p.charts.items():
    s = c["scale"]
    for b in c["bars"]:
        x = c["x0"]
        total = 0
        for r in b["segs"]:
            nseg += 1
            v = int(r["data-value"])
            total += v
            if facts.get(r["data-fact"]) != v:
                bad.append("%s %s: segment %s = %d, fact %s = %r" % (cid, b["data-id"], r["data-label"], v, r["data-fact"], facts.get(r["data-fact"])))
            if abs(float(r["width"]) - v * s) > 0.01 or abs(float(r["x"]) - x) > 0.01:
                bad.append("%s %s: segment %s drawn at x=%s width=%s, want %.3f %.3f" % (cid, b["data-id"], r["data-label"], r["x"], r["width"], x, v * s))
            x += v * s
        t = int(b["data-total"])
        if cid == "chart-connections":
            want = facts.get(b["data-id"] + ".connection_demand", facts.get(b["data-id"] + ".client_demand", 0))
            if t != want:
                bad.append("%s %s: total %d, model's demand %r" % (cid, b["data-id"], t, want))
        if b["segs"] and total != t:
            bad.append("%s %s: segments sum to %d, total %d" % (cid, b["data-id"], total, t))
        if "data-limit" in b:
            lim = int(b["data-limit"])
            if facts.get(b["data-limit-fact"]) != lim:
                bad.append("%s %s: limit %d, fact %s = %r" % (cid, b["data-id"], lim, b["data-limit-fact"], facts.get(b["data-limit-fact"])))
            if abs(float(b["line"]["x1"]) - (c["x0"] + lim * s)) > 0.01:
                bad.append("%s %s: limit line at %s" % (cid, b["data-id"], b["line"]["x1"]))
for need in ("chart-connections", "chart-memory"):
    if need not in p.charts or not p.charts[need]["bars"]:
        bad.append("no bars in " + need)
mem = p.charts.get("chart-memory", {"bars": []})["bars"]
if mem and int(mem[0].get("data-limit", -1)) != facts.get("host.memory"):
    bad.append("memory chart limit is not host.memory")
check = p.body.get("data-check", "")
if check != "ok %d segments" % nseg:
    bad.append("page self-check: %r (want 'ok %d segments')" % (check, nseg))
# self-contained: nothing to fetch
for pat in (r"<link\b", r"\bsrc\s*=", r"\bhref\s*=", r"url\(", r"@import"):
    if re.search(pat, raw, re.I):
        bad.append("the page references an outside resource: " + pat)
if len(sys.argv) > 4:  # expected port rows: PORT:CLASS ...
    got = {(g.get("data-port"), c) for g in p.ports for c in g.get("class", "").split()}
    for want in sys.argv[4:]:
        port, cls = want.split(":")
        if (port, cls) not in got:
            bad.append("port map lacks %s as %s" % (port, cls))
for m in bad:
    print(m)
print("%d charts, %d segments checked" % (len(p.charts), nseg))
sys.exit(1 if bad else 0)
