"""The app of `koopgraph serve` as granian's worker process makes it: from
the settings the serving process resolved (web/serving.py)."""

import ctypes
import json
import os
import signal
import sys

from flask import Flask

from koopgraph.web.app import create_app
from koopgraph.web.serving import SETTINGS_ENV

_PR_SET_PDEATHSIG = 1


def from_environment() -> Flask:
    _end_with_parent()
    return create_app(json.loads(os.environ[SETTINGS_ENV]))


def _end_with_parent() -> None:
    """If the serving process is killed outright (SIGKILL), this worker –
    which holds the store – ends too instead of living on as an orphan
    (Linux: prctl PR_SET_PDEATHSIG; elsewhere granian's own stop is all)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)
