import environ
import dj_database_url
from decouple import config, Csv
env = environ.Env(DEBUG=(bool, True))
DEBUG = env('DEBUG')
DATABASES = {"default": dj_database_url.config(conn_max_age=600, conn_health_checks=True)}
DATABASES["replica"] = env.db("REPLICA_URL", default="mysql://ro:x@replica:3306/main")
CACHES = {"default": env.cache("REDIS_URL")}
CELERY_BROKER_URL = config("REDIS_URL")
CELERY_RESULT_BACKEND = f"{CELERY_BROKER_URL}"
CELERY_WORKER_CONCURRENCY = config("CELERY_CONCURRENCY", default=3, cast=int)
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="a.com, b.com", cast=Csv())
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SECRET_KEY = env.str("SECRET_KEY", default="x" * 3)
SOMETHING = [x for x in range(3)]
CELERY_TASK_ROUTES = lambda: 1
CONN_MAX_AGE = os.getenv("MAX_AGE") or 60
