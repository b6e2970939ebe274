from django.urls import path

from ipcity.grants import public, views

app_name = "grants"

urlpatterns = [
    # public
    path("policies/", public.policy_list, name="policies"),
    path("policies/<slug:code>/", public.policy_detail, name="policy"),
    path("calculator/", public.calculator, name="calculator"),
    path("publicity/", public.publicity, name="publicity"),
    # applications
    path("", views.index, name="index"),
    path("apply/", views.apply_choose, name="apply"),
    path("apply/<slug:code>/", views.apply_form, name="apply_form"),
    path("applications/<id:pk>/", views.application_detail, name="application"),
    path("applications/<id:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<id:pk>/materials/", views.material_add, name="material_add"),
    path("applications/<id:pk>/materials/<id:material>/", views.material_download, name="material"),
    path(
        "applications/<id:pk>/materials/<id:material>/delete/",
        views.material_remove,
        name="material_remove",
    ),
    path("applications/<id:pk>/submit/", views.application_submit, name="submit"),
    path("applications/<id:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<id:pk>/district-review/", views.district_review, name="district_review"),
    path("applications/<id:pk>/city-review/", views.city_review, name="city_review"),
    path("applications/<id:pk>/experts/", views.experts_assign, name="experts_assign"),
    path("applications/<id:pk>/expert-conclusion/", views.expert_conclude, name="expert_conclude"),
    path("applications/<id:pk>/objections/", views.objection_add, name="objection_add"),
    path("applications/<id:pk>/approve/", views.application_approve, name="approve"),
    path("assignments/<id:pk>/score/", views.assignment_score, name="score"),
    path("objections/<id:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("grants/<id:pk>/pay/", views.grant_pay, name="pay"),
    # 免申即享
    path("entitlements/", views.entitlement_list, name="entitlements"),
    path("entitlements/detect/", views.entitlement_detect, name="detect"),
    path("entitlements/<id:pk>/", views.entitlement_detail, name="entitlement"),
    path("entitlements/<id:pk>/confirm/", views.entitlement_confirm, name="entitlement_confirm"),
    path("entitlements/<id:pk>/approve/", views.entitlement_approve, name="entitlement_approve"),
    path("entitlements/<id:pk>/cancel/", views.entitlement_cancel, name="entitlement_cancel"),
    # money
    path("budgets/", views.budgets, name="budgets"),
    path("ledger/", views.ledger, name="ledger"),
]
