#!/bin/bash
# Start the Celery worker (image analysis, notifications).
set -e
cd "$(dirname "$0")"

exec celery -A config worker -l info --concurrency=4
