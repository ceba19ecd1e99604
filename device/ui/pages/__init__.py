"""The panel's pages (Play, Effect, Library, Kit, Models, Settings), in tab order."""
from __future__ import annotations

from device.ui.pages.base import Context, Page, PanelState
from device.ui.pages.effect import EffectPage
from device.ui.pages.kit import KitPage
from device.ui.pages.library import LibraryPage
from device.ui.pages.models import ModelsPage
from device.ui.pages.play import PlayPage
from device.ui.pages.settings import SettingsPage

PAGES = (PlayPage, EffectPage, LibraryPage, KitPage, ModelsPage, SettingsPage)

__all__ = ["PAGES", "Context", "Page", "PanelState", "PlayPage", "EffectPage", "LibraryPage", "KitPage", "ModelsPage",
           "SettingsPage"]
