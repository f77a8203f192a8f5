"""Suite-wide set-up: where the team's shared data lies, for the sample site's seed article."""

import os
from pathlib import Path

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"

# The sample site shows the founding page's real text only when told where it is; the tests
# (and the sample-site processes they start, which inherit the environment) tell it here.
if (SEED / "expected.json").is_file():
    os.environ.setdefault("EMBASSY_ARCHIVE_SEED", str(SEED))
