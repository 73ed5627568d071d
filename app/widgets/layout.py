"""The main window's default dock layout: the image gets most of the window at every size.

Below ``TABBED_BELOW_PX`` of window width the parameters, the trace, the inspect panel and
the trace plots share one dock area on the right, as tabs (the trace in front); wider
windows put the parameters on the left and the other three as tabs on the right.
Docks get sizes in proportion to the window and minimums that keep their content usable.
The user's own arrangement is saved with the window (``app.settings``); View > Reset
layout comes back here.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt

#: Narrower windows tab the two docks together on the right.
TABBED_BELOW_PX = 1400
#: Share of the window width for the trace dock (and its bounds), and the parameters dock.
TRACE_SHARE, TRACE_MIN_PX, TRACE_MAX_PX = 0.34, 300, 680
PARAMS_SHARE, PARAMS_MIN_PX, PARAMS_MAX_PX = 0.19, 250, 360

LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea


def _share(width: int, share: float, low: int, high: int) -> int:
    return int(min(high, max(low, share * width)))


def _place(window, dock, area) -> None:
    """Move ``dock`` to ``area`` unless it is there (moving it would stack it there first)."""
    if window.dockWidgetArea(dock) != area:
        window.addDockWidget(area, dock)


def apply_default_layout(window) -> None:
    """Put ``window``'s parameters and trace docks where and as large as the default says."""
    params, trace, inspect, plots = window.params_dock, window.trace_dock, window.inspect_dock, window.plots_dock
    size = window.size()
    width = size.width()
    for dock in (params, trace, inspect, plots):
        dock.setFloating(False)
        dock.show()
    params.setMinimumWidth(PARAMS_MIN_PX)
    trace.setMinimumWidth(TRACE_MIN_PX)
    if width < TABBED_BELOW_PX:
        _place(window, trace, RIGHT)
        for dock in (params, inspect, plots):
            window.tabifyDockWidget(trace, dock)
        trace.raise_()
        window.resizeDocks([trace], [_share(width, TRACE_SHARE, TRACE_MIN_PX, TRACE_MAX_PX)],
                           Qt.Orientation.Horizontal)
    else:
        _place(window, params, LEFT)
        _place(window, trace, RIGHT)
        for dock in (inspect, plots):
            window.tabifyDockWidget(trace, dock)
        trace.raise_()
        window.resizeDocks([params, trace], [_share(width, PARAMS_SHARE, PARAMS_MIN_PX, PARAMS_MAX_PX),
                                             _share(width, TRACE_SHARE, TRACE_MIN_PX, TRACE_MAX_PX)],
                           Qt.Orientation.Horizontal)
    window.resize(size)  # docks moving between areas may have grown the window meanwhile
