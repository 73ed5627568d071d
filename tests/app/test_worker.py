"""Background simulation: progress, cancel (keeping the image on show), newest request wins."""

from sim.cli.args import parse_args

from app.example import example_args
from app.worker import BackgroundTask
from tests.app.helpers import wait_idle

#: The example on a 256 x 256 detector with 6 x 6 sub-pixels and 10 mosaic domains: ~10 s.
SLOW_ARGS = example_args() + ["-detpixels", "256", "-oversample", "6", "-mosaic", "0.5",
                              "-mosaic_dom", "10"]


def test_cancel_stops_the_simulation_and_keeps_the_previous_image(qtbot, make_window, fast_args,
                                                                  message_boxes):
    window = make_window(fast_args)
    before = window.state.result
    controller = window.controller
    with qtbot.waitSignal(controller.simulations.progress, timeout=30000):
        window.state.set_config(parse_args(SLOW_ARGS).config)
    assert window.cancel_button.isVisible() and window.progress.isVisible()
    with qtbot.waitSignal(controller.simulations.cancelled, timeout=10000):
        window.cancel_button.click()
    assert not controller.simulations.busy
    assert window.state.result is before
    assert window.image_panel.item.image.shape == (512, 512)
    assert not window.cancel_button.isVisible()
    assert message_boxes == []


def test_window_stays_responsive_while_simulating(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    window.state.set_config(parse_args(SLOW_ARGS).config)
    ticks = []
    for _ in range(5):
        qtbot.wait(20)  # the event loop runs: the GUI thread is free
        ticks.append(window.controller.simulations.busy)
    assert all(ticks)
    window.controller.cancel()
    qtbot.waitUntil(lambda: not window.controller.simulations.busy, timeout=10000)


def test_newer_request_supersedes_older(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    state = window.state
    images = []
    state.image_changed.connect(images.append)
    state.set_config(parse_args(SLOW_ARGS).config)
    state.set_config(parse_args(fast_args + ["-lambda", "1.1"]).config)
    wait_idle(qtbot, window.controller)
    qtbot.wait(50)
    assert [r.model.config.beam.wavelength_A for r in images] == [1.1]
    assert state.result.model.config == state.config


def test_stale_results_are_dropped(qtbot):
    task = BackgroundTask()
    results = []
    task.finished.connect(results.append)
    task.submit(lambda progress, cancel: "old")
    task.submit(lambda progress, cancel: "new")
    qtbot.waitUntil(lambda: not task.busy)
    qtbot.wait(50)
    assert results == ["new"]


def test_job_errors_arrive_as_one_line(qtbot):
    from sim.errors import InputError

    def job(progress, cancel):
        raise InputError("bad thing", "file.hkl", 3)

    task = BackgroundTask()
    with qtbot.waitSignal(task.failed) as failed:
        task.submit(job)
    assert failed.args == ["file.hkl:3: bad thing"]


def test_simulator_notes_from_a_worker_thread_reach_the_status_bar(qtbot, make_window, fast_args):
    import logging
    import threading

    window = make_window(fast_args)
    note = "building the compiled sources kernel for this crystal once"
    with qtbot.waitSignal(window.controller.status, timeout=5000) as signal:
        thread = threading.Thread(target=lambda: logging.getLogger("sim.kernel.compiled").info(note))
        thread.start()
        thread.join()
    assert signal.args == [note]
    qtbot.waitUntil(lambda: window.note.text() == note, timeout=5000)


def test_the_image_is_marked_stale_whenever_the_parameters_differ(qtbot, make_window, fast_args):
    from app.widgets.image_panel import STALE_IDLE, STALE_OPACITY

    window = make_window(fast_args)
    panel, state = window.image_panel, window.state
    assert not panel.stale.isVisible() and panel.item.opacity() == 1.0
    shown = state.config
    with qtbot.waitSignal(window.controller.simulations.progress, timeout=30000):
        state.set_config(parse_args(SLOW_ARGS).config)
    assert panel.stale.isVisible() and "Simulating" in panel.stale.text()
    window.cancel_button.click()
    assert state.image_stale and panel.stale.isVisible() and panel.stale.text() == STALE_IDLE
    assert panel.item.opacity() == STALE_OPACITY
    state.set_config(shown)  # back to what the image shows: nothing to simulate
    assert not panel.stale.isVisible() and panel.item.opacity() == 1.0
    assert not window.controller.simulations.busy
