"""Signal handlers: page cache invalidation and keeping translated agendas in step."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import copy_for_translation_done, page_published, page_unpublished

from cms.cache import page_cache_invalidate
from cms.models import EventPage
from cms.services import (
    agenda_sync_translations,
    translation_papers_remap,
    translation_snippets_remap,
)


@receiver(page_published)
def on_page_published(sender, instance, **kwargs):
    if isinstance(instance, EventPage):
        try:
            source = instance.source
        except EventPage.DoesNotExist:  # created in another language, never in the default one
            source = instance
        if source.pk == instance.pk:
            agenda_sync_translations(source=source)
            targets = list(
                EventPage.objects.filter(translation_key=source.translation_key)
                .exclude(pk=source.pk)
                .only("pk", "locale_id")
            )
        else:
            agenda_sync_translations(source=source, only=instance)
            targets = [instance]
        # The sync copies the source's rooms; each copy then points at its own locale's.
        for target in targets:
            translation_snippets_remap(target=target)
    page_cache_invalidate()


@receiver(page_unpublished)
def on_page_unpublished(sender, instance, **kwargs):
    page_cache_invalidate()


@receiver(post_delete, sender=Page, dispatch_uid="cms-cache-page-deleted")
def on_page_deleted(sender, instance, **kwargs):
    page_cache_invalidate()


@receiver(copy_for_translation_done)
def on_copy_for_translation(sender, source_obj, target_obj, **kwargs):
    """The Translate action (and simple_translation's tree sync) copies a page with its links
    to snippets as they are: point them at the target locale's rooms, speakers, organisers and
    fields of work, and the copy's papers at its own papers."""
    if isinstance(source_obj, EventPage) and isinstance(target_obj, EventPage):
        translation_snippets_remap(target=target_obj, save_revision=True)
        translation_papers_remap(source=source_obj, target=target_obj)


def on_content_changed(sender, **kwargs):
    page_cache_invalidate()


def connect() -> None:
    """Snippets and documents shown on event pages: a change makes cached pages stale."""
    for label in (
        "cms.Speaker",
        "cms.Room",
        "cms.Organiser",
        "cms.FieldOfWork",
        "wagtaildocs.Document",
        "wagtailimages.Image",
    ):
        model = apps.get_model(label)
        post_save.connect(on_content_changed, sender=model, dispatch_uid=f"cms-cache-{label}")
        post_delete.connect(on_content_changed, sender=model, dispatch_uid=f"cms-cache-d-{label}")
