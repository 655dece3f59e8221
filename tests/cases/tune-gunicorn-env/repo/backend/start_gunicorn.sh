#!/usr/bin/env bash
exec gunicorn shop.wsgi:application \
    --workers "${GUNICORN_WORKERS:-16}" \
    --bind "0.0.0.0:8000"
