"""What `kit app` will run, checked before anything starts: one learner or a room (--shared), where
it listens, the workshop code, idle kernels, and the notebooks a room is served. No server here:
tests/browser/test_shared_app.py runs the real thing."""

from __future__ import annotations

import nbformat
import pytest

from kit import settings
from kit.app import announce, plan, prepare, voila_command
from kit.cli import main
from kit.errors import KitError
from kit.identity import Registry


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, kit_home):
    for var in ("KIT_SHARED", "KIT_EXCHANGE", "KIT_ROOMS", "KIT_APP_IDLE_MINUTES", "KIT_SUPPORT_FILE"):
        monkeypatch.delenv(var, raising=False)


def test_one_learner_stays_on_loopback_and_frees_kernels():
    """The desktop app: loopback, no code, the kit's page template (not the shared app's); leaving and
    idle kernels handled."""
    serving = plan(8866)
    assert serving.shared is None and serving.workshop_code is None and serving.host == "127.0.0.1"
    cmd = voila_command(8866, settings.notebooks_dir(), idle_minutes=serving.idle_minutes)
    assert "--Voila.ip=127.0.0.1" in cmd
    assert "--Voila.identity_provider_class=kit.appserver.KitIdentityProvider" in cmd  # the leave-page fix
    assert "--MappingKernelManager.cull_idle_timeout=300" in cmd  # 5 minutes by default
    assert "--MappingKernelManager.cull_connected=False" in cmd  # a page still open is never stopped
    assert "--VoilaConfiguration.multi_kernel_manager_class=kit.appserver.KitKernelManager" in cmd  # freed when its browser goes
    assert not any("token" in c or "kit-app" in c for c in cmd)
    assert "--template=kit" in cmd  # one <main> on every page
    assert announce(serving) == ["The kit is at http://127.0.0.1:8866/voila/render/notebooks/00_start_here.ipynb  (Ctrl+C to stop)"]
    env = serving.env({"KIT_APP_CODE_FILE": "/somewhere/else"})
    assert "KIT_APP_CODE_FILE" not in env  # no door for one learner, whatever the environment held
    assert env["KIT_APP_READY"] == "Ready. Open the kit at http://127.0.0.1:8866/voila/render/notebooks/00_start_here.ipynb  (Ctrl+C to stop)"


def test_serving_other_computers_needs_shared_and_says_so():
    with pytest.raises(KitError, match="--host serves other computers, which needs --shared"):
        plan(8866, host="0.0.0.0")
    with pytest.raises(KitError, match="is not an address"):
        plan(8866, shared=True, host="my laptop")
    with pytest.raises(KitError, match="A workshop code is for a shared app"):
        plan(8866, workshop_code="ABCD-EFGH")


def test_a_shared_app_on_loopback_fixes_the_rooms_folders_and_asks_no_code(kit_home):
    """Each page works in its learner's folder, so rooms, hand-ins and support are fixed for the room."""
    serving = plan(9000, shared=True)
    assert serving.shared == kit_home / "shared-app" and serving.workshop_code is None
    env = serving.env({})
    assert env["KIT_SHARED"] == str(kit_home / "shared-app")
    assert env["KIT_ROOMS"] == str(kit_home / "rooms")  # where kit room open puts them on this computer
    assert env["KIT_EXCHANGE"] == str(kit_home / "shared-app" / "exchange")
    assert str(settings.voila_data_dir()) in env["JUPYTER_PATH"]
    assert (settings.voila_data_dir() / "voila" / "templates" / "kit-app" / "index.html.j2").is_file()
    cmd = serving.command()
    assert "--VoilaConfiguration.template=kit-app" in cmd
    assert not any(c.startswith("--Voila.token") for c in cmd)
    assert not any("preheat" in c for c in cmd)  # no kernel kept ready unless asked (docs/figures.md)
    lines = announce(serving)
    assert lines[0] == "The kit is serving a room at http://127.0.0.1:9000/  (Ctrl+C to stop)"
    assert f"kit collect {kit_home / 'shared-app' / 'exchange'}" in "\n".join(lines)


def test_a_room_on_the_network_gets_a_workshop_code_kept_across_restarts(kit_home, monkeypatch):
    monkeypatch.setenv("KIT_EXCHANGE", str(kit_home / "workshop"))
    first = plan(9000, shared=True, host="0.0.0.0")
    code = first.workshop_code
    assert code and Registry(first.shared).workshop_code() == code
    assert not any(code in c or c.startswith("--Voila.token") for c in first.command())  # never on a command line
    assert "--Voila.auto_token=True" in first.command() and "--Voila.ip=0.0.0.0" in first.command()
    env = first.env({})
    assert env["KIT_APP_CODE_FILE"] == str(first.shared / "workshop-code") and code not in "".join(env.values())
    assert plan(9000, shared=True, host="0.0.0.0").workshop_code == code
    assert first.env({})["KIT_EXCHANGE"] == str(kit_home / "workshop")
    lines = "\n".join(announce(first))
    assert f"Workshop code: {code}  (each browser types it once to enter)" in lines
    assert env["KIT_APP_READY"].startswith("Ready. Give the room this address with the workshop code above: http://")
    assert ":9000/" in lines
    chosen = plan(9000, shared=True, host="0.0.0.0", workshop_code="tuesday room 4")
    assert chosen.workshop_code == "TUES-DAYR-OOM4"


def test_idle_minutes_from_the_setting_or_the_option(monkeypatch):
    monkeypatch.setenv("KIT_APP_IDLE_MINUTES", "0.5")
    assert "--MappingKernelManager.cull_idle_timeout=30" in plan(8866).command()
    assert not any("cull" in c for c in plan(8866, idle_minutes=0).command())  # 0: never
    monkeypatch.setenv("KIT_APP_IDLE_MINUTES", "soon")
    with pytest.raises(KitError, match="KIT_APP_IDLE_MINUTES='soon' is not a number of minutes"):
        plan(8866)


def test_a_refusal_is_one_sentence_from_the_command(capsys):
    assert main(["app", "--host", "0.0.0.0"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs --shared" in err


def test_a_room_is_served_without_the_per_learner_setup_check(tmp_path):
    """The start page's setup check (pandas, matplotlib: about 1.7 s of a core per page) runs once
    when a shared app starts, not for every learner; the desktop app keeps it."""
    def sources(folder):
        return [c.source for c in nbformat.read(folder / "notebooks" / "00_start_here.ipynb", as_version=4).cells]

    room = sources(prepare(tmp_path / "room", shared=True))
    desk = sources(prepare(tmp_path / "desk"))
    assert "kit.self_check()" in desk and "kit.self_check()" not in room
    assert not any(s.startswith("## Check your setup") for s in room)
    assert len(desk) - len(room) == 2
    assert "kit.learner_picker()" in room
