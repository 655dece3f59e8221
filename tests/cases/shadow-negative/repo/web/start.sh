#!/bin/sh
exec gunicorn -c gunicorn.conf.py app.wsgi:application
