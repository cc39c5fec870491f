"""``python -m bench [name ...]``: run every ``bench/bench_*.py`` (or the named ones)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from bench.harness import summary


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        module.run()
    summary()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
