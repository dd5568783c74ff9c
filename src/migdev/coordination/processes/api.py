"""API of the inter-governmental processes: processes, meetings (read and create), topics across
processes; mounted by `migdev.coordination.api` under /api/v1/coordination/.
"""

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from migdev.coordination import access
from migdev.coordination.common.api import TopicCodes
from migdev.coordination.models import DatePrecision, Meeting, Process
from migdev.coordination.processes import selectors, services
from migdev.core.api_base import AUTH, Pagination
from migdev.core.api_params import IsoDate, OneOf, answers

router = Router()


class ChairOut(Schema):
    role: str
    country_iso3: str
    organisation: str | None
    start_date: datetime.date
    start_precision: str
    end_date: datetime.date | None

    @staticmethod
    def resolve_organisation(chair: Any) -> str | None:
        return chair.organisation.name if chair.organisation else None


class MembershipOut(Schema):
    country_iso3: str
    status: str
    start_year: int | None
    end_date: datetime.date | None


class ProcessOut(Schema):
    code: str
    acronym: str
    name: str
    kind: str
    region: str
    established_year: int | None
    secretariat: str | None
    membership_complete: bool
    open_to_all_un_states: bool = Field(
        description="Open to every UN Member and Observer State; such a forum keeps no member list."
    )
    source: str

    @staticmethod
    def resolve_secretariat(process: Process) -> str | None:
        return process.secretariat.name if process.secretariat else None


class ProcessDetailOut(ProcessOut):
    members: list[MembershipOut]
    chairs: list[ChairOut]

    @staticmethod
    def resolve_members(process: Process, context: dict[str, Any]) -> list[Any]:
        # The view validated ``as_of`` (422 otherwise); reading the raw query here once let ``as_of=0`` 500.
        on = getattr(context["request"], "membership_date", None) or timezone.localdate()
        return list(selectors.memberships_on(process, on))

    @staticmethod
    def resolve_chairs(process: Process) -> list[Any]:
        return list(process.chairs.select_related("organisation"))


class AgendaItemOut(TopicCodes):
    position: int
    title: str
    topics: list[str]


class MeetingDocumentOut(Schema):
    title: str
    kind: str
    language: str
    url: str
    file_name: str
    file_url: str | None


class MeetingOut(Schema):
    slug: str
    title: str
    process: str | None
    kind: str
    status: str
    start_date: datetime.date
    end_date: datetime.date
    date_precision: str
    city: str
    country_iso3: str
    agenda: list[AgendaItemOut]
    documents: list[MeetingDocumentOut]
    source: str
    version: int = Field(
        description="Grows with every saved change; a write from an older version is refused (409)."
    )

    @staticmethod
    def resolve_process(meeting: Meeting) -> str | None:
        return meeting.process.code if meeting.process else None

    @staticmethod
    def resolve_agenda(meeting: Meeting) -> list[Any]:
        return list(meeting.agenda_items.all())

    @staticmethod
    def resolve_documents(meeting: Meeting, context: dict[str, Any]) -> list[dict[str, Any]]:
        request = context["request"]
        return [
            {
                "title": document.title,
                "kind": document.kind,
                "language": document.language,
                "url": document.url,
                "file_name": document.file_name,
                "file_url": request.build_absolute_uri(
                    reverse("coordination:meeting_document_file", args=[meeting.slug, document.pk])
                )
                if document.has_file and access.may_download(request.user, document.file_access)
                else None,
            }
            for document in meeting.documents.all()
        ]


class MeetingIn(Schema):
    title: str
    kind: Meeting.Kind
    start_date: IsoDate
    end_date: IsoDate
    source: str
    process: str | None = None
    status: Meeting.Status = Meeting.Status.PLANNED
    date_precision: DatePrecision = DatePrecision.DAY
    city: str = ""
    country: str = ""
    host_country: str = ""
    theme: str = ""
    is_published: bool = True


class TopicRowOut(Schema):
    topic: str
    processes: dict[str, list[datetime.date]]


class MeetingFilters(Schema):
    process: str | None = None
    topic: str | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None


@router.get("/processes", response=list[ProcessOut], auth=None)
@paginate(Pagination)
def list_processes(
    request: HttpRequest, kind: Annotated[str | None, OneOf(Process.Kind)] = None, country: str = ""
) -> Any:
    return selectors.processes_list(request.user, kind=kind or "", country_iso3=country)


@router.get("/processes/{code}", response=ProcessDetailOut, auth=None)
def get_process(request: HttpRequest, code: str, as_of: IsoDate | None = None) -> Any:
    request.membership_date = as_of  # type: ignore[attr-defined]
    return access.process_get_for_user(request.user, code)


@router.get("/meetings", response=list[MeetingOut], auth=None)
@paginate(Pagination)
@answers(404)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    process = access.process_get_for_user(request.user, filters.process) if filters.process else None
    topic = None
    if filters.topic:
        from migdev.coordination.models import Topic

        topic = Topic.objects.filter(code=filters.topic).first()
        if topic is None:
            raise HttpError(422, f"unknown topic {filters.topic!r}")
    return selectors.meetings_between(
        request.user, start=filters.start, end=filters.end, process=process, topic=topic
    )


@router.post("/meetings", response={201: MeetingOut}, auth=AUTH)
@answers(404)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    access.require_editor(request.user)
    process = access.process_get_for_user(request.user, payload.process) if payload.process else None
    try:
        meeting = services.meeting_create(
            actor=request.user,
            data=services.MeetingInput(
                title=payload.title,
                kind=payload.kind,
                start_date=payload.start_date,
                end_date=payload.end_date,
                source=payload.source,
                process=process,
                status=payload.status,
                date_precision=payload.date_precision,
                city=payload.city,
                country_code=payload.country,
                host_country_code=payload.host_country,
                theme=payload.theme,
                is_published=payload.is_published,
            ),
        )
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from error
    return Status(201, meeting)


@router.get("/topics-across-processes", response=list[TopicRowOut], auth=None)
def topics_across_processes(
    request: HttpRequest,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
    shared_only: bool = False,
) -> Any:
    matrix = selectors.topics_across_processes(request.user, start=start, end=end, shared_only=shared_only)
    return [
        {
            "topic": row.topic.code,
            "processes": {
                process.code: [meeting.start_date for meeting in cell]
                for process, cell in zip(matrix.processes, row.cells, strict=True)
                if cell
            },
        }
        for row in matrix.rows
    ]
