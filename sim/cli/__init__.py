"""The command line: nanoBragg's flags parsed and written back, the run's exits and summary."""
