"""A text progress bar for management commands, written to any text stream."""

import sys
import time
from io import TextIOBase
from typing import TextIO


class ProgressBar:
    """Redraws one line as work advances; on a non-terminal it prints a line per 10%."""

    def __init__(
        self,
        total: int,
        *,
        label: str = "",
        stream: TextIO | TextIOBase | None = None,
        width: int = 30,
    ):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stdout
        self.width = width
        self.done = 0
        self._started = time.monotonic()
        self._last_decile = -1
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def advance(self, step: int = 1) -> None:
        self.done = min(self.total, self.done + step)
        self._draw()

    def _draw(self) -> None:
        share = self.done / self.total
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self._started
        line = f"{self.label} [{bar}] {self.done:,}/{self.total:,} {share:5.1%} {elapsed:5.1f}s"
        if self._tty:
            self.stream.write("\r" + line)
            if self.done >= self.total:
                self.stream.write("\n")
        else:
            decile = int(share * 10)
            if decile != self._last_decile:
                self._last_decile = decile
                self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.done < self.total:
            self.done = self.total
            self._draw()
