"""``planner`` on the command line (also ``python -m planner``): take SIGINT and SIGTERM before anything heavy loads,
so an interrupt at any moment prints one line and exits 130 / 143 (`planner.base.safe`)."""

from __future__ import annotations


def main() -> None:
    from .base.safe import install_signal_handlers

    install_signal_handlers()
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
