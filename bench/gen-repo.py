#!/usr/bin/env python3
"""Generates a synthetic repository for benchmarks: N files in a realistic mix (sources, configs the
loaders read, node_modules and .git noise, a .gitignore). Usage: gen-repo.py DIR [N]"""
import os, random, sys

root = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
random.seed(42)
kinds = [("src", ".js", 30), ("src", ".py", 20), ("pkg", ".go", 15), ("docs", ".md", 8),
         ("assets", ".png", 5), ("conf", ".yml", 3), ("conf", ".conf", 1), ("app", ".env", 1)]
weights = [k[2] for k in kinds]
os.makedirs(root, exist_ok=True)
with open(os.path.join(root, ".gitignore"), "w") as f:
    f.write("*.log\n/tmp/\ncoverage/\n")
made = 0
while made < total:
    svc = "service%03d" % (made // 2000)
    top, ext, _ = random.choices(kinds, weights)[0]
    where = random.random()
    if where < 0.25:
        d = os.path.join(root, svc, "node_modules", "lib%d" % random.randrange(200))
    elif where < 0.30:
        d = os.path.join(root, ".git", "objects", "%02x" % random.randrange(256))
    else:
        d = os.path.join(root, svc, top, "m%d" % random.randrange(40))
    os.makedirs(d, exist_ok=True)
    name = ("f%d" % made) + ext
    if ext == ".env":
        name = ".env" if random.random() < 0.5 else ".env.production"
        body = "PORT=%d\nDATABASE_URL=postgres://app:bench-not-secret@db:5432/app\nPOOL_MAX=10\n" % (3000 + made % 100)
    elif ext == ".conf":
        name = "postgresql.conf"
        body = "max_connections = 100\nshared_buffers = 128MB\n"
    elif ext == ".png":
        body = "\x89PNG\r\n\x1a\n\0\0\0binary"
    else:
        body = "// generated file %d\n" % made * 8
    with open(os.path.join(d, name), "w") as f:
        f.write(body)
    made += 1
print(root, made)
