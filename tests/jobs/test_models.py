"""Job model helpers."""

import pytest

from migdev.jobs.models import Job


@pytest.mark.parametrize(
    ("link", "shown"),
    [
        ("/en/trafficking/releases/3/", "/en/trafficking/releases/3/"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("javascript:alert(1)", None),
        (7, None),
    ],
)
def test_result_link_is_only_a_path_on_this_site(link: object, shown: str | None) -> None:
    assert Job(kind="k", result={"link": link}).result_link == shown
    assert Job(kind="k", result=[]).result_link is None
