"""gunicorn settings for `gunicorn app:server`: workers and threads from the machine.

Workers share nothing but the storage (versions database, instance folder) and read-only
caches keyed by content hash (each worker's own, and Redis when `HORIZON_REDIS_URL` is
set), so any worker of any server gives the same answer. Every figure below can be changed
through the environment (`HORIZON_WORKERS`, …) or gunicorn's own command-line options.
"""
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _cores() -> int:
    # The cores this process may run on (a container or `taskset` may give fewer than the
    # machine has; multiprocessing.cpu_count() would count them all).
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


bind = os.environ.get("HORIZON_BIND", "127.0.0.1:8050")
# Callbacks spend their time in Python (pandas, figure building): one worker per core plus
# one, so a core is never idle while a worker waits on the disk, the database or Chromium.
# Each worker holds the libraries (~250 MB) and, after its first picture export, its own
# Chromium: on a small machine lower HORIZON_WORKERS before the threads.
workers = _int("HORIZON_WORKERS", _cores() + 1)
# Threads serve the waits (a PDF export waits for Chromium, which itself loads the page
# from this server) and Dash's several callbacks per page, which arrive together.
threads = _int("HORIZON_THREADS", 4)
worker_class = "gthread"

# Exports drive a browser (its own timeouts are 30 s): give them time, but never hang a
# worker forever. A worker that stays silent longer than this is killed and replaced.
timeout = _int("HORIZON_TIMEOUT", 60)
graceful_timeout = 30
# An idle kept-alive connection is closed after this many seconds. Longer than the proxy's
# own idle timeout for its connections to us (nginx upstream `keepalive_timeout`, 60 s by
# default): otherwise the proxy may send a request down a connection gunicorn is closing
# at that moment, and a POST (a callback) is not retried, the user gets a 502. Idle
# connections cost no thread with gthread workers.
keepalive = 75

# No preload: each worker imports and builds the app itself after the fork. The app holds
# things that must not cross a fork: the Redis connection pool, the exports' Chromium and
# the threads that drive it, the source file's watcher thread (a forked process keeps none
# of the parent's threads). Preloading would save a few seconds of start-up and some memory
# per worker, at the price of a post_fork hook reopening each of them.
preload_app = False

# A long filtered view stays in the URL (the query string holds the whole view): allow
# gunicorn's maximum request line instead of its 4 kB default. A header above 16 kB
# (cookies included) or a body above the upload limit is refused before Flask reads it.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16_384

# The workers' heartbeat files in memory: on a disk-backed /tmp (Docker's overlay, a busy
# disk) a blocked write of the heartbeat makes the master kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl):
# two servers on one machine (a deployment and its load test, two plans' services) would
# take it from each other. Nothing here uses `gunicornc`; signals do the same job.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# Recycle workers now and then so a slow leak can never take the service down
# (HORIZON_MAX_REQUESTS=0 turns it off, as the load test does to measure memory honestly).
max_requests = _int("HORIZON_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
