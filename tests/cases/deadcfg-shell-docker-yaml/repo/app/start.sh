#!/bin/sh
export HTTP_TIMEOUT=60
# $WORKER_THREADS in a comment is not a read
exec gunicorn app:app --threads "${CACHE_SIZE:-1}" --timeout "$HTTP_TIMEOUT"
