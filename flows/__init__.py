"""Prefect flows: thin compositions of the extractors, the loader and the checks."""
import os
from pathlib import Path

# Prefect runs offline in ephemeral mode with its state inside the project, and sends no telemetry.
_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PREFECT_HOME", str(_ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
