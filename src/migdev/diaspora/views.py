"""Pages of the diaspora module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "diaspora/home.html", {"section": "home"})
