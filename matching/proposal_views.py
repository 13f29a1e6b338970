"""Pages of proposals and linkages, for both sides."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from matching import selectors
from matching.services import side_of


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_visible(user=request.user, pk=pk)
    if proposal is None:
        raise Http404("Not found.")
    return render(
        request,
        "matching/proposal_detail.html",
        {
            "proposal": proposal,
            "side": side_of(request.user, proposal),
            "counterpart": selectors.proposal_counterpart(user=request.user, proposal=proposal),
        },
    )
