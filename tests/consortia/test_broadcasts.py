"""Broadcasts: a manager sends an opportunity to active members, who read it in-app and by
e-mail; bad input is a field error that writes nothing; other clusters' broadcasts are 404."""

import copy
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from clusters import services
from consortia import services as consortia_services
from consortia.models import Broadcast, BroadcastRecipient
from consortia.tasks import deliver_broadcast_task
from matching import services as matching_services
from notifications.models import Notification
from sme_platform.errors import ApplicationError
from tests.built_once import built_once
from tests.factories import (
    ClusterBodyUserFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    ProposalFactory,
    SourcingRequestFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def join(cluster, manager, name):
    """An active member firm with one user, approved by ``manager``."""
    user = UserFactory(organisation=SupplierFactory(legal_name=name))
    membership = ClusterMembershipFactory(cluster=cluster, applicant=user, approver=manager)
    return membership, user


def add_members(cluster, manager):
    """Two active members, and one each suspended, left and removed."""
    active_a, user_a = join(cluster, manager, "A Knit")
    active_b, user_b = join(cluster, manager, "B Knit")
    suspended, suspended_user = join(cluster, manager, "C Suspended")
    services.membership_suspend(membership=suspended, actor=manager)
    left, left_user = join(cluster, manager, "D Left")
    services.membership_leave(membership=left, actor=left_user)
    removed, removed_user = join(cluster, manager, "E Removed")
    services.membership_remove(membership=removed, actor=manager)
    return {
        "a": (active_a, user_a),
        "b": (active_b, user_b),
        "suspended": (suspended, suspended_user),
        "left": (left, left_user),
        "removed": (removed, removed_user),
    }


@pytest.fixture(scope="module")
def cluster_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict]:
    # Built once: the tests send and read broadcasts only inside their own rollback.
    with built_once(django_db_blocker):
        manager = ClusterBodyUserFactory()
        cluster = ClusterFactory(proposed_by=manager)
        yield {"cluster": cluster, "manager": manager, "members": add_members(cluster, manager)}


@pytest.fixture
def shared(cluster_once: dict, db: None) -> dict:
    return copy.deepcopy(cluster_once)


@pytest.fixture
def cluster(shared):
    """The module's approved cluster, with the members of ``members``."""
    return shared["cluster"]


@pytest.fixture
def manager(shared):
    return shared["manager"]


@pytest.fixture
def members(shared):
    return shared["members"]


@pytest.fixture
def public_request(buyer_user):
    return SourcingRequestFactory(created_by=buyer_user, title="Organic cotton T-shirts")


def send(cluster, manager, capture, **fields):
    fields.setdefault("subject", "Buyers visit in March")
    fields.setdefault("body", "Bring samples of your jersey fabrics.")
    with capture(execute=True):
        return consortia_services.broadcast_send(cluster=cluster, actor=manager, **fields)


def recipient_names(broadcast):
    return sorted(
        BroadcastRecipient.objects.filter(broadcast=broadcast).values_list(
            "supplier__legal_name", flat=True
        )
    )


# SENDING AND RECIPIENTS
# ------------------------------------------------------------------------------


def test_a_broadcast_to_all_reaches_only_active_members(
    cluster, manager, members, django_capture_on_commit_callbacks
):
    # when
    broadcast = send(cluster, manager, django_capture_on_commit_callbacks)

    # then
    assert recipient_names(broadcast) == ["A Knit", "B Knit"]
    told = set(Notification.objects.filter(kind="cluster_broadcast").values_list("user", flat=True))
    assert told == {members["a"][1].pk, members["b"][1].pk}
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.SENT
    assert broadcast.sent_at is not None


def test_a_broadcast_to_chosen_members_reaches_only_them(
    cluster, manager, members, django_capture_on_commit_callbacks
):
    chosen = members["b"][0]

    broadcast = send(
        cluster,
        manager,
        django_capture_on_commit_callbacks,
        audience="selected",
        recipient_ids=[chosen.pk],
    )

    assert recipient_names(broadcast) == ["B Knit"]
    assert not Notification.objects.filter(user=members["a"][1], kind="cluster_broadcast")


def test_a_broadcast_of_a_request_alone_takes_its_title(
    cluster, manager, members, public_request, django_capture_on_commit_callbacks
):
    broadcast = send(
        cluster,
        manager,
        django_capture_on_commit_callbacks,
        subject="",
        body="",
        request_id=public_request.pk,
    )

    assert broadcast.subject == "Organic cotton T-shirts"
    notice = Notification.objects.get(user=members["a"][1], kind="cluster_broadcast")
    assert "Organic cotton T-shirts" in notice.body
    assert notice.url == reverse("my-broadcast-detail", kwargs={"pk": broadcast.pk})


def test_members_are_told_in_app_and_by_email_with_an_unsubscribe_link(
    cluster, manager, members, django_capture_on_commit_callbacks
):
    # given: B's user wants no e-mail
    user_a, user_b = members["a"][1], members["b"][1]
    user_b.email_notifications = False
    user_b.save()

    # when
    send(cluster, manager, django_capture_on_commit_callbacks, subject="Trade fair in Delhi")

    # then: both are told in-app, only A by e-mail
    assert Notification.objects.filter(user=user_b, kind="cluster_broadcast").exists()
    notice = Notification.objects.get(user=user_a, kind="cluster_broadcast")
    assert notice.title == f"{cluster.name}: Trade fair in Delhi"
    assert [m.to for m in mail.outbox] == [[user_a.email]]
    assert "Trade fair in Delhi" in mail.outbox[0].subject
    assert "Bring samples" in mail.outbox[0].body
    assert "To stop these e-mails, open" in mail.outbox[0].body
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_every_user_of_a_member_firm_is_told(
    cluster, manager, members, django_capture_on_commit_callbacks
):
    colleague = UserFactory(organisation=members["a"][0].supplier)

    send(cluster, manager, django_capture_on_commit_callbacks)

    assert Notification.objects.filter(user=colleague, kind="cluster_broadcast").exists()


def test_delivery_runs_in_a_job_after_commit_and_twice_changes_nothing(
    cluster, manager, members, django_capture_on_commit_callbacks
):
    # given: sent, but the job has not run yet
    with django_capture_on_commit_callbacks() as callbacks:
        broadcast = consortia_services.broadcast_send(
            cluster=cluster, actor=manager, subject="Hello", body="Text"
        )
    assert len(callbacks) == 1
    assert not Notification.objects.filter(kind="cluster_broadcast").exists()

    # when: the job runs twice
    deliver_broadcast_task(broadcast.pk)
    deliver_broadcast_task(broadcast.pk)

    # then: each member told once
    assert Notification.objects.filter(kind="cluster_broadcast").count() == 2


def test_a_member_suspended_before_delivery_is_not_told(
    cluster, manager, members, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        broadcast = consortia_services.broadcast_send(
            cluster=cluster, actor=manager, subject="Hello", body="Text"
        )
    services.membership_suspend(membership=members["a"][0], actor=manager)

    deliver_broadcast_task(broadcast.pk)

    assert recipient_names(broadcast) == ["B Knit"]
    assert not Notification.objects.filter(user=members["a"][1], kind="cluster_broadcast")


def test_only_a_manager_of_the_cluster_sends(cluster, members, other_manager, sme_user):
    for actor in (other_manager, sme_user):
        with pytest.raises(PermissionDenied):
            consortia_services.broadcast_send(
                cluster=cluster, actor=actor, subject="Hi", body="There"
            )
    assert not Broadcast.objects.exists()


# BAD INPUT
# ------------------------------------------------------------------------------


def refused(cluster, manager, **fields):
    with pytest.raises(ApplicationError) as caught:
        consortia_services.broadcast_send(cluster=cluster, actor=manager, **fields)
    assert not Broadcast.objects.exists()
    assert not BroadcastRecipient.objects.exists()
    return caught.value.extra


def test_an_empty_message_without_a_request_is_refused(cluster, manager, members):
    errors = refused(cluster, manager, subject="  ", body="")

    assert "Write a message" in errors["body"][0]


def test_a_subject_without_text_and_text_without_subject_are_refused(cluster, manager, members):
    assert "subject" in refused(cluster, manager, subject="", body="Some text")
    assert "body" in refused(cluster, manager, subject="A subject", body="")


def test_oversized_text_is_refused(cluster, manager, members):
    errors = refused(cluster, manager, subject="s" * 201, body="b" * 5001)

    assert "At most 200 characters" in errors["subject"][0]
    assert "At most 5000 characters" in errors["body"][0]


def test_a_confidential_request_is_refused(cluster, manager, members, buyer_user):
    # given: a confidential request proposed to a member, so the manager may see it
    secret = SourcingRequestFactory(
        created_by=buyer_user, title="Secret launch", visibility="confidential"
    )
    ProposalFactory(request=secret, supplier=members["a"][0].supplier)

    errors = refused(cluster, manager, request_id=secret.pk)

    assert "confidential" in errors["request_id"][0]


def test_a_closed_request_is_refused(cluster, manager, members, buyer_user, public_request):
    matching_services.request_close(request=public_request, actor=buyer_user)

    errors = refused(cluster, manager, request_id=public_request.pk)

    assert "closed" in errors["request_id"][0]


def test_a_request_the_manager_cannot_see_reads_like_an_unknown_one(
    cluster, manager, members, buyer_user
):
    # given: a confidential request proposed to nobody in the cluster
    hidden = SourcingRequestFactory(
        created_by=buyer_user, title="Hidden", visibility="confidential"
    )

    hidden_errors = refused(cluster, manager, request_id=hidden.pk)
    unknown_errors = refused(cluster, manager, request_id=999999)
    malformed_errors = refused(cluster, manager, request_id="abc")

    assert hidden_errors == unknown_errors == malformed_errors
    assert hidden_errors["request_id"] == ["No open public request has this id."]


def test_a_draft_request_reads_like_an_unknown_one(cluster, manager, members, buyer_user):
    draft = SourcingRequestFactory(created_by=buyer_user, title="Draft", hs_codes=[], opened=False)

    errors = refused(cluster, manager, request_id=draft.pk)

    assert errors["request_id"] == ["No open public request has this id."]


def test_recipients_that_are_not_active_members_are_refused(
    cluster, manager, members, other_cluster, other_manager
):
    stranger, _ = join(other_cluster, other_manager, "Sialkot Steel")
    for membership in (members["suspended"][0], members["left"][0], stranger):
        errors = refused(
            cluster,
            manager,
            subject="Hi",
            body="There",
            audience="selected",
            recipient_ids=[members["a"][0].pk, membership.pk],
        )
        assert (
            f"Not an active member of this cluster: {membership.pk}."
            in (errors["recipient_ids"][0])
        )


def test_chosen_members_must_be_given(cluster, manager, members):
    assert "recipient_ids" in refused(
        cluster, manager, subject="Hi", body="There", audience="selected", recipient_ids=[]
    )
    assert "recipient_ids" in refused(
        cluster, manager, subject="Hi", body="There", audience="selected", recipient_ids=["x"]
    )
    assert "audience" in refused(cluster, manager, subject="Hi", body="There", audience="some")


def test_an_oversized_list_of_chosen_members_is_refused(cluster, manager, members):
    too_many = [members["a"][0].pk] * (consortia_services.RECIPIENT_LIMIT + 1)

    errors = refused(
        cluster, manager, subject="Hi", body="There", audience="selected", recipient_ids=too_many
    )

    assert "send to all members instead" in errors["recipient_ids"][0]


def test_a_cluster_in_review_sends_no_broadcast(manager, staff_user):
    pending = ClusterFactory(proposed_by=manager, name="Jepara Furniture", status="proposed")

    errors = refused(pending, manager, subject="Hi", body="There")

    assert "approve" in errors["cluster"][0]


def test_a_cluster_without_active_members_has_no_one_to_send_to(manager):
    empty = ClusterFactory(proposed_by=manager, name="Empty Knitwear Cluster")

    errors = refused(empty, manager, subject="Hi", body="There")

    assert "no active member" in errors["recipient_ids"][0]


# READING
# ------------------------------------------------------------------------------


def test_opening_a_broadcast_marks_it_read_for_the_managers(
    client, cluster, manager, members, django_capture_on_commit_callbacks
):
    # given
    broadcast = send(cluster, manager, django_capture_on_commit_callbacks)
    user_a = members["a"][1]
    client.force_login(user_a)

    # when: A opens it twice, and a colleague opens it after
    page = client.get(reverse("my-broadcast-detail", kwargs={"pk": broadcast.pk}))
    first_read = BroadcastRecipient.objects.get(broadcast=broadcast, read_by=user_a).read_at
    client.get(reverse("my-broadcast-detail", kwargs={"pk": broadcast.pk}))
    colleague = UserFactory(organisation=user_a.organisation)
    client.force_login(colleague)
    client.get(reverse("my-broadcast-detail", kwargs={"pk": broadcast.pk}))

    # then: the first reading is kept, and the manager sees 1 of 2 read
    assert page.status_code == 200
    assert "Bring samples of your jersey fabrics." in page.content.decode()
    recipient = BroadcastRecipient.objects.get(broadcast=broadcast, supplier=user_a.organisation)
    assert (recipient.read_by, recipient.read_at) == (user_a, first_read)
    client.force_login(manager)
    listing = client.get(reverse("cluster-broadcasts", kwargs={"slug": cluster.slug}))
    row = listing.content.decode().split("Buyers visit in March")[1]
    assert '<td class="num">2</td>' in row
    assert '<td class="num">1</td>' in row
    detail = client.get(
        reverse("cluster-broadcast-detail", kwargs={"slug": cluster.slug, "pk": broadcast.pk})
    ).content.decode()
    assert "1 of 2 read" in detail


def test_a_member_lists_its_broadcasts(
    client, cluster, manager, members, django_capture_on_commit_callbacks
):
    send(cluster, manager, django_capture_on_commit_callbacks, subject="Fair in Delhi")
    client.force_login(members["a"][1])

    page = client.get(reverse("my-broadcasts")).content.decode()
    clusters_page = client.get(reverse("my-clusters")).content.decode()

    assert "Fair in Delhi" in page
    assert reverse("my-broadcasts") in clusters_page


def test_a_firm_that_did_not_receive_a_broadcast_gets_404(
    client,
    api_as,
    cluster,
    manager,
    members,
    other_supplier_user,
    django_capture_on_commit_callbacks,
):
    broadcast = send(
        cluster,
        manager,
        django_capture_on_commit_callbacks,
        audience="selected",
        recipient_ids=[members["b"][0].pk],
    )
    outsiders = [members["a"][1], members["suspended"][1], other_supplier_user, manager]
    for user in outsiders:
        client.force_login(user)
        assert (
            client.get(reverse("my-broadcast-detail", kwargs={"pk": broadcast.pk})).status_code
            == 404
        )
        api = api_as(user)
        assert api.get(f"/api/v1/broadcasts/{broadcast.pk}/").status_code == 404
        assert api.post(f"/api/v1/broadcasts/{broadcast.pk}/read/").status_code == 404
        assert "Buyers visit" not in client.get(reverse("my-broadcasts")).content.decode()
    assert not BroadcastRecipient.objects.filter(read_at__isnull=False).exists()


# PAGES
# ------------------------------------------------------------------------------


def test_a_manager_sends_a_broadcast_from_the_page(
    client, cluster, manager, members, public_request, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    form = client.get(reverse("cluster-broadcast-new", kwargs={"slug": cluster.slug}))
    assert public_request.title in form.content.decode()
    assert "A Knit" in form.content.decode()
    assert "C Suspended" not in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cluster-broadcast-new", kwargs={"slug": cluster.slug}),
            {
                "request_id": str(public_request.pk),
                "subject": "",
                "body": "Worth a look.",
                "audience": "selected",
                "recipient_ids": [str(members["a"][0].pk)],
            },
        )

    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "cluster-broadcast-detail", kwargs={"slug": cluster.slug, "pk": broadcast.pk}
    )
    assert broadcast.request == public_request
    assert recipient_names(broadcast) == ["A Knit"]


def test_the_page_shows_bad_input_next_to_its_field(client, cluster, manager, members):
    client.force_login(manager)

    response = client.post(
        reverse("cluster-broadcast-new", kwargs={"slug": cluster.slug}),
        {"request_id": "424242", "subject": "x" * 300, "body": "", "audience": "all"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "No open public request has this id." in page
    assert "At most 200 characters" in page
    assert not Broadcast.objects.exists()


def test_another_clusters_broadcast_pages_are_404(
    client,
    cluster,
    manager,
    members,
    other_manager,
    other_cluster,
    sme_user,
    django_capture_on_commit_callbacks,
):
    broadcast = send(cluster, manager, django_capture_on_commit_callbacks)
    for user in (other_manager, members["a"][1]):
        client.force_login(user)
        for url in (
            reverse("cluster-broadcasts", kwargs={"slug": cluster.slug}),
            reverse("cluster-broadcast-new", kwargs={"slug": cluster.slug}),
            reverse("cluster-broadcast-detail", kwargs={"slug": cluster.slug, "pk": broadcast.pk}),
        ):
            assert client.get(url).status_code == 404, url
    # A manager of the other cluster cannot reach it through their own cluster's address.
    client.force_login(other_manager)
    url = reverse(
        "cluster-broadcast-detail", kwargs={"slug": other_cluster.slug, "pk": broadcast.pk}
    )
    assert client.get(url).status_code == 404


def test_the_dashboard_links_to_broadcasts_and_analytics(client, cluster, manager):
    client.force_login(manager)

    page = client.get(reverse("cluster-manage", kwargs={"slug": cluster.slug})).content.decode()

    assert reverse("cluster-broadcasts", kwargs={"slug": cluster.slug}) in page
    assert reverse("cluster-analytics", kwargs={"slug": cluster.slug}) in page


# API
# ------------------------------------------------------------------------------


def test_a_manager_sends_and_lists_broadcasts_through_the_api(
    api_as, cluster, manager, members, public_request, django_capture_on_commit_callbacks
):
    api = api_as(manager)

    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            f"/api/v1/clusters/{cluster.pk}/broadcasts/",
            {"request_id": public_request.pk, "body": "Worth a look."},
            format="json",
        )
    listing = api.get(f"/api/v1/clusters/{cluster.pk}/broadcasts/")

    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["subject"] == "Organic cotton T-shirts"
    assert data["request"]["id"] == public_request.pk
    assert data["recipient_count"] == 2
    assert {r["supplier_name"] for r in data["recipients"]} == {"A Knit", "B Knit"}
    [row] = listing.json()["results"]
    assert (row["recipient_count"], row["read_count"]) == (2, 0)


def test_a_member_reads_its_broadcasts_through_the_api(
    api_as, cluster, manager, members, django_capture_on_commit_callbacks
):
    broadcast = send(cluster, manager, django_capture_on_commit_callbacks)
    api = api_as(members["a"][1])

    listing = api.get("/api/v1/broadcasts/")
    detail = api.get(f"/api/v1/broadcasts/{broadcast.pk}/")
    read = api.post(f"/api/v1/broadcasts/{broadcast.pk}/read/")

    [row] = listing.json()["results"]
    assert row["broadcast"]["subject"] == "Buyers visit in March"
    assert row["read_at"] is None
    assert detail.json()["read_at"] is None
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    manager_view = api_as(manager).get(f"/api/v1/clusters/{cluster.pk}/broadcasts/{broadcast.pk}/")
    assert manager_view.json()["read_count"] == 1


@pytest.mark.parametrize(
    ("payload", "field", "text"),
    [
        ({"subject": "", "body": ""}, "body", "Write a message"),
        ({"subject": "s" * 201, "body": "ok"}, "subject", "At most 200"),
        ({"subject": "ok", "body": "b" * 5001}, "body", "At most 5000"),
        ({"request_id": 999999}, "request_id", "No open public request"),
        ({"request_id": "abc"}, "request_id", "No open public request"),
        ({"subject": "Hi", "body": "x", "audience": "selected"}, "recipient_ids", "at least"),
        ({"subject": "Hi", "body": "x", "recipient_ids": "nope"}, "recipient_ids", "list"),
    ],
)
def test_the_api_answers_bad_input_with_field_errors(
    api_as, cluster, manager, members, payload, field, text
):
    response = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/broadcasts/", payload, format="json"
    )

    assert response.status_code == 400
    assert text in str(response.json()["errors"][field])
    assert not Broadcast.objects.exists()


def test_the_api_refuses_a_recipient_of_another_cluster(
    api_as, cluster, manager, members, other_cluster, other_manager
):
    stranger, _ = join(other_cluster, other_manager, "Sialkot Steel")

    response = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/broadcasts/",
        {"subject": "Hi", "body": "x", "audience": "selected", "recipient_ids": [stranger.pk]},
        format="json",
    )

    assert response.status_code == 400
    assert "Not an active member" in response.json()["errors"]["recipient_ids"][0]


def test_another_clusters_broadcasts_are_404_in_the_api(
    api_as, cluster, manager, members, other_manager, django_capture_on_commit_callbacks
):
    broadcast = send(cluster, manager, django_capture_on_commit_callbacks)
    for user in (other_manager, members["a"][1]):
        api = api_as(user)
        assert api.get(f"/api/v1/clusters/{cluster.pk}/broadcasts/").status_code == 404
        assert (
            api.get(f"/api/v1/clusters/{cluster.pk}/broadcasts/{broadcast.pk}/").status_code == 404
        )
        posted = api.post(
            f"/api/v1/clusters/{cluster.pk}/broadcasts/",
            {"subject": "Hi", "body": "x"},
            format="json",
        )
        assert posted.status_code == 404
    assert Broadcast.objects.count() == 1
