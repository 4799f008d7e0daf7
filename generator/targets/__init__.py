"""The outputs of a spec, one module each. A target has a naming policy (`check`), a type mapper
(a `match` over the model's type classes ending in `assert_never`) and its outputs (`render`)."""
