from .base import *  # noqa: F401,F403

DEBUG = True
DATABASES["default"]["CONN_MAX_AGE"] = None
