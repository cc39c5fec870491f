"""Old task path, kept for one release: tasks queued before the rooms were split still run.

New code imports ``registration.tasks``.
"""

from importlib import import_module
from typing import Any


def __getattr__(name: str) -> Any:
    # Dynamic on purpose: this shim must not make the registration room import its sub-rooms.
    return getattr(import_module("registration.tasks"), name)
