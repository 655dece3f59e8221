#!/bin/sh
# explicit concurrency, with the pool and queues of the heavy worker
exec celery -A shop worker -l info --concurrency=${CELERY_CONCURRENCY:-3} -P prefork -Q default,reports
