"""A real Virtuoso (Debian's ``virtuoso-opensource``) on loopback ports, for the store tests.

:class:`VirtuosoServer` starts ``virtuoso-t`` in the foreground on a database directory of
its own (a fresh database takes about 4 s to create), with free SQL and HTTP ports bound to
127.0.0.1, waits until ``/sparql`` answers, and lets the public SPARQL endpoint write
(``GRANT SPARQL_UPDATE TO "SPARQL"`` through ``isql``: how a Virtuoso administrator lets
dealgraph load through ``/sparql`` and ``/sparql-graph-crud``). ``scripts/setup-system.sh``
installs the package; without it :data:`MISSING` says why the tests are skipped.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
MISSING = (
    None
    if VIRTUOSO and ISQL
    else "Virtuoso is not installed (virtuoso-t and isql-vt): run scripts/setup-system.sh "
    "as root, or apt-get install virtuoso-opensource"
)

# the smallest configuration that serves SPARQL; results are not cut at Virtuoso's default
# 10,000 rows, and queries are not stopped at its default 60 s
_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {dirs}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = .
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VirtuosoServer:
    """``virtuoso-t`` on ``root`` (a directory of its own), started now; :meth:`stop` ends it.

    ``buffers``: Virtuoso's page buffers (8 kB each): 10,000 for the tests, more for a
    benchmark. ``dirs``: a directory the bulk loader (``ld_dir``) may read.
    """

    def __init__(self, root: Path, *, buffers: int = 10_000, dirs: str = "/tmp") -> None:
        if MISSING:
            raise RuntimeError(MISSING)
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.sql_port, self.http_port = free_port(), free_port()
        (root / "virtuoso.ini").write_text(
            _INI.format(
                sql=self.sql_port, http=self.http_port, buffers=buffers, dirty=buffers * 3 // 4, dirs=dirs
            )
        )
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.spec = self.url + "#virtuoso"
        self.proc = subprocess.Popen(
            [str(VIRTUOSO), "+foreground", "+configfile", "virtuoso.ini"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait()
            self.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        except BaseException:
            self.stop()
            raise

    def _wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"virtuoso-t exited ({self.proc.returncode}): see {self.root}/virtuoso.log"
                )
            try:
                urllib.request.urlopen(self.url + "/sparql?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"virtuoso-t did not answer in {timeout} s: {self.root}") from None
                time.sleep(0.1)

    def isql(self, sql: str) -> str:
        """Run SQL as the database administrator (``dba``, the new database's password)."""
        done = subprocess.run(
            [str(ISQL), f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql {sql!r}: {done.stdout}{done.stderr}")
        return done.stdout

    def update(self, sparql: str) -> None:
        body = urllib.parse.urlencode({"update": sparql}).encode()
        urllib.request.urlopen(urllib.request.Request(self.url + "/sparql", data=body), timeout=600).read()

    def clear(self) -> str:
        """The store spec, its dealgraph graphs dropped (the data and any staging graph)."""
        self.isql(
            "DELETE FROM DB.DBA.RDF_QUAD WHERE id_to_iri(G) LIKE 'urn:dealgraph:%' "
            "OR id_to_iri(G) LIKE 'https://w3id.org/dealgraph/%';"
        )
        return self.spec

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
