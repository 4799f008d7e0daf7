"""webhookgen: a vendor's webhook docs, transcribed once into a YAML spec, into code and docs."""

from pathlib import Path

__version__ = "0.2.0"

# The shipped spec, in a checkout (an installed wheel has none).
DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "spec" / "openai_webhooks.yaml"
