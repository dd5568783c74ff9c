"""Thin views: sign-in and sign-out, two-factor enrolment and verification, profile and tokens, notes."""

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
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from migdev.accounts import access, selectors, services
from migdev.accounts.forms import ApiTokenCreateForm, EnrolmentCodeForm, NoteForm, TwoFactorCodeForm
from migdev.accounts.middleware import IDLE_SIGNED_OUT_SESSION_KEY, LAST_ACTIVITY_SESSION_KEY
from migdev.accounts.models import User
from migdev.audit.models import AuditAction
from migdev.audit.services import audit_log

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
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(
                note=note,
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
            return redirect("accounts:note_detail", pk=pk)
    return render(request, "accounts/note_form.html", {"form": form, "note": note})


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
