"""People: users who log in with their e-mail and belong to at most one organisation,
and invitations to join one."""

import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone

from companies.models.organisations import Organisation
from sme_platform.constraints import known_choice


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        # Accounts made by staff (createsuperuser, the admin) were made by someone who
        # knows the address; only self-registration has to prove it.
        extra.setdefault("email_confirmed_at", timezone.now())
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class UserRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"


class User(AbstractUser):
    """A person; logs in with e-mail and belongs to at most one organisation."""

    Role = UserRole

    # Log-in is by e-mail: the username column is dropped (Django's documented way,
    # which the stubs cannot express).
    username = None  # type: ignore[assignment]
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    time_zone = models.CharField(max_length=64, default="UTC")
    email_notifications = models.BooleanField(
        default=True, help_text="Send e-mail copies of in-app notifications"
    )
    email_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "When the user proved the address (confirmation link, or an invitation sent "
            "to it); until then they may not post, answer proposals or see contacts"
        ),
    )
    email_confirmation_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the last confirmation e-mail went out (each job sends once)",
    )

    USERNAME_FIELD = "email"

    class Meta(AbstractUser.Meta):
        constraints = [known_choice("role", UserRole, name="user_role_is_known")]

    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # An e-mail-first manager in place of the username-first one AbstractUser declares.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.email

    @property
    def is_email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_owner(self) -> bool:
        return self.organisation_id is not None and self.role == self.Role.OWNER


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An owner's invitation of a colleague into the organisation, by e-mail."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=10,
        choices=User.Role.choices,
        default=User.Role.MEMBER,
        help_text="Owners can also invite colleagues.",
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            known_choice("role", User.Role, name="invitation_role_is_known"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
