"""Adding, editing, linking, archiving and restoring points; history and recent changes: the `edit` blueprint,
whose routes are in edit_points (adding and editing), edit_links (links and outcomes) and edit_history (archiving,
versions and recent changes), on the blueprint and helpers of edit_forms."""

from . import edit_history, edit_links, edit_points
from .edit_forms import bp

ROUTES = (edit_points, edit_links, edit_history)  # importing each adds its routes to bp

__all__ = ["ROUTES", "bp"]
