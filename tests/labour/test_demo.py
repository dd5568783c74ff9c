from django.test import Client

from migdev.accounts.demo import demo_username, demo_users_create
from migdev.accounts.models import User
from migdev.accounts.roles import Role
from migdev.labour import gate
from migdev.labour.demo import SCHEME_TITLE, seed_labour_demo
from migdev.labour.models import Application, JobOrder, OccupationStock, Scheme, Worker
from migdev.skills.models import Occupation, OccupationSkill, Skill, TaxonomyEdition
from tests.factories import login_verified


def _tiny_esco() -> None:
    edition = TaxonomyEdition.objects.create(taxonomy="esco", version="demo-test", is_current=True)
    for uri, isco in (("occ/care", "3221"), ("occ/farm", "9211")):
        occupation = Occupation.objects.create(edition=edition, uri=uri, isco_code=isco, label_en=uri)
        for n in range(4):
            skill = Skill.objects.create(edition=edition, uri=f"{uri}/s{n}", label_en=f"skill {n} of {uri}")
            OccupationSkill.objects.create(
                edition=edition,
                occupation=occupation,
                skill=skill,
                relation_type="essential" if n < 3 else "optional",
            )


def _seed_demo_on_tiny_esco() -> None:
    """The labour demo seeded on a small ESCO edition made current (the demo reads its occupations)."""
    TaxonomyEdition.objects.filter(is_current=True).update(is_current=False)
    _tiny_esco()
    demo_users_create()
    seed_labour_demo()


def test_demo_is_sample_idempotent_and_shows_content(db: None) -> None:
    TaxonomyEdition.objects.filter(is_current=True).update(is_current=False)
    _tiny_esco()
    demo_users_create()
    assert "workers" in seed_labour_demo()
    assert seed_labour_demo() == "sample scheme already present"
    scheme = Scheme.objects.get(title=SCHEME_TITLE)
    assert scheme.is_sample and all(j.is_sample for j in JobOrder.objects.all())
    assert Worker.objects.filter(is_sample=False).count() == 0
    assert OccupationStock.objects.exists() and not OccupationStock.objects.filter(is_sample=False).exists()
    blocked = Application.objects.get(
        worker__given_name__isnull=False, stage="accepted", job_order__isco_code="9211"
    )
    assert "fees" in gate.safeguards_gate(blocked).blocking
    employer = User.objects.get(username=demo_username(Role.EMPLOYER))
    client = Client()
    login_verified(client, employer)
    page = client.get("/en/labour/")
    assert page.status_code == 200 and "Sample data" in page.content.decode()
    worker_user = User.objects.get(username=demo_username(Role.WORKER))
    client = Client()
    client.force_login(worker_user)
    assert "Awa" in client.get("/es/labour/me/").content.decode()


def test_worker_page_speaks_the_workers_language(db: None) -> None:
    """The worker reads their checklist in French: the contract's language and every fact by name, not
    as a code or an English key."""
    _seed_demo_on_tiny_esco()
    client = Client()
    client.force_login(User.objects.get(username=demo_username(Role.WORKER)))
    page = client.get("/fr/labour/me/").content.decode()
    assert "en français." in page
    assert "Numéro de licence" in page and ">licence:" not in page and ">language:" not in page
    page = client.get("/es/labour/me/").content.decode()
    assert "en francés." in page and "Número de licencia" in page


def test_demo_shows_orientation_passage_and_a_missed_check_in(db: None) -> None:
    from migdev.labour.models import CheckInAlert, OrientationCurriculum

    _seed_demo_on_tiny_esco()
    assert all(course.is_sample for course in OrientationCurriculum.objects.all())
    [alert] = CheckInAlert.objects.all()
    assert alert.check_in.days_after_arrival == 30
    deployed = alert.check_in.application
    assert gate.safeguards_gate(deployed).passes
    awa = Application.objects.get(worker__user__username=demo_username(Role.WORKER))
    assert "orientation" in gate.safeguards_gate(awa).blocking
    client = Client()
    login_verified(client, User.objects.get(username=demo_username(Role.SCHEME_OFFICER)))
    alerts = client.get("/fr/labour/check-ins/").content.decode()
    assert deployed.worker.pseudonym in alerts
    scheme = Scheme.objects.get(title=SCHEME_TITLE)
    course = client.get(f"/es/labour/schemes/{scheme.pk}/orientation/").content.decode()
    assert "Sample: before leaving for Spain" in course
    passage_page = client.get(f"/en/labour/applications/{deployed.pk}/passage/").content.decode()
    assert "OR-SAMPLE0001" in passage_page and "Missed" in passage_page
    certificate = client.get(f"/fr/labour/applications/{deployed.pk}/certificate/")
    assert certificate.status_code == 200 and 'lang="es"' in certificate.content.decode()


def test_demo_dates_keep_their_order_and_the_dashboard_shows_no_negative_time(db: None) -> None:
    """The demo created its job orders now and Youssef's arrival 49 days ago: the dashboard showed -49."""
    from migdev.labour import dashboards
    from migdev.labour.models import Passage

    _seed_demo_on_tiny_esco()
    for passage in Passage.objects.select_related("application__job_order"):
        job_order = passage.application.job_order
        assert job_order.created_at <= job_order.approved_at
        assert job_order.approved_at.date() < passage.departed_on <= passage.arrived_on
        assert passage.application.accepted_at.date() < passage.departed_on
        assert all(c.signed_on < passage.departed_on for c in passage.application.contracts.all())
    officer = User.objects.get(username=demo_username(Role.SCHEME_OFFICER))
    time = dashboards.scheme_dashboard(officer).days_to_arrival
    assert time["n"] == 1 and time["inconsistent"] == 0 and time["median"] > 0


def test_demo_job_orders_carry_their_own_occupations_skills(db: None) -> None:
    """The care job order carried a medical laboratory assistant's skills (blood sampling, microbiology):
    the occupation was the first ISCO 32 one. Each job order's skills are its own occupation's."""
    TaxonomyEdition.objects.filter(is_current=True).update(is_current=False)
    edition = TaxonomyEdition.objects.create(taxonomy="esco", version="demo-test-2", is_current=True)
    for uri, isco, label in (
        ("occ/lab", "3212", "medical laboratory assistant"),
        ("occ/nurse", "2221", "nurse responsible for general care"),
        ("occ/horti", "9214", "horticulture worker"),
        ("occ/picker", "9211", "fruit and vegetable picker"),
    ):
        occupation = Occupation.objects.create(edition=edition, uri=uri, isco_code=isco, label_en=label)
        for n in range(4):
            skill = Skill.objects.create(edition=edition, uri=f"{uri}/s{n}", label_en=f"skill {n} of {label}")
            OccupationSkill.objects.create(
                edition=edition, occupation=occupation, skill=skill, relation_type="essential"
            )
    demo_users_create()
    seed_labour_demo()
    orders = {order.occupation_uri: order for order in JobOrder.objects.all()}
    assert set(orders) == {"occ/nurse", "occ/picker"}
    for uri, order in orders.items():
        own = set(
            OccupationSkill.objects.filter(occupation__uri=uri, relation_type="essential").values_list(
                "skill__uri", flat=True
            )
        )
        assert order.essential_skill_uris and set(order.essential_skill_uris) <= own
        assert order.isco_code == Occupation.objects.get(uri=uri).isco_code


def test_worker_page_names_the_country_of_residence(db: None) -> None:
    """The French checklist read "Pays de résidence: SEN": the country goes by its name."""
    _seed_demo_on_tiny_esco()
    client = Client()
    client.force_login(User.objects.get(username=demo_username(Role.WORKER)))
    page = client.get("/fr/labour/me/").content.decode()
    assert "Pays de résidence: Sénégal" in page and "Pays de résidence: SEN" not in page


def test_scheme_list_names_the_destination_in_the_pages_language(db: None) -> None:
    """The French scheme list read "Spain (ESP)": the destination goes by its name in French."""
    _seed_demo_on_tiny_esco()
    client = Client()
    login_verified(client, User.objects.get(username=demo_username(Role.SCHEME_OFFICER)))
    page = client.get("/fr/labour/").content.decode()
    assert "Espagne" in page and "Spain (ESP)" not in page
