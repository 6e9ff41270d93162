"""Fleet monitoring: an opt-in Prometheus endpoint (`metrics.listen = "127.0.0.1:9108"`).

One `KioskMetrics` per process holds its own registry (no global default registry), so tests
and several kiosks in one process never share counters. Labels carry causes and agency ids,
never personal data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    start_http_server,
)

from kiosk import __version__

AGENCY_LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)


class KioskMetrics:
    """The kiosk's series. Methods are cheap and thread-safe; call them from any thread."""

    def __init__(self, kiosk_id: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._out_since: float | None = None
        r = self.registry
        Info("kiosk_build", "Version and identity of this kiosk", registry=r).info(
            {"version": __version__, "kiosk_id": kiosk_id}
        )
        self.sessions = Counter(
            "kiosk_sessions", "Citizen sessions ended, by how they ended", ["outcome"], registry=r
        )
        self.card_reads = Counter(
            "kiosk_card_reads", "Cards read up to the consent screen", registry=r
        )
        self.card_read_failures = Counter(
            "kiosk_card_read_failures", "Card reads that failed, by cause", ["cause"], registry=r
        )
        self.agency_latency = Histogram(
            "kiosk_agency_request_seconds",
            "Time for one agency's live answer (any status)",
            ["agency"],
            buckets=AGENCY_LATENCY_BUCKETS,
            registry=r,
        )
        self.agency_failures = Counter(
            "kiosk_agency_failures",
            "Live agency answers that failed, by reason",
            ["agency", "reason"],
            registry=r,
        )
        self.cache_hits = Counter(
            "kiosk_cache_hits", "Answers served from the offline cache", ["agency"], registry=r
        )
        self.fallback_answers = Counter(
            "kiosk_fallback_answers",
            "Answers not from the agency live (cache, card or none)",
            ["agency", "source"],
            registry=r,
        )
        self.out_of_service = Gauge(
            "kiosk_out_of_service", "1 while the kiosk shows 'out of service'", registry=r
        )
        self.out_of_service_seconds = Counter(
            "kiosk_out_of_service_seconds", "Total time spent out of service", registry=r
        )
        self.menu_services = Gauge(
            "kiosk_menu_services", "Services on the menu (records and hand-offs)", registry=r
        )
        self.cache_writes_failed = Counter(
            "kiosk_cache_write_failures", "Snapshots that could not be written", registry=r
        )

    def set_out_of_service(self, down: bool) -> None:
        """Track entering and leaving out-of-service, accumulating the time spent."""
        with self._lock:
            now = self._clock()
            if down and self._out_since is None:
                self._out_since = now
            elif not down and self._out_since is not None:
                self.out_of_service_seconds.inc(now - self._out_since)
                self._out_since = None
            self.out_of_service.set(1 if down else 0)


def parse_listen(listen: str) -> tuple[str, int]:
    """`HOST:PORT` (`[::1]:9108` for IPv6) as (host, port); ValueError says what is wrong."""
    host, _, port = listen.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError("metrics.listen must be HOST:PORT, e.g. 127.0.0.1:9108")
    return host, int(port)


class MetricsServer:
    """The HTTP endpoint, bound to the configured address; `close()` stops it."""

    def __init__(self, metrics: KioskMetrics, listen: str) -> None:
        host, port = parse_listen(listen)
        server, thread = start_http_server(port, addr=host, registry=metrics.registry)
        self._server: WSGIServer = server
        self._thread: threading.Thread = thread

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._server.server_address[1])

    def close(self) -> None:
        """Stop serving and join the server thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
