"""What the database refuses whatever a service does, and the error a broken rule
raises: an ApplicationError keyed by field, answered by the API as before."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching import services
from matching.models import EngineIndexVersion, MatchRun, Proposal, SavedSearch, SourcingRequest
from sme_platform.errors import ApplicationError
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def in_days(days: int = 30):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def request_(buyer_user) -> SourcingRequest:
    return services.request_create(
        actor=buyer_user,
        title="Organic cotton T-shirts",
        deadline=in_days(),
        volume_per_month=10000,
        unit="pieces",
    )


def refused(queryset, **fields) -> bool:
    """Whether the database refuses the update, rolled back so the test can go on."""
    try:
        with transaction.atomic():
            queryset.update(**fields)
    except IntegrityError:
        return True
    return False


# SOURCING REQUESTS
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"volume_per_month": 0}, id="zero-volume"),
        pytest.param({"unit": ""}, id="volume-without-unit"),
        pytest.param({"unit": "bushels"}, id="unknown-unit"),
        pytest.param({"title": ""}, id="no-title"),
    ],
)
def test_the_database_refuses_a_bad_request(request_, fields):
    assert refused(SourcingRequest.objects.filter(pk=request_.pk), **fields)


def test_the_database_refuses_a_request_closed_before_it_opened(request_):
    now = timezone.now()
    rows = SourcingRequest.objects.filter(pk=request_.pk)

    assert refused(rows, opened_at=now, closed_at=now - timedelta(days=1))
    assert not refused(rows, opened_at=now, closed_at=now + timedelta(days=1))


def test_a_request_without_volume_needs_no_unit(request_):
    assert not refused(
        SourcingRequest.objects.filter(pk=request_.pk), volume_per_month=None, unit=""
    )


# PROPOSALS, SAVED SEARCHES, INDEX VERSIONS, RUNS
# ------------------------------------------------------------------------------


def test_the_database_refuses_an_award_of_a_proposal_that_is_no_linkage(request_):
    proposal = Proposal.objects.create(request=request_, supplier=SupplierFactory())
    rows = Proposal.objects.filter(pk=proposal.pk)

    assert refused(rows, awarded=True)
    assert not refused(rows, status=Proposal.Status.LINKED, awarded=True)


def test_the_database_refuses_a_rank_below_one(request_):
    proposal = Proposal.objects.create(request=request_, supplier=SupplierFactory(), rank=1)

    assert refused(Proposal.objects.filter(pk=proposal.pk), rank=0)


def test_the_database_refuses_a_saved_search_without_a_name(buyer_user):
    saved = services.saved_search_create(actor=buyer_user, name="Knitters", query="knit")

    assert refused(SavedSearch.objects.filter(pk=saved.pk), name="")


def test_the_database_refuses_a_delta_without_its_base_and_a_full_build_with_one():
    full = EngineIndexVersion.objects.create(kind=EngineIndexVersion.Kind.FULL, artifact="a")
    delta = EngineIndexVersion.objects.create(
        kind=EngineIndexVersion.Kind.DELTA, base=full, artifact="b"
    )

    assert refused(EngineIndexVersion.objects.filter(pk=delta.pk), base=None)
    assert refused(EngineIndexVersion.objects.filter(pk=full.pk), base=delta)
    assert refused(EngineIndexVersion.objects.filter(pk=full.pk), size_bytes=-1)


def test_the_database_refuses_a_run_that_finished_before_it_started():
    now = timezone.now()
    run = MatchRun.objects.create(started_at=now)

    assert refused(MatchRun.objects.filter(pk=run.pk), finished_at=now - timedelta(seconds=1))


# THE ERROR OF A BROKEN RULE
# ------------------------------------------------------------------------------


def test_a_broken_rule_is_an_application_error_keyed_by_field(buyer_user):
    with pytest.raises(ApplicationError) as caught:
        services.request_create(actor=buyer_user, title="T-shirts", deadline=in_days(-1))

    assert isinstance(caught.value, ApplicationError)
    assert caught.value.extra == {"deadline": ["The deadline must be in the future."]}


def test_a_lifecycle_refusal_is_an_application_error_with_its_message(request_, buyer_user):
    services.request_close(request=request_, actor=buyer_user)

    with pytest.raises(ApplicationError) as caught:
        services.request_close(request=request_, actor=buyer_user)

    assert caught.value.message == "This request is already closed."
    assert caught.value.extra == {"status": ["This request is already closed."]}


def test_the_api_answers_a_broken_rule_with_the_message_and_the_errors(api_as, buyer_user):
    response = api_as(buyer_user).post(
        "/api/v1/requests/",
        {"title": "T-shirts", "deadline": in_days().isoformat(), "volume_per_month": 5},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "message": "Validation error",
        "errors": {"unit": ["Give the unit of the volume, e.g. pieces or kg."]},
    }


def test_the_api_words_a_model_limit_as_the_model_does(api_as, buyer_user):
    response = api_as(buyer_user).post(
        "/api/v1/requests/",
        {"title": "x" * 201, "deadline": in_days().isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"title": ["At most 200 characters (you gave 201)."]}


def test_countries_and_subregions_are_kept_in_one_form(buyer_user):
    request = services.request_create(
        actor=buyer_user,
        title="T-shirts",
        deadline=in_days(),
        countries=[" vn", "VN", "kh"],
        subregions=["Melanesia ", "melanesia"],
    )

    request.refresh_from_db()
    assert request.countries == ["VN", "KH"]
    assert request.subregions == ["melanesia"]
