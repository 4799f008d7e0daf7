"""Generate a strict, stdlib-only webhook module and vendor-format docs from a YAML spec."""
