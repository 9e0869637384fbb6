"""One piece of network work, bounded by wall-clock time and interruptible by Ctrl-C."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from infra.validate import interrupts


def bounded(work: Callable[[], Any], timeout: float) -> tuple[str, Any]:
    """Run `work` in a daemon thread; ("ok", value), ("error", exception) or ("timeout", None).

    A daemon thread, because a request stuck past the timeout must neither hold up the
    report nor keep the process alive; its socket timeout ends it soon after. The
    timeout is wall-clock: botocore's read timeout restarts with every byte received,
    so a server trickling its answer is stopped only here. Ctrl-C raises
    `KeyboardInterrupt` from the wait.
    """
    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)

    def target() -> None:
        try:
            box.put(("ok", work()))
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            box.put(("error", error))

    with interrupts.waiting():
        threading.Thread(target=target, daemon=True, name="validate-work").start()
        try:
            return box.get(timeout=timeout)
        except queue.Empty:
            return "timeout", None
