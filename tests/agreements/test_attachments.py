"""Documents kept with an agreement: accepted types and sizes, deletion, download scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qudao.agreements import services
from qudao.agreements.exceptions import AttachmentInvalid
from qudao.agreements.models import AgreementAttachment
from qudao.core.models import AuditEvent
from tests.agreements.conftest import draft

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.django_db
def test_a_pdf_is_kept_and_audited(world, hq_admin):
    agreement = draft(hq_admin, world.dealer_a)
    attachment = services.attachment_add(
        actor=hq_admin, agreement=agreement, kind="power_of_attorney",
        upload=SimpleUploadedFile("委托书.pdf", PDF, content_type="application/pdf"))
    assert attachment.name == "委托书.pdf" and attachment.kind == "power_of_attorney"
    assert attachment.file.read() == PDF
    event = AuditEvent.objects.get(event="agreement.attachment_added")
    assert event.subject_id == str(agreement.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, why", [
    ("macro.exe", b"MZ....", "only PDF"),
    ("fake.pdf", b"<html>not a pdf</html>", "not really a .pdf"),
    ("empty.png", b"", "empty"),
])
def test_files_of_other_types_are_refused(name, content, why, world, hq_admin):
    agreement = draft(hq_admin, world.dealer_a)
    with pytest.raises(AttachmentInvalid, match=why):
        services.attachment_add(actor=hq_admin, agreement=agreement,
                                upload=SimpleUploadedFile(name, content))
    assert not AgreementAttachment.objects.exists()


@pytest.mark.django_db
def test_files_over_the_size_limit_are_refused(world, hq_admin, settings):
    settings.IMPORT_MAX_BYTES = 20
    agreement = draft(hq_admin, world.dealer_a)
    with pytest.raises(AttachmentInvalid, match="larger than"):
        services.attachment_add(actor=hq_admin, agreement=agreement,
                                upload=SimpleUploadedFile("big.png", PNG))
    assert not AgreementAttachment.objects.exists()


@pytest.mark.django_db
def test_delete_removes_the_row_and_the_file(world, hq_admin, django_capture_on_commit_callbacks):
    agreement = draft(hq_admin, world.dealer_a)
    attachment = services.attachment_add(actor=hq_admin, agreement=agreement, kind="other",
                                         upload=SimpleUploadedFile("scan.png", PNG))
    storage, stored = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=hq_admin, attachment=attachment)
    assert not AgreementAttachment.objects.exists()
    assert not storage.exists(stored)
    assert AuditEvent.objects.filter(event="agreement.attachment_deleted").exists()


@pytest.mark.django_db
def test_documents_of_an_ended_agreement_stay(world, hq_admin, director):
    agreement = draft(hq_admin, world.dealer_a)
    attachment = services.attachment_add(actor=hq_admin, agreement=agreement,
                                         upload=SimpleUploadedFile("scan.png", PNG))
    services.agreement_terminate(actor=director, agreement=agreement, reason="放弃")
    with pytest.raises(AttachmentInvalid, match="has ended"):
        services.attachment_delete(actor=hq_admin, attachment=attachment)
    assert AgreementAttachment.objects.count() == 1


@pytest.mark.django_db
def test_download_is_scoped(world, hq_admin, north_rep, east_rep, login):
    agreement = draft(hq_admin, world.dealer_a)
    attachment = services.attachment_add(actor=hq_admin, agreement=agreement,
                                         upload=SimpleUploadedFile("委托书.pdf", PDF))
    url = f"/agreements/{agreement.pk}/attachments/{attachment.pk}/"
    response = login(north_rep).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert login(east_rep).get(url).status_code == 404
