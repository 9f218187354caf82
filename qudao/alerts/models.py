"""Early warning: rules (configured signals), the alerts they raise, and what was done."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qudao.alerts.choices import ActionKind, AlertStatus, Comparison, ScanKind, Severity
from qudao.core.models import BilingualName, TimeStampedModel


class Rule(BilingualName, TimeStampedModel):
    """A built-in signal with HQ's parameters: thresholds, window, minimum base, severity and
    the dealers it applies to (empty scope = all)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    signal = models.CharField(_("signal"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    enabled = models.BooleanField(_("switched on"), default=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                default=Severity.WARNING)
    comparison = models.CharField(_("comparison"), max_length=12, choices=Comparison.choices,
                                  default=Comparison.VERTICAL)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    territories = models.ManyToManyField("territories.Territory", verbose_name=_("regions"),
                                         blank=True, related_name="+")
    channel_levels = models.JSONField(_("channel levels"), default=list, blank=True)
    grades = models.JSONField(_("grades"), default=list, blank=True)
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate when not acknowledged within (days)"), default=3)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name


class ScanRun(models.Model):
    """One run of the scan: which periods it looked at and what it raised."""

    kind = models.CharField(_("kind"), max_length=12, choices=ScanKind.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    first_period = models.DateField(_("from month"))
    last_period = models.DateField(_("to month"))
    dealers = models.IntegerField(_("dealers scanned"), default=0)
    raised = models.IntegerField(_("alerts raised"), default=0)
    # Peer medians of each rule's change by period and peer group, so an incremental scan
    # of a few dealers compares them with the same peers as the full scan did.
    peer_stats = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class Alert(TimeStampedModel):
    """What one rule found about one dealer (or one rep, or one region) in one month.

    `subject_key` ("dealer:12", "rep:5", "territory:3", "product:9") makes the alert unique
    per rule and period, so a re-scan never raises it twice. The numbers that explain it
    are kept as found: this period, the baseline, the change and the peer median, and in
    `details` every other figure and the trend the chart draws.
    """

    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.PROTECT,
                             related_name="alerts")
    period = models.DateField(_("month"))
    subject_key = models.CharField(max_length=32)
    dealer = models.ForeignKey("dealers.Dealer", verbose_name=_("dealer"), null=True,
                               blank=True, on_delete=models.CASCADE, related_name="alerts")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("region"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sales rep"), null=True,
                            blank=True, on_delete=models.SET_NULL, related_name="+")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    status = models.CharField(_("status"), max_length=14, choices=AlertStatus.choices,
                              default=AlertStatus.NEW)
    value = models.DecimalField(_("this month"), max_digits=20, decimal_places=4, null=True)
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4, null=True)
    change = models.DecimalField(_("change"), max_digits=12, decimal_places=4, null=True)
    peer_median = models.DecimalField(_("peer median"), max_digits=20, decimal_places=4,
                                      null=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="alerts_assigned")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("regional manager"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="alerts_managed")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    close_reason = models.TextField(_("reason"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    scan = models.ForeignKey(ScanRun, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="alerts")

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["rule", "period", "subject_key"],
                                    name="alert_once_per_rule_period_subject"),
        ]
        indexes = [
            models.Index(fields=["status", "-period"]),
            models.Index(fields=["-period", "-id"]),
            models.Index(fields=["dealer", "-period"]),
            models.Index(fields=["assigned_to", "status"]),
            models.Index(fields=["manager", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule.display_name} · {self.subject_key} · {self.period:%Y-%m}"

    @property
    def is_open(self) -> bool:
        return self.status in (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED,
                               AlertStatus.ACTION_TAKEN)


class AlertAction(models.Model):
    """A call, a visit or a note recorded against an alert (the response workflow)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=8, choices=ActionKind.choices)
    happened_on = models.DateField(_("date"))
    notes = models.TextField(_("what was found and agreed"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                           on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert action")
        verbose_name_plural = _("alert actions")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


class Notification(models.Model):
    """An alert in someone's inbox: raised for them, or escalated to them."""

    class Reason(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        ESCALATED = "escalated", _("Escalated: not acknowledged in time")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="alert_notifications")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "alert", "reason"],
                                    name="notify_once_per_reason"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.alert_id} {self.reason}"


class WebhookEndpoint(TimeStampedModel):
    """Where alerts are POSTed as JSON: a group-chat robot (WeCom, DingTalk, Feishu) or any
    system that takes a generic JSON body."""

    class Format(models.TextChoices):
        GENERIC = "generic", _("Generic JSON")
        WECOM = "wecom", _("WeCom robot")
        DINGTALK = "dingtalk", _("DingTalk robot")
        FEISHU = "feishu", _("Feishu robot")

    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("URL"), max_length=500)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices,
                              default=Format.GENERIC)
    min_severity = models.CharField(_("from severity"), max_length=10, choices=Severity.choices,
                                    default=Severity.WARNING)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("only this region"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One alert to one endpoint: tried until it succeeds, waiting longer after each
    failure, and given up after MAX_ATTEMPTS."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    MAX_ATTEMPTS = 6

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["endpoint", "alert"],
                                               name="deliver_alert_once_per_endpoint")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.endpoint_id} {self.alert_id} {self.status}"
