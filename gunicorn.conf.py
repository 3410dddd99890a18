"""gunicorn settings for `gunicorn app:server`: workers and threads from the machine.

Workers share nothing but the instance folder (uploaded plans under their SHA-256) and
read-only caches keyed by content hash, so any worker gives the same answer.
"""
import multiprocessing
import os

bind = os.environ.get("HORIZON_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("HORIZON_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("HORIZON_THREADS", 4))
worker_class = "gthread"
# Exports (PDF, deck) drive a browser: give them time, but never hang a worker forever.
timeout = 60
graceful_timeout = 30
keepalive = 5
# A request body above this is refused before Flask reads it (uploads are bounded again there).
limit_request_field_size = 16_384
accesslog = "-"
errorlog = "-"
# Recycle workers now and then so a slow leak can never take the service down.
max_requests = 2000
max_requests_jitter = 200
