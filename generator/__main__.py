import sys

from .cli import main

sys.exit(main(prog=f"python -m {__package__}"))  # `generator` in the checkout, `webhookgen` installed
