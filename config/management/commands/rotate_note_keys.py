# The command's first name, from when it covered session notes only; scripts may still use it.
from .rotate_encryption_keys import Command  # noqa: F401
