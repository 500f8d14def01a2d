"""What the page benches share: a seeded station day in a fresh database, and the time and
size of a page asked for through Django's test client."""

from __future__ import annotations

import secrets
import time

from bench.load_bench import app_env, collectstatic, recreate_database, seed, setup_django


def page_arguments(parser, *, database: str, routes: int, stops: int, requests: int) -> None:
    parser.add_argument("--database-url", default=database, help="dropped and recreated")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--routes", type=int, default=routes)
    parser.add_argument("--stops", type=int, default=stops)
    parser.add_argument("--requests", type=int, default=requests)


def seeded_app(args, *, hosts: str, cache: str, env: dict | None = None) -> dict:
    """Django set up on a new database holding `args.routes` routes of `args.stops` stops
    (production settings, static files collected, `env` over the app's environment); the
    seed's plan."""
    args.secret_key = secrets.token_urlsafe(48)
    extra = env or {}
    env = app_env(args)
    env["ALLOWED_HOSTS"] = hosts
    env["CACHE_URL"] = cache
    env.update(extra)
    recreate_database(args.database_url)
    setup_django(env)
    from django.core.management import call_command  # Django is set up only now

    call_command("migrate", interactive=False, verbosity=0)
    plan = seed(drivers=args.routes, dsps=1, stops=args.stops, seed_no=1)
    collectstatic()
    return plan


def page_timings(client, url: str, n: int, clock=time.perf_counter) -> tuple[list[float], int]:
    """Milliseconds per request by `clock` (wall by default, `time.process_time` for CPU)
    over `n` requests, and the size of the last answer in bytes."""
    times, size = [], 0
    for _ in range(n):
        start = clock()
        response = client.get(url)
        times.append((clock() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return times, size
