"""OpenAPI generation for views written with nested ``InputSerializer``/``OutputSerializer``.

Every API view nests serializers with the same few names, so the default component
names ("Input", "Output") would collide across views. Naming a component after the
view that holds it (``OrganisationUpdateApi.InputSerializer`` -> ``OrganisationUpdateInput``)
keeps them apart.
"""

from drf_spectacular.openapi import AutoSchema


class NestedSerializerAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction):
        serializer_class = serializer.__class__
        qualified = serializer_class.__qualname__
        if "." not in qualified:
            return super().get_serializer_name(serializer, direction)
        parts = [part.removesuffix("Api") for part in qualified.split(".")]
        return "".join(parts)
