"""The app of `koopgraph serve` as granian's worker process makes it: from
the settings the serving process resolved (web/serving.py)."""

import json
import os

from flask import Flask

from koopgraph.engine.parent import end_with_parent
from koopgraph.web import stop_signals
from koopgraph.web.app import create_app
from koopgraph.web.serving import SETTINGS_ENV


def from_environment() -> Flask:
    """The app, in a worker that ends with the serving process even when
    that is killed outright (SIGKILL) – it holds the store – and that acts
    on stop signals whichever of its threads receives them."""
    end_with_parent()
    stop_signals.relay_in_granians_worker()
    return create_app(json.loads(os.environ[SETTINGS_ENV]))

