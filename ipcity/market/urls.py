from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, path

from ipcity.market import views, views_retention

app_name = "market"


def _action(prefix: str, route: str, view: Callable[..., HttpResponse], action: str, name: str) -> URLPattern:
    """The address of one workflow action (market/workflows.py)."""
    return path(f"{prefix}/<id:pk>/{route}/", view, {"action": action}, name=name)


urlpatterns = [
    path("", views.offers, name="offers"),
    path("offers/new/", views.offer_new, name="offer_new"),
    path("offers/<id:pk>/", views.offer_detail, name="offer"),
    path("offers/<id:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<id:pk>/report/", views.offer_report, name="offer_report"),
    path("offers/<id:pk>/interest/", views.offer_interest, name="offer_interest"),
    path("offers/<id:pk>/matches/", views.offer_matches, name="offer_matches"),
    *(
        _action("offers", action, views.offer_action, action, f"offer_{action}")
        for action in ("publish", "unlist", "close", "withdraw", "hide", "unhide")
    ),
    path("needs/", views.needs, name="needs"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<id:pk>/", views.need_detail, name="need"),
    path("needs/<id:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<id:pk>/matches/", views.need_matches, name="need_matches"),
    *(
        _action("needs", action, views.need_action, action, f"need_{action}")
        for action in ("publish", "close", "hide", "unhide")
    ),
    path("deals/", views.deals, name="deals"),
    path("deals/statistics/", views.deal_statistics, name="deal_statistics"),
    path("deals/<id:pk>/", views.deal_detail, name="deal"),
    *(
        _action("deals", action, views.deal_action, action, f"deal_{action}")
        for action in ("note", "accept", "sign", "confirm", "reopen", "end")
    ),
    path("auctions/", views.auctions, name="auctions"),
    path("auctions/new/", views.auction_new, name="auction_new"),
    path("auctions/<id:pk>/", views.auction_detail, name="auction"),
    path("auctions/<id:pk>/edit/", views.auction_edit, name="auction_edit"),
    path("auctions/<id:pk>/lots/new/", views.lot_new, name="lot_new"),
    path("auctions/<id:pk>/register/", views.auction_register, name="auction_register"),
    path("lots/<id:pk>/bid/", views.lot_bid, name="lot_bid"),
    *(
        _action("auctions", a, views.auction_action, a, f"auction_{a}")
        for a in ("publish", "cancel", "close")
    ),
    *(_action("bidders", a, views.bidder_action, a, f"bidder_{a}") for a in ("approve", "reject")),
    path("retention/", views_retention.projects, name="retention_list"),
    path("retention/new/", views_retention.project_new, name="retention_new"),
    path("retention/<id:pk>/", views_retention.project_detail, name="retention"),
    path("retention/<id:pk>/edit/", views_retention.project_edit, name="retention_edit"),
    *(
        _action("retention", a, views_retention.project_action, a, f"retention_{a}")
        for a in ("follow_up", "relocate", "cultivate", "complete", "drop")
    ),
    path("navigation/", views.navigation, name="navigation"),
    path("navigation/<slug:code>/", views.industry_map, name="industry_map"),
    path("mine/", views.mine, name="mine"),
    path("index/", views.match_index, name="match_index"),
    path("mandates/", views.mandates, name="mandates"),
    path("mandates/<id:pk>/revoke/", views.mandate_revoke, name="mandate_revoke"),
]
