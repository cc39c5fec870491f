"""Where files live: public media (images) and private files that no URL reaches.

Storages named in ``STORAGES`` (local folders by default; S3-compatible object storage when
``S3_BUCKET`` is set, see settings):

- ``default`` is ``MediaStorage``: names under ``PUBLIC_MEDIA_PREFIXES`` (Wagtail's images and
  renditions) are kept in ``MEDIA_ROOT`` and have a ``MEDIA_URL``; every other name (Wagtail's
  ``documents/``, and anything an app forgets to route) is kept in ``PRIVATE_MEDIA_ROOT`` and
  has no URL at all. Wagtail gives documents no storage setting of their own, and its serve
  view (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``) reads a document's path, not its URL, so
  documents are served only through that view and its ``before_serve_document`` hooks.
- ``private`` is ``PrivateStorage``: a folder in ``PRIVATE_MEDIA_ROOT`` with no URL, for job
  files (badge PDFs, report exports); ``public`` is the folder ``MEDIA_ROOT``.

Deny by default: a new kind of upload is private until it is added to the public prefixes.
In production on object storage, ``private`` becomes django-storages' S3 backend with a
private ACL and query-string authentication (short-lived signed URLs); the views that check
access then redirect to ``storage.url(name)`` instead of streaming the file.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible(path="conference.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A folder in ``PRIVATE_MEDIA_ROOT`` (read when first used) with no public URL."""

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        # Nothing here is public: callers serve the file through a view that checks access.
        raise NotImplementedError("private files have no URL; serve them through a view")

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def _is_public(name: str) -> bool:
    name = (name or "").replace("\\", "/").lstrip("/")
    return any(name.startswith(prefix) for prefix in settings.PUBLIC_MEDIA_PREFIXES)


@deconstructible(path="conference.storage.MediaStorage")
class MediaStorage(Storage):
    """The default storage: public images in ``MEDIA_ROOT``, everything else private."""

    @property
    def public(self) -> Storage:
        """``STORAGES["public"]``: a folder under ``MEDIA_ROOT``, or a public bucket prefix."""
        return storages["public"]

    @property
    def private(self) -> Storage:
        """``STORAGES["private"]``: ``PrivateStorage``, or a private bucket prefix."""
        return storages["private"]

    def _for(self, name: str) -> Storage:
        return self.public if _is_public(name) else self.private

    def _open(self, name: str, mode: str = "rb"):
        return self._for(name)._open(name, mode)

    def _save(self, name: str, content) -> str:
        return self._for(name)._save(name, content)

    def delete(self, name: str) -> None:
        self._for(name).delete(name)

    def exists(self, name: str) -> bool:
        return self._for(name).exists(name)

    def listdir(self, path: str):
        return self._for(path).listdir(path)

    def path(self, name: str) -> str:
        return self._for(name).path(name)

    def size(self, name: str) -> int:
        return self._for(name).size(name)

    def url(self, name: str | None) -> str:
        return self._for(name or "").url(name)

    def get_accessed_time(self, name: str):
        return self._for(name).get_accessed_time(name)

    def get_created_time(self, name: str):
        return self._for(name).get_created_time(name)

    def get_modified_time(self, name: str):
        return self._for(name).get_modified_time(name)


def private_storage() -> Storage:
    """The ``private`` storage (a callable, so ``FileField(storage=...)`` stays in settings)."""
    return storages["private"]


def private_file_response(
    file, *, filename: str, content_type: str | None = None, attachment: bool = True
) -> HttpResponse:
    """Send a private file to someone a view has already checked.

    A local private storage has no URL: the file is streamed. A storage that signs URLs
    (django-storages' S3 with ``querystring_auth``) answers with a redirect to a short-lived
    signed URL, so the file does not pass through the application. Never cached.
    Raises ``Http404`` if the file is missing from storage.
    """
    try:
        url = file.storage.url(file.name)
    except NotImplementedError:
        url = None
    if url:
        response: HttpResponse = HttpResponseRedirect(url)
    else:
        try:
            handle = file.storage.open(file.name, "rb")
        except (OSError, FileNotFoundError) as exc:
            raise Http404 from exc
        response = FileResponse(
            handle, as_attachment=attachment, filename=filename, content_type=content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
