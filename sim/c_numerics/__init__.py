"""The C program's numbers reproduced: its random generator, libm values and noise image."""
