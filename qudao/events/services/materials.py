"""Writes of materials: files handed out at an event, and the content library."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from qudao.core import audit
from qudao.events.choices import MaterialTopic
from qudao.events.exceptions import EventInvalid, MaterialInvalid
from qudao.events.models import Event, Material
from qudao.events.services._common import require, require_manager

# Extension -> the bytes such a file starts with (its "magic number"), at `offset`.
MATERIAL_TYPES: dict[str, tuple[int, tuple[bytes, ...]]] = {
    "pdf": (0, (b"%PDF",)),
    "jpg": (0, (b"\xff\xd8\xff",)),
    "jpeg": (0, (b"\xff\xd8\xff",)),
    "png": (0, (b"\x89PNG\r\n\x1a\n",)),
    "doc": (0, (b"\xd0\xcf\x11\xe0",)),
    "xls": (0, (b"\xd0\xcf\x11\xe0",)),
    "ppt": (0, (b"\xd0\xcf\x11\xe0",)),
    "docx": (0, (b"PK\x03\x04",)),
    "xlsx": (0, (b"PK\x03\x04",)),
    "pptx": (0, (b"PK\x03\x04",)),
    "mp4": (4, (b"ftyp",)),
}
MATERIALS_PER_EVENT = 30


def material_max_bytes() -> int:
    return int(getattr(settings, "EVENTS_MATERIAL_MAX_BYTES", 20 * 1024 * 1024))


def _checked(upload: Any) -> tuple[str, int]:
    """(file name, size) of an acceptable file, else MaterialInvalid saying why."""
    filename = Path(getattr(upload, "name", "") or "").name
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in MATERIAL_TYPES:
        raise MaterialInvalid(_("%(file)s: only PDF, pictures (JPG, PNG), Word, Excel, "
                                "PowerPoint and MP4 files can be added.")
                              % {"file": filename or "?"})
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise MaterialInvalid(_("%(file)s is empty.") % {"file": filename})
    limit = material_max_bytes()
    if size > limit:
        raise MaterialInvalid(_("%(file)s is larger than %(mb)d MB.") % {
            "file": filename, "mb": limit // (1024 * 1024)})
    offset, starts = MATERIAL_TYPES[extension]
    upload.seek(0)
    head = upload.read(offset + 8)
    upload.seek(0)
    if not any(head[offset:].startswith(magic) for magic in starts):
        raise MaterialInvalid(_("%(file)s is not really a .%(ext)s file.") % {
            "file": filename, "ext": extension})
    return filename, size


@transaction.atomic
def material_add(*, actor: Any, event: Event | None, title: str, upload: Any,
                 topic: str = MaterialTopic.OTHER, for_dealers: bool = True) -> Material:
    """Add a file to an event (its organiser, creator or head office) or, without an event,
    to the content library (anyone who organises events). The type is checked by name and
    content, the size against EVENTS_MATERIAL_MAX_BYTES. Raises NotAllowed, EventInvalid or
    MaterialInvalid; nothing is stored then."""
    if event is not None:
        event = Event.objects.select_for_update().get(pk=event.pk)
        require_manager(actor, event)
        if event.materials.count() >= MATERIALS_PER_EVENT:
            raise MaterialInvalid(_("At most %(n)d files per event.")
                                  % {"n": MATERIALS_PER_EVENT})
    else:
        require(actor, "events.change_event")
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the material a title.")
    elif len(title) > 120:
        errors["title"] = _("At most %(n)d characters.") % {"n": 120}
    if topic not in MaterialTopic.values:
        errors["topic"] = _("Choose the topic.")
    if errors:
        raise EventInvalid(errors)
    filename, size = _checked(upload)
    material = Material(event=event, title=title, topic=topic, for_dealers=bool(for_dealers),
                        name=filename[:120], size=size, uploaded_by=actor)
    material.file.save(filename, upload, save=False)
    try:
        material.save()
    except Exception:
        material.file.storage.delete(material.file.name)
        raise
    audit.record(actor=actor, target=material, subject=event or material,
                 event="event.material_added", data={"title": title, "file": filename,
                                                     "size": size})
    return material


@transaction.atomic
def material_delete(*, actor: Any, material: Material) -> None:
    """Remove a material; its file is deleted once the removal is committed."""
    material = Material.objects.select_for_update(of=("self",)).select_related("event").get(
        pk=material.pk)
    if material.event is not None:
        require_manager(actor, material.event)
    else:
        require(actor, "events.change_event")
    storage, name = material.file.storage, material.file.name
    audit.record(actor=actor, target=material, subject=material.event or material,
                 event="event.material_removed", data={"title": material.title})
    material.delete()
    transaction.on_commit(lambda: storage.delete(name))
