"""A broken rule or limit is one ApplicationError from the service, the same 400 in the
API as before ({"message", "errors"}) and the same sentence on the page."""

import pytest
from django.urls import reverse

from clusters import services
from clusters.models import ClusterMembership
from sme_platform.errors import ApplicationError
from tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db

TOO_LONG_NOTE = "At most 500 characters (you gave 501)."


def test_a_limit_of_the_model_is_an_application_error_naming_the_field(member, manager):
    with pytest.raises(ApplicationError) as caught:
        services.membership_suspend(membership=member, actor=manager, note="x" * 501)

    assert caught.value.extra == {"note": [TOO_LONG_NOTE]}


def test_a_malformed_address_is_refused_in_the_models_words(cluster, manager):
    with pytest.raises(ApplicationError) as caught:
        services.membership_invite(cluster=cluster, actor=manager, email="not-an-address")

    assert caught.value.extra == {"email": ["Give a valid e-mail address."]}


def test_the_api_answers_a_limit_with_the_400_it_always_gave(api_as, member, manager):
    response = api_as(manager).post(
        f"/api/v1/memberships/{member.pk}/suspend/", {"note": "x" * 501}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"message": "Validation error", "errors": {"note": [TOO_LONG_NOTE]}}
    member.refresh_from_db()
    assert member.status == ClusterMembership.Status.ACTIVE


def test_the_api_answers_a_broken_rule_with_the_same_shape(api_as, cluster, member, sme_user):
    response = api_as(sme_user).post(f"/api/v1/clusters/{cluster.pk}/apply/", {}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "message": "Validation error",
        "errors": {"cluster": ["Your firm is already a member."]},
    }


def test_the_page_tells_the_limit_and_changes_nothing(client, cluster, member, manager):
    client.force_login(manager)
    url = reverse(
        "cluster-membership-action",
        kwargs={"slug": cluster.slug, "pk": member.pk, "action": "suspend"},
    )

    response = client.post(url, {"note": "x" * 501}, follow=True)

    assert TOO_LONG_NOTE in response.content.decode()
    member.refresh_from_db()
    assert member.status == ClusterMembership.Status.ACTIVE


def test_the_review_page_tells_a_long_reason(client, manager, staff_user):
    in_review = ClusterFactory(proposed_by=manager, name="Jepara Furniture", status="proposed")
    client.force_login(staff_user)

    response = client.post(
        reverse("cluster-review-list"),
        {"cluster": in_review.pk, "status": "rejected", "note": "x" * 501},
        follow=True,
    )

    assert TOO_LONG_NOTE in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == "proposed"


def test_a_proposal_through_the_api_names_every_bad_field(api_as, manager):
    response = api_as(manager).post(
        "/api/v1/clusters/",
        {
            "name": "x" * 161,
            "country": "in",
            "sector": "1430",
            "website": "ftp://files.example",
            "founded": 1200,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["At most 160 characters (you gave 161)."],
        "website": ["Give a web address starting with http:// or https://."],
    }


def test_the_model_checks_a_cluster_the_api_did_not_see(manager):
    with pytest.raises(ApplicationError) as caught:
        services.cluster_propose(
            actor=manager, name="Jepara", country="XX", sector="3100", founded=1200
        )

    assert caught.value.extra["country"] == ["Unknown country code: XX."]
    assert caught.value.extra["founded"][0].startswith("Give a year between 1800 and ")
