from .base import *

DATABASES["default"]["CONN_MAX_AGE"] = 300
CELERY_WORKER_CONCURRENCY = 4
