"""Field checks shared by the services: codes, countries, languages, uploads."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from companies import geography, uploads
from companies.models import HsCode, IsicCode


def normalise_code(raw: str) -> str:
    """'6109.10' and ' 6109 10 ' are both HS 610910; ISIC section letters are upper-cased."""
    return "".join(ch for ch in str(raw) if ch.isalnum()).upper()


def clean_hs_codes(raw_codes: Iterable[str], *, field: str = "hs_codes") -> list[HsCode]:
    codes = [normalise_code(c) for c in raw_codes if str(c).strip()]
    found = {c.code: c for c in HsCode.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({field: [f"Unknown HS code: {', '.join(unknown)}."]})
    return [found[c] for c in dict.fromkeys(codes)]


def clean_isic_codes(raw_codes: Iterable[str], *, field: str = "isic_codes") -> list[IsicCode]:
    codes = [normalise_code(c) for c in raw_codes if str(c).strip()]
    found = {c.code: c for c in IsicCode.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({field: [f"Unknown ISIC Rev. 4 code: {', '.join(unknown)}."]})
    return [found[c] for c in dict.fromkeys(codes)]


def clean_country(code: str, *, field: str = "country") -> str:
    code = (code or "").strip().upper()
    if not geography.is_country(code):
        raise ValidationError({field: [f"Unknown country code: {code or '(empty)'}."]})
    return code


def clean_countries(codes: Iterable[str], *, field: str) -> list[str]:
    cleaned = [str(c).strip().upper() for c in codes if str(c).strip()]
    unknown = [c for c in cleaned if not geography.is_country(c)]
    if unknown:
        raise ValidationError({field: [f"Unknown country code: {', '.join(unknown)}."]})
    return list(dict.fromkeys(cleaned))


def clean_languages(codes: Iterable[str], *, field: str = "languages") -> list[str]:
    cleaned = [str(c).strip().lower() for c in codes if str(c).strip()]
    unknown = [c for c in cleaned if not geography.is_language(c)]
    if unknown:
        raise ValidationError({field: [f"Unknown language code: {', '.join(unknown)}."]})
    return list(dict.fromkeys(cleaned))


def clean_province(code: str, country: str, *, field: str = "province") -> str:
    code = (code or "").strip().upper()
    if code and not geography.is_subdivision_of(code, country):
        raise ValidationError(
            {field: [f"{code} is not a province or region of {geography.country_name(country)}."]}
        )
    return code


def clean_evidence(upload: UploadedFile | None, *, field: str = "evidence") -> ContentFile | None:
    """The file to store for an upload (see ``uploads.stored_evidence``), or None."""
    if upload is None:
        return None
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {
                field: [
                    f"The file is larger than {limit // (1024 * 1024)} MB; upload a smaller scan."
                ]
            }
        )
    return uploads.stored_evidence(upload, field=field)
