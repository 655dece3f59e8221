#!/bin/bash
: "${WORKERS:=3}"
export GUNICORN_CMD_ARGS="--max-requests 1000"
if [ "$1" = "web" ]; then
  WEB_CONCURRENCY=2 exec gunicorn app.wsgi:application -w$WORKERS -k gevent --bind=unix:/tmp/g.sock 2>&1 | tee log
elif [ "$1" = worker ]; then exec celery --app=proj worker --concurrency $(nproc) --pool=prefork; fi
cat <<EOF2
not a command gunicorn -w 99
EOF2
exec uvicorn app.main:app --host 0.0.0.0 --port "${PORT:-8000}" --workers ${X:?missing}
uwsgi --ini uwsgi.ini --processes 4 --threads 2 --http :8080 `date` $(( 1 + 2 )) "${A:-${B:-${C:-deep}}}" 'single $X' \
  --master
