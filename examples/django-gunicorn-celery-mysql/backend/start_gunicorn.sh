#!/bin/bash
# Start the Django API under Gunicorn.
# Each worker uses ~150MB of RAM (Django + DRF + Pillow loaded).
set -e
cd "$(dirname "$0")"

WORKERS=${GUNICORN_WORKERS:-4}

exec gunicorn config.wsgi:application --workers $WORKERS --threads 2 --bind 0.0.0.0:8000 --timeout 120
