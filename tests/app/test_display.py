"""Display: levels and colour bar in photons under every scale, the ratio centred on 1, and
the PNG figure at data resolution with colour map, colour bar, rings and title."""

import numpy as np
from PyQt6.QtGui import QColor, QImage

from sim.io.floatfile import write_float32

from app.display import RATIO, auto_levels, display_values
from app.widgets.colour_bar import LUT_SIZE
from app.widgets.png_export import BAR_LABELS_PX, BAR_PX, MARGIN, TITLE_PX


def test_levels_and_colour_bar_read_in_photons_whatever_the_scale(qtbot, make_window, fast_args):
    window = make_window(fast_args)
    panel, image = window.image_panel, window.state.result.image
    seen = {}
    for scale in ("linear", "sqrt", "log", "gamma"):
        window.display.update(scale=scale)
        qtbot.wait(20)
        assert panel.item.image.max() == np.float32(image.max())  # the item holds photons
        seen[scale] = tuple(panel.histogram.getLevels())
        assert panel.histogram.axis_range()[1] >= 0.9 * seen[scale][1]
    expected = auto_levels(display_values(image, "ours"), window.display.value)
    assert all(np.allclose(levels, expected) for levels in seen.values())
    assert np.isclose(expected[1], np.percentile(image[image > 0], 99.9), rtol=1e-6)  # photons, not sqrt(photons)
    window.display.update(scale="sqrt")
    bent = panel.histogram.lookup_table()
    linear = panel.histogram.gradient.getLookupTable(LUT_SIZE)
    # a quarter of the way up in photons is half way up the colour map under sqrt
    assert np.array_equal(bent[LUT_SIZE // 4], linear[round(0.5 * (LUT_SIZE - 1))])


def test_ratio_view_is_centred_on_1_even_with_auto_levels_off(qtbot, make_window, fast_args, tmp_path):
    window = make_window(fast_args)
    ours = window.state.result.image
    write_float32(tmp_path / "c.bin", (ours * 1.1).astype(np.float32))
    window.display.update(auto_levels=False)
    window.open_path(str(tmp_path / "c.bin"))
    window.image_panel.controls.view.setCurrentText(RATIO)
    low, high = window.image_panel.histogram.getLevels()
    assert np.isclose((low + high) / 2, 1.0)


def test_png_export_is_a_figure_at_data_resolution(qtbot, make_window, fast_args, tmp_path, message_boxes):
    window = make_window(fast_args)
    window.resize(700, 500)  # the figure does not depend on the window
    path = tmp_path / "view.png"
    assert window.export_image(str(path)), message_boxes
    png = QImage(str(path))
    rows, cols = window.state.shape
    assert (png.width(), png.height()) == (MARGIN + cols + MARGIN + BAR_PX + BAR_LABELS_PX, TITLE_PX + rows + MARGIN)
    # an image pixel far from rings and beam has the colour map's colour of its value
    panel = window.image_panel
    low, high = panel.histogram.getLevels()
    lut = panel.histogram.lookup_table()
    s, f = 370, 262
    value = window.state.result.image[s, f]
    index = int(np.rint(np.clip((value - low) / (high - low), 0, 1) * (len(lut) - 1)))
    assert QColor(png.pixel(MARGIN + f, TITLE_PX + s)).getRgb()[:3] == tuple(int(c) for c in lut[index][:3])
    # the colour bar runs from the upper level (top) to the lower one, evenly in photons
    bar_x = MARGIN + cols + MARGIN + BAR_PX // 2
    for row in (2, rows // 2, rows - 3):
        fraction = 1.0 - row / (rows - 1)
        expected = lut[int(np.rint(fraction * (len(lut) - 1)))][:3]
        assert QColor(png.pixel(bar_x, TITLE_PX + row)).getRgb()[:3] == tuple(int(c) for c in expected)
    # rings are drawn in their colour somewhere on the image; the title is dark text on white
    body = png.copy(MARGIN, TITLE_PX, cols, rows)
    ring_like = sum(1 for y in range(0, rows, 2) for x in range(0, cols, 2)
                    if QColor(body.pixel(x, y)).blue() > 150 and QColor(body.pixel(x, y)).red() < 120)
    assert ring_like > 50
    title = png.copy(0, 0, png.width(), TITLE_PX)
    assert any(QColor(title.pixel(x, TITLE_PX // 2)).lightness() < 100 for x in range(MARGIN, 300))


def test_figure_exports_as_tiff_and_svg(qtbot, make_window, fast_args, tmp_path, message_boxes):
    import xml.etree.ElementTree as ElementTree

    window = make_window(fast_args)
    png, tiff, svg = (tmp_path / f"view.{s}" for s in ("png", "tiff", "svg"))
    assert window.export_figure(str(png)) and window.export_figure(str(tiff)), message_boxes
    assert window.export_image(str(svg)), message_boxes
    png_image, tiff_image = QImage(str(png)), QImage(str(tiff))
    assert tiff_image.size() == png_image.size()
    assert tiff_image.convertToFormat(QImage.Format.Format_RGB32) == png_image.convertToFormat(QImage.Format.Format_RGB32)
    root = ElementTree.parse(svg).getroot()
    rows, cols = window.state.shape
    width = MARGIN + cols + MARGIN + BAR_PX + BAR_LABELS_PX
    assert root.get("viewBox").split() == ["0", "0", str(width), str(TITLE_PX + rows + MARGIN)]
    texts = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "photons" in texts and "\u00c5" in texts  # colour-bar units and ring labels as text
    assert any(e.tag.endswith("image") for e in root.iter())
    assert not window.export_figure(str(tmp_path / "view.jpg")) and "a figure is written as" in message_boxes[-1]
