"""Writes of meetings, trainings and events, by subject: the event and its invitations,
a dealer's registration, attendance and feedback, materials, the training plan.
Import from here: `from qudao.events import services`."""

from qudao.events.services._common import Person, may_manage  # noqa: F401
from qudao.events.services.events import (  # noqa: F401
    FIELDS,
    INVITABLE,
    close_past,
    event_create,
    event_status_change,
    event_update,
    follow_up_training,
    invitation_remove,
    invitations_add,
    places_taken,
)
from qudao.events.services.materials import (  # noqa: F401
    MATERIAL_TYPES,
    material_add,
    material_delete,
    material_max_bytes,
)
from qudao.events.services.plan import plan_save  # noqa: F401
from qudao.events.services.registration import (  # noqa: F401
    MAX_PEOPLE,
    attendance_mark,
    feedback_give,
    registration_decline,
    registration_submit,
    training_result_set,
)
