"""Capabilities: contact people, certificates (and staff checks of them) and product
lines of the user's organisation."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from companies import selectors, services
from companies.models import Certification, ContactPerson, ProductLine
from companies.permissions import MemberForWrites
from companies.serializers import (
    CertificationPrivateSerializer,
    ContactPersonSerializer,
    ProductLineSerializer,
)
from sme_platform.api import serializers
from sme_platform.api.permissions import StaffOnlyOrNotFound
from sme_platform.api.views import Api, ListApi, found


class ContactInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["name", "position", "email", "phone", "is_primary"]


class OrganisationContactListApi(ListApi):
    """An organisation's contact people: private to its users and staff."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ContactPersonSerializer(many=True)})
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = found(
            selectors.organisation_private_get(user=request.user, pk=organisation_id)
        )
        contacts = selectors.contact_list(user=request.user, organisation=organisation)
        return self.paginated(contacts, ContactPersonSerializer)

    @extend_schema(request=ContactInputSerializer, responses={201: ContactPersonSerializer})
    def post(self, request: Request, organisation_id: int) -> Response:
        organisation = found(
            selectors.organisation_private_get(user=request.user, pk=organisation_id)
        )
        serializer = ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_person_create(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        return Response(ContactPersonSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailApi(Api):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ContactPersonSerializer})
    def get(self, request: Request, pk: int) -> Response:
        contact = found(selectors.contact_get(user=request.user, pk=pk))
        return Response(ContactPersonSerializer(contact).data)

    @extend_schema(request=ContactInputSerializer, responses={200: ContactPersonSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        contact = found(selectors.contact_get(user=request.user, pk=pk))
        serializer = ContactInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_person_update(
            contact=contact, actor=request.user, **serializer.validated_data
        )
        return Response(ContactPersonSerializer(contact).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        contact = found(selectors.contact_get(user=request.user, pk=pk))
        services.contact_person_delete(contact=contact, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CertificationListApi(ListApi):
    """The certificates of the user's organisation; adding one with its evidence file."""

    permission_classes = [MemberForWrites]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.ModelSerializer):
        # The service looks the scheme up by its catalogue code or its name.
        scheme = serializers.CharField(help_text="Catalogue code or name, e.g. iso-9001")

        class Meta:
            model = Certification
            fields = ["scheme", "issuer", "certificate_number", "valid_until", "evidence"]

    @extend_schema(responses={200: CertificationPrivateSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.certification_list(user=request.user), CertificationPrivateSerializer
        )

    @extend_schema(request=InputSerializer, responses={201: CertificationPrivateSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = services.certification_add(
            organisation=found(selectors.organisation_of(user=request.user)),
            actor=request.user,
            **serializer.validated_data,
        )
        data = CertificationPrivateSerializer(certification, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class CertificationDetailApi(Api):
    permission_classes = [IsAuthenticated]

    class ChangeSerializer(serializers.ModelSerializer):
        class Meta:
            model = Certification
            fields = ["issuer", "certificate_number", "valid_until"]

    @extend_schema(responses={200: CertificationPrivateSerializer})
    def get(self, request: Request, pk: int) -> Response:
        certification = found(selectors.certification_get(user=request.user, pk=pk))
        return Response(
            CertificationPrivateSerializer(certification, context={"request": request}).data
        )

    @extend_schema(request=ChangeSerializer, responses={200: CertificationPrivateSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        certification = found(selectors.certification_get(user=request.user, pk=pk))
        serializer = self.ChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        certification = services.certification_update(
            certification=certification, actor=request.user, **serializer.validated_data
        )
        return Response(
            CertificationPrivateSerializer(certification, context={"request": request}).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        certification = found(selectors.certification_get(user=request.user, pk=pk))
        services.certification_delete(certification=certification, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffCertificationCheckApi(Api):
    """Staff record the outcome of checking a certificate's evidence."""

    permission_classes = [StaffOnlyOrNotFound]

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Certification.Status.choices)

    @extend_schema(request=InputSerializer, responses={200: CertificationPrivateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        certification = found(selectors.certification_get(user=request.user, pk=pk))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = services.certification_check(
            certification=certification, actor=request.user, **serializer.validated_data
        )
        return Response(
            CertificationPrivateSerializer(certification, context={"request": request}).data
        )


class ProductLineInputSerializer(serializers.ModelSerializer):
    # A typed HS code the service looks up, not a choice among the model's rows.
    hs_code = serializers.CharField(help_text="HS code of the product, e.g. 610910")

    class Meta:
        model = ProductLine
        fields = ["hs_code", "description", "monthly_capacity", "unit", "min_order_quantity"]


class ProductLineListApi(ListApi):
    """What the user's organisation makes, and how much of it a month."""

    permission_classes = [MemberForWrites]

    @extend_schema(responses={200: ProductLineSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.product_line_list(user=request.user), ProductLineSerializer)

    @extend_schema(request=ProductLineInputSerializer, responses={201: ProductLineSerializer})
    def post(self, request: Request) -> Response:
        serializer = ProductLineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.product_line_create(
            organisation=found(selectors.organisation_of(user=request.user)),
            actor=request.user,
            data=serializer.validated_data,
        )
        return Response(ProductLineSerializer(line).data, status=status.HTTP_201_CREATED)


class ProductLineDetailApi(Api):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProductLineSerializer})
    def get(self, request: Request, pk: int) -> Response:
        line = found(selectors.product_line_get(user=request.user, pk=pk))
        return Response(ProductLineSerializer(line).data)

    @extend_schema(request=ProductLineInputSerializer, responses={200: ProductLineSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        line = found(selectors.product_line_get(user=request.user, pk=pk))
        serializer = ProductLineInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        line = services.product_line_update(
            line=line, actor=request.user, data=serializer.validated_data
        )
        return Response(ProductLineSerializer(line).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        line = found(selectors.product_line_get(user=request.user, pk=pk))
        services.product_line_delete(line=line, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
