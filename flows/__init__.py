"""Prefect flows: thin compositions of the extractors, the loader and the checks."""
import os
from pathlib import Path

# Prefect runs offline in ephemeral mode with its state inside the project, and sends no telemetry.
_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PREFECT_HOME", str(_ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# A temporary server starts in a few seconds, but past Prefect's 20 s on a busy machine (a nightly run shares it with
# the extracting processes); waiting longer costs nothing when it is quick.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
