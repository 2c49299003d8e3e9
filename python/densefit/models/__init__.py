from densefit.models.sequential import Model, Sequential

__all__ = ["Model", "Sequential"]
