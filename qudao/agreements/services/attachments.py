"""Documents kept with an agreement."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from qudao.agreements.choices import (
    AgreementStatus,
    AttachmentKind,
)
from qudao.agreements.exceptions import (
    AttachmentInvalid,
)
from qudao.agreements.models import Agreement, AgreementAttachment
from qudao.agreements.services._common import (
    ATTACHMENT_TYPES,
    _locked,
    _require,
    _visible_or_refuse,
)
from qudao.core import audit

# --- attachments -------------------------------------------------------------------------

@transaction.atomic
def attachment_add(*, actor: Any, agreement: Agreement, upload: Any,
                   kind: str = AttachmentKind.OTHER, name: str = "") -> AgreementAttachment:
    """Keep a document with the agreement (power of attorney, pickup proof, signed copy …).

    Accepts PDF, JPG, PNG, Word and Excel files up to the import size limit, checked by
    extension and content. Raises AttachmentInvalid (nothing stored) or NotAllowed.
    """
    _require(actor, "agreements.change_agreement")
    agreement = _locked(agreement)
    _visible_or_refuse(actor, agreement)
    if kind not in AttachmentKind.values:
        raise AttachmentInvalid(_("Choose the kind of document."))
    filename = Path(getattr(upload, "name", "") or "").name
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ATTACHMENT_TYPES:
        raise AttachmentInvalid(_("%(file)s: only PDF, JPG, PNG, Word and Excel files can be "
                                  "attached.") % {"file": filename or "?"})
    size = getattr(upload, "size", None) or 0
    if size > settings.IMPORT_MAX_BYTES:
        raise AttachmentInvalid(_("%(file)s is larger than %(mb)d MB.") % {
            "file": filename, "mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    if size == 0:
        raise AttachmentInvalid(_("%(file)s is empty.") % {"file": filename})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[extension]):
        raise AttachmentInvalid(_("%(file)s is not really a .%(ext)s file.") % {
            "file": filename, "ext": extension})
    title = (name or "").strip()[:120] or filename[:120]
    attachment = AgreementAttachment(agreement=agreement, kind=kind, name=title,
                                     uploaded_by=actor if getattr(actor, "pk", None) else None)
    attachment.file.save(filename, upload, save=False)
    try:
        attachment.save()
        audit.record(actor=actor, target=attachment, subject=agreement,
                     event="agreement.attachment_added",
                     data={"name": title, "kind": kind, "size": size})
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: AgreementAttachment) -> None:
    """Remove a document from an agreement still in progress or in force; the documents of
    an ended agreement are its archive and stay. Raises AttachmentInvalid or NotAllowed."""
    _require(actor, "agreements.change_agreement")
    agreement = _locked(attachment.agreement)
    _visible_or_refuse(actor, agreement)
    if agreement.status in (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED):
        raise AttachmentInvalid(_("Agreement %(number)s has ended; its documents are kept.")
                                % {"number": agreement.number})
    audit.record(actor=actor, target=attachment, subject=agreement,
                 event="agreement.attachment_deleted",
                 data={"name": attachment.name, "kind": attachment.kind})
    stored, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
