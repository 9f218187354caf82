from django.urls import path

from qudao.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.credit_list, name="credit_list"),
    path("credit/export/", views.credit_export, name="credit_export"),
    path("credit/<int:dealer_pk>/limit/", views.credit_limit, name="credit_limit"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/export/", views.invoice_export, name="invoice_export"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/export/", views.payment_export, name="payment_export"),
    path("payments/new/", views.payment_create, name="payment_create"),
    path("payments/open-invoices/", views.payment_open_invoices, name="payment_open_invoices"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/void/", views.payment_void, name="payment_void"),
    path("aging/", views.aging, name="aging"),
    path("aging/export/", views.aging_export, name="aging_export"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("overdue/export/", views.overdue_export, name="overdue_export"),
    path("statement/", views.my_statement, name="my_statement"),
    path("dealers/<int:dealer_pk>/statement/", views.statement, name="statement"),
    path("dealers/<int:dealer_pk>/statement/export/", views.statement_export,
         name="statement_export"),
    path("dealers/<int:dealer_pk>/deposits/", views.deposit_ledger, name="deposit_ledger"),
    path("dealers/<int:dealer_pk>/deposits/move/", views.deposit_move, name="deposit_move"),
    path("collections/", views.collections, name="collections"),
]
