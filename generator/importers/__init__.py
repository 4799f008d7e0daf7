"""Importers: a vendor's published description of its webhooks -> a spec (spec/README.md's language)."""
