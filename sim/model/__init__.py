"""The model: typed configuration, its validation, and the geometry it resolves to
(beam, crystal, detector, orientations, sampling), all in SI units."""
