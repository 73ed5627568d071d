"""The kernel: one geometry path from pixel to scattering vector, the lattice and structure
factors, the eager and compiled intensity computation, and per-pixel readouts."""
