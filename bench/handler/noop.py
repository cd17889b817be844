"""torture-bench's round-trip probe: every delivery is done at once (no SQL, no steps)."""

import torture_handler

torture_handler.run(lambda delivery: "done")
