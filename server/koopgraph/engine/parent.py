"""A child process that ends when its parent does.

If a parent is killed outright (SIGKILL, the OOM killer), nothing it would
have done on the way out happens: children it would have stopped live on
as orphans, holding a store, memory or the parent's output pipes. On Linux
the kernel can signal a child when its parent dies (prctl
PR_SET_PDEATHSIG); elsewhere this does nothing and the parent's own stop
is all there is."""

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def end_with_parent(sig: int = signal.SIGTERM) -> None:
    """Have the kernel send sig to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), sig)
