"""Python access to tiersim results (docs/output-format.md)."""
from .frames import runs_frame, to_frame
from .io import FORMAT_MAJOR, RUN_PLAN_VARIABLES, open, run_plan_variables

__all__ = ["FORMAT_MAJOR", "RUN_PLAN_VARIABLES", "open", "run_plan_variables", "runs_frame", "to_frame"]
__version__ = "0.1.0"
