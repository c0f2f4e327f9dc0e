import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiersim_bin():
    path = os.environ.get("TIERSIM_BIN")
    if not path or not Path(path).exists():
        pytest.skip("TIERSIM_BIN is not set; run through ctest")
    return path
