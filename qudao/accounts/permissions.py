"""What each role may do. Which records it may do it to is the scoping function's job."""

from qudao.accounts.choices import Role

_STAFF_READ = {
    "dealers.view_dealer", "catalog.view_product", "territories.view_territory",
    "dealers.view_contact", "agreements.view_agreement", "orders.view_order",
    "finance.view_finance", "stock.view_stock",
}
# Drafting agreements, ordering on a dealer's behalf, logging returns and stock reports.
_FIELD_TRADE = {
    "agreements.add_agreement", "agreements.change_agreement", "orders.add_order",
    "orders.cancel_order", "orders.add_return", "stock.add_report",
}
# Approving, signing and ending agreements; exporting trade lists.
_AGREEMENT_DECIDE = {"agreements.approve_agreement", "agreements.sign_agreement",
                     "agreements.end_agreement"}
_TRADE_EXPORT = {"agreements.export_agreement", "orders.export_order",
                 "finance.export_finance", "stock.export_stock"}
# Finance's own work: credit approvals, payments, deposits, returns credited.
_MONEY = {"orders.approve_credit", "finance.add_payment", "finance.change_deposit",
          "finance.change_credit", "orders.decide_return", "finance.import_finance"}
# The order desk: shipping and delivery, returns decided.
_ORDER_DESK = {"orders.ship_order", "orders.decide_return", "orders.import_order"}
# Early warning: who sees alerts (in scope), handles them, tunes the rules, exports them.
_ALERTS_SEE = {"alerts.view_alert"}
_ALERTS_HANDLE = {"alerts.view_alert", "alerts.handle_alert"}
_ALERTS_TUNE = {"alerts.change_rule", "alerts.export_alert"}
# Dealer service: the directory and requests every staff role and dealer sees (in scope);
# who answers requests; who keeps the directory and the working calendar; reports.
_SERVICE_SEE = {"service.view_directory", "service.view_request", "service.add_request"}
_SERVICE_HANDLE = _SERVICE_SEE | {"service.handle_request"}
_SERVICE_REPORT = {"service.export_request", "service.view_report"}
_SERVICE_RUN = _SERVICE_REPORT | {"service.change_directory"}
# Calls and visits: who logs them, who reads the compliance figures.
_VISITS_SEE = {"visits.view_visit"}
_VISITS_LOG = {"visits.view_visit", "visits.add_visit", "visits.export_visit"}
_VISITS_RUN = {"visits.export_visit"}
# Meetings, trainings and events: invited dealers see and register; staff organize.
_EVENTS_SEE = {"events.view_event"}
_EVENTS_RUN = {"events.view_event", "events.add_event", "events.change_event",
               "events.export_event"}
# The needs registry (需求备案): staff record and follow dealers' needs.
_NEEDS = {"service.view_need", "service.add_need", "service.change_need"}
# Recruitment (招商): reps work leads and score candidates; managers decide; HQ sets criteria.
_RECRUIT_WORK = {"recruitment.view_lead", "recruitment.add_lead", "recruitment.score_candidate"}
_RECRUIT_DECIDE = {"recruitment.decide_candidate", "recruitment.export_lead",
                   "recruitment.assign_lead", "recruitment.change_campaign",
                   "recruitment.view_report"}
_RECRUIT_RUN = {"recruitment.change_criteria"}
# Scorecards: who reads them, who scores the hand-scored dimensions, who sets the weights.
_SCORECARD_SEE = {"evaluation.view_scorecard"}
_SCORECARD_SCORE = {"evaluation.view_scorecard", "evaluation.score_scorecard",
                    "evaluation.export_scorecard"}
_SCORECARD_RUN = {"evaluation.change_weights"}
# Tiers and lifecycle actions: proposed in the field, approved by managers, rules by HQ.
_TIERS_PROPOSE = {"tiers.view_tier", "tiers.propose_action"}
_TIERS_APPROVE = {"tiers.approve_tier", "tiers.export_tier"}
_TIERS_RUN = {"tiers.change_rule"}
# Channel performance and reps' KPI: managers read their regions; HQ sets KPI weights.
_PERFORMANCE_SEE = {"performance.view_performance", "performance.export_performance",
                    "performance.add_indicator"}
_PERFORMANCE_RUN = {"performance.change_kpi", "performance.change_expense",
                    "performance.change_market"}
_PERFORMANCE_DEALER = {"performance.rate_rep"}
# Retailers (终端): reps file and review applications, log negotiations and audit stores;
# managers approve, export and read terminal control; change_config is further limited to
# company-wide roles by the retail services; a dealer sees the stores it supplies and
# files applications for them.
_RETAIL_WORK = {"retail.view_retailer", "retail.change_retailer", "retail.audit_store",
                "retail.apply_retailer"}
_RETAIL_DECIDE = {"retail.approve_retailer", "retail.export_retailer", "retail.view_report",
                  "retail.change_config"}
_RETAIL_DEALER = {"retail.view_retailer", "retail.apply_retailer"}
_DEALER_EDIT = {
    "dealers.add_dealer", "dealers.change_dealer", "dealers.add_contact",
    "dealers.change_contact", "dealers.delete_contact",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.HQ_ADMIN: _STAFF_READ | _DEALER_EDIT | {
        "dealers.change_status", "dealers.import_dealer", "dealers.export_dealer",
        "catalog.add_product", "catalog.change_product", "catalog.import_product",
        "catalog.export_product", "catalog.change_price",
        "territories.add_territory", "territories.change_territory",
        "territories.assign_territory", "accounts.view_user",
    } | _FIELD_TRADE | _AGREEMENT_DECIDE | _TRADE_EXPORT | _MONEY | _ORDER_DESK
    | _ALERTS_HANDLE | _ALERTS_TUNE | _SERVICE_HANDLE | _SERVICE_RUN | _VISITS_LOG
    | _VISITS_RUN
    | _EVENTS_RUN | _NEEDS | _RECRUIT_WORK | _RECRUIT_DECIDE | _RECRUIT_RUN | _SCORECARD_SCORE
    | _SCORECARD_RUN | _TIERS_PROPOSE | _TIERS_APPROVE | _TIERS_RUN | _PERFORMANCE_SEE
    | _PERFORMANCE_RUN | _RETAIL_WORK | _RETAIL_DECIDE,
    Role.SALES_DIRECTOR: _STAFF_READ | _DEALER_EDIT | _FIELD_TRADE | _AGREEMENT_DECIDE
    | _TRADE_EXPORT | _ALERTS_HANDLE | _ALERTS_TUNE | _SERVICE_HANDLE | _SERVICE_RUN
    | _VISITS_LOG | _VISITS_RUN | _EVENTS_RUN | _NEEDS | _RECRUIT_WORK | _RECRUIT_DECIDE
    | _SCORECARD_SCORE | _SCORECARD_RUN | _TIERS_PROPOSE | _TIERS_APPROVE | _PERFORMANCE_SEE
    | _RETAIL_WORK | _RETAIL_DECIDE | {
        "dealers.change_status", "dealers.import_dealer", "dealers.export_dealer",
        "catalog.export_product", "catalog.change_price", "territories.assign_territory",
        "accounts.view_user",
    },
    Role.REGIONAL_MANAGER: _STAFF_READ | _DEALER_EDIT | _FIELD_TRADE | _TRADE_EXPORT
    | _ALERTS_HANDLE | {"alerts.export_alert"} | _SERVICE_HANDLE | _SERVICE_REPORT | _VISITS_LOG
    | _EVENTS_RUN | _NEEDS | _RECRUIT_WORK | _RECRUIT_DECIDE | _SCORECARD_SCORE
    | _TIERS_PROPOSE | _TIERS_APPROVE | _PERFORMANCE_SEE | _RETAIL_WORK | _RETAIL_DECIDE
    | _VISITS_RUN | {
        "agreements.approve_agreement",
        "dealers.change_status", "dealers.import_dealer", "dealers.export_dealer",
        "catalog.export_product", "accounts.view_user",
    },
    Role.SALES_REP: _STAFF_READ | _DEALER_EDIT | _FIELD_TRADE | _ALERTS_HANDLE
    | _SERVICE_HANDLE | _VISITS_LOG | _EVENTS_SEE | _NEEDS | _RECRUIT_WORK | _SCORECARD_SEE
    | _TIERS_PROPOSE | _RETAIL_WORK | {"dealers.export_dealer"},
    Role.FINANCE: _STAFF_READ | _TRADE_EXPORT | _MONEY | _ALERTS_SEE | _SERVICE_HANDLE
    | _VISITS_SEE | _EVENTS_SEE | _SCORECARD_SEE | {
        "dealers.export_dealer", "catalog.export_product", "alerts.export_alert"},
    Role.CUSTOMER_SERVICE: _STAFF_READ | _ORDER_DESK | _ALERTS_SEE | _SERVICE_HANDLE
    | _SERVICE_RUN | _VISITS_SEE | _EVENTS_RUN | _NEEDS | {
        "dealers.export_dealer", "orders.add_order", "orders.add_return",
        "orders.export_order"},
    Role.DEALER_ADMIN: {
        "dealers.view_dealer", "dealers.view_contact", "catalog.view_product",
        "dealers.add_contact", "dealers.change_contact", "dealers.delete_contact",
        "agreements.view_agreement", "orders.view_order", "orders.add_order",
        "orders.cancel_order", "orders.add_return", "finance.view_finance",
        "stock.view_stock", "stock.add_report", "service.view_directory",
        "service.view_request", "service.add_request", "service.rate_request",
        "events.view_event", "events.register_event",
    } | _PERFORMANCE_DEALER | _RETAIL_DEALER,
    Role.DEALER_STAFF: {"dealers.view_dealer", "dealers.view_contact", "catalog.view_product",
                        "orders.view_order", "orders.add_order", "stock.view_stock",
                        "stock.add_report", "service.view_directory", "service.view_request",
                        "service.add_request", "service.rate_request", "events.view_event",
                        "events.register_event"},
}


def role_has_perm(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, set())
