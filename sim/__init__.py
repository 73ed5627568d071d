"""nanoBragg in PyTorch: configuration, simulation, trace and file formats.

The public API is re-exported lazily, so that ``import sim.model.config`` (or the viewer's
start-up) does not pay for importing torch.
"""

_API = {
    "SimConfig": "sim.model.config",
    "parse_args": "sim.cli.args",
    "format_args": "sim.cli.args",
    "simulate": "sim.simulator",
    "SimResult": "sim.simulator",
    "kernel_building": "sim.kernel.compiled",
    "format_command": "sim.cli.args",
    "build_model": "sim.model.resolved",
    "SimModel": "sim.model.resolved",
    "pixel_info": "sim.kernel.pixel_info",
    "resolution_ring_radius_px": "sim.kernel.pixel_info",
    "trace_pixel": "sim.trace.tracer",
    "TraceRecord": "sim.trace.record",
    "format_trace": "sim.trace.format",
    "load_trace_log": "sim.trace.c_log",
    "parse_trace_text": "sim.trace.c_log",
    "compare_traces": "sim.trace.compare",
    "write_outputs": "sim.io.outputs",
    "InputError": "sim.errors",
    "SimulationCancelled": "sim.errors",
}

__all__ = sorted(_API)


def __getattr__(name):
    module_name = _API.get(name)
    if module_name is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
