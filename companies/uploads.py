"""Evidence files: what they are, read from their content, and how they are stored.

The client's file name and content type are never trusted: a file beginning with
``%PDF-`` but named ``.html`` would otherwise be served as a page of the site.
"""

import io
import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

EVIDENCE_FORMAT_MESSAGE = "Upload the certificate as a PDF, PNG, JPEG or WebP file."


@dataclass(frozen=True)
class EvidenceKind:
    extension: str
    content_type: str
    # Pillow's name for the format; None for documents, which are kept as sent.
    image_format: str | None


PDF = EvidenceKind("pdf", "application/pdf", None)
PNG = EvidenceKind("png", "image/png", "PNG")
JPEG = EvidenceKind("jpg", "image/jpeg", "JPEG")
WEBP = EvidenceKind("webp", "image/webp", "WEBP")

_KINDS = (PDF, PNG, JPEG, WEBP)
_HEAD_BYTES = 16


def detect(head: bytes) -> EvidenceKind | None:
    """The kind of file these first bytes start, by their magic numbers alone."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    # "RIFF" alone also starts WAV and AVI files; WebP names itself at offset 8.
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    return None


def detect_file(handle: IO[bytes]) -> EvidenceKind | None:
    """The kind of an open file, leaving it at its start."""
    handle.seek(0)
    head = handle.read(_HEAD_BYTES)
    handle.seek(0)
    return detect(head)


def kind_of_stored_name(name: str) -> EvidenceKind | None:
    """The kind a stored name says, trustworthy only for names ``stored_evidence`` chose."""
    extension = PurePath(name).suffix.lstrip(".").lower()
    return next((kind for kind in _KINDS if kind.extension == extension), None)


def served_name(pk: int, kind: EvidenceKind | None) -> str:
    """The name a certificate's file is offered under: nothing the uploader chose."""
    return f"certificate-{pk}.{kind.extension if kind else 'bin'}"


def stored_evidence(upload: IO[bytes], *, field: str = "evidence") -> ContentFile:
    """The file to store for an upload: images re-encoded, under a random name.

    Re-encoding keeps only the pixels, so whatever was appended after the image data
    (a script, an archive) or hidden in its metadata is not stored.
    """
    kind = detect_file(upload)
    if kind is None:
        raise ValidationError({field: [EVIDENCE_FORMAT_MESSAGE]})
    if kind.image_format is None:
        content = upload.read()
    else:
        content = _reencoded(upload, kind.image_format, field=field)
    upload.seek(0)
    return ContentFile(content, name=f"{uuid.uuid4().hex}.{kind.extension}")


def _reencoded(upload: IO[bytes], image_format: str, *, field: str) -> bytes:
    try:
        with Image.open(upload, formats=[image_format]) as image:
            image.load()
            out = io.BytesIO()
            options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
            image.save(out, format=image_format, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # A valid signature with a broken body is refused like any other wrong file.
        raise ValidationError({field: [EVIDENCE_FORMAT_MESSAGE]}) from None
    return out.getvalue()
