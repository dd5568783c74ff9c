"""Thin views: sign-in and sign-out, two-factor enrolment and verification, profile and tokens, notes,
user administration and the set-password page."""

import smtplib
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from migdev.accounts import access, selectors, services
from migdev.accounts.forms import (
    ApiTokenCreateForm,
    EnrolmentCodeForm,
    NoteForm,
    TwoFactorCodeForm,
    UserAccountForm,
    UserFilterForm,
    note_initial,
    user_account_initial,
)
from migdev.accounts.middleware import IDLE_SIGNED_OUT_SESSION_KEY, LAST_ACTIVITY_SESSION_KEY
from migdev.accounts.models import Note, Organisation, User
from migdev.accounts.tokens import set_password_tokens
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log
from migdev.core.versioning import StaleEdit, edit_conflict

TWO_FACTOR_FAILURES_SESSION_KEY = "migdev_two_factor_failures"
ENROLMENT_DEVICE_SESSION_KEY = "migdev_totp_enrolment_device"


def _next_query(target: str) -> str:
    return urlencode({"next": target})


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.session.pop(IDLE_SIGNED_OUT_SESSION_KEY, False):
            messages.info(
                request, _("You were signed out after a period of inactivity. Please sign in again.")
            )
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        self.request.session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
        self.request.session.pop(TWO_FACTOR_FAILURES_SESSION_KEY, None)
        audit_log(action=AuditAction.LOGIN, request=self.request, actor=user, detail={"stage": "password"})
        if selectors.two_factor_owed(user):
            target = (
                "accounts:two_factor_verify"
                if selectors.user_has_confirmed_device(user)
                else "accounts:two_factor_setup"
            )
            return redirect(f"{reverse(target)}?{_next_query(self.get_success_url())}")
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        attempted = str(form.data.get("username", ""))[:150]
        audit_log(
            action=AuditAction.FAILED_LOGIN,
            request=self.request,
            username=attempted,
            detail={"stage": "password", "locked_out": bool(getattr(self.request, "axes_locked_out", False))},
        )
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_log(action=AuditAction.LOGOUT, request=request, detail={"reason": "user"})
        return super().post(request, *args, **kwargs)


def _qr_svg(data: str) -> str:
    qr = segno.make(data, error="m")
    # segno writes plain SVG attributes (no style attribute, no script), so the CSP stays strict.
    svg = qr.svg_inline(
        scale=1,
        border=4,
        omitsize=True,
        svgclass="qr-code",
        dark="#000",
        light="#fff",
        title=_("QR code for your authenticator app"),
    )
    return str(svg).replace("<svg ", '<svg role="img" ', 1)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app. Only while no confirmed device exists, or from a verified session:
    otherwise someone holding just the password could add their own authenticator."""
    user = _signed_in_user(request)
    is_verified = getattr(user, "is_verified", lambda: False)()
    if selectors.user_has_confirmed_device(user) and not is_verified:
        return redirect(f"{reverse('accounts:two_factor_verify')}?{_next_query(_safe_next(request, ''))}")
    if request.method == "POST":
        device = selectors.pending_totp_device(user, request.session.get(ENROLMENT_DEVICE_SESSION_KEY))
        if device is None:
            # The secret shown in this session was replaced (another session started enrolling).
            messages.error(request, _("That set-up was replaced. Scan the new code below."))
            return redirect(f"{reverse('accounts:two_factor_setup')}?{_next_query(_safe_next(request, ''))}")
    else:
        # A fresh secret per visit, tied to this session: a secret seen elsewhere can never be confirmed here.
        device = services.totp_enrolment_start(user=user)
        request.session[ENROLMENT_DEVICE_SESSION_KEY] = device.pk
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrolment_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session.pop(ENROLMENT_DEVICE_SESSION_KEY, None)
            request.session.cycle_key()  # the session just gained rights: give it a new identifier
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _safe_next(request, reverse("accounts:profile"))},
            )
        form.add_error("code", _("That code is not right. Check the time on your phone and try again."))
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - generated by segno from our own data
        "secret": _grouped(services.totp_secret_base32(device)),
        "next": _safe_next(request, ""),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _grouped(secret: str) -> str:
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if not selectors.user_has_confirmed_device(user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{_next_query(_safe_next(request, ''))}")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.two_factor_verify(request=request, code=form.cleaned_data["code"]):
            request.session.pop(TWO_FACTOR_FAILURES_SESSION_KEY, None)
            request.session.cycle_key()  # the session just gained rights: give it a new identifier
            return HttpResponseRedirect(_safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
        failures = int(request.session.get(TWO_FACTOR_FAILURES_SESSION_KEY, 0)) + 1
        if failures >= settings.AXES_FAILURE_LIMIT:
            # Guessing codes must cost a fresh password sign-in, which django-axes throttles.
            audit_log(
                action=AuditAction.LOGOUT,
                request=request,
                detail={"reason": "too_many_two_factor_failures", "failures": failures},
            )
            auth_logout(request)
            messages.error(request, _("Too many wrong codes. Please sign in again."))
            return redirect("accounts:login")
        request.session[TWO_FACTOR_FAILURES_SESSION_KEY] = failures
        form.add_error("code", _("That code is not right."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})


@never_cache
@login_required
@require_POST
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if not selectors.user_has_confirmed_device(user):
        return redirect("accounts:two_factor_setup")
    codes = services.backup_codes_regenerate(user=user)
    audit_log(action=AuditAction.UPDATE, request=request, record=user, detail={"two_factor": "backup_codes"})
    return render(
        request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:profile")}
    )


def _profile_context(request: HttpRequest, token_form: ApiTokenCreateForm | None = None) -> dict[str, Any]:
    user = _signed_in_user(request)
    now = timezone.now()
    tokens = [
        {"token": token, "active": token.is_active_at(now)} for token in selectors.api_tokens_for_user(user)
    ]
    return {
        "profile_user": user,
        "roles": sorted(user.roles.all(), key=str),
        "user_groups": user.user_groups.select_related("organisation"),
        "two_factor_required": access.require_two_factor(user),
        "two_factor_enrolled": selectors.user_has_confirmed_device(user),
        "two_factor_verified": getattr(user, "is_verified", lambda: False)(),
        "tokens": tokens,
        "token_form": token_form or ApiTokenCreateForm(),
        "permissions": sorted(access.granted_permissions(user).items()),
    }


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", _profile_context(request))


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenCreateForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/profile.html", _profile_context(request, form), status=400)
    days = form.cleaned_data["expires_in_days"]
    expires_at = timezone.now() + timedelta(days=int(days)) if days else None
    token, raw = services.api_token_create(
        user=_signed_in_user(request), name=form.cleaned_data["name"], expires_at=expires_at, request=request
    )
    # Shown in this response only; a redirect would need the raw token stored somewhere.
    return render(request, "accounts/token_created.html", {"token": token, "raw_token": raw})


@never_cache
@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.api_tokens_for_user(_signed_in_user(request)), pk=pk)
    services.api_token_revoke(token=token, request=request)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("accounts:profile")


# Team notes --------------------------------------------------------------------------------------


@never_cache
@access.permission_required_or_404(selectors.NOTE_VIEW)
def note_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notes_for_user(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/note_list.html",
        {"page": page, "can_add": access.has_permission(request.user, selectors.NOTE_ADD)},
    )


@never_cache
@access.permission_required_or_404(selectors.NOTE_VIEW)
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.note_get_for_user(request.user, pk, request=request, audit_read=True)
    return render(
        request,
        "accounts/note_detail.html",
        {
            "note": note,
            "can_change": access.scoped_queryset(
                request.user, selectors.NOTE_CHANGE, type(note).objects.filter(pk=note.pk)
            ).exists(),
            "can_delete": access.scoped_queryset(
                request.user, selectors.NOTE_DELETE, type(note).objects.filter(pk=note.pk)
            ).exists(),
        },
    )


@never_cache
@access.permission_required_or_404(selectors.NOTE_ADD)
@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    form = NoteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_create(
                actor=user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                group=form.cleaned_data["group"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect("accounts:note_detail", pk=note.pk)
    return render(request, "accounts/note_form.html", {"form": form, "note": None})


@never_cache
@access.permission_required_or_404(selectors.NOTE_CHANGE)
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _signed_in_user(request)
    note = selectors.note_get_for_user(
        user, pk, perm=selectors.NOTE_CHANGE, request=request, audit_read=request.method == "GET"
    )
    form = NoteForm(request.POST or None, user=user, note=note)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(
                note=note,
                actor=user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                group=form.cleaned_data["group"],
                expected_version=form.expected_version(),
                request=request,
            )
        except StaleEdit as stale:
            conflict = edit_conflict(form, stale, note_initial(Note.objects.get(pk=note.pk)))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect("accounts:note_detail", pk=pk)
    return render(
        request,
        "accounts/note_form.html",
        {"form": form, "note": note, "conflict": conflict},
        status=409 if conflict else 200,
    )


@never_cache
@access.permission_required_or_404(selectors.NOTE_DELETE)
@require_http_methods(["GET", "POST"])
def note_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _signed_in_user(request)
    note = selectors.note_get_for_user(user, pk, perm=selectors.NOTE_DELETE, request=request)
    if request.method == "POST":
        services.note_delete(note=note, actor=user, request=request)
        messages.success(request, _("Note deleted."))
        return redirect("accounts:note_list")
    return render(request, "accounts/note_confirm_delete.html", {"note": note})


# User administration -----------------------------------------------------------------------------


def _service_errors_on_form(form: Any, error: ValidationError) -> None:
    """A service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_messages)
    else:
        form.add_error(None, error)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


_ACTIVE_FILTER = {"yes": True, "no": False}


@never_cache
@access.permission_required_or_404(selectors.USER_MANAGE)
def user_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.users_visible_to(request.user)
    organisations = Organisation.objects.filter(pk__in=visible.values("organisation_id"))
    form = UserFilterForm(request.GET or None, organisations=organisations)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "text": form.cleaned_data["q"],
            "organisation": form.cleaned_data["organisation"],
            "role": form.cleaned_data["role"],
            "active": _ACTIVE_FILTER.get(form.cleaned_data["active"]),
        }
    page = Paginator(selectors.user_search(visible, **filters), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/user_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _link_page(request: HttpRequest, user: User, path: str, *, emailed: bool, created: bool) -> HttpResponse:
    # Shown in this response only: the link is never stored, and a newer one replaces it.
    expires = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return render(
        request,
        "accounts/user_link.html",
        {
            "account": user,
            "link": request.build_absolute_uri(path),
            "expires": expires,
            "emailed": emailed,
            "created": created,
            "two_factor_required": access.require_two_factor(user),
        },
    )


def _email_link(request: HttpRequest, actor: User, user: User, path: str) -> bool:
    """Email the link; a mail server that fails leaves the link on the page to pass on by hand."""
    try:
        services.set_password_link_email(
            actor=actor, user=user, link=request.build_absolute_uri(path), request=request
        )
    except (OSError, smtplib.SMTPException):
        messages.warning(request, _("The email could not be sent; pass the link on yourself."))
        return False
    return True


@never_cache
@access.permission_required_or_404(selectors.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _signed_in_user(request)
    email_enabled = services.email_configured()
    form = UserAccountForm(request.POST or None, actor=actor, email_enabled=email_enabled)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, path = services.user_create(
                actor=actor,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                organisation=data["organisation"],
                groups=data["groups"],
                roles=data["roles"],
                request=request,
            )
        except ValidationError as error:
            _service_errors_on_form(form, error)
        else:
            emailed = bool(data.get("send_email")) and _email_link(request, actor, user, path)
            return _link_page(request, user, path, emailed=emailed, created=True)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


@never_cache
@access.permission_required_or_404(selectors.USER_MANAGE)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _signed_in_user(request)
    user = selectors.user_get_for_user(actor, pk, request=request, audit_read=True)
    context = {
        "account": user,
        "roles": sorted(user.roles.all(), key=str),
        "user_groups": user.user_groups.select_related("organisation"),
        "manageable": selectors.user_is_manageable_by(actor, user),
        "two_factor_required": access.require_two_factor(user),
        "two_factor_enrolled": selectors.user_has_confirmed_device(user),
        "has_password": user.has_usable_password(),
        "email_enabled": services.email_configured() and bool(user.email),
    }
    return render(request, "accounts/user_detail.html", context)


@never_cache
@access.permission_required_or_404(selectors.USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _signed_in_user(request)
    user = selectors.user_get_for_user(actor, pk, request=request)
    if not selectors.user_is_manageable_by(actor, user):
        messages.error(
            request,
            _("This account holds rights beyond yours; an administrator with a wider scope must change it."),
        )
        return redirect("accounts:user_detail", pk=user.pk)
    form = UserAccountForm(request.POST or None, actor=actor, user=user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=actor,
                user=user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                organisation=data["organisation"],
                groups=data["groups"],
                roles=data["roles"],
                expected_version=form.expected_version(),
                request=request,
            )
        except StaleEdit as stale:
            conflict = edit_conflict(form, stale, user_account_initial(User.objects.get(pk=user.pk)))
        except ValidationError as error:
            _service_errors_on_form(form, error)
        else:
            messages.success(request, _("Account saved."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": user, "conflict": conflict},
        status=409 if conflict else 200,
    )


@never_cache
@access.permission_required_or_404(selectors.USER_MANAGE)
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _signed_in_user(request)
    user = selectors.user_get_for_user(actor, pk, request=request)
    active = request.POST.get("active") == "1"
    try:
        services.user_active_set(actor=actor, user=user, active=active, request=request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The account is active again.")
            if active
            else _("The account is deactivated: it can no longer sign in or use its API tokens."),
        )
    return redirect("accounts:user_detail", pk=user.pk)


@never_cache
@access.permission_required_or_404(selectors.USER_MANAGE)
@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _signed_in_user(request)
    user = selectors.user_get_for_user(actor, pk, request=request)
    try:
        services.user_two_factor_reset(actor=actor, user=user, request=request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Two-factor authentication was reset: the user sets it up again at their next sign-in."),
        )
    return redirect("accounts:user_detail", pk=user.pk)


@never_cache
@access.permission_required_or_404(selectors.USER_MANAGE)
@require_POST
def user_link(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _signed_in_user(request)
    user = selectors.user_get_for_user(actor, pk, request=request)
    try:
        path = services.user_set_password_link_issue(actor=actor, user=user, request=request)
        emailed = request.POST.get("send_email") == "1" and _email_link(request, actor, user, path)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("accounts:user_detail", pk=user.pk)
    return _link_page(request, user, path, emailed=emailed, created=False)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A new user (or one whose administrator issued a link) chooses a password.

    Django's view moves the token out of the address into the session before showing the form, so it leaks
    neither through the history nor the Referer header; the password itself goes through the service.
    """

    template_name = "accounts/set_password.html"
    token_generator = set_password_tokens
    form_class = SetPasswordForm
    post_reset_login = False
    reset_url_token = "choose"  # noqa: S105 - a path segment, not a secret
    success_url = reverse_lazy("accounts:login")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and not isinstance(response, HttpResponseRedirect):
            audit_log(
                action=AuditAction.FAILED_LOGIN,
                request=self.request,
                username=self.user.get_username() if self.user is not None else "",
                detail={"stage": "set_password_link"},
            )
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        services.user_password_set_from_link(
            user=self.user, password=form.cleaned_data["new_password1"], request=self.request
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password is set. Sign in with it now."))
        return HttpResponseRedirect(self.get_success_url())
