"""Reads for organisations: each takes the acting user so visibility lives here."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from companies import permissions
from companies.models import (
    Certification,
    CertificationScheme,
    ContactPerson,
    HsCode,
    Invitation,
    IsicCode,
    Organisation,
    ProductLine,
    User,
)

AnyUser = User | AnonymousUser


def valid_certifications() -> QuerySet[Certification]:
    """Certificates that count: not expired and not rejected by staff."""
    return Certification.objects.filter(valid_until__gte=timezone.localdate()).exclude(
        status=Certification.Status.REJECTED
    )


def _profile_lookups() -> list[str | Prefetch]:
    return [
        "hs_codes",
        "isic_codes",
        "sectors_of_interest",
        Prefetch(
            "certifications",
            queryset=Certification.objects.select_related("scheme").order_by("scheme__name"),
        ),
        Prefetch("product_lines", queryset=ProductLine.objects.select_related("hs_code")),
    ]


def _with_profile(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return qs.prefetch_related(*_profile_lookups())


def organisation_public_list() -> QuerySet[Organisation]:
    """Every organisation with a public profile page (an unclaimed import has none)."""
    return _with_profile(Organisation.objects.claimed())


def organisation_public_get(*, slug: str) -> Organisation | None:
    return organisation_public_list().filter(slug=slug).first()


def organisation_public_get_by_id(*, pk: int) -> Organisation | None:
    return organisation_public_list().filter(pk=pk).first()


def supplier_directory(
    *,
    text: str = "",
    country: str = "",
    hs_code: str = "",
    isic_code: str = "",
    certification: str = "",
) -> QuerySet[Organisation]:
    """Verified SME suppliers for the public directory, with simple filters.

    An HS or ISIC code matches suppliers that list it or any code below it, so a
    heading finds suppliers of its subheadings.
    """
    qs = Organisation.objects.claimed().filter(
        kind=Organisation.Kind.SUPPLIER, verification=Organisation.Verification.VERIFIED
    )
    if text:
        qs = qs.filter(
            Q(legal_name__icontains=text)
            | Q(local_name__icontains=text)
            | Q(description__icontains=text)
            | Q(processes__icontains=text)
        )
    if country:
        qs = qs.filter(country=country.upper())
    # Each filter is a subquery rather than a join, so no row comes twice and the page
    # and its count need no DISTINCT over every column (the partial index
    # ``directory_by_name`` then serves both).
    if hs_code:
        listed = Organisation.hs_codes.through.objects.filter(hscode__code__startswith=hs_code)
        made = ProductLine.objects.filter(hs_code__code__startswith=hs_code)
        qs = qs.filter(
            Q(pk__in=listed.values("organisation_id")) | Q(pk__in=made.values("organisation_id"))
        )
    if isic_code:
        isic = Organisation.isic_codes.through.objects.filter(
            isiccode__code__startswith=isic_code.upper()
        )
        qs = qs.filter(pk__in=isic.values("organisation_id"))
    if certification:
        holders = valid_certifications().filter(
            Q(scheme__code=certification) | Q(scheme__name__iexact=certification)
        )
        qs = qs.filter(pk__in=holders.values("organisation_id"))
    return _with_profile(qs.order_by("legal_name", "pk"))


# THE HOME PAGE'S FIGURES
# ------------------------------------------------------------------------------
# The home page's count and newest suppliers change only when a supplier's profile or
# verification does, so they are kept in the cache under a version that the companies
# services move on (``directory_changed``); the timeout bounds what a missed change costs.
_DIRECTORY_VERSION = "companies:directory:version"
_HOME_TIMEOUT = 300


@dataclass
class HomeSummary:
    verified_supplier_count: int
    recent_suppliers: list[Organisation]


def directory_version() -> int:
    """The directory's current version, for the keys of what is cached from it."""
    version = cache.get(_DIRECTORY_VERSION)
    if version is None:
        version = int(timezone.now().timestamp() * 1000)
        cache.add(_DIRECTORY_VERSION, version, timeout=None)
        version = cache.get(_DIRECTORY_VERSION, version)
    return int(version)


def directory_changed() -> None:
    """Drop the cached home page figures: a supplier's profile or verification changed."""
    cache.set(_DIRECTORY_VERSION, int(timezone.now().timestamp() * 1000), timeout=None)


def home_summary(*, recent: int = 6) -> HomeSummary:
    """How many verified suppliers there are, and the newest verified ones."""
    key = f"companies:home:{directory_version()}:{recent}"
    summary = cache.get(key)
    if summary is None:
        suppliers = supplier_directory()
        summary = HomeSummary(
            verified_supplier_count=suppliers.count(),
            recent_suppliers=list(suppliers.order_by("-verified_at", "pk")[:recent]),
        )
        cache.set(key, summary, timeout=_HOME_TIMEOUT)
    return summary


def organisation_of(*, user: AnyUser) -> Organisation | None:
    if not user.is_authenticated:
        return None
    return user.organisation


def organisation_private_get(*, user: AnyUser, pk: int) -> Organisation | None:
    """An organisation with its private parts, only for its own users and staff."""
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not permissions.is_member_of(user, organisation):
        return None
    # Loaded only once the user may see them.
    prefetch_related_objects([organisation], *_profile_lookups())
    return organisation


def contact_list(*, user: AnyUser, organisation: Organisation) -> QuerySet[ContactPerson]:
    if not permissions.is_member_of(user, organisation):
        return ContactPerson.objects.none()
    return organisation.contacts.all()


def _own(user: AnyUser, qs: QuerySet) -> QuerySet:
    """The rows of the user's own organisation; every row for staff."""
    if permissions.is_staff_user(user):
        return qs
    if isinstance(user, AnonymousUser) or user.organisation_id is None:
        return qs.none()
    return qs.filter(organisation_id=user.organisation_id)


def contact_get(*, user: AnyUser, pk: int) -> ContactPerson | None:
    return _own(user, ContactPerson.objects.select_related("organisation")).filter(pk=pk).first()


def certification_list(*, user: AnyUser) -> QuerySet[Certification]:
    return _own(user, Certification.objects.select_related("scheme", "organisation"))


def certification_get(*, user: AnyUser, pk: int) -> Certification | None:
    return certification_list(user=user).filter(pk=pk).first()


def product_line_list(*, user: AnyUser) -> QuerySet[ProductLine]:
    return _own(user, ProductLine.objects.select_related("hs_code", "organisation"))


def product_line_get(*, user: AnyUser, pk: int) -> ProductLine | None:
    return product_line_list(user=user).filter(pk=pk).first()


def invitation_list(*, user: AnyUser) -> QuerySet[Invitation]:
    return _own(user, Invitation.objects.select_related("invited_by"))


def invitation_open_get(*, token: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    return invitation if invitation is not None and invitation.is_open else None


def colleague_list(*, user: AnyUser) -> QuerySet[User]:
    if isinstance(user, AnonymousUser) or user.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id).order_by("email")


# TAXONOMIES
# ------------------------------------------------------------------------------


def _code_search(qs: QuerySet, query: str) -> QuerySet:
    query = (query or "").strip()
    if not query:
        return qs
    compact = "".join(ch for ch in query if ch.isalnum())
    if compact.isdigit() or (len(compact) == 1 and compact.isalpha()):
        return qs.filter(code__startswith=compact.upper())
    filters = Q()
    for word in query.split():
        filters &= Q(description__icontains=word)
    return qs.filter(filters)


def hs_code_search(*, query: str = "", level: int | None = None) -> QuerySet[HsCode]:
    qs = HsCode.objects.all()
    if level:
        qs = qs.filter(level=level)
    return _code_search(qs, query).order_by("code")


def isic_code_search(*, query: str = "", level: int | None = None) -> QuerySet[IsicCode]:
    qs = IsicCode.objects.all()
    if level:
        qs = qs.filter(level=level)
    return _code_search(qs, query).order_by("code")


def certification_scheme_list() -> QuerySet[CertificationScheme]:
    return CertificationScheme.objects.all()
