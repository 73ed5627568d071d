"""The one place for physical constants and unit conversions.

Internal computation uses SI: metres, radians, seconds, photons/m^2. Configuration
fields keep the units a user types (mm, degrees, Angstrom, mrad, microns, percent) and
name them in the field; they are converted here, once, when the model is built.

Constants are the values the C nanoBragg uses, so that parity holds to the last digit.
"""

import math

#: Thomson cross section r_e^2 of the electron, m^2 (value hard-coded in nanoBragg.c).
R_E_SQR_M2 = 7.94079248018965e-30
#: nanoBragg's default fluence, photons/m^2.
DEFAULT_FLUENCE_PER_M2 = 125932015286227086360700780544.0
#: Avogadro's number as nanoBragg defines it, 1/mol.
AVOGADRO = 6.02214179e23
#: Forward structure factor of water (electrons) and its molecular weight (g/mol).
WATER_F = 2.57
WATER_MW_G_PER_MOL = 18.0
#: hc in eV*Angstrom as nanoBragg uses it for -energy.
HC_EV_A = 12398.42
#: Distance of the x-ray source from the sample, m (only its direction matters).
SOURCE_DISTANCE_M = 10.0
#: Density of water, g/m^3 (the C's 1e6 in the water background).
WATER_DENSITY_G_PER_M3 = 1e6

# Conversions do the C's own operation, so that parity holds to the last digit: x / 1000.0
# and x * 1e-3 differ in the last bit. Where the C divides (mm, mrad, percent, Angstrom, the
# water size in microns) the factor is a *_PER_* constant; where it multiplies, UM and ANGSTROM.
MM_PER_M = 1000.0
UM_PER_M = 1e6
A_PER_M = 1e10
MRAD_PER_RAD = 1000.0
PERCENT_PER_ONE = 100.0
#: One micron and one Angstrom in metres, for the C's multiplications (x * 1e-6, x * 1e-10).
UM = 1e-6
ANGSTROM = 1e-10
#: Degrees per radian, as the C defines it (RTD = 180.0 * M_1_PI; the same double).
RTD = 180.0 / math.pi


def mm_to_m(value_mm: float) -> float:
    return value_mm / MM_PER_M


def m_to_mm(value_m: float) -> float:
    return value_m * MM_PER_M


def um_to_m(value_um: float) -> float:
    """Microns as the C converts the detector thickness and absorption depth (x * 1e-6);
    it divides the water size by 1e6 instead (see ``UM_PER_M``)."""
    return value_um * UM


def deg_to_rad(value_deg: float) -> float:
    return value_deg / RTD


def rad_to_deg(value_rad: float) -> float:
    return value_rad * RTD


def angstrom_to_m(value_A: float) -> float:
    return value_A / A_PER_M


def m_to_angstrom(value_m: float) -> float:
    return value_m * A_PER_M


def energy_eV_to_wavelength_A(energy_eV: float) -> float:
    return HC_EV_A / energy_eV
