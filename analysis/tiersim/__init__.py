"""Python access to tiersim results (docs/output-format.md)."""
from pathlib import Path as _Path

from .frames import runs_frame, to_frame
from .io import (FORMAT_MAJOR, RUN_PLAN_VARIABLES, open, parameter_variable, parameter_variables,
                 run_plan_variables)

__all__ = ["FORMAT_MAJOR", "RUN_PLAN_VARIABLES", "open", "parameter_variable", "parameter_variables",
           "run_plan_variables", "runs_frame", "to_frame"]
#: The version of tiersim, from the file CMake reads too (so it equals `tiersim --version`).
__version__ = (_Path(__file__).with_name("VERSION")).read_text().strip()
