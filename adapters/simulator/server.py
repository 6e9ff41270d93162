"""The agency simulator: the wire contract of docs/agency-api.md served on loopback.

Paths are written here from docs/agency-api.md, not imported from the adapters, so a mistake in an
adapter's path shows up against the simulator instead of being copied into it.

Start it in-process (`with AgencySimulator() as sim: sim.url`) or as `kiosk agency-sim`. Besides
the agencies' paths it serves `GET /healthz` and a control API:
`GET|POST|DELETE /_control/faults` (a fault as `{"spec": "sso=hang"}` or its fields; DELETE takes
`?target=`), and `GET|DELETE /_control/stats` (requests counted per path name).
Nothing is logged per request: request lines carry CIDs.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from adapters.simulator.dataset import Dataset
from adapters.simulator.faults import Fault, FaultBoard, FaultError, FaultPlan
from adapters.simulator.nhso import (
    NHSO_BEARER_TOKEN,
    NHSO_REFRESH_TOKEN,
    UCWS_PATH,
    UCWS_TOKEN,
    UCWS_USER,
    WSDL,
    NhsoTokens,
    NhsoVariant,
    sparse,
    ucws_answer,
    ucws_request,
)
from adapters.simulator.records import NHSO_RECORDS_TOKEN, SERVICE_ROUTES, record_answer

log = logging.getLogger(__name__)

# The credentials the simulator accepts (invented; they open nothing real). NHSO's are in
# adapters.simulator.nhso, re-exported here.
__all__ = ["NHSO_BEARER_TOKEN", "NHSO_REFRESH_TOKEN", "AgencySimulator", "NhsoVariant"]
GDX_CONSUMER_KEY = "sim-consumer-key"
GDX_CONSUMER_SECRET = "sim-consumer-secret"  # noqa: S105 - a fixed test credential
GDX_AGENT_ID = "sim-kiosk"
TOKEN_LIFETIME_S = 3600.0  # NHSO: from issue; GDX: idle
_BANGKOK = timezone(timedelta(hours=7))
_MAX_BODY = 64 * 1024


@dataclass(frozen=True, slots=True)
class Route:
    """One served path: its name in the stats, the fault targets it answers to, its agency (or
    record service, and whether that is asked through GDX or as plain HTTPS)."""

    name: str
    targets: frozenset[str]
    agency: str | None = None  # for GDX data paths
    service: str | None = None  # for record services
    via: str = "gdx"


def _targets(*names: str) -> frozenset[str]:
    return frozenset((*names, "all"))


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/api/scard/access-token"): Route("nhso.token", _targets("nhso")),
    ("GET", "/api/ucws/v1/right-search"): Route("nhso", _targets("nhso")),
    ("GET", "/api/v2/right-search"): Route("nhso.v2", _targets("nhso")),
    ("POST", UCWS_PATH): Route("nhso.ucws", _targets("nhso")),
    ("GET", UCWS_PATH): Route("nhso.wsdl", _targets("nhso")),
    ("GET", "/ws/auth/validate"): Route("gdx.token", _targets("gdx")),
    ("GET", "/ws/sso/v1/insured"): Route("sso", _targets("sso", "gdx"), "sso"),
    ("GET", "/ws/mof/welfare/v1/card"): Route("welfare", _targets("welfare", "gdx"), "welfare"),
    ("GET", "/ws/dla/v1/elderly-allowance"): Route(
        "elderly", _targets("elderly", "gdx"), "elderly"
    ),
    ("GET", "/ws/dep/v1/disability"): Route(
        "disability", _targets("disability", "gdx"), "disability"
    ),
    ("GET", "/ws/cgd/v1/benefits"): Route("cgd", _targets("cgd", "gdx"), "cgd"),
    ("GET", "/ws/doae/v1/farmer"): Route("farmer", _targets("farmer", "gdx"), "farmer"),
}


def service_route(path: str, extra: dict[str, tuple[str, str]]) -> Route | None:
    """The route of a record service served at `path` (built-in, or from the data file)."""
    found = SERVICE_ROUTES.get(path) or extra.get(path)
    if found is None:
        return None
    service, via = found
    family = service.partition(".")[0]
    targets = _targets(service, family, "services", *(("gdx",) if via == "gdx" else ()))
    return Route(f"service.{service}", targets, service=service, via=via)


# Which API each NHSO route belongs to (a route of another API is not served).
_NHSO_API = {"nhso.token": "srm", "nhso": "srm", "nhso.v2": "v2", "nhso.ucws": "ucws"}
_NHSO_API["nhso.wsdl"] = "ucws"


class _Tokens:
    """GDX tokens the simulator issued, with when each was last used; NHSO's are `nhso`."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.gdx: dict[str, float] = {}  # token -> last used
        self.nhso = NhsoTokens()

    def gdx_use(self, token: str) -> bool:
        with self.lock:
            last = self.gdx.get(token)
            now = time.monotonic()
            if last is None or now - last >= TOKEN_LIFETIME_S:
                return False
            self.gdx[token] = now
            return True

    def expire(self, token: str) -> None:
        self.nhso.expire(token)
        with self.lock:
            self.gdx.pop(token, None)


class _Server(ThreadingHTTPServer):
    """Joins its request threads on close; tracks open connections to cut them at shutdown."""

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], sim: AgencySimulator, *, tokens_only: bool = False
    ) -> None:
        self.sim = sim
        self.tokens_only = tokens_only  # the NHSO token host of a split simulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (reset, closed mid-answer) is normal here; say nothing."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return
        log.error("agency-sim: request failed", exc_info=error)


class _Handler(BaseHTTPRequestHandler):
    """Answers one connection's requests (HTTP/1.1 keep-alive, like the real gateways)."""

    protocol_version = "HTTP/1.1"
    server: _Server
    query: dict[str, str]
    body: bytes

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm holds the body
        # back for the client's delayed ACK (~40 ms), which would swamp the latencies we model.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except OSError:
                with self.server.connections_lock:
                    self.server.connections.discard(self.connection)
                raise

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):  # a reset or cut connection has nothing to flush
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request lines carry CIDs."""

    def do_GET(self) -> None:
        """Serve a GET."""
        self._dispatch("GET")

    def do_POST(self) -> None:
        """Serve a POST."""
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        """Serve a DELETE."""
        self._dispatch("DELETE")

    # --- plumbing -----------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        self.query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        body = self._read_body()
        if body is None:
            return
        self.body = body
        sim = self.server.sim
        if url.path == "/healthz" and method == "GET":
            self._json(200, {"ok": True})
            return
        if url.path.startswith("/_control/"):
            self._control(method, url.path)
            return
        route = ROUTES.get((method, url.path))
        if route is None and method == "GET":
            route = service_route(url.path, sim.dataset.routes)
        if route is None or not sim.serves(route, tokens_host=self.server.tokens_only):
            self._json(404, {"error": "no_such_path"})
            return
        sim.count(route.name)
        token = self._token(route)
        if not self._suffer(sim.faults.plan(route.targets, has_token=bool(token)), token, route):
            self._serve(route, token)

    def _suffer(self, plan: FaultPlan, token: str, route: Route) -> bool:
        """Apply a request's faults; True when they took the place of the answer."""
        sim = self.server.sim
        if plan.latency_s and sim.stopping.wait(plan.latency_s):
            self._cut()
            return True
        action = plan.action
        if action is None:
            return False
        if action.kind == "hang":
            sim.stopping.wait()
            self._cut()
        elif action.kind == "reset":
            self._reset()
        elif action.kind == "status":
            self._json(action.value or 500, {"error": "injected"})
        elif action.kind == "malformed":
            self._send(200, b'{"truncated": ', "application/json")
        elif action.kind == "gdx_error":  # DGA's gateway reports its errors so, often as 500
            self._json(500, {"Message": "The service failed", "Code": str(action.value)})
        elif route.name == "nhso.ucws":  # expired_token: UCWS says so in its own words
            cid = (ucws_request(self.body) or {}).get("person_id", "")
            self._send(200, ucws_answer("NHSO-00003", cid, None), "text/xml; charset=utf-8")
        else:  # expired_token: the token dies now, and the normal answer is a 401
            sim.tokens.expire(token)
            return False
        return True

    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= _MAX_BODY:
            self._json(400, {"error": "bad_length"})
            return None
        return self.rfile.read(length) if length else b""

    def _token(self, route: Route) -> str:
        if route.name in ("nhso", "nhso.v2") or (route.service and route.via == "https"):
            auth = self.headers.get("Authorization", "")
            return auth[7:].strip() if auth.startswith("Bearer ") else ""
        if route.agency is not None or route.service is not None:
            return self.headers.get("Token", "")
        if route.name == "nhso.ucws":  # its token travels in the SOAP body
            return (ucws_request(self.body) or {}).get("smctoken", "")
        return ""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, doc: object) -> None:
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _cut(self) -> None:
        """Close without answering (a hang that ended because the simulator stops)."""
        self.close_connection = True

    def _reset(self) -> None:
        """Close with a TCP RST: linger 0, then drop the socket's last references.

        `rfile` holds a reference to the socket, `wfile` does not (and the base class still
        flushes it), so closing `rfile` and the socket is what releases the descriptor.
        """
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.connection.close()

    # --- the agencies --------------------------------------------------------------------------

    def _serve(self, route: Route, token: str) -> None:
        if route.name == "nhso.token":
            self._nhso_token()
        elif route.name == "nhso":
            self._nhso_search(token, accepted=self.server.sim.tokens.nhso.valid(token))
        elif route.name == "nhso.v2":
            self._nhso_search(token, accepted=token == NHSO_BEARER_TOKEN, v2=True)
        elif route.name == "nhso.ucws":
            self._nhso_ucws()
        elif route.name == "nhso.wsdl":
            self._send(200, WSDL, "text/xml; charset=utf-8")
        elif route.name == "gdx.token":
            self._gdx_validate()
        elif route.service is not None:
            self._service(route, token)
        else:
            self._gdx_data(route, token)

    def _nhso_token(self) -> None:
        form = {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}
        sim = self.server.sim
        answer = sim.tokens.nhso.issue(form.get("refresh_token", ""), sim.nhso)
        if answer is None:
            self._json(401, {"error": "invalid_grant"})
            return
        self._json(200, answer)

    def _nhso_search(self, token: str, *, accepted: bool, v2: bool = False) -> None:
        sim = self.server.sim
        if not token or not accepted:
            self._json(401, {"error": "unauthorized"})
            return
        pid = self.query.get("pid", "")
        if not pid:
            self._json(400, {"error": "pid_required"})
            return
        body = sim.dataset.answer("nhso", pid)
        check_date = datetime.now(UTC).astimezone(_BANGKOK).strftime("%Y-%m-%dT%H:%M:%S")
        if body is None and v2:  # v2 says "not found" with an empty answer, as public clients see
            self._json(200, {"checkDate": check_date, "nation": {}, "sex": {}, "funds": []})
            return
        if body is None:
            self._json(404, {"error": "not_found"})
            return
        if sim.nhso.sparse:
            self._json(200, {"pid": pid, **sparse(body)})
            return
        self._json(200, {"checkDate": check_date, "pid": pid, **body})

    def _nhso_ucws(self) -> None:
        params = ucws_request(self.body)
        if params is None:
            self._send(500, b"<fault>not a searchCurrentByPID request</fault>", "text/xml")
            return
        cid = params.get("person_id", "")
        if (params.get("user_person_id"), params.get("smctoken")) != (UCWS_USER, UCWS_TOKEN):
            self._send(200, ucws_answer("NHSO-00003", cid, None), "text/xml; charset=utf-8")
            return
        body = self.server.sim.dataset.answer("nhso", cid)
        self._send(200, ucws_answer("NHSO-000001", cid, body), "text/xml; charset=utf-8")

    def _gdx_validate(self) -> None:
        ok = (
            self.headers.get("Consumer-Key") == GDX_CONSUMER_KEY
            and self.query.get("ConsumerSecret") == GDX_CONSUMER_SECRET
            and bool(self.query.get("AgentID"))
        )
        if not ok:
            self._json(401, {"error": "unauthorized"})
            return
        token = secrets.token_urlsafe(24)
        tokens = self.server.sim.tokens
        with tokens.lock:
            tokens.gdx[token] = time.monotonic()
        self._json(200, {"Result": token})

    def _gdx_data(self, route: Route, token: str) -> None:
        sim = self.server.sim
        key_ok = self.headers.get("Consumer-Key") == GDX_CONSUMER_KEY
        if not key_ok or not token or not sim.tokens.gdx_use(token):
            self._json(401, {"error": "unauthorized"})
            return
        cid = self.query.get("CitizenID", "")
        if not cid:
            self._json(400, {"error": "citizen_id_required"})
            return
        body = sim.dataset.answer(route.agency or "", cid)
        if body is None:
            self._json(404, {"error": "not_found"})
            return
        self._json(200, body)

    def _service(self, route: Route, token: str) -> None:
        sim = self.server.sim
        if route.via == "https":
            allowed = token == NHSO_RECORDS_TOKEN
        else:
            key_ok = self.headers.get("Consumer-Key") == GDX_CONSUMER_KEY
            allowed = key_ok and bool(token) and sim.tokens.gdx_use(token)
        path = urlsplit(self.path).path
        service = route.service or ""
        answer = record_answer(sim.dataset, service, route.via, path, self.query, allowed=allowed)
        self._json(*answer)

    # --- control ---------------------------------------------------------------------------------

    def _control(self, method: str, path: str) -> None:
        sim = self.server.sim
        if path == "/_control/faults":
            if method == "POST":
                try:
                    doc = json.loads(self.body or b"null")
                    items = doc if isinstance(doc, list) else [doc]
                    for fault in [Fault.from_json(item) for item in items]:
                        sim.faults.add(fault)
                except (json.JSONDecodeError, FaultError) as exc:
                    self._json(400, {"error": str(exc)})
                    return
            elif method == "DELETE":
                sim.faults.clear(self.query.get("target"))
            self._json(200, {"faults": [f.to_json() for f in sim.faults.list()]})
            return
        if path == "/_control/stats":
            if method == "DELETE":
                sim.reset_stats()
            self._json(200, {"requests": sim.stats()})
            return
        self._json(404, {"error": "no_such_path"})


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AgencySimulator:
    """The simulator, started in a background thread; a context manager that stops it cleanly.

    Hung and slow requests end when it stops, and every request thread is joined, so a test that
    uses it leaves no thread or socket behind.
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Iterable[Fault] = (),
        tls: ssl.SSLContext | None = None,
        nhso: NhsoVariant | None = None,
        token_host: str | None = None,
    ) -> None:
        """`nhso`: which of NHSO's APIs to serve, and how (`adapters.simulator.nhso`).
        `token_host`: serve NHSO's token path there, on a second address, and only there (as
        NHSO's token service has its own host), e.g. "127.0.0.2"."""
        self.dataset = dataset or Dataset.default()
        self.nhso = nhso or NhsoVariant()
        self._token_host = token_host
        self._token_server: _Server | None = None
        self._tls = tls  # serve https with this server context (tests of CA verification)
        served = [*SERVICE_ROUTES.values(), *self.dataset.routes.values()]
        services = {sid for sid, _ in served} | {sid.partition(".")[0] for sid, _ in served}
        self.faults = FaultBoard(tuple(faults), services=frozenset(services))
        self.tokens = _Tokens()
        self.stopping = threading.Event()
        self._host = host
        self._port = port
        self._stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL every agency is served under, e.g. `http://127.0.0.1:41234`."""
        if self._server is None:
            raise RuntimeError("the simulator is not started")
        host, port = self._server.server_address[:2]
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://{host!s}:{port}"

    @property
    def token_url(self) -> str | None:
        """The NHSO token host's base URL when it is split off (`token_host`), else None."""
        if self._token_server is None:
            return None
        host, port = self._token_server.server_address[:2]
        return f"http://{host!s}:{port}"

    def serves(self, route: Route, *, tokens_host: bool) -> bool:
        """Whether this address answers `route`: only the served NHSO API's paths, and the token
        path only on the token host when it is split off."""
        api = _NHSO_API.get(route.name)
        if api is not None and api != self.nhso.api:
            return False
        return self._token_host is None or (route.name == "nhso.token") == tokens_host

    def start(self) -> AgencySimulator:
        """Bind and serve in a background thread (loopback addresses only)."""
        hosts = (self._host, self._token_host or self._host)
        if not all(_is_loopback(host) for host in hosts):
            raise ValueError("the agency simulator serves on loopback addresses only")
        if self._token_host is not None:
            self._token_server = _Server((self._token_host, 0), self, tokens_only=True)
            self._token_thread = threading.Thread(
                target=self._token_server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="agency-sim-tokens",
            )
            self._token_thread.start()
        self._server = _Server((self._host, self._port), self)
        if self._tls is not None:
            # The handshake runs in the handler's thread, not in the accepting loop.
            self._server.socket = self._tls.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="agency-sim"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: end hung requests, cut idle connections, join every thread."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self.stopping.set()
        server.shutdown()
        thread.join()
        with server.connections_lock:
            open_connections = list(server.connections)
        for conn in open_connections:
            with contextlib.suppress(OSError):  # already closed by its thread
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()  # joins the request threads
        self._server = self._thread = None
        if self._token_server is not None:
            self._token_server.shutdown()
            self._token_thread.join()
            self._token_server.server_close()
            self._token_server = None

    def __enter__(self) -> AgencySimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, name: str) -> None:
        """Count one request to a path."""
        with self._stats_lock:
            self._stats[name] += 1

    def stats(self) -> dict[str, int]:
        """Requests per path name since the start (or the last reset)."""
        with self._stats_lock:
            return dict(self._stats)

    def reset_stats(self) -> None:
        """Start counting again."""
        with self._stats_lock:
            self._stats.clear()

    def agency_tables(self) -> dict[str, dict[str, str]]:
        """`[agencies.nhso]`, `[agencies.gdx]` and `[agencies.nhso_records]` tables that point
        the kiosk's agencies and record services at this simulator."""
        return {
            "nhso": self.nhso.tables(self.url, self.token_url),
            "nhso_records": {"base_url": self.url, "bearer_token": NHSO_RECORDS_TOKEN},
            "gdx": {
                "base_url": self.url,
                "consumer_key": GDX_CONSUMER_KEY,
                "consumer_secret": GDX_CONSUMER_SECRET,
                "agent_id": GDX_AGENT_ID,
            },
        }
