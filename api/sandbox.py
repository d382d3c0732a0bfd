"""Take away a process's ability to open network connections (Linux seccomp).

The SPARQL endpoint runs every query in a forked worker. Before the worker parses the
query it calls :func:`forbid_network`, which installs a seccomp filter in the kernel: from
then on ``socket()`` for any address family but ``AF_UNIX``, ``connect()`` and
``io_uring_setup()`` (io_uring could connect on its own) fail with ``EPERM``, for Python
code and for native code alike (Oxigraph's Rust HTTP client for ``SERVICE`` included). The
filter cannot be lifted by the process and is inherited by anything it starts.

This is defence in depth behind the query guard (:mod:`dealgraph.api.sparql_guard`): even a
query the guard misjudged cannot reach the network.

No library is used: ``libseccomp``'s Python bindings are not on PyPI as a wheel, and the
filter is eight BPF instructions. The kernel interface is ``prctl(PR_SET_SECCOMP,
SECCOMP_MODE_FILTER, prog)`` (see ``man 2 seccomp``).

>>> import os, socket
>>> pid = os.fork()
>>> if pid == 0:  # a child process, so the doctest runner keeps its network
...     forbid_network()
...     try:
...         socket.socket(socket.AF_INET, socket.SOCK_STREAM)
...         os._exit(1)
...     except PermissionError:
...         os._exit(0)
>>> os.waitpid(pid, 0)[1]
0
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import struct

__all__ = ["forbid_network", "SandboxError", "supported"]

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];
_OFF_NR, _OFF_ARCH, _OFF_ARG0 = 0, 4, 16
_BPF_LD_W_ABS, _BPF_JEQ_K, _BPF_JGE_K, _BPF_RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
_AF_UNIX = 1
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2

# arch -> (AUDIT_ARCH_*, socket, connect, io_uring_setup)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 42, 425),
    "aarch64": (0xC00000B7, 198, 203, 425),
}


class SandboxError(OSError):
    """The filter could not be installed (not Linux, unknown architecture, or refused)."""


def supported() -> bool:
    """True where :func:`forbid_network` can work (Linux on x86_64 or aarch64)."""
    return platform.system() == "Linux" and platform.machine() in _ARCHES


def _program(arch: int, nr_socket: int, nr_connect: int, nr_uring: int) -> bytes:
    def stmt(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)

    return b"".join(
        [
            stmt(_BPF_LD_W_ABS, _OFF_ARCH),
            stmt(_BPF_JEQ_K, arch, 1, 0),  # another ABI (e.g. x32/i386 entry): refuse
            stmt(_BPF_RET_K, _RET_EPERM),
            stmt(_BPF_LD_W_ABS, _OFF_NR),
            stmt(_BPF_JGE_K, 0x40000000, 6, 0),  # x32 syscall numbers on x86_64: refuse
            stmt(_BPF_JEQ_K, nr_connect, 5, 0),  # connect(): refuse
            stmt(_BPF_JEQ_K, nr_uring, 4, 0),  # io_uring_setup(): refuse
            stmt(_BPF_JEQ_K, nr_socket, 1, 0),  # socket(): look at the family
            stmt(_BPF_RET_K, _RET_ALLOW),
            stmt(_BPF_LD_W_ABS, _OFF_ARG0),
            stmt(_BPF_JEQ_K, _AF_UNIX, 1, 0),  # socket(AF_UNIX, ...) only
            stmt(_BPF_RET_K, _RET_EPERM),
            stmt(_BPF_RET_K, _RET_ALLOW),
        ]
    )


def forbid_network() -> None:
    """Forbid this process (and its children) new network sockets and connections.

    Raises :class:`SandboxError` when the filter cannot be installed.
    """
    if not supported():
        raise SandboxError(f"no network sandbox on {platform.system()} {platform.machine()}")
    code = _program(*_ARCHES[platform.machine()])
    count = len(code) // 8
    buf = ctypes.create_string_buffer(code, len(code))

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(count, ctypes.cast(buf, ctypes.c_void_p))
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
        raise SandboxError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
