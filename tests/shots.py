"""Where browser tests save the screenshots a person looks at: ``$SHOTS_DIR``, else
``.test-artifacts/shots`` in the checkout (ignored by git), never a machine-specific path."""

from __future__ import annotations

import os
from pathlib import Path

SHOTS = Path(
    os.environ.get(
        "SHOTS_DIR", Path(__file__).resolve().parent.parent / ".test-artifacts" / "shots"
    )
)
