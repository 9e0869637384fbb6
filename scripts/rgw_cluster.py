#!/usr/bin/env python3
"""A throwaway single-node Ceph RADOS Gateway (a production S3 engine) on 127.0.0.1.

The test suite runs its S3 effect tests on RGW because, unlike the emulators, it enforces
IAM user policies, evaluates CORS, serves signed URLs and executes lifecycle rules.

    python3 scripts/rgw_cluster.py install            # apt-get the Ceph packages when missing
    python3 scripts/rgw_cluster.py start DIR [--json] [--lc-day-seconds N] [--timeout S]
    python3 scripts/rgw_cluster.py stop DIR [--timeout S]

`start` writes its own ceph.conf under DIR and runs one ceph-mon (auth none, msgr2 in crc
mode), one memstore ceph-osd (data in RAM) and radosgw bound to 127.0.0.1 on a free port,
with lifecycle "days" of `--lc-day-seconds` seconds. It waits (bounded) until S3 answers,
creates an admin user with the caps the IAM user-policy API needs, records the daemons'
PIDs in DIR/daemons.json, writes the endpoint and admin keys to DIR/env (mode 0600) and
prints them with the PIDs (or, with --json, one JSON object). `stop` kills only the PIDs recorded there. Stdlib only: the
tests import `start`, `stop` and `binaries_missing` from here.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

try:  # imported by the tests as scripts.rgw_cluster, run as scripts/rgw_cluster.py
    from scripts import apt_packages
except ImportError:  # pragma: no cover - run as a script: scripts/ is on sys.path
    import apt_packages

PACKAGES = ("radosgw", "ceph-mon", "ceph-osd", "ceph-common")
BINARIES = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "ceph", "monmaptool")
STATE_FILE = "daemons.json"
DEFAULT_LC_DAY_SECONDS = 10
DEFAULT_TIMEOUT = 90.0
ADMIN_CAPS = "users=*;buckets=*;metadata=*;usage=*;zone=*;user-policy=*;roles=*;oidc-provider=*"

CONF = """\
[global]
fsid = {fsid}
mon_host = v2:127.0.0.1:{mon_port}
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr1 = false
ms_bind_msgr2 = true
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# radosgw defaults to ms_mon_client_mode = secure, which needs cephx: it would loop forever
ms_mon_client_mode = crc
ms_client_mode = crc
ms_cluster_mode = crc
ms_service_mode = crc
auth_allow_insecure_global_id_reclaim = true
mon_warn_on_insecure_global_id_reclaim_allowed = false
run_dir = {dir}/run
crash_dir = {dir}/crash
log_file = {dir}/log/$name.log
admin_socket = {dir}/run/$name.asok
pid_file = {dir}/run/$name.pid
log_to_stderr = false
err_to_stderr = true
mon_cluster_log_to_file = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
osd_failsafe_full_ratio = .99
mon_osd_full_ratio = .99
mon_osd_nearfull_ratio = .99
mon_osd_backfillfull_ratio = .99

[mon]
mon_data = {dir}/mon.$id
mon_data_avail_warn = 2
mon_data_avail_crit = 1
# commit map changes at once (pool creation, OSD boot) instead of batching for a second
paxos_propose_interval = 0.01
paxos_min_wait = 0.001

[osd]
osd_data = {dir}/osd.$id
osd_objectstore = memstore
memstore_device_bytes = 1073741824
osd_check_max_object_name_len_on_startup = false
osd_class_load_list = *
osd_class_default_list = *

[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:{rgw_port}
rgw_data = {dir}/rgw
rgw_thread_pool_size = 32
rgw_enable_lc_threads = true
# one lifecycle "day" lasts this many seconds, and LC runs every this many seconds
rgw_lc_debug_interval = {lc_day_seconds}
rgw_dynamic_resharding = false
"""


@dataclass(frozen=True)
class Cluster:
    """What a started cluster recorded: where S3 is, the admin's keys, the daemons' PIDs."""

    dir: str
    conf: str
    endpoint: str
    admin_key: str
    admin_secret: str
    lc_day_seconds: int
    pids: dict
    started_in_seconds: float


class StartError(RuntimeError):
    """The cluster did not come up; the message names the step and the log directory."""


def binaries_missing() -> list[str]:
    return apt_packages.binaries_missing(BINARIES)


def install() -> int:
    """apt-get the Ceph packages when a binary is missing (scripts/apt_packages.py)."""
    return apt_packages.install("Ceph RGW", PACKAGES, BINARIES)


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _s3_answers(endpoint: str) -> bool:
    """An anonymous ListBuckets answers 200 once the gateway serves S3."""
    try:
        with urllib.request.urlopen(endpoint + "/", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


class _Starter:
    def __init__(self, directory: Path, lc_day_seconds: int, timeout: float) -> None:
        self.dir = directory
        self.conf = directory / "ceph.conf"
        self.deadline = time.monotonic() + timeout
        self.lc_day_seconds = lc_day_seconds
        self.pids: dict[str, int] = {}
        self.starts: dict[str, str | None] = {}
        """Each daemon's start time (/proc/PID/stat), so `stop` never signals a recycled PID."""

    def run(self, what: str, *args: str) -> str:
        remaining = max(1.0, self.deadline - time.monotonic())
        try:
            done = subprocess.run(
                [args[0], "-c", str(self.conf), *args[1:]], capture_output=True, text=True, timeout=remaining
            )
        except subprocess.TimeoutExpired:
            raise StartError(f"{what} timed out (logs in {self.dir}/log)") from None
        if done.returncode != 0:
            raise StartError(f"{what} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        return done.stdout

    def launch(self, name: str, *args: str) -> None:
        """A daemon in the foreground (-f) of its own session, its PID recorded at once."""
        log = open(self.dir / "log" / f"{name}.out", "w")  # noqa: SIM115 - the daemon owns it
        process = subprocess.Popen(
            [args[0], "-c", str(self.conf), *args[1:], "-f"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self.pids[name] = process.pid
        self.starts[name] = _start_time(process.pid)
        self.save()

    def save(self, **extra: object) -> None:
        """The PIDs (and at the end the admin's keys), in a file only this user can read."""
        descriptor = os.open(self.dir / STATE_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as state:
            state.write(json.dumps({"pids": self.pids, "starts": self.starts, **extra}))

    def wait_for(self, what: str, ready) -> None:
        while not ready():
            for name, pid in self.pids.items():
                if _exited(pid):
                    raise StartError(f"{name} exited while waiting for {what} (see {self.dir}/log/{name}.out)")
            if time.monotonic() > self.deadline:
                raise StartError(f"timed out waiting for {what} (logs in {self.dir}/log)")
            time.sleep(0.1)


def _exited(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == pid
    except ChildProcessError:  # not our child (a `stop` from another process): ask the kernel
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        return state in ("Z", "X")  # a zombie has exited; its parent has not reaped it yet


def start(directory: str | Path, lc_day_seconds: int = DEFAULT_LC_DAY_SECONDS, timeout: float = DEFAULT_TIMEOUT) -> Cluster:
    """Start mon, OSD and radosgw under `directory`, which must be new or empty."""
    began = time.monotonic()
    missing = binaries_missing()
    if missing:
        raise StartError(f"{', '.join(missing)} not found: run python3 scripts/rgw_cluster.py install")
    root = Path(directory).resolve()
    if (root / STATE_FILE).exists():
        raise StartError(f"{root} already holds a cluster: run `rgw_cluster.py stop {root}` first")
    if root.exists() and any(root.iterdir()):
        raise StartError(f"{root} is not empty: give a new or empty directory (nothing in it is deleted)")
    for sub in ("run", "crash", "log", "rgw", "mon.a", "osd.0"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    mon_port, rgw_port = _free_ports(2)
    fsid, osd_uuid = str(uuid.uuid4()), str(uuid.uuid4())
    starter = _Starter(root, lc_day_seconds, timeout)
    starter.conf.write_text(
        CONF.format(fsid=fsid, mon_port=mon_port, rgw_port=rgw_port, dir=root, lc_day_seconds=lc_day_seconds)
    )
    starter.save()
    endpoint = f"http://127.0.0.1:{rgw_port}"
    try:
        subprocess.run(
            ["monmaptool", "--create", "--fsid", fsid, "--addv", "a", f"[v2:127.0.0.1:{mon_port}]", str(root / "monmap")],
            check=True,
            capture_output=True,
            timeout=30,
        )
        starter.run("ceph-mon --mkfs", "ceph-mon", "--mkfs", "-i", "a", "--monmap", str(root / "monmap"))
        starter.launch("mon.a", "ceph-mon", "-i", "a")
        starter.wait_for("ceph-mon quorum", lambda: _quietly(starter, "ceph", "--connect-timeout", "3", "mon", "stat"))
        osd_id = starter.run("ceph osd new", "ceph", "osd", "new", osd_uuid).strip()
        if osd_id != "0":
            raise StartError(f"unexpected OSD id {osd_id!r}")
        starter.run("ceph-osd --mkfs", "ceph-osd", "-i", "0", "--mkfs", "--osd-uuid", osd_uuid)
        starter.launch("osd.0", "ceph-osd", "-i", "0")
        starter.wait_for("osd.0 up", lambda: _osd_up(starter))
        starter.launch("rgw.a", "radosgw", "-n", "client.rgw.a")
        starter.wait_for(f"radosgw S3 on {endpoint}", lambda: _s3_answers(endpoint))
        admin_key = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(20))
        admin_secret = secrets.token_hex(20)
        starter.run(
            "radosgw-admin user create",
            "radosgw-admin",
            "user",
            "create",
            "--uid=admin",
            "--display-name=RGW admin",
            f"--access-key={admin_key}",
            f"--secret-key={admin_secret}",
            f"--caps={ADMIN_CAPS}",
        )
    except BaseException:
        stop(root)
        raise
    cluster = Cluster(
        dir=str(root),
        conf=str(starter.conf),
        endpoint=endpoint,
        admin_key=admin_key,
        admin_secret=admin_secret,
        lc_day_seconds=lc_day_seconds,
        pids=dict(starter.pids),
        started_in_seconds=round(time.monotonic() - began, 2),
    )
    starter.save(cluster=asdict(cluster))
    _write_env(root / "env", cluster)
    return cluster


def _write_env(path: Path, cluster: Cluster) -> None:
    """The endpoint and admin keys as shell assignments (`. DIR/env`), readable by this user only."""
    lines = {
        "RGW_ENDPOINT": cluster.endpoint,
        "RGW_ADMIN_KEY": cluster.admin_key,
        "RGW_ADMIN_SECRET": cluster.admin_secret,
        "RGW_CONF": cluster.conf,
        "RGW_LC_DAY_SECONDS": str(cluster.lc_day_seconds),
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as env:
        env.writelines(f"{name}={value}\n" for name, value in lines.items())


def _quietly(starter: _Starter, *args: str) -> bool:
    try:
        starter.run("probe", *args)
        return True
    except StartError:
        return False


def _osd_up(starter: _Starter) -> bool:
    try:
        return json.loads(starter.run("ceph osd stat", "ceph", "--connect-timeout", "3", "osd", "stat", "-f", "json"))[
            "num_up_osds"
        ] == 1
    except (StartError, ValueError, KeyError):
        return False


def stop(directory: str | Path, timeout: float = 3.0) -> list[str]:
    """Stop the daemons whose PIDs `directory` recorded; the names of those stopped.

    Newest first (gateway, OSD, monitor): radosgw and the OSD hang once the monitor is
    gone. Each gets SIGINT (a clean shutdown for Ceph's daemons; radosgw takes seconds
    over SIGTERM and ~0.1 s over SIGINT), then SIGKILL after `timeout` seconds: radosgw's
    shutdown can wait forever on a lifecycle worker retrying a shard lock, and the data
    lives in the memstore OSD's RAM, so nothing of value is lost.
    """
    state_file = Path(directory) / STATE_FILE
    if not state_file.exists():
        return []
    state = json.loads(state_file.read_text())
    pids: dict[str, int] = state.get("pids", {})
    starts: dict[str, str | None] = state.get("starts", {})
    for name, pid in reversed(list(pids.items())):
        started = starts.get(name)
        if started is not None and _start_time(pid) != started:
            continue  # exited (and reaped) long ago: the PID may now be another process's
        _signal(pid, signal.SIGINT)
        if not _gone_within(pid, timeout, started):
            _signal(pid, signal.SIGKILL)
            _gone_within(pid, 5.0, started)
    state_file.unlink()
    return sorted(pids)


def _start_time(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, field 22 of /proc/PID/stat), or
    None when there is no such process. A PID with another start time is another process:
    PIDs are recycled (pid_max is often 32768, and every thread of every process takes one),
    and a SIGINT sent to a recycled PID interrupts whatever process has it now (a pytest
    worker, say)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _gone_within(pid: int, seconds: float, started: str | None = None) -> bool:
    deadline = time.monotonic() + seconds
    while not _exited(pid) and (started is None or _start_time(pid) == started):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("install", "start", "stop") or (argv[0] != "install" and len(argv) < 2):
        print(__doc__.split("\n\n")[2], file=sys.stderr)
        return 2
    if argv[0] == "install":
        return install()
    if argv[0] == "stop":
        stopped = stop(argv[1], float(_option(argv, "--timeout", "3")))
        print("stopped: " + (", ".join(stopped) or "nothing recorded"))
        return 0
    try:
        cluster = start(
            argv[1],
            int(_option(argv, "--lc-day-seconds", str(DEFAULT_LC_DAY_SECONDS))),
            float(_option(argv, "--timeout", str(DEFAULT_TIMEOUT))),
        )
    except StartError as error:
        print(f"rgw_cluster: {error}", file=sys.stderr)
        return 1
    if "--json" in argv:
        print(json.dumps(asdict(cluster)))
    else:
        print(f"endpoint={cluster.endpoint} admin_key={cluster.admin_key} admin_secret={cluster.admin_secret}")
        print(f"conf={cluster.conf} lc_day_seconds={cluster.lc_day_seconds} started_in={cluster.started_in_seconds}s")
        for name, pid in cluster.pids.items():
            print(f"pid {name}={pid}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
