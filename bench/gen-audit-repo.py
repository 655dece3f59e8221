#!/usr/bin/env python3
"""Generates a synthetic monorepo for the audit benchmark: N files (default 10,000) in services that look like
real ones: Django + Gunicorn + Celery (settings.py, start scripts, .env), Go (go.mod, a database package with
SetMaxOpenConns, handlers), Node (package.json, a pg Pool, routes), a docker-compose.yml per service group,
postgresql.conf and my.cnf for the databases, plus ordinary sources, tests, docs and a node_modules tree.
Deterministic (seeded). Usage: gen-audit-repo.py DIR [N]"""
import os, random, sys

root = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
random.seed(10000)
made = 0


def put(rel, body):
    global made
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(body)
    made += 1


PY_SRC = '''import logging
import os

from django.db import models, transaction

log = logging.getLogger(__name__)
PAGE_SIZE = int(os.environ.get("PAGE_SIZE_{n}", "50"))


class Item{n}(models.Model):
    name = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)

    class Meta:
        ordering = ["-created"]


def recent_{n}(user, page=0):
    qs = Item{n}.objects.filter(owner=user).select_related("owner")
    return list(qs[page * PAGE_SIZE:(page + 1) * PAGE_SIZE])


@transaction.atomic
def rename_{n}(pk, name):
    item = Item{n}.objects.select_for_update().get(pk=pk)
    item.name = name
    item.save(update_fields=["name"])
    log.info("renamed %s", pk)
    return item
'''

GO_SRC = '''package handlers

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"time"
)

var timeout{n} = os.Getenv("HANDLER_TIMEOUT_{n}")

type Order{n} struct {{
	ID        int64     `json:"id"`
	Customer  string    `json:"customer"`
	CreatedAt time.Time `json:"created_at"`
}}

// List{n} returns the latest orders of a customer.
func List{n}(db *sql.DB) http.HandlerFunc {{
	return func(w http.ResponseWriter, r *http.Request) {{
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		rows, err := db.QueryContext(ctx, "SELECT id, customer, created_at FROM orders WHERE customer = $1 ORDER BY created_at DESC LIMIT 50", r.URL.Query().Get("c"))
		if err != nil {{
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}}
		defer rows.Close()
		var out []Order{n}
		for rows.Next() {{
			var o Order{n}
			if err := rows.Scan(&o.ID, &o.Customer, &o.CreatedAt); err != nil {{
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}}
			out = append(out, o)
		}}
		_ = json.NewEncoder(w).Encode(out)
	}}
}}
'''

JS_SRC = ''''use strict';

const {{ pool }} = require('../db');

const LIMIT = Number(process.env.LIST_LIMIT_{n} || 50);

async function list{n}(request, reply) {{
  const {{ rows }} = await pool.query(
    'SELECT id, title, updated_at FROM notes WHERE owner_id = $1 ORDER BY updated_at DESC LIMIT $2',
    [request.user.id, LIMIT],
  );
  return reply.send({{ items: rows, count: rows.length }});
}}

async function get{n}(request, reply) {{
  const {{ rows }} = await pool.query('SELECT * FROM notes WHERE id = $1', [request.params.id]);
  if (rows.length === 0) {{
    return reply.code(404).send({{ error: 'not found' }});
  }}
  return reply.send(rows[0]);
}}

module.exports = {{ list{n}, get{n} }};
'''

TS_SRC = '''export interface Props{n} {{
  title: string;
  items: Array<{{ id: number; label: string }}>;
}}

export function render{n}(props: Props{n}): string {{
  const rows = props.items.map((i) => `<li data-id="${{i.id}}">${{i.label}}</li>`).join('');
  return `<section><h2>${{props.title}}</h2><ul>${{rows}}</ul></section>`;
}}
'''

MD = "# Notes {n}\n\nThis document describes module {n}: how requests flow, which tables it touches and how it\n" \
     "is deployed. Configuration lives in the service's .env file and the compose file.\n\n" + \
     "## Operations\n\n- restart with `docker compose restart`\n- logs in the usual place\n" * 3


def django_service(base, i):
    put(f"{base}/config/__init__.py", "")
    put(f"{base}/config/settings.py", f'''import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("SECRET_KEY", "bench-not-a-secret")
DEBUG = os.environ.get("DEBUG", "False") == "True"
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "rest_framework", "core"]

DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.{'mysql' if i % 2 else 'postgresql'}",
        "NAME": os.environ.get("DB_NAME", "app{i}"),
        "USER": os.environ.get("DB_USER", "app"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "HOST": os.environ.get("DB_HOST", "db{i}"),
        "PORT": os.environ.get("DB_PORT", "{3306 if i % 2 else 5432}"),
        "CONN_MAX_AGE": {0 if i % 3 == 0 else 60},
    }}
}}

CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://redis{i}:6379/0"}}}}
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://redis{i}:6379/{i % 2}")
CELERY_RESULT_BACKEND = "redis://redis{i}:6379/2"
''')
    put(f"{base}/.env", f"DJANGO_SETTINGS_MODULE=config.settings\nDB_HOST=db{i}\nDB_PASSWORD=bench-not-a-secret\n"
                        f"GUNICORN_WORKERS={3 + i % 8}\n")
    put(f"{base}/start_gunicorn.sh", f"#!/bin/sh\nexec gunicorn config.wsgi:application --workers ${{GUNICORN_WORKERS:-4}} "
                                     f"--threads 2 --bind 0.0.0.0:{8000 + i} --timeout 60\n")
    put(f"{base}/start_celery.sh", "#!/bin/sh\nexec celery -A config worker -l info" + (" --concurrency=2\n" if i % 2 else "\n"))
    put(f"{base}/requirements.txt", "Django==4.2.11\ngunicorn==21.2.0\ncelery==5.3.6\nredis==5.0.1\n")


def go_service(base, i):
    put(f"{base}/go.mod", f"module example.com/svc{i}\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n")
    put(f"{base}/internal/database/database.go", f'''package database

import (
	"database/sql"
	"os"
	"time"

	_ "github.com/lib/pq"
)

// Open returns the service's pool.
func Open() (*sql.DB, error) {{
	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {{
		return nil, err
	}}
	db.SetMaxOpenConns({10 + 10 * (i % 5)})
	db.SetMaxIdleConns(10)
	db.SetConnMaxLifetime(time.Hour)
	return db, nil
}}
''')
    put(f"{base}/cmd/server/main.go", f'''package main

import (
	"log"
	"net/http"
	"os"
)

func main() {{
	port := os.Getenv("PORT")
	if port == "" {{
		port = "{9000 + i}"
	}}
	log.Fatal(http.ListenAndServe(":"+port, nil))
}}
''')


def node_service(base, i):
    put(f"{base}/package.json", f'{{"name": "svc{i}", "version": "1.0.0", "scripts": {{"start": "node src/app.js"}}, '
                                f'"dependencies": {{"fastify": "^4.25.0", "pg": "^8.11.0"}}}}\n')
    put(f"{base}/src/db.js", f'''const {{ Pool }} = require('pg');

const pool = new Pool({{
  connectionString: process.env.DATABASE_URL,
  max: parseInt(process.env.DB_POOL_MAX ?? '{10 + i % 20}', 10),
}});

module.exports = {{ pool }};
''')
    put(f"{base}/src/app.js", f'''const fastify = require('fastify')({{ logger: true }});

const port = process.env.PORT || {3000 + i};
fastify.listen({{ port, host: '0.0.0.0' }});
''')
    put(f"{base}/.env", f"PORT={3000 + i}\nDATABASE_URL=postgresql://app:bench-not-a-secret@db{i}:5432/app\nDB_POOL_MAX={20 + i % 30}\n")


def compose(group, services):
    lines = ["services:"]
    for name, kind, i in services:
        lines += [f"  {name}:", f"    build: ./{name}", "    deploy:", f"      replicas: {1 + i % 3}"]
        if kind == "django":
            lines += [f"    env_file: ./{name}/.env"]
        lines += [f"  db{i}:"]
        if i % 2 and kind == "django":
            lines += ["    image: mysql:8.0", f"    command: --max_connections={100 + i} --innodb_buffer_pool_size=1G"]
        else:
            lines += ["    image: postgres:15", f"    command: postgres -c max_connections={100 + i}"]
        lines += [f"  redis{i}:", "    image: redis:7"]
    put(f"{group}/docker-compose.yml", "\n".join(lines) + "\n")


groups = 0
i = 0
while made < total:
    group = f"platform/group{groups:02d}"
    members = []
    for k in range(3):
        kind = ("django", "go", "node")[(i + k) % 3]
        name = f"svc{i}"
        base = f"{group}/{name}"
        {"django": django_service, "go": go_service, "node": node_service}[kind](base, i)
        members.append((name, kind, i))
        i += 1
    compose(group, members)
    put(f"{group}/db/postgresql.conf", f"max_connections = {100 + groups}\nshared_buffers = {128 * (1 + groups % 8)}MB\n"
                                       "work_mem = 8MB\nrandom_page_cost = 4\n")
    put(f"{group}/db/my.cnf", "[mysqld]\ninnodb_buffer_pool_size = 1G\nmax_connections = 200\ntmp_table_size = 32M\n")
    # ordinary files: sources, tests, docs, assets, vendored packages
    for n in range(330):
        if made >= total:
            break
        r = random.random()
        svc, kind, _ = random.choice(members)
        base = f"{group}/{svc}"
        m = random.randrange(12)
        if r < 0.08:
            put(f"{group}/web/node_modules/lib{random.randrange(60)}/index{n}.js", JS_SRC.format(n=n))
        elif kind == "django":
            if r < 0.7:
                put(f"{base}/core/m{m}/mod{n}.py", PY_SRC.format(n=n))
            elif r < 0.85:
                put(f"{base}/core/tests/test_{n}.py", "from core.m0.mod0 import recent_0\n\n\ndef test_recent():\n    assert recent_0\n")
            else:
                put(f"{base}/docs/notes{n}.md", MD.format(n=n))
        elif kind == "go":
            if r < 0.75:
                put(f"{base}/internal/handlers/h{m}/orders{n}.go", GO_SRC.format(n=n))
            elif r < 0.85:
                put(f"{base}/internal/handlers/h{m}/orders{n}_test.go", f"package handlers\n\nimport \"testing\"\n\nfunc TestList{n}(t *testing.T) {{}}\n")
            else:
                put(f"{base}/docs/notes{n}.md", MD.format(n=n))
        else:
            if r < 0.55:
                put(f"{base}/src/routes/r{m}/notes{n}.js", JS_SRC.format(n=n))
            elif r < 0.8:
                put(f"{base}/src/components/c{m}/View{n}.ts", TS_SRC.format(n=n))
            elif r < 0.9:
                put(f"{base}/assets/img{n}.png", "\x89PNG\r\n\x1a\n\0\0\0binary")
            else:
                put(f"{base}/docs/notes{n}.md", MD.format(n=n))
    groups += 1
print(f"{made} files in {groups} service groups under {root}")
