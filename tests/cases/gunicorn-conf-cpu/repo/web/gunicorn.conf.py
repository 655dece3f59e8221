"""Gunicorn configuration: the documented rule of thumb (2 x CPUs) + 1."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"
timeout = 30
max_requests = 500


def on_starting(server):
    workers = 1  # not module level: ignored
    return workers
