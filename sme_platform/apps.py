from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SmePlatformConfig(AppConfig):
    name = "sme_platform"
    verbose_name = "Platform plumbing"

    def ready(self) -> None:
        # Each app's ``receivers`` module connects its answers to the hooks of the apps
        # below it; loading them here, once every app is ready, is what wires the layers.
        autodiscover_modules("receivers")
