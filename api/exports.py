"""The exports (issue 9): a partner's reports, subsidy statement and books as XLSX workbooks over plain HTTP.

``GET /exports/partners/{partnerId}/<document>.xlsx?…`` with ``Authorization: Bearer …``:

- ``quarterly-report.xlsx?jalaliYear=&quarter=`` — `Partner.quarterlyReport` (Art. 4.8)
- ``yearly-report.xlsx?jalaliYear=`` — `Partner.yearlyReport` (Art. 7.6)
- ``child-follow-up-report.xlsx?jalaliYear=&month=`` — `Partner.childFollowUpReport` (seed 003)
- ``subsidy-statement.xlsx?jalaliYear=`` — `Partner.subsidyStatement` (Art. 6)
- ``ledger.xlsx`` — `Partner.ledger` with `ledgerBalance` (Art. 6.9), every entry, page by page

**Nothing here decides who may read what.** An export runs a GraphQL query through the app's own GraphQL view: its
``get_context`` (the token → the viewer, as for /graphql), the same schema and its extensions — the complexity limits,
the policy guard (auth/policy.py), the request transaction with the viewer's row-level-security settings and its
audit events (schema/transaction.py) — and the same error presentation (schema/errors.present_error). The answer is
then laid out as a sheet (api/workbooks.py). The fields the query selects are the document's; a field the reader's
role may not select (the office's `abuseConcernsHandled`) is left out of the query by the policy table's own
``may_select``, not refused, so that each reader exports what its GraphQL answer would hold.

**Errors** answer with the contract's error body, ``{"errors": [{"message", "extensions": {"code", "messageFa",
"field"?…}}]}``, and the HTTP status of its code: no or a refused token 401, FORBIDDEN 403, NOT_FOUND 404 (a partner
absent or outside the slice, or a document the GraphQL answer holds none of), BAD_USER_INPUT 400 (a missing or
non-numeric parameter, a partnerId that is not a Partner's ID, and every period the GraphQL field refuses).

**Audit.** An export whose query answered with its document is one event ``export <document> <parameters>`` naming
the partner, written in the transaction of the request that completed it (`Context.audit_result`): the query's only
request, or the books' last page. A refused export leaves none, as a refused GraphQL read leaves none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from typing import Any, Protocol

from graphql import GraphQLError
from openpyxl import Workbook
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.schema.base import BaseSchema
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api import workbooks
from auth.policy import may_select
from rules.persian import to_latin_digits
from schema.context import Context
from schema.errors import BadUserInput, NotFound, Unauthenticated, present_error
from schema.node import expect_id
from schema.pagination import MAX_PAGE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STATUS_OF_CODE = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "BAD_USER_INPUT": 400,
    "QUERY_TOO_COMPLEX": 400,
    "CONFLICT": 409,
    "QUOTA_EXCEEDED": 422,
    "RULE_VIOLATION": 422,
    "RATE_LIMITED": 429,
    "INTERNAL": 500,
}

LEDGER_PAGE = MAX_PAGE  # the books are read in the connections' largest pages

May = Callable[[str, str], bool]
"""Whether the reader's role may select `Type.field` (auth/policy.may_select for that role)."""


class GraphQLView(Protocol):
    """What an export uses of the app's GraphQL view (api/app.py, WelfareGraphQL)."""

    schema: BaseSchema

    async def get_context(self, request: Request, response: Any) -> Context: ...


@dataclass(frozen=True)
class Export:
    """One document: its name in the route, the query-string parameters it takes (Int variables of the same name),
    the GraphQL query it runs (given what the reader may select), and its layout. The query asks for the Partner
    (`node(id: $partnerId)`) and, under the alias `document`, the document — or, `paged`, for one page of the books
    after `$after`."""

    name: str
    params: tuple[str, ...]
    query: Callable[[May], str]
    layout: Callable[[Mapping[str, Any]], Workbook]
    paged: bool = False

    def filename(self, partner_pk: int, variables: Mapping[str, Any]) -> str:
        return "-".join([f"partner-{partner_pk}", self.name, *(str(variables[p]) for p in self.params)]) + ".xlsx"


def _partner_query(variables: str, selection: str) -> str:
    return (f"query Export($partnerId: ID!{variables}) {{ node(id: $partnerId) {{ ... on Partner {{ id name "
            f"{selection} }} }} }}")


_ACTIVITY = """{ jalaliYear quarter startsOnJalali endsOnJalali dueOnJalali interviews homeVisits individualEmployment
  groupEmployment peerGroupsFormed groupSessions trainings exits exitsByRoute { route count } filesHeld assessments
  servicesByKind { kind count } submission { submittedByUsername acknowledgedByUsername }
  differences { figure submitted now } }"""

QUARTERLY = _partner_query(", $jalaliYear: Int!, $quarter: Int!",
                           f"document: quarterlyReport(jalaliYear: $jalaliYear, quarter: $quarter) {_ACTIVITY}")
YEARLY = _partner_query(", $jalaliYear: Int!", f"document: yearlyReport(jalaliYear: $jalaliYear) {_ACTIVITY}")


def _child_follow_ups(may: May) -> str:
    handled = " abuseConcernsHandled" if may("ChildFollowUpReport", "abuseConcernsHandled") else ""
    return _partner_query(", $jalaliYear: Int!, $month: Int!", f"""document: childFollowUpReport(
  jalaliYear: $jalaliYear, month: $month) {{ jalaliYear month startsOnJalali endsOnJalali dueOnJalali childrenFollowed
  followUps followUpsByKind {{ kind count }} abuseConcerns{handled}
  submission {{ submittedByUsername acknowledgedByUsername }} differences {{ figure submitted now }} }}""")


STATEMENT = _partner_query(", $jalaliYear: Int!", """document: subsidyStatement(jalaliYear: $jalaliYear) { jalaliYear
  rehabilitableHeld rehabilitableExited nonRehabilitableExited exitRate exitOutcome missedYears filesToReturn
  unclassifiedFileMonths subsidyRials proposedBonusRials totalRials approved approvedOnJalali approvedBy
  lines { month { year month } fileId kind basis article count baseRials factor amountRials } }""")


def _ledger_page(_: May) -> str:
    """One page of the books (LEDGER_PAGE entries after `$after`), with their balance."""
    return _partner_query(", $after: String", f"""ledgerBalance ledger(first: {LEDGER_PAGE}, after: $after) {{
  totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ enteredOnJalali kind description
  family {{ fileNumber }} amountRials signedAmountRials reverses {{ enteredOnJalali }} recordedBy }} }} }}""")


def _ledger_layout(partner: Mapping[str, Any]) -> Workbook:
    return workbooks.ledger(partner, partner["entries"])


EXPORTS: tuple[Export, ...] = (
    Export("quarterly-report", ("jalaliYear", "quarter"), lambda _: QUARTERLY, workbooks.quarterly_report),
    Export("yearly-report", ("jalaliYear",), lambda _: YEARLY, workbooks.yearly_report),
    Export("child-follow-up-report", ("jalaliYear", "month"), _child_follow_ups, workbooks.child_follow_up_report),
    Export("subsidy-statement", ("jalaliYear",), lambda _: STATEMENT, workbooks.subsidy_statement),
    Export("ledger", (), _ledger_page, _ledger_layout, paged=True),
)


class _Refused(Exception):
    """An export refused with the contract's errors, as presented."""

    def __init__(self, errors: list[GraphQLError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def _int_param(request: Request, name: str) -> int:
    given = request.query_params.get(name, "").strip()
    if not given:
        raise BadUserInput(f"{name} is required.", f"مقدار {name} لازم است.", field=name)
    try:
        return int(to_latin_digits(given))
    except ValueError:
        raise BadUserInput(f"{name} must be a whole number.", f"{name} باید عدد صحیح باشد.", field=name) from None


def _served(export: Export, result: ExecutionResult) -> bool:
    """Whether ``result`` completes the export: the document there, and for the books their last page."""
    partner = None if result.errors else (result.data or {}).get("node")
    if not partner:
        return False
    if export.paged:
        page = partner.get("ledger")
        return page is not None and not page["pageInfo"]["hasNextPage"]
    return partner.get("document") is not None


def _audited(export: Export, partner_id: str, variables: Mapping[str, Any],
             ) -> Callable[[ExecutionResult], list[tuple[str, list[str]]]]:
    """The export's audit event, for the request that completes it (Context.audit_result)."""
    operation = " ".join(["export", export.name, *(f"{p}={variables[p]}" for p in export.params)])
    return lambda result: [(operation, [partner_id])] if _served(export, result) else []


async def _run(view: GraphQLView, context: Context, export: Export, variables: dict[str, Any],
               partner_id: str) -> dict[str, Any]:
    """The Partner of one GraphQL request in ``context``, executed as /graphql executes it; _Refused with the
    presented errors, NOT_FOUND when the partner is not in the viewer's slice or the reader has no such document."""
    context.audit_result = _audited(export, partner_id, variables)
    query = export.query(partial(may_select, context.viewer.role if context.viewer else None))
    result = await view.schema.execute(query, variable_values=variables, context_value=context,
                                       allowed_operation_types=(OperationType.QUERY,))
    if result.errors:
        raise _Refused([present_error(error, context.request_id) for error in result.errors])
    partner: dict[str, Any] | None = (result.data or {}).get("node")
    if not partner:  # absent, outside the slice, or the ID of another type: alike (docs/access.md rule 3)
        raise NotFound(field="partnerId")
    if not export.paged and partner["document"] is None:
        raise NotFound(field="jalaliYear")
    return partner


async def _answer(view: GraphQLView, request: Request, context: Context, export: Export,
                  variables: dict[str, Any], partner_id: str) -> dict[str, Any]:
    """The document's answer: one request, or for the books one request per page (each a request of its own, with a
    context of its own), the entries gathered."""
    if not export.paged:
        return await _run(view, context, export, variables, partner_id)
    entries: list[dict[str, Any]] = []
    after = None
    while True:
        partner = await _run(view, context, export, {**variables, "after": after}, partner_id)
        page = partner["ledger"]
        entries += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return {**partner, "entries": entries}
        after = page["pageInfo"]["endCursor"]
        context = await view.get_context(request, None)


def _error_response(errors: Sequence[GraphQLError]) -> JSONResponse:
    body = [{"message": error.message, "extensions": error.extensions} for error in errors]
    status = STATUS_OF_CODE.get((errors[0].extensions or {}).get("code", "INTERNAL"), 500)
    headers = {"www-authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"errors": body}, status_code=status, headers=headers)


def _endpoint(view: GraphQLView, export: Export) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        context = await view.get_context(request, None)
        partner_id = request.path_params["partner_id"]
        stream = BytesIO()
        try:
            if context.viewer is None:  # who, not what (what is the policy guard's): an export needs a valid token
                raise Unauthenticated()
            partner_pk = expect_id(partner_id, "Partner", "partnerId")
            variables: dict[str, Any] = {"partnerId": partner_id,
                                         **{name: _int_param(request, name) for name in export.params}}
            export.layout(await _answer(view, request, context, export, variables, partner_id)).save(stream)
        except _Refused as refused:
            return _error_response(refused.errors)
        except Exception as error:  # the contract's errors as they are; anything else logged, and masked as INTERNAL
            return _error_response([present_error(GraphQLError(str(error), original_error=error),
                                                  context.request_id)])
        return Response(stream.getvalue(), media_type=XLSX, headers={
            "content-disposition": f'attachment; filename="{export.filename(partner_pk, variables)}"',
            "cache-control": "no-store"})

    return endpoint


def export_routes(view: GraphQLView) -> list[Route]:
    """The exports' routes, executing through ``view``, the app's GraphQL view."""
    return [Route(f"/exports/partners/{{partner_id}}/{export.name}.xlsx", _endpoint(view, export), methods=["GET"])
            for export in EXPORTS]
