"""A loopback HTTP listener that counts connections (for tests that nothing is fetched)."""

from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTEXT = {"@context": {"name": "http://schema.org/name"}}


class Listener:
    """``http.server`` on 127.0.0.1, port 0, in a thread; ``connections`` counts accepts."""

    def __init__(self) -> None:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                body = json.dumps(CONTEXT).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def verify_request(self, request, client_address) -> bool:
                listener.connections += 1
                return True

        self.connections = 0
        self.server: socketserver.TCPServer = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def disguises(url: str, port: int, tmp_context: str) -> dict[str, str]:
    """JSON-LD documents whose context lives elsewhere, each written to evade a naive guard."""
    node = '"@id": "https://w3id.org/dealgraph/id/entity/x", "name": "X"'
    ctx = f"{url}/ctx"
    escaped = f"\\u0068ttp://127.0.0.1:{port}/ctx"  # JSON for "http://..."

    def doc(member: str) -> str:
        return "{" + member + ", " + node + "}"

    return {
        "plain": doc(f'"@context": "{ctx}"'),
        "list": doc(f'"@context": ["{ctx}"]'),
        "upper-case scheme": doc(f'"@context": "HTTP://127.0.0.1:{port}/ctx"'),
        "import": doc(f'"@context": {{"@import": "{ctx}"}}'),
        "escaped scheme": doc(f'"@context": "{escaped}"'),
        "escaped key": doc(f'"\\u0040context": "{ctx}"'),
        "nested node": '{"@graph": [' + doc(f'"@context": "{ctx}"') + "]}",
        "scoped context": doc(
            f'"@context": {{"knows": {{"@id": "http://schema.org/knows", "@context": "{ctx}"}}}}'
        ),
        "relative": doc('"@context": "ctx.jsonld"'),
        "file": doc(f'"@context": "file://{tmp_context}"'),
    }
