"""Factories of the clusters app.

A cluster and a membership only reach their valid states through the real steps
(staff approve a proposed cluster; an SME applies and a manager approves), so
their factories take those steps through the services.
"""

from typing import Any

import factory

from clusters import services
from clusters.models import Cluster, ClusterMembership, ImportedFirm, MemberImport, MembershipEvent
from companies.models import User
from tests.factories.companies import (
    ClusterBodyUserFactory,
    StaffUserFactory,
    SupplierFactory,
    UserFactory,
)

Status = ClusterMembership.Status


class ClusterFactory(factory.django.DjangoModelFactory[Cluster]):
    """A cluster proposed by a cluster body's user (its first manager) and approved by
    staff; ``status="proposed"`` leaves it awaiting review, ``"rejected"`` rejects it."""

    class Meta:
        model = Cluster

    name = "Tiruppur Knitwear Cluster"
    country = "IN"
    province = "IN-TN"
    sector = "1430"
    main_products = factory.LazyFunction(lambda: ["611030"])
    description = "Knitwear makers around Tiruppur."
    proposed_by = factory.SubFactory(ClusterBodyUserFactory)
    reviewed_by = None
    status = Cluster.Status.APPROVED
    review_note = ""

    @classmethod
    def _create(cls, model_class: type[Cluster], *args: Any, **kwargs: Any) -> Cluster:
        status = kwargs.pop("status")
        reviewer: User | None = kwargs.pop("reviewed_by")
        note = kwargs.pop("review_note")
        cluster = services.cluster_propose(actor=kwargs.pop("proposed_by"), **kwargs)
        if status == Cluster.Status.PROPOSED:
            return cluster
        return services.cluster_review(
            cluster=cluster, actor=reviewer or StaffUserFactory.create(), status=status, note=note
        )


class ClusterMembershipFactory(factory.django.DjangoModelFactory[ClusterMembership]):
    """A membership of the applicant's firm: the applicant applies, ``approver`` (by
    default the cluster's first manager) approves, then suspends or removes it, or the
    applicant leaves, as ``status`` asks (``applied`` stops at the application,
    ``refused`` refuses it)."""

    class Meta:
        model = ClusterMembership

    cluster = factory.SubFactory(ClusterFactory)
    applicant = factory.SubFactory(UserFactory)
    approver = None
    listed_publicly = False
    share_contacts = False
    message = ""
    status = Status.ACTIVE

    @classmethod
    def _create(
        cls, model_class: type[ClusterMembership], *args: Any, **kwargs: Any
    ) -> ClusterMembership:
        status = kwargs.pop("status")
        cluster: Cluster = kwargs.pop("cluster")
        applicant: User = kwargs.pop("applicant")
        manager: User | None = kwargs.pop("approver") or cluster.managers.order_by("pk").first()
        membership = services.membership_apply(cluster=cluster, actor=applicant, **kwargs)
        if status == Status.APPLIED:
            return membership
        assert manager is not None, "a cluster made by its factory has a manager"
        if status == Status.REFUSED:
            return services.membership_refuse(membership=membership, actor=manager)
        membership = services.membership_approve(membership=membership, actor=manager)
        if status == Status.SUSPENDED:
            return services.membership_suspend(membership=membership, actor=manager)
        if status == Status.REMOVED:
            return services.membership_remove(membership=membership, actor=manager)
        if status == Status.LEFT:
            return services.membership_leave(membership=membership, actor=applicant)
        return membership


class MembershipEventFactory(factory.django.DjangoModelFactory[MembershipEvent]):
    """A history line written by hand; the services write the real ones."""

    class Meta:
        model = MembershipEvent

    membership = factory.SubFactory(ClusterMembershipFactory)
    actor = None
    from_status = Status.ACTIVE
    to_status = Status.SUSPENDED
    note = ""


class MemberImportFactory(factory.django.DjangoModelFactory[MemberImport]):
    """An uploaded member list still being checked: no rows, no report yet."""

    class Meta:
        model = MemberImport

    cluster = factory.SubFactory(ClusterFactory)
    uploaded_by = factory.LazyAttribute(
        lambda member_import: member_import.cluster.managers.order_by("pk").first()
    )
    file_name = factory.Sequence(lambda n: f"members-{n}.csv")
    encoding = "utf-8"
    delimiter = ","


class ImportedFirmFactory(factory.django.DjangoModelFactory[ImportedFirm]):
    """An unclaimed SME profile a cluster imported."""

    class Meta:
        model = ImportedFirm

    cluster = factory.SubFactory(ClusterFactory)
    organisation = factory.SubFactory(SupplierFactory, claimed=False)
    email = factory.Sequence(lambda n: f"firm{n}@imported.example")
    member_import = None
    invitation = None
