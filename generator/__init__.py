"""webhookgen: a vendor's webhook docs, transcribed once into a YAML spec, into code and docs."""

__version__ = "0.2.0"
