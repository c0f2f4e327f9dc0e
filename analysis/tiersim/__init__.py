"""Python access to tiersim results (docs/output-format.md)."""
from .io import FORMAT_MAJOR, RUN_PLAN_VARIABLES, open, run_plan_variables

__all__ = ["FORMAT_MAJOR", "RUN_PLAN_VARIABLES", "open", "run_plan_variables"]
__version__ = "0.1.0"
