"""`migdev labour_sdg1071 SCHEME_ID`: publish a scheme's SDG 10.7.1 into the indicators module, as series
computed by migdev with small cells suppressed (see migdev.labour.sdg1071_publish)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from migdev.labour.models import Scheme
from migdev.labour.sdg1071_publish import sdg1071_publish


class Command(BaseCommand):
    help = "Publish a labour-mobility scheme's SDG 10.7.1 (computed by migdev) into the indicators module."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scheme", type=int, help="The scheme's number.")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme = Scheme.objects.filter(pk=options["scheme"]).first()
        if scheme is None:
            raise CommandError(f"No scheme number {options['scheme']}.")
        try:
            publication = sdg1071_publish(actor=None, scheme=scheme, trusted=True)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        kind = "sample data" if publication.sample else "computed by migdev"
        self.stdout.write(
            f"edition {publication.edition} ({kind}): {publication.workers} workers, "
            f"{publication.cells_published} cells published, {publication.cells_suppressed} suppressed"
        )
