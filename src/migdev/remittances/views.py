from django.http import HttpRequest, HttpResponse


def compare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
