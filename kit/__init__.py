"""Reflective practice kit: teach from child safeguarding case reviews."""

__version__ = "0.1.0"

from .errors import KitError, PackError  # noqa: E402
from .packs import load_pack, load_packs, validate_tree  # noqa: E402
from .vocabulary import load_vocabulary  # noqa: E402

__all__ = ["KitError", "PackError", "load_pack", "load_packs", "load_vocabulary", "validate_tree", "__version__"]
