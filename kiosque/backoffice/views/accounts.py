"""Accounts for reviewers: search, one account's overview, the confirmed actions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kiosque.backoffice.flows import account_actions
from kiosque.backoffice.flows.accounts import overview, search_accounts
from kiosque.backoffice.forms import AccountActionForm, AccountSearchForm
from kiosque.backoffice.permissions import account_manager_required


def _user(pk):
    return get_object_or_404(get_user_model()._default_manager, pk=pk)


@account_manager_required
@require_GET
def account_list(request):
    form = AccountSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "backoffice/accounts.html",
        {
            "form": form,
            "accounts": search_accounts(text),
            "searched": bool(text),
            "section": "accounts",
        },
    )


@account_manager_required
@require_GET
def account_detail(request, pk):
    user = _user(pk)
    actions = [action for action in account_actions.ACTIONS.values() if action.applies(user)]
    return render(
        request,
        "backoffice/account_detail.html",
        {
            "account": overview(user),
            "actions": actions,
            "is_self": user.pk == request.user.pk,
            "section": "accounts",
        },
    )


@account_manager_required
@require_http_methods(["GET", "POST"])
def account_action(request, pk, action):
    user = _user(pk)
    chosen = account_actions.ACTIONS.get(action)
    if chosen is None:
        raise Http404
    form = AccountActionForm(request.POST or None, reason_required=chosen.reason_required)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                account_actions.perform(
                    chosen,
                    user,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except account_actions.ActionRefused as refused:
                messages.error(request, str(refused.args[0]))
                return redirect("backoffice:account_detail", pk=pk)
            messages.success(request, chosen.done)
            return redirect("backoffice:account_detail", pk=pk)
        status = 400
    return render(
        request,
        "backoffice/account_action.html",
        {"target": user, "action": chosen, "form": form, "section": "accounts"},
        status=status,
    )
