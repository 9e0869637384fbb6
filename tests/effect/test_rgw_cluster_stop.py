"""`scripts/rgw_cluster.py stop` signals only the daemons it started, never a recycled PID.

PIDs are recycled (pid_max is 32768 here, and every thread of every process takes one); a
daemon that exited and was reaped early leaves its number free, and a SIGINT sent to it at
the end of the session lands in whatever process has it then: a pytest worker, say, which
raises KeyboardInterrupt wherever it is. Real processes stand in for the daemons here.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts import rgw_cluster


@pytest.fixture
def bystander() -> Iterator[subprocess.Popen]:
    """A process that is not a daemon of the cluster but holds a PID the state file names."""
    process = subprocess.Popen(["sleep", "60"])
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def _state(directory: Path, pid: int, started: str | None) -> None:
    record = {"pids": {"radosgw": pid}, "starts": {"radosgw": started}}
    (directory / rgw_cluster.STATE_FILE).write_text(json.dumps(record))


def test_a_recorded_pid_now_held_by_another_process_is_left_alone(tmp_path: Path, bystander: subprocess.Popen) -> None:
    started = rgw_cluster._start_time(bystander.pid)
    assert started is not None
    _state(tmp_path, bystander.pid, str(int(started) - 1))  # the daemon that had this PID started earlier
    assert rgw_cluster.stop(tmp_path, timeout=0.5) == ["radosgw"]
    assert bystander.poll() is None, "stop signalled a process it did not start"
    assert not (tmp_path / rgw_cluster.STATE_FILE).exists()


def test_the_recorded_daemon_itself_is_stopped(tmp_path: Path, bystander: subprocess.Popen) -> None:
    _state(tmp_path, bystander.pid, rgw_cluster._start_time(bystander.pid))
    rgw_cluster.stop(tmp_path, timeout=5)
    assert rgw_cluster._start_time(bystander.pid) is None, "stop left its own daemon running"


def test_the_launch_records_each_daemons_start_time_and_stop_uses_it(tmp_path: Path) -> None:
    (tmp_path / "log").mkdir()
    starter = rgw_cluster._Starter(tmp_path, lc_day_seconds=3, timeout=10)
    starter.conf.write_text("#!/bin/sh\nexec sleep 60\n")  # launch runs `bash -c CONF ... -f`: a daemon stand-in
    starter.conf.chmod(0o700)
    starter.launch("sleeper", "bash")
    pid = starter.pids["sleeper"]
    recorded = json.loads((tmp_path / rgw_cluster.STATE_FILE).read_text())
    assert recorded["starts"]["sleeper"] == rgw_cluster._start_time(pid) is not None
    assert rgw_cluster.stop(tmp_path, timeout=5) == ["sleeper"]
    assert rgw_cluster._exited(pid)
