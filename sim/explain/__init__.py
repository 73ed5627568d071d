"""Explain a difference between our image and another one by fitting our parameters.

``explain(config, theirs, groups)`` (``sim.explain.explain``) fits parameter groups
(``sim.explain.groups``) by autograd (``fit``, ``forward``) on the pixels around the spots
(``pixels``) and returns an ``Explanation`` (``report`` formats it in words and as JSON);
``sensitivity`` gives d(pixel)/d(parameter) for one pixel. ``python -m sim explain`` is
``sim.explain.cli``. No Qt.
"""
