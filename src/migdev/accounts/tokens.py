"""One-time set-password links for accounts created or reset by an administrator.

The token is Django's password-reset token under its own salt, so a password-reset token from elsewhere is
never accepted here. It hashes the account's password, so it stops working once used (the password
changed) or when a newer link is issued (which sets a fresh unusable password); it expires after
``settings.PASSWORD_RESET_TIMEOUT`` seconds.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from migdev.accounts.models import User


class SetPasswordLinkTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "migdev.accounts.tokens.SetPasswordLinkTokenGenerator"


set_password_tokens = SetPasswordLinkTokenGenerator()


def set_password_path(user: User) -> str:
    """The path of a fresh set-password link for ``user`` (in the active language)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:set_password", args=[uidb64, set_password_tokens.make_token(user)])
