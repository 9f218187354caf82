from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from qudao.api import api

urlpatterns = [
    path("", include("qudao.dashboard.urls")),
    path("accounts/", include("qudao.accounts.urls")),
    path("dealers/", include("qudao.dealers.urls")),
    path("territories/", include("qudao.territories.urls")),
    path("products/", include("qudao.catalog.urls")),
    path("agreements/", include("qudao.agreements.urls")),
    path("orders/", include("qudao.orders.urls")),
    path("finance/", include("qudao.finance.urls")),
    path("stock/", include("qudao.stock.urls")),
    path("alerts/", include("qudao.alerts.urls")),
    path("service/", include("qudao.service.urls")),
    path("visits/", include("qudao.visits.urls")),
    path("events/", include("qudao.events.urls")),
    path("recruitment/", include("qudao.recruitment.urls")),
    path("evaluation/", include("qudao.evaluation.urls")),
    path("tiers/", include("qudao.tiers.urls")),
    path("performance/", include("qudao.performance.urls")),
    path("retail/", include("qudao.retail.urls")),
    path("imports/", include("qudao.imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
