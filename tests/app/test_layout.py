"""Layout: the image dominates at 1024x700 and 1920x1080, fits its view, the trace table
shows whole numbers, the C command takes one line, the layout can be reset."""

import pytest
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtWidgets import QApplication

from tests.app.helpers import wait_idle


def _area(widget):
    return widget.width() * widget.height() if widget.isVisible() else 0


@pytest.fixture
def sized_window(qtbot, make_window, example_log, fast_args):
    def make(width, height, args=fast_args):
        window = make_window(args, wait=False)
        window.resize(width, height)
        window.reset_layout()
        window.controller.load_c_trace(str(example_log))
        wait_idle(qtbot, window.controller)
        window.controller.trace(368, 262)
        wait_idle(qtbot, window.controller)
        for _ in range(3):
            QApplication.processEvents()
        qtbot.wait(50)
        return window
    return make


@pytest.mark.parametrize("width, height", [(1024, 700), (1920, 1080)])
def test_the_image_is_the_dominant_panel_and_fits_its_view(sized_window, width, height):
    window = sized_window(width, height)
    assert (window.width(), window.height()) == (width, height)
    view = window.image_panel.graphics
    assert _area(view) > _area(window.trace_panel) and _area(view) > _area(window.params_panel)
    assert view.width() >= 0.4 * width and view.height() >= 0.7 * height
    # the whole 512 x 512 image is drawn, as large as the view allows
    box = window.image_panel.view_box
    top_left, bottom_right = box.mapViewToScene(QPointF(0, 0)), box.mapViewToScene(QPointF(512, 512))
    drawn = bottom_right - top_left
    inside = box.sceneBoundingRect()
    assert inside.contains(top_left) and inside.contains(bottom_right)
    assert max(drawn.x() / inside.width(), drawn.y() / inside.height()) > 0.9
    assert window.trace_panel.width() >= 280 and window.params_panel.width() >= 230
    _table_shows_whole_numbers(window.trace_panel)


def _table_shows_whole_numbers(panel):
    """Columns sized to their content (ours and C to a whole number, a vector's components
    one per line; only long text is elided), one number format, a scroll bar only when needed."""
    table, header = panel.table, panel.table.horizontalHeader()
    columns = range(panel.table_model.columnCount())
    number = table.fontMetrics().horizontalAdvance("-0.000000000e+00")
    assert all(header.sectionSize(c) >= table.sizeHintForColumn(c) for c in columns if c not in (2, 3))
    assert all(header.sectionSize(c) >= number for c in (2, 3))
    texts = [panel.filter.index(r, 2).data() for r in range(table.model().rowCount())]
    assert "1.000000000e-10" in texts  # lambda_meters, in the fixed scientific format
    assert any(t and t.count("\n") == 2 for t in texts)  # a vector, one component per line
    needed = sum(header.sectionSize(c) for c in columns) > table.viewport().width()
    assert table.horizontalScrollBar().isVisible() == needed


def test_long_c_command_takes_one_elided_line_with_the_whole_of_it_on_hover(sized_window):
    from app.example import example_command

    window = sized_window(1024, 700)
    command = window.trace_panel.command
    assert command.height() <= 1.5 * command.fontMetrics().height()
    assert command.toolTip() == f"nanoBragg {example_command()}"
    assert command.shown_text() != command.text() and command.shown_text().endswith("\u2026")


def test_reset_layout_brings_the_docks_back(sized_window):
    window = sized_window(1600, 1000)
    window.params_dock.hide()
    window.trace_dock.setFloating(True)
    reset = next(a for a in window.actions() if a.text() == "Reset &layout")
    reset.trigger()
    QApplication.processEvents()
    assert window.params_dock.isVisible() and window.trace_dock.isVisible()
    assert not window.trace_dock.isFloating()
    assert window.dockWidgetArea(window.params_dock) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_scripted_window_size_is_the_screenshot_size(qtbot, fast_args, tmp_path):
    import shlex

    from PyQt6.QtGui import QImage

    from app.main import main

    shot = tmp_path / "small.png"
    assert main(["--args", shlex.join(fast_args), "--window-size", "1024x700", "--screenshot", str(shot),
                 "--quit"]) == 0
    assert (QImage(str(shot)).width(), QImage(str(shot)).height()) == (1024, 700)
