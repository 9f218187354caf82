"""Materials: files checked by type and size, stored under MEDIA_ROOT, and served only to
staff and the dealers invited to their event (the library to every dealer); never what is
for staff only to a dealer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qudao.core.exceptions import NotAllowed
from qudao.events import services
from qudao.events.exceptions import MaterialInvalid
from qudao.events.models import Material
from tests.events.factories import event_make, invite

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PPTX = b"PK\x03\x04" + b"\x00" * 60
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.django_db
def test_files_are_checked_and_stored_under_media_root(world, hq_admin, settings):
    event = event_make(organizer=hq_admin)
    agenda = services.material_add(actor=hq_admin, event=event, title="会议议程",
                                   topic="agenda", upload=upload("议程.pdf", PDF))
    services.material_add(actor=hq_admin, event=event, title="课件", topic="course",
                          upload=upload("slides.pptx", PPTX))
    services.material_add(actor=hq_admin, event=event, title="视频", topic="course",
                          upload=upload("clip.mp4", MP4))

    assert (agenda.name, agenda.size) == ("议程.pdf", len(PDF))
    assert agenda.file.path.startswith(str(settings.MEDIA_ROOT / "events"))
    assert agenda.file.read() == PDF
    refused = {
        "tool.exe": "tool.exe: only PDF, pictures (JPG, PNG), Word, Excel, PowerPoint and "
                    "MP4 files can be added.",
        "fake.pdf": "fake.pdf is not really a .pdf file.",
        "empty.docx": "empty.docx is empty.",
    }
    contents = {"tool.exe": b"MZ" + b"\x00" * 10, "fake.pdf": b"<html>hello</html>",
                "empty.docx": b""}
    for name, why in refused.items():
        with pytest.raises(MaterialInvalid) as bad:
            services.material_add(actor=hq_admin, event=event, title=name,
                                  upload=upload(name, contents[name]))
        assert str(bad.value) == why
    settings.EVENTS_MATERIAL_MAX_BYTES = 1024 * 1024
    with pytest.raises(MaterialInvalid) as big:
        services.material_add(actor=hq_admin, event=event, title="大文件",
                              upload=upload("big.pdf", PDF + b"0" * 1024 * 1024))
    assert str(big.value) == "big.pdf is larger than 1 MB."
    assert Material.objects.count() == 3
    assert len(stored_files(settings)) == 3


@pytest.mark.django_db
def test_only_the_organiser_or_head_office_adds_to_an_event(world, north_manager, hq_admin,
                                                            settings):
    event = event_make(organizer=hq_admin)
    with pytest.raises(NotAllowed):
        services.material_add(actor=north_manager, event=event, title="议程",
                              upload=upload("a.pdf", PDF))
    services.material_add(actor=north_manager, event=None, title="经销商管理制度汇编",
                          topic="policy", upload=upload("制度.pdf", PDF))
    assert list(Material.objects.values_list("title", "event")) == [("经销商管理制度汇编", None)]
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
def test_downloads_go_to_invited_dealers_and_staff_only(
        world, hq_admin, north_rep, dealer_a_admin, dealer_b_admin, client, settings):
    event = event_make(organizer=hq_admin)
    invite(event, world.dealer_a)
    draft = event_make(organizer=hq_admin, status="draft", title="筹备中")
    invite(draft, world.dealer_a)
    agenda = services.material_add(actor=hq_admin, event=event, title="议程",
                                   upload=upload("agenda.pdf", PDF))
    budget = services.material_add(actor=hq_admin, event=event, title="预算", for_dealers=False,
                                   upload=upload("budget.pdf", PDF))
    plan = services.material_add(actor=hq_admin, event=draft, title="方案",
                                 upload=upload("plan.pdf", PDF))
    policy = services.material_add(actor=hq_admin, event=None, title="制度", topic="policy",
                                   upload=upload("policy.pdf", PDF))

    def status(user, material) -> int:
        client.force_login(user)
        return client.get(f"/events/materials/{material.pk}/").status_code

    assert [status(dealer_a_admin, m) for m in (agenda, budget, plan, policy)] == [
        200, 404, 404, 200]
    assert [status(dealer_b_admin, m) for m in (agenda, budget, plan, policy)] == [
        404, 404, 404, 200]
    assert [status(north_rep, m) for m in (agenda, budget, plan, policy)] == [
        200, 200, 404, 200]
    assert [status(hq_admin, m) for m in (agenda, budget, plan, policy)] == [200] * 4
    client.force_login(dealer_a_admin)
    response = client.get(f"/events/materials/{agenda.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    client.logout()
    assert client.get(f"/events/materials/{agenda.pk}/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_removed_material_loses_its_file(world, hq_admin, settings):
    event = event_make(organizer=hq_admin)
    material = services.material_add(actor=hq_admin, event=event, title="议程",
                                     upload=upload("agenda.pdf", PDF))
    assert stored_files(settings) == [material.file.name.rsplit("/", 1)[-1]]

    services.material_delete(actor=hq_admin, material=material)

    assert not Material.objects.exists()
    assert stored_files(settings) == []
