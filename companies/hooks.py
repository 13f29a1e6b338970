"""What the companies app tells the apps above it. Every hook of every app is listed
in the README's "Hooks between layers" section.

Signals are sent inside the service's transaction: a receiver that writes rows
writes them in the same transaction, and one that enqueues a job does it with
``transaction.on_commit``, so a rolled-back write starts nothing.
"""

from collections.abc import Callable

from django.dispatch import Signal

# A user joined an organisation, by registering it or by accepting an invitation to it.
# Arguments: organisation, user.
user_joined_organisation = Signal()

# The first user of a profile a cluster imported has claimed it: it is the firm's own now.
# Arguments: organisation, user.
imported_profile_claimed = Signal()

# What a supplier's profile says changed (its text, codes, product lines, certificates).
# Arguments: organisation_id.
supplier_profile_changed = Signal()

# A verified organisation changed its legal name or country, so it awaits verification
# again. Arguments: organisation, actor (the user who made the change).
organisation_verification_lapsed = Signal()

# A certificate's number or expiry changed, so it awaits a check again.
# Arguments: certification, actor.
certification_check_lapsed = Signal()

# Staff changed an organisation's verification (verified, rejected, or back to awaiting).
# Arguments: organisation, actor, was_verified (whether it was verified before).
organisation_verification_changed = Signal()


# Who vouches that an e-mailed link reached an address: the clusters app, whose e-mail
# invitations carry a secret token to the sign-up page. A sign-up that brings a token
# sent to its own address has proved it and needs no confirmation e-mail.
ProvesAddress = Callable[..., bool]
_address_provers: list[ProvesAddress] = []


def prove_address_by_token(prover: ProvesAddress) -> ProvesAddress:
    """Register ``prover(token=..., email=...) -> bool``."""
    _address_provers.append(prover)
    return prover


def address_proved_by_token(*, token: str, email: str) -> bool:
    return bool(token) and any(p(token=token, email=email) for p in _address_provers)
