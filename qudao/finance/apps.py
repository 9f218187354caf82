from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "qudao.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from qudao.core.audit import event_labels_add
        from qudao.dealers.panels import Panel, register

        register(Panel("finance", "qudao.finance.queries.dealer_panel",
                       "finance/_dealer_panel.html", "finance.view_finance", order=40,
                       as_name="finance_panel"))
        event_labels_add({
            "payment.recorded": _("Payment recorded"),
            "payment.voided": _("Payment voided"),
            "deposit.received": _("Deposit received"),
            "deposit.deducted": _("Deposit deducted"),
            "deposit.refunded": _("Deposit refunded"),
            "credit.limit_changed": _("Credit limit changed"),
        })
