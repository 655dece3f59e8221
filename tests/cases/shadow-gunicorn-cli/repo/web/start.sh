#!/bin/sh
set -e
exec gunicorn -c gunicorn.conf.py --workers 9 --timeout 60 app.wsgi:application
