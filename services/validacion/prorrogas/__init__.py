"""Prórrogas of the capture window, granted by the institute per candidatura or per postulante."""
