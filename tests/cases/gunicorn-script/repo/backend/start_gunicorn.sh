#!/usr/bin/env bash
# Field report: 4 workers x 2 threads on a 4-CPU box, each thread holding a persistent DB connection.
set -euo pipefail

python manage.py migrate --noinput

exec gunicorn shop.wsgi:application \
    --workers "${GUNICORN_WORKERS:-4}" \
    --threads 2 \
    --worker-class gthread \
    --bind "0.0.0.0:${PORT:-8000}" \
    --timeout 60 \
    --max-requests 1000 --max-requests-jitter 100 \
    --access-logfile -
