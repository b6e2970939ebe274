"""Pages of the technology market (docs/market.md): browse and search offers and needs, detail
pages with the actions the user may take (market/workflows.py), forms, deals, my listings, mandates
and the Excel exports. Thin: authorise → bind a form → one service → redirect or render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipcity.accounts.guards import deny
from ipcity.core.attachments import attachment_response
from ipcity.core.audit import Actor
from ipcity.core.workflow import Door, Refused, action_view, form_errors, keywords, page_gate, save_form
from ipcity.lib.excel import xlsx_response
from ipcity.lib.inputs import query_without
from ipcity.lib.numbers import format_yuan_exact
from ipcity.market import auctions as auction_services
from ipcity.market import exports, selectors, services
from ipcity.market import navigation as navigation_maps
from ipcity.market.choices import OfferMode
from ipcity.market.forms import (
    AuctionForm,
    BidForm,
    DealFilterForm,
    DepositForm,
    InterestForm,
    LotForm,
    MandateForm,
    NeedFilterForm,
    NeedForm,
    NoteForm,
    OfferFilterForm,
    OfferForm,
    ReasonForm,
    RegisterForm,
    SignForm,
)
from ipcity.market.models import Auction, AuctionBidder, AuctionLot, Deal, Need, Offer
from ipcity.market.permissions import (
    can_manage_mandates,
    can_moderate,
    can_organise_auctions,
    can_see_contacts,
    can_take_part,
    deal_side,
    member_organisation_id,
    signed_in,
)
from ipcity.market.workflows import (
    AUCTION_WORKFLOW,
    BIDDER_WORKFLOW,
    DEAL_WORKFLOW,
    NEED_WORKFLOW,
    OFFER_WORKFLOW,
)
from ipcity.registry.industries import scopes
from ipcity.registry.models import Organisation

PAGE_SIZE = 30


def _listing(
    request: HttpRequest,
    form_class: Any,
    rows_for: Callable[[Any, dict[str, Any]], Any],
    workbook: Callable[..., Any],
    title: str,
    template: str,
) -> HttpResponse:
    """A public list (offers or needs): filtered, paginated, or as Excel (contacts only for those
    who may see them)."""
    form = form_class(request.GET or None)
    rows = rows_for(request.user, form.cleaned_data if form.is_valid() else {})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(workbook(rows, contacts=can_see_contacts(request.user)), f"{title}.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query_without(request),
        "can_list": can_take_part(request.user),
    }
    return render(request, f"market/{template}.html", context)


# ------------------------------------------------------------------------------------------ offers


@require_GET
def offers(request: HttpRequest) -> HttpResponse:
    """技术供给: published offers, searched by keyword, field, mode, maturity and region."""
    return _listing(
        request, OfferFilterForm, selectors.offer_list, exports.offers_workbook, "技术供给", "offer_list"
    )


def _offer(request: HttpRequest, pk: int) -> Offer:
    return get_object_or_404(
        Offer.objects.visible_to(request.user).select_related(
            "holder", "listed_by", "region", "evaluation_report"
        ),
        pk=pk,
    )


@require_GET
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    user = request.user
    organisations = [o for o in services.represented_choices(user) if o.pk != offer.holder_id]
    interest_refusals = {o.pk: services.interest_refusal(offer, o) for o in organisations}
    may_interest = [o for o in organisations if interest_refusals[o.pk] is None]
    deals = selectors.deal_list(user, {}).filter(offer=offer) if signed_in(user) else Deal.objects.none()
    return render(
        request,
        "market/offer_detail.html",
        {
            "offer": offer,
            "patents": list(offer.patents.order_by("application_number")),
            "actions": OFFER_WORKFLOW.allowed_actions(offer, user),
            "contacts": can_see_contacts(user),
            "interest_form": InterestForm(organisations=may_interest) if may_interest else None,
            "interest_refusal": next(iter(interest_refusals.values()), None)
            if organisations and not may_interest
            else None,
            "reason_form": ReasonForm(),
            "deals": list(deals),
        },
    )


@require_http_methods(["GET", "POST"])
def offer_new(request: HttpRequest) -> HttpResponse:
    if not can_take_part(request.user):
        return deny(request)
    organisations = services.represented_choices(request.user)
    form = OfferForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        ok, offer = save_form(
            request,
            form,
            lambda: services.create_offer(
                actor=Actor.web(request.user),
                holder=form.cleaned_data["organisation"],
                values=form.values(),
                patent_numbers=form.cleaned_data["patent_numbers"],
                evaluation_report=form.cleaned_data.get("evaluation_report"),
            ),
            "已保存为草稿；核对无误后请发布。",
        )
        if ok:
            return redirect("market:offer", pk=offer.pk)
    return render(request, "market/offer_form.html", {"form": form, "offer": None})


def _offer_initial(offer: Offer) -> dict[str, Any]:
    initial = {name: getattr(offer, name) for name in services.OFFER_FIELDS}
    initial["region"] = offer.region_id
    initial["organisation"] = offer.holder_id
    initial["patent_numbers"] = "\n".join(
        f"CN{n}"
        for n in offer.patents.order_by("application_number").values_list("application_number", flat=True)
    )
    return initial


@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not signed_in(request.user):
        return deny(request)
    offer = _offer(request, pk)
    gate = page_gate(request, OFFER_WORKFLOW, offer, "edit", reverse("market:offer", args=[offer.pk]))
    if gate is not None:
        return gate
    form = OfferForm(
        request.POST or None,
        request.FILES or None,
        organisations=[offer.holder],
        initial=_offer_initial(offer),
    )
    if request.method == "POST" and form.is_valid():
        ok, _ = save_form(
            request,
            form,
            lambda: services.update_offer(
                offer,
                actor=Actor.web(request.user),
                values=form.values(),
                patent_numbers=form.cleaned_data["patent_numbers"],
                evaluation_report=form.cleaned_data.get("evaluation_report"),
            ),
            "已保存修改。",
        )
        if ok:
            return redirect("market:offer", pk=offer.pk)
    return render(request, "market/offer_form.html", {"form": form, "offer": offer})


@require_GET
def offer_report(request: HttpRequest, pk: int) -> FileResponse | HttpResponse:
    """The 专利权评价报告 of an open licence declaration: for signed-in users (it supports the
    declaration anyone may accept)."""
    if not signed_in(request.user):
        return deny(request)
    offer = _offer(request, pk)
    if offer.evaluation_report is None:
        raise Http404("该供给没有专利权评价报告")
    return attachment_response(request, offer.evaluation_report)


OFFER_POSTS: dict[str, Door] = {
    "publish": Door(keywords(services.publish_offer), "已发布。"),
    "unlist": Door(keywords(services.unlist_offer), "已下架。"),
    "close": Door(keywords(services.close_offer), "已标记为已成交。"),
    "withdraw": Door(keywords(services.withdraw_offer), "已撤回开放许可声明；已达成的许可不受影响。"),
    "hide": Door(keywords(services.hide_offer), "已屏蔽。", ReasonForm),
    "unhide": Door(keywords(services.unhide_offer), "已恢复发布。"),
}

offer_action = action_view(
    OFFER_WORKFLOW,
    OFFER_POSTS,
    guard=signed_in,
    fetch=_offer,
    back=lambda request, offer: reverse("market:offer", args=[offer.pk]),
)


@require_POST
def offer_interest(request: HttpRequest, pk: int) -> HttpResponse:
    """表达意向 (for an open licence: the written notice that takes the licence)."""
    if not can_take_part(request.user):
        return deny(request)
    offer = _offer(request, pk)
    organisations = [o for o in services.represented_choices(request.user) if o.pk != offer.holder_id]
    form = InterestForm(request.POST, organisations=organisations)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("market:offer", pk=offer.pk)
    try:
        deal = services.express_interest(
            offer,
            actor=Actor.web(request.user),
            organisation=form.cleaned_data["organisation"],
            message=form.cleaned_data["message"],
        )
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("market:offer", pk=offer.pk)
    if offer.mode == OfferMode.OPEN:
        messages.success(request, "已书面通知专利权人；按声明支付许可费后，由专利权人确认即获得许可。")
    else:
        messages.success(request, "已向专利权人表达意向，请等待对方接洽。")
    return redirect("market:deal", pk=deal.pk)


# ------------------------------------------------------------------------------------------- needs


@require_GET
def needs(request: HttpRequest) -> HttpResponse:
    return _listing(
        request, NeedFilterForm, selectors.need_list, exports.needs_workbook, "技术需求", "need_list"
    )


def _need(request: HttpRequest, pk: int) -> Need:
    return get_object_or_404(
        Need.objects.visible_to(request.user).select_related("organisation", "region"), pk=pk
    )


@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(request, pk)
    return render(
        request,
        "market/need_detail.html",
        {
            "need": need,
            "actions": NEED_WORKFLOW.allowed_actions(need, request.user),
            "contacts": can_see_contacts(request.user),
            "reason_form": ReasonForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def need_new(request: HttpRequest) -> HttpResponse:
    if not can_take_part(request.user):
        return deny(request)
    form = NeedForm(request.POST or None, organisations=services.represented_choices(request.user))
    if request.method == "POST" and form.is_valid():
        ok, need = save_form(
            request,
            form,
            lambda: services.create_need(
                actor=Actor.web(request.user),
                organisation=form.cleaned_data["organisation"],
                values=form.values(),
            ),
            "已保存为草稿；核对无误后请发布。",
        )
        if ok:
            return redirect("market:need", pk=need.pk)
    return render(request, "market/need_form.html", {"form": form, "need": None})


@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not signed_in(request.user):
        return deny(request)
    need = _need(request, pk)
    gate = page_gate(request, NEED_WORKFLOW, need, "edit", reverse("market:need", args=[need.pk]))
    if gate is not None:
        return gate
    initial = {name: getattr(need, name) for name in services.NEED_FIELDS}
    initial.update(region=need.region_id, organisation=need.organisation_id)
    form = NeedForm(request.POST or None, organisations=[need.organisation], initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = save_form(
            request,
            form,
            lambda: services.update_need(need, actor=Actor.web(request.user), values=form.values()),
            "已保存修改。",
        )
        if ok:
            return redirect("market:need", pk=need.pk)
    return render(request, "market/need_form.html", {"form": form, "need": need})


NEED_POSTS: dict[str, Door] = {
    "publish": Door(keywords(services.publish_need), "已发布。"),
    "close": Door(keywords(services.close_need), "已关闭需求。"),
    "hide": Door(keywords(services.hide_need), "已屏蔽。", ReasonForm),
    "unhide": Door(keywords(services.unhide_need), "已恢复发布。"),
}

need_action = action_view(
    NEED_WORKFLOW,
    NEED_POSTS,
    guard=signed_in,
    fetch=_need,
    back=lambda request, need: reverse("market:need", args=[need.pk]),
)


# ------------------------------------------------------------------------------------------- deals


@require_GET
def deals(request: HttpRequest) -> HttpResponse:
    if not signed_in(request.user):
        return deny(request)
    form = DealFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.deal_list(request.user, data)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.deals_workbook(rows), "技术交易.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "market/deal_list.html", {"form": form, "page": page, "query": query_without(request)}
    )


def _deal(request: HttpRequest, pk: int) -> Deal:
    return get_object_or_404(
        Deal.objects.visible_to(request.user).select_related(
            "offer", "offer__holder", "licensor", "licensee", "licensee__region", "licence"
        ),
        pk=pk,
    )


@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not signed_in(request.user):
        return deny(request)
    deal = _deal(request, pk)
    today = services.today()
    return render(
        request,
        "market/deal_detail.html",
        {
            "deal": deal,
            "offer": deal.offer,
            "patents": list(deal.offer.patents.order_by("application_number")),
            "notes": list(deal.notes.all()),
            "side": deal_side(request.user, deal),
            "actions": DEAL_WORKFLOW.allowed_actions(deal, request.user),
            "note_form": NoteForm(),
            "sign_form": SignForm(
                initial={
                    "kind": deal.kind,
                    "amount": deal.amount,
                    "contract_date": deal.contract_date or today,
                    "term_end": deal.term_end,
                }
            ),
            "reason_form": ReasonForm(),
        },
    )


DEAL_POSTS: dict[str, Door] = {
    "note": Door(keywords(services.add_deal_note), "已添加洽谈记录。", NoteForm),
    "accept": Door(keywords(services.accept_deal), "已接洽，双方可开始洽谈。"),
    "sign": Door(keywords(services.sign_deal), "已登记签约，等待对方确认。", SignForm),
    "confirm": Door(keywords(services.confirm_deal), "已确认成交，许可/转让已登记到一企一档。"),
    "reopen": Door(keywords(services.reopen_deal), "已退回洽谈。", ReasonForm),
    "end": Door(keywords(services.end_deal), "已终止洽谈。", ReasonForm),
}

deal_action = action_view(
    DEAL_WORKFLOW,
    DEAL_POSTS,
    guard=signed_in,
    fetch=_deal,
    back=lambda request, deal: reverse("market:deal", args=[deal.pk]),
)


# ------------------------------------------------------------------------------- mine and mandates


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """我的挂牌: the offers and needs of the organisations the user acts for, in every status; for
    the city office, what it has hidden."""
    if not signed_in(request.user):
        return deny(request)
    hidden_offers, hidden_needs = selectors.moderated(request.user)
    return render(
        request,
        "market/mine.html",
        {
            "offers": [
                (o, OFFER_WORKFLOW.refusal(o, request.user, "edit") is None)
                for o in selectors.my_offers(request.user)[:200]
            ],
            "needs": [
                (n, NEED_WORKFLOW.refusal(n, request.user, "edit") is None)
                for n in selectors.my_needs(request.user)[:200]
            ],
            "hidden_offers": list(hidden_offers[:200]),
            "hidden_needs": list(hidden_needs[:200]),
            "can_list": can_take_part(request.user),
            "is_city": can_moderate(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def mandates(request: HttpRequest) -> HttpResponse:
    """委托代理: an organisation's accounts authorise service agencies; agencies see who authorised
    them; the city office sees all."""
    if not signed_in(request.user):
        return deny(request)
    own = member_organisation_id(request.user)
    form = (
        MandateForm(request.POST or None, organisations=Organisation.objects.filter(pk=own)) if own else None
    )
    if request.method == "POST":
        if form is None:
            return deny(request)
        if form.is_valid():
            try:
                services.authorise_agency(
                    form.cleaned_data["organisation"],
                    form.cleaned_data["agency"],
                    actor=Actor.web(request.user),
                )
            except Refused as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, "已委托该服务机构。")
                return redirect("market:mandates")
    rows = [
        (m, m.revoked_at is None and can_manage_mandates(request.user, m.organisation_id))
        for m in selectors.mandates_of(request.user)[:200]
    ]
    return render(request, "market/mandates.html", {"form": form, "mandates": rows})


@require_POST
def mandate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not signed_in(request.user):
        return deny(request)
    mandate = get_object_or_404(selectors.mandates_of(request.user), pk=pk)
    try:
        services.revoke_mandate(mandate, actor=Actor.web(request.user))
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤销委托。")
    return redirect("market:mandates")


# ---------------------------------------------------------------------------------------- matching


@require_GET
def offer_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """匹配: the needs matching an offer and, to the offer's side, enterprises of the registry."""
    offer = _offer(request, pk)
    found = selectors.offer_matches(request.user, offer)
    return render(request, "market/matches.html", {"offer": offer, "need": None, **found})


@require_GET
def need_matches(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(request, pk)
    offers = selectors.need_matches(request.user, need)
    return render(request, "market/matches.html", {"offer": None, "need": need, "offers": offers})


@require_http_methods(["GET", "POST"])
def match_index(request: HttpRequest) -> HttpResponse:
    """The city office's view of the matching index, and its button to rebuild it (a job)."""
    if not can_moderate(request.user):
        return deny(request)
    if request.method == "POST":
        job = services.start_reindex_job(actor=Actor.web(request.user))
        messages.success(request, "已开始重建匹配索引，完成后匹配结果即按最新数据计算。")
        return redirect("core:job", pk=job.pk)
    return render(request, "market/match_index.html", {"state": selectors.index_state_rows()})


# ---------------------------------------------------------------------------------------- auctions


@require_GET
def auctions(request: HttpRequest) -> HttpResponse:
    """专利竞价: published and ended auctions; the organiser's drafts too."""
    rows = Auction.objects.visible_to(request.user).select_related("organiser").order_by("-starts_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "market/auction_list.html",
        {"page": page, "can_organise": can_organise_auctions(request.user), "query": query_without(request)},
    )


def _auction(request: HttpRequest, pk: int) -> Auction:
    return get_object_or_404(Auction.objects.visible_to(request.user).select_related("organiser"), pk=pk)


@require_http_methods(["GET", "POST"])
def auction_new(request: HttpRequest) -> HttpResponse:
    if not can_organise_auctions(request.user):
        return deny(request)
    form = AuctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organiser = get_object_or_404(Organisation, pk=member_organisation_id(request.user))
        ok, auction = save_form(
            request,
            form,
            lambda: auction_services.create_auction(
                actor=Actor.web(request.user), organiser=organiser, values=form.cleaned_data
            ),
            "竞价会已保存为草稿；请添加标的后发布。",
        )
        if ok:
            return redirect("market:auction", pk=auction.pk)
    return render(request, "market/auction_form.html", {"form": form, "auction": None})


@require_http_methods(["GET", "POST"])
def auction_edit(request: HttpRequest, pk: int) -> HttpResponse:
    auction = _auction(request, pk)
    gate = page_gate(request, AUCTION_WORKFLOW, auction, "edit", reverse("market:auction", args=[pk]))
    if gate is not None:
        return gate
    initial = {
        "title": auction.title,
        "description": auction.description,
        "starts_at": timezone.localtime(auction.starts_at),
        "ends_at": timezone.localtime(auction.ends_at),
        "deposit": auction.deposit,
    }
    form = AuctionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = save_form(
            request,
            form,
            lambda: auction_services.update_auction(
                auction, actor=Actor.web(request.user), values=form.cleaned_data
            ),
            "已保存。",
        )
        if ok:
            return redirect("market:auction", pk=auction.pk)
    return render(request, "market/auction_form.html", {"form": form, "auction": auction})


@require_http_methods(["GET", "POST"])
def lot_new(request: HttpRequest, pk: int) -> HttpResponse:
    auction = _auction(request, pk)
    gate = page_gate(request, AUCTION_WORKFLOW, auction, "edit", reverse("market:auction", args=[pk]))
    if gate is not None:
        return gate
    holders = [o for o in services.represented_choices(request.user) if o.pk != auction.organiser_id]
    form = LotForm(request.POST or None, holders=holders)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        ok, _ = save_form(
            request,
            form,
            lambda: auction_services.add_lot(
                auction,
                actor=Actor.web(request.user),
                holder=data.pop("holder"),
                patent_numbers=data.pop("patent_numbers"),
                values=data,
            ),
            "标的已添加。",
        )
        if ok:
            return redirect("market:auction", pk=auction.pk)
    return render(request, "market/lot_form.html", {"form": form, "auction": auction, "holders": holders})


@require_GET
def auction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    auction = _auction(request, pk)
    user = request.user
    found = selectors.auction_view(user, auction)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            exports.auction_workbook(auction, found["lots"]), f"{auction.number} 竞价结果.xlsx"
        )
    represented = services.represented_choices(user)
    registered = {b.organisation_id for b in auction.bidders.all()}
    may_register = [o for o in represented if o.pk not in registered and o.pk != auction.organiser_id]
    bidding = found["my_bidders"]
    return render(
        request,
        "market/auction_detail.html",
        {
            "auction": auction,
            **found,
            "actions": AUCTION_WORKFLOW.allowed_actions(auction, user),
            "register_form": RegisterForm(organisations=may_register)
            if may_register and auction.status == "published" and auction.ends_at > timezone.now()
            else None,
            "bid_form": BidForm(organisations=bidding) if bidding else None,
            "reason_form": ReasonForm(),
            "deposit_form": DepositForm(initial={"amount": auction.deposit}),
            "query": query_without(request),
        },
    )


@require_POST
def auction_register(request: HttpRequest, pk: int) -> HttpResponse:
    auction = _auction(request, pk)
    if not can_take_part(request.user):
        return deny(request)
    form = RegisterForm(request.POST, organisations=services.represented_choices(request.user))
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            bidder = auction_services.register_bidder(
                auction, actor=Actor.web(request.user), organisation=form.cleaned_data["organisation"]
            )
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"已报名，竞买号 {bidder.paddle_label}。请按竞价须知缴纳保证金，组织机构确认后即可出价。",
            )
    return redirect("market:auction", pk=auction.pk)


@require_POST
def lot_bid(request: HttpRequest, pk: int) -> HttpResponse:
    lot = get_object_or_404(
        AuctionLot.objects.filter(auction__in=Auction.objects.visible_to(request.user)), pk=pk
    )
    if not can_take_part(request.user):
        return deny(request)
    form = BidForm(request.POST, organisations=services.represented_choices(request.user))
    if not form.is_valid():
        form_errors(request, form)
    else:
        try:
            bid = auction_services.place_bid(
                lot,
                actor=Actor.web(request.user),
                organisation=form.cleaned_data["organisation"],
                amount=form.cleaned_data["amount"],
            )
        except (Refused, ValidationError) as exc:
            messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            lot.refresh_from_db()
            sold = "，已达到保留价，成交" if lot.status == "sold" else ""
            messages.success(
                request,
                f"标的 {lot.number} 第 {bid.round} 轮出价 {format_yuan_exact(bid.amount)} 已记录{sold}。",
            )
    return redirect("market:auction", pk=lot.auction_id)


def _auction_guard(user: Any) -> bool:
    return signed_in(user)


def _auction_back(request: HttpRequest, auction: Auction) -> str:
    return reverse("market:auction", args=[auction.pk])


auction_action = action_view(
    AUCTION_WORKFLOW,
    {
        "publish": Door(
            lambda a, actor, data: auction_services.publish_auction(a, actor=actor),
            "竞价会已发布，开始接受报名。",
        ),
        "cancel": Door(keywords(auction_services.cancel_auction), "竞价会已取消。", ReasonForm),
        "close": Door(
            lambda a, actor, data: auction_services.close_auction(a, actor=actor), "竞价已结束，结果已公布。"
        ),
    },
    guard=_auction_guard,
    fetch=_auction,
    back=_auction_back,
)


def _bidder(request: HttpRequest, pk: int) -> AuctionBidder:
    return get_object_or_404(
        AuctionBidder.objects.filter(auction__in=Auction.objects.visible_to(request.user)).select_related(
            "auction"
        ),
        pk=pk,
    )


bidder_action = action_view(
    BIDDER_WORKFLOW,
    {
        "approve": Door(
            lambda b, actor, data: auction_services.approve_bidder(
                b, actor=actor, amount=data["amount"], received_on=data.get("received_on")
            ),
            "保证金已确认，竞买人可以出价。",
            DepositForm,
        ),
        "reject": Door(keywords(auction_services.reject_bidder), "已记录不予通过。", ReasonForm),
    },
    guard=_auction_guard,
    fetch=_bidder,
    back=lambda request, bidder: reverse("market:auction", args=[bidder.auction_id]),
)


# ---------------------------------------------------------------------------------------- 专利导航


@require_GET
def navigation(request: HttpRequest) -> HttpResponse:
    """The industries and chains with a map each."""
    all_scopes = list(scopes().values())
    return render(
        request,
        "market/navigation_list.html",
        {
            "industries": [s for s in all_scopes if s.kind == "industry"],
            "chains": [s for s in all_scopes if s.kind == "chain"],
        },
    )


@require_GET
def industry_map(request: HttpRequest, code: str) -> HttpResponse:
    scope = scopes().get(code)
    if scope is None:
        raise Http404
    found = navigation_maps.industry_map(request.user, scope, on=timezone.localdate())
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.industry_map_workbook(found), f"{scope.name} 专利地图.xlsx")
    return render(request, "market/industry_map.html", {"map": found, "chart_data": found.chart_data()})


@require_GET
def deal_statistics(request: HttpRequest) -> HttpResponse:
    """交易统计: confirmed deals by year, district and kind (the deals the user may see)."""
    if not signed_in(request.user):
        return deny(request)
    rows = selectors.deal_statistics(request.user)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.deal_statistics_workbook(rows), "技术交易统计.xlsx")
    return render(request, "market/deal_statistics.html", {"rows": rows})
