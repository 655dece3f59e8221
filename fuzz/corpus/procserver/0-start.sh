#!/bin/sh
set -e
WORKERS=${GUNICORN_WORKERS:-4}
exec gunicorn config.wsgi:application \
    --workers $WORKERS --threads 2 \
    --bind 0.0.0.0:8000 --timeout=60
