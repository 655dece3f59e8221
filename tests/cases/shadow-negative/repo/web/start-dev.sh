#!/bin/sh
exec gunicorn --workers 2 --reload app.wsgi:application
